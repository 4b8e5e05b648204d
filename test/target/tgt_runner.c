/* See tgt_runner.h. */
#include "tgt_runner.h"

#include <stdbool.h>
#include <stddef.h>
#include "board.h"
#include "unity.h"

static unsigned stack_overflows;

/* Unity calls these around every test; the suites keep no per-test state
 * that needs them. */
void setUp(void)
{
}

void tearDown(void)
{
}

void tgt_begin(const char *suite)
{
    UnityBegin(suite);
    board_puts("board " BOARD_NAME ", CPU " BOARD_CPU "\n");
}

void tgt_group(const char *name, void (*group)(void))
{
    board_stack_mark_t mark;
    board_stack_paint(&mark);
    group();
    bool overflowed = false;
    size_t used = board_stack_used(&mark, &overflowed);
#if BOARD_MEASURES_STACK
    board_puts("stack ");
    board_puts(name);
    board_putc(' ');
    UnityPrintNumberUnsigned((UNITY_UINT)used);
    board_puts(overflowed ? " OVERFLOW\n" : "\n");
#else
    (void)name;
    (void)used;
#endif
    if (overflowed)
        stack_overflows++;
}

int tgt_end(void)
{
    unsigned failures = (unsigned)UnityEnd() + stack_overflows;
    return failures > 254u ? 254 : (int)failures;
}
