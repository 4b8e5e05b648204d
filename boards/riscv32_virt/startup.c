/* QEMU RISC-V "virt", 32-bit, machine mode: start code, trap reporting,
 * the flash write protection and the clock. */
#include "board.h"

/* Reset: gp and sp, then the trap vector, then the shared C start. gp is
 * loaded without relaxation (relaxed, it would be loaded relative to
 * itself). The CSR instructions are Zicsr, which GCC 12's -march=rv32imc
 * no longer implies. */
__asm__(".section .entry,\"ax\",@progbits\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "    .option push\n"
        "    .option norelax\n"
        "    la gp, __global_pointer$\n"
        "    .option pop\n"
        "    la sp, __stack_top\n"
        "    la t0, board_trap_entry\n"
        "    .option push\n"
        "    .option arch, +zicsr\n"
        "    csrw mtvec, t0\n"
        "    .option pop\n"
        "    call board_reset_handler\n"
        ".size _start, . - _start\n");

/* Any trap is fatal here (nothing enables interrupts): report it from a
 * fresh stack, since the old one may be what went wrong. */
__asm__(".section .text.board_trap_entry,\"ax\",@progbits\n"
        ".balign 4\n"
        ".globl board_trap_entry\n"
        "board_trap_entry:\n"
        "    .option push\n"
        "    .option arch, +zicsr\n"
        "    csrr a0, mcause\n"
        "    csrr a1, mepc\n"
        "    csrr a2, mtval\n"
        "    .option pop\n"
        "    mv a3, sp\n"
        "    la sp, __stack_top\n"
        "    call board_trap_report\n");

void board_trap_report(uint32_t mcause, uint32_t mepc, uint32_t mtval, uint32_t sp);
void board_trap_report(uint32_t mcause, uint32_t mepc, uint32_t mtval, uint32_t sp)
{
    board_flush();
    board_puts("\nboard: trap, mcause ");
    board_put_hex(mcause);
    board_puts(" mepc ");
    board_put_hex(mepc);
    board_puts(" mtval ");
    board_put_hex(mtval);
    board_puts(" sp ");
    board_put_hex(sp);
    board_puts("\n");
    board_exit(BOARD_EXIT_CRASH);
}

/* The flash region: read and execute, no write, locked so that it holds
 * in machine mode too. A stack that overflows into .rodata, or a stray
 * write into code, traps instead of corrupting it. NAPOT encoding: the
 * base over 4, with the low bits set to give the size (1 MB). */
#define FLASH_BASE 0x80000000u
#define FLASH_SIZE 0x00100000u
#define PMP_R 0x01u
#define PMP_X 0x04u
#define PMP_NAPOT 0x18u
#define PMP_L 0x80u

void board_cpu_init(void)
{
    uint32_t addr = (FLASH_BASE >> 2) | ((FLASH_SIZE >> 3) - 1u);
    uint32_t cfg = PMP_L | PMP_NAPOT | PMP_X | PMP_R;
    __asm__ volatile(".option push\n\t.option arch, +zicsr\n\t"
                     "csrw pmpaddr0, %0\n\tcsrw pmpcfg0, %1\n\t.option pop"
                     ::"r"(addr), "r"(cfg) : "memory");
}

void board_hw_init(void)
{
}

/* mtime is 64 bits read as two halves: read high, low, high again until
 * the high half did not change in between. */
static uint64_t mtime(void)
{
    volatile const uint32_t *lo = (volatile const uint32_t *)BOARD_CLINT_MTIME;
    volatile const uint32_t *hi = lo + 1;
    uint32_t h, l;
    do {
        h = *hi;
        l = *lo;
    } while (*hi != h);
    return ((uint64_t)h << 32) | l;
}

uint32_t board_millis(void)
{
    return (uint32_t)(mtime() / (BOARD_MTIME_HZ / 1000u));
}
