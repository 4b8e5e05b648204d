/* What every board shares: the reset sequence, the console over
 * semihosting, the exit status, and stack painting. See board_common.h. */
#include "board_common.h"

#include <string.h>
#include "semihosting.h"

/* From the linker script (boards/common/sections.ld). */
extern uint32_t __stack_bottom[], __stack_top[];
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];

int main(void);

void board_reset_handler(void)
{
    board_cpu_init();
    memcpy(__data_start, __data_load, (size_t)((uintptr_t)__data_end - (uintptr_t)__data_start));
    memset(__bss_start, 0, (size_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start));
    board_hw_init();
    board_exit(main());
}

/* ----------------------------------------------------------------- console */

/* One line of output: every semihosting call stops the emulated CPU and
 * costs a round trip to the host, so output is written a line at a time. */
#define CONSOLE_LINE 128
static char line[CONSOLE_LINE + 1];
static size_t line_len;

void board_flush(void)
{
    if (line_len == 0)
        return;
    line[line_len] = '\0';
    semihosting_write0(line);
    line_len = 0;
}

void board_putc(char c)
{
    if (c == '\0')
        return;  /* SYS_WRITE0 would end the line there */
    line[line_len++] = c;
    if (c == '\n' || line_len == CONSOLE_LINE)
        board_flush();
}

void board_puts(const char *s)
{
    if (!s)
        return;
    while (*s)
        board_putc(*s++);
}

void board_put_hex(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    board_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        board_putc(digits[(v >> shift) & 0xfu]);
}

void board_exit(int status)
{
    board_flush();
    semihosting_exit(status >= 0 && status <= 255 ? (uint32_t)status : 255u);
}

/* ------------------------------------------------------------------- stack */

/* What free stack holds after painting: unlikely as data, and as an
 * address it is odd and outside every board's memory. */
#define STACK_PAINT 0xa5a5a5a5u

/* The stack pointer of the caller's frame, near enough: this function's
 * own frame lies just below it and is part of what gets painted over. */
static inline uintptr_t stack_pointer(void)
{
    uintptr_t sp;
#if defined(__arm__)
    __asm__ volatile("mov %0, sp" : "=r"(sp));
#elif defined(__riscv)
    __asm__ volatile("mv %0, sp" : "=r"(sp));
#else
#error "board_common.c: Arm or RISC-V only"
#endif
    return sp;
}

void board_stack_paint(board_stack_mark_t *mark)
{
    uintptr_t sp = stack_pointer();
    mark->top = sp;
    /* Everything below the stack pointer is free; painting it from a loop
     * that keeps its state in registers touches nothing in use. */
    for (volatile uint32_t *p = __stack_bottom; (uintptr_t)p < sp; p++)
        *p = STACK_PAINT;
}

size_t board_stack_used(const board_stack_mark_t *mark, bool *overflowed)
{
    const volatile uint32_t *p = __stack_bottom;
    while ((uintptr_t)p < mark->top && *p == STACK_PAINT)
        p++;
    if (overflowed)
        *overflowed = p == __stack_bottom;
    return mark->top - (uintptr_t)p;
}

size_t board_stack_size(void)
{
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)__stack_bottom);
}
