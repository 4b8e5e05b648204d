/**
 * @file startup_cortex_m.h
 * @brief The handlers a Cortex-M board's vector table points at.
 */
#ifndef HC_STARTUP_CORTEX_M_H
#define HC_STARTUP_CORTEX_M_H

#include <stdint.h>

/** One vector table entry: the initial stack pointer, or a handler. */
typedef union board_vector {
    const void *stack_top;       /**< entry 0 */
    void (*handler)(void);       /**< every other entry */
} board_vector_t;

/** NMI, HardFault and the other faults: print where it happened (and on
 *  ARMv7-M the fault status registers), then exit with BOARD_EXIT_CRASH. */
void board_fault_handler(void);

/** Any exception or interrupt the program did not ask for: report it and
 *  exit with BOARD_EXIT_CRASH. Boards alias their unused handlers to it. */
void board_unexpected_irq(void);

#endif /* HC_STARTUP_CORTEX_M_H */
