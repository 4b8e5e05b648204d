/* The board API on the build machine. See board.h. */
#define _POSIX_C_SOURCE 200809L
#include "board.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void board_cpu_init(void)
{
}

void board_hw_init(void)
{
}

void board_putc(char c)
{
    (void)putchar(c);
}

void board_puts(const char *s)
{
    if (s)
        (void)fputs(s, stdout);
}

void board_put_hex(uint32_t v)
{
    (void)printf("0x%08lx", (unsigned long)v);
}

void board_flush(void)
{
    (void)fflush(stdout);
}

void board_exit(int status)
{
    board_flush();
    exit(status >= 0 && status <= 255 ? status : 255);
}

uint32_t board_millis(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

void board_stack_paint(board_stack_mark_t *mark)
{
    mark->top = 0;
}

size_t board_stack_used(const board_stack_mark_t *mark, bool *overflowed)
{
    (void)mark;
    if (overflowed)
        *overflowed = false;
    return 0;
}

size_t board_stack_size(void)
{
    return 0;
}
