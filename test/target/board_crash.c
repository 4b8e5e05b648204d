/* The board harness's own check: a program that faults must end the run
 * with BOARD_EXIT_CRASH and say where, never hang or pass. On a Cortex-M0
 * the fault is an unaligned word load (ARMv6-M traps every one; the reason
 * the library is tested there), elsewhere an undefined instruction. Before
 * that, the board's clock must tick. run_target.py --expect-crash judges it. */
#include <stdint.h>
#include "board.h"

int main(void)
{
    board_puts("crash test on " BOARD_NAME ", CPU " BOARD_CPU "\n");
#if BOARD_HAS_MILLIS
    uint32_t t0 = board_millis();
    for (uint32_t i = 0; i < 100000000u && board_millis() == t0; i++) {
    }
    if (board_millis() == t0) {
        board_puts("clock: stuck\n");
        return 1;
    }
    board_puts("clock: ticks\n");
#endif
    static volatile uint32_t words[2] = { 0x11223344u, 0x55667788u };
#if defined(__ARM_ARCH_6M__)
    /* Through a volatile, or GCC sees the odd address and loads bytes. */
    static volatile uintptr_t odd_address;
    odd_address = (uintptr_t)words + 1u;
    const volatile uint32_t *odd = (const volatile uint32_t *)odd_address;
    board_puts("unaligned load\n");
    uint32_t v = *odd;
#else
    board_puts("undefined instruction\n");
    __builtin_trap();
    uint32_t v = words[0];
#endif
    board_puts("no fault: ");
    board_put_hex(v);
    board_puts("\n");
    return 0;
}
