/**
 * @file board.h
 * @brief Arm MPS2 with the AN386 FPGA image: a Cortex-M4F at 25 MHz with
 *        4 MB of code RAM at 0, 4 MB of data RAM at 0x20000000, CMSDK
 *        UARTs and timers, and a LAN9118 Ethernet controller, as QEMU's
 *        `-M mps2-an386` emulates it.
 *
 * The start-up code enables the FPU and runs SysTick at 1 kHz for
 * board_millis(). Interrupt handlers follow CMSIS's names
 * (ETHERNET_IRQHandler, UART0RX_IRQHandler, ...): define one to take its
 * interrupt; the others report an unexpected interrupt and exit.
 *
 * Program under QEMU:
 *   qemu-system-arm -M mps2-an386 -nographic -semihosting-config enable=on,target=native
 *                   -kernel program.elf
 */
#ifndef HC_BOARD_H
#define HC_BOARD_H

#include "board_common.h"

#define BOARD_MEASURES_STACK 1
#define BOARD_NAME "mps2_an386"
#define BOARD_CPU "Cortex-M4F"
#define BOARD_HAS_MILLIS 1
/** Core clock, which SysTick counts. */
#define BOARD_CPU_HZ 25000000u

/** LAN9118 Ethernet controller (QEMU models it in place of the LAN9220). */
#define BOARD_LAN9118_BASE 0x40200000u
/** CMSDK APB UART 0 (further UARTs at 0x40005000, 0x40006000, 0x40007000, 0x40009000). */
#define BOARD_UART0_BASE 0x40004000u

/** External interrupt numbers (NVIC lines) of the AN386 image. */
enum board_irq {
    BOARD_IRQ_UART0RX = 0, BOARD_IRQ_UART0TX = 1,
    BOARD_IRQ_UART1RX = 2, BOARD_IRQ_UART1TX = 3,
    BOARD_IRQ_UART2RX = 4, BOARD_IRQ_UART2TX = 5,
    BOARD_IRQ_TIMER0 = 8, BOARD_IRQ_TIMER1 = 9, BOARD_IRQ_DUALTIMER = 10,
    BOARD_IRQ_UARTOVF = 12, BOARD_IRQ_ETHERNET = 13,
    BOARD_IRQ_UART3RX = 18, BOARD_IRQ_UART3TX = 19,
    BOARD_IRQ_UART4RX = 20, BOARD_IRQ_UART4TX = 21,
    BOARD_IRQ_COUNT = 32
};

/**
 * Let interrupt line @p irq through the NVIC (its handler must exist).
 * @param[in] irq a board_irq value.
 */
void board_irq_enable(enum board_irq irq);

/**
 * Stop interrupt line @p irq at the NVIC.
 * @param[in] irq a board_irq value.
 */
void board_irq_disable(enum board_irq irq);

#endif /* HC_BOARD_H */
