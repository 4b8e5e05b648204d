/**
 * @file board.h
 * @brief BBC micro:bit (v1): Nordic nRF51822, a Cortex-M0 (ARMv6-M: an
 *        unaligned access faults) with 256 KB of flash and 16 KB of RAM,
 *        as QEMU's `-M microbit` emulates it.
 *
 * Program under QEMU:
 *   qemu-system-arm -M microbit -nographic -semihosting-config enable=on,target=native
 *                   -kernel program.elf
 */
#ifndef HC_BOARD_H
#define HC_BOARD_H

#include "board_common.h"

#define BOARD_MEASURES_STACK 1
#define BOARD_NAME "microbit"
#define BOARD_CPU "Cortex-M0"
#define BOARD_FLASH_BYTES (256u * 1024u)
#define BOARD_RAM_BYTES (16u * 1024u)
/** No clock: the nRF51 has no SysTick, and QEMU does not emulate its RTC.
 *  board_millis() returns 0. */
#define BOARD_HAS_MILLIS 0

#endif /* HC_BOARD_H */
