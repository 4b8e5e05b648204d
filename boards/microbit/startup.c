/* BBC micro:bit: the vector table. Reset and faults are handled by
 * boards/common/startup_cortex_m.c; every interrupt is unexpected. */
#include "board.h"
#include "startup_cortex_m.h"

extern uint32_t __stack_top[];

/* The nRF51 has 26 interrupt lines (0..25); none is used here. */
#define N_IRQ 26

__attribute__((section(".vectors"), used))
const board_vector_t board_vectors[16 + N_IRQ] = {
    [0] = { .stack_top = __stack_top },
    [1] = { .handler = board_reset_handler },
    [2] = { .handler = board_fault_handler },   /* NMI */
    [3] = { .handler = board_fault_handler },   /* HardFault */
    [11] = { .handler = board_unexpected_irq }, /* SVCall */
    [14] = { .handler = board_unexpected_irq }, /* PendSV */
    [15] = { .handler = board_unexpected_irq }, /* SysTick */
#define IRQ(n) [16 + (n)] = { .handler = board_unexpected_irq }
    IRQ(0), IRQ(1), IRQ(2), IRQ(3), IRQ(4), IRQ(5), IRQ(6), IRQ(7), IRQ(8), IRQ(9),
    IRQ(10), IRQ(11), IRQ(12), IRQ(13), IRQ(14), IRQ(15), IRQ(16), IRQ(17), IRQ(18),
    IRQ(19), IRQ(20), IRQ(21), IRQ(22), IRQ(23), IRQ(24), IRQ(25),
#undef IRQ
};

void board_cpu_init(void)
{
}

void board_hw_init(void)
{
}

uint32_t board_millis(void)
{
    return 0;
}
