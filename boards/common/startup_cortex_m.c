/* Fault and stray interrupt handling shared by the Cortex-M boards
 * (ARMv6-M and ARMv7-M). Each board's startup.c holds its vector table,
 * pointing at board_reset_handler (board_common.c) and these. */
#include "board_common.h"
#include "startup_cortex_m.h"

/* ARMv7-M fault status registers (ARMv7-M ARM, B3.2.15 to B3.2.18). */
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)

/* Called with the stacked exception frame: r0-r3, r12, lr, pc, xpsr. */
void board_fault_report(const uint32_t *frame, uint32_t exc_return);
void board_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    board_flush();
    board_puts("\nboard: fault, exception ");
    board_put_hex(ipsr & 0x1ffu);
    board_puts(" pc ");
    board_put_hex(frame[6]);
    board_puts(" lr ");
    board_put_hex(frame[5]);
    board_puts(" sp ");
    board_put_hex((uint32_t)(uintptr_t)frame);
#if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
    board_puts(" cfsr ");
    board_put_hex(SCB_CFSR);
    board_puts(" hfsr ");
    board_put_hex(SCB_HFSR);
    board_puts(" bfar ");
    board_put_hex(SCB_BFAR);
    board_puts(" mmfar ");
    board_put_hex(SCB_MMFAR);
#endif
    (void)exc_return;
    board_puts("\n");
    board_exit(BOARD_EXIT_CRASH);
}

/* Finds the frame on whichever stack was in use (bit 2 of EXC_RETURN) and
 * hands it over; Thumb-1 only, so the same code serves ARMv6-M. */
__asm__(".section .text.board_fault_handler,\"ax\",%progbits\n"
        ".syntax unified\n"
        ".thumb\n"
        ".balign 4\n"
        ".globl board_fault_handler\n"
        ".type board_fault_handler, %function\n"
        ".thumb_func\n"
        "board_fault_handler:\n"
        "    mov r1, lr\n"
        "    movs r2, #4\n"
        "    tst r1, r2\n"
        "    bne 1f\n"
        "    mrs r0, msp\n"
        "    b 2f\n"
        "1:  mrs r0, psp\n"
        "2:  ldr r2, =board_fault_report\n"
        "    bx r2\n"
        "    .ltorg\n"
        ".size board_fault_handler, . - board_fault_handler\n");

void board_unexpected_irq(void)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    board_flush();
    board_puts("\nboard: unexpected exception ");
    board_put_hex(ipsr & 0x1ffu);
    board_puts("\n");
    board_exit(BOARD_EXIT_CRASH);
}
