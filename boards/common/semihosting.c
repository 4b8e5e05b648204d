/* Semihosting calls for Thumb (Cortex-M) and RISC-V. See semihosting.h. */
#include "semihosting.h"

#if defined(__arm__) && defined(__thumb__)
/* r0 = operation, r1 = argument; the result comes back in r0. */
__asm__(".section .text.semihosting_call,\"ax\",%progbits\n"
        ".syntax unified\n"
        ".thumb\n"
        ".balign 4\n"
        ".globl semihosting_call\n"
        ".type semihosting_call, %function\n"
        ".thumb_func\n"
        "semihosting_call:\n"
        "    bkpt 0xab\n"
        "    bx lr\n"
        ".size semihosting_call, . - semihosting_call\n");
#elif defined(__riscv)
/* a0 = operation, a1 = argument; the result comes back in a0. The host
 * recognises the call only by this exact sequence of three uncompressed
 * instructions, so the function is aligned to keep them in one page. */
__asm__(".section .text.semihosting_call,\"ax\",@progbits\n"
        ".balign 16\n"
        ".globl semihosting_call\n"
        ".type semihosting_call, @function\n"
        "semihosting_call:\n"
        "    .option push\n"
        "    .option norvc\n"
        "    slli x0, x0, 0x1f\n"
        "    ebreak\n"
        "    srai x0, x0, 7\n"
        "    .option pop\n"
        "    ret\n"
        ".size semihosting_call, . - semihosting_call\n");
#else
#error "semihosting.c: Thumb or RISC-V only"
#endif

void semihosting_write0(const char *s)
{
    (void)semihosting_call(SEMIHOSTING_SYS_WRITE0, (uintptr_t)s);
}

void semihosting_exit(uint32_t status)
{
    /* The parameter block of SYS_EXIT_EXTENDED: reason, then status
     * (volatile: the host reads it, the compiler cannot see that). */
    volatile uintptr_t block[2] = { SEMIHOSTING_ADP_STOPPED_APPLICATION_EXIT, status };
    (void)semihosting_call(SEMIHOSTING_SYS_EXIT_EXTENDED, (uintptr_t)block);
    /* Not supported: SYS_EXIT on a 32-bit core takes the reason itself. */
    (void)semihosting_call(SEMIHOSTING_SYS_EXIT, status == 0 ? SEMIHOSTING_ADP_STOPPED_APPLICATION_EXIT
                                                             : SEMIHOSTING_ADP_STOPPED_RUNTIME_ERROR);
    for (;;) {
    }
}
