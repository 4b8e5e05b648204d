/**
 * @file board.h
 * @brief QEMU's RISC-V "virt" machine as a 32-bit microcontroller
 *        (RV32IMAC core; programs are built for RV32IMC, the ESP32-C3's
 *        instruction set): 1 MB of write-protected "flash" and 256 KB of
 *        RAM carved from its DRAM, machine mode only, and the CLINT's
 *        10 MHz timer as the clock.
 *
 * Program under QEMU:
 *   qemu-system-riscv32 -M virt -bios none -nographic
 *                       -semihosting-config enable=on,target=native -kernel program.elf
 */
#ifndef HC_BOARD_H
#define HC_BOARD_H

#include "board_common.h"

#define BOARD_MEASURES_STACK 1
#define BOARD_NAME "riscv32_virt"
#define BOARD_CPU "RV32IMC"
#define BOARD_HAS_MILLIS 1
/** The CLINT's machine timer (mtime) counts at 10 MHz on "virt". */
#define BOARD_MTIME_HZ 10000000u
#define BOARD_CLINT_MTIME 0x0200bff8u
/** NS16550A UART. */
#define BOARD_UART0_BASE 0x10000000u

#endif /* HC_BOARD_H */
