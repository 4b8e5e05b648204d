/* Semihosting calls for Thumb (Cortex-M) and RISC-V. See semihosting.h. */
#include "semihosting.h"

#include <stddef.h>

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

/* SYS_OPEN's modes are fopen()'s, numbered. */
#define OPEN_MODE_RB 1u
#define OPEN_MODE_WB 5u

static size_t length_of(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

static intptr_t open_file(const char *path, uintptr_t mode)
{
    /* Parameter blocks are volatile: the host reads them, the compiler
     * cannot see that. */
    volatile uintptr_t block[3] = { (uintptr_t)path, mode, length_of(path) };
    return (intptr_t)semihosting_call(SEMIHOSTING_SYS_OPEN, (uintptr_t)block);
}

static void close_file(intptr_t handle)
{
    volatile uintptr_t block[1] = { (uintptr_t)handle };
    (void)semihosting_call(SEMIHOSTING_SYS_CLOSE, (uintptr_t)block);
}

long semihosting_file_read(const char *path, uint8_t *buf, uint32_t cap)
{
    intptr_t h = open_file(path, OPEN_MODE_RB);
    if (h < 0)
        return -1;
    volatile uintptr_t flen[1] = { (uintptr_t)h };
    intptr_t len = (intptr_t)semihosting_call(SEMIHOSTING_SYS_FLEN, (uintptr_t)flen);
    long result = -1;
    if (len >= 0 && (uintptr_t)len <= cap) {
        /* SYS_READ answers the number of bytes it did NOT read. */
        volatile uintptr_t block[3] = { (uintptr_t)h, (uintptr_t)buf, (uintptr_t)len };
        if (semihosting_call(SEMIHOSTING_SYS_READ, (uintptr_t)block) == 0)
            result = (long)len;
    }
    close_file(h);
    return result;
}

int semihosting_file_write(const char *path, const uint8_t *data, uint32_t len)
{
    intptr_t h = open_file(path, OPEN_MODE_WB);
    if (h < 0)
        return -1;
    /* SYS_WRITE answers the number of bytes it did NOT write. */
    volatile uintptr_t block[3] = { (uintptr_t)h, (uintptr_t)data, len };
    uintptr_t left = semihosting_call(SEMIHOSTING_SYS_WRITE, (uintptr_t)block);
    close_file(h);
    return left == 0 ? 0 : -1;
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
