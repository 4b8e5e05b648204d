/**
 * @file board_common.h
 * @brief What every emulated board offers a program: a console, an exit
 *        status the host sees, a millisecond clock where the board has
 *        one, and stack painting to measure how deep a piece of code went.
 *
 * board_reset_handler() runs board_cpu_init(), sets up .data and .bss,
 * runs board_hw_init(), then main(); main's return value goes to
 * board_exit(). Console and exit
 * go through semihosting (semihosting.h), so under QEMU they reach QEMU's
 * own output and exit status; nothing needs a UART driver.
 *
 * Each board's board.h includes this header and adds its own facts
 * (clock rate, memory, peripheral addresses).
 */
#ifndef HC_BOARD_COMMON_H
#define HC_BOARD_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/** Exit status of a program that crashed (a fault or a trap). A test
 *  program's status is its failure count, which is capped below this. */
#define BOARD_EXIT_CRASH 255

/**
 * Where every board's program starts (the reset vector on a Cortex-M; the
 * RISC-V start code calls it once the stack pointer is set): runs
 * board_cpu_init(), copies .data, clears .bss, runs board_hw_init(), then
 * main(), and passes main's result to board_exit().
 */
__attribute__((noreturn)) void board_reset_handler(void);

/**
 * The board's first step after reset, before .data and .bss exist: only
 * what must come before any other code (on a Cortex-M4F, enabling the FPU).
 * Provided by each board.
 */
void board_cpu_init(void);

/** Devices the board's programs rely on (e.g. the SysTick clock), after
 *  .data and .bss are set up. Provided by each board. */
void board_hw_init(void);

/**
 * Append one character to the console. Output is kept in a line buffer
 * and written at each newline, when the buffer is full, and at exit.
 * @param[in] c the character.
 */
void board_putc(char c);

/**
 * Write a NUL-terminated string to the console.
 * @param[in] s the string; NULL writes nothing.
 */
void board_puts(const char *s);

/**
 * Write @p v in hexadecimal ("0x" and eight digits) to the console.
 * @param[in] v the value.
 */
void board_put_hex(uint32_t v);

/** Write out what the console holds. */
void board_flush(void);

/**
 * End the program: flush the console and report @p status to the host
 * (under QEMU, QEMU exits with it). Never returns; without a host that
 * listens, the core stops in a loop.
 * @param[in] status 0..255; other values are reported as 255.
 */
__attribute__((noreturn)) void board_exit(int status);

/**
 * Milliseconds since board_hw_init() (wraps at 2^32).
 * @return the board's clock, or 0 on a board without one
 *         (BOARD_HAS_MILLIS is 0 in its board.h).
 */
uint32_t board_millis(void);

/* ------------------------------------------------------ stack measurement */

/** Where a measurement started. */
typedef struct board_stack_mark {
    uintptr_t top;     /**< the stack pointer when painting */
} board_stack_mark_t;

/**
 * Paint the free part of the stack (from its lowest address up to the
 * current stack pointer) with a known word, and remember where it ended.
 * Call it in the function whose callees are to be measured.
 * @param[out] mark receives the stack pointer at painting.
 */
void board_stack_paint(board_stack_mark_t *mark);

/**
 * How deep the stack went below the mark since board_stack_paint(): the
 * distance from @p mark to the lowest word that no longer holds the paint
 * (interrupts that ran meanwhile included).
 * @param[in]  mark        from board_stack_paint().
 * @param[out] overflowed  set true when even the stack's lowest word was
 *                         overwritten (the stack overflowed or nearly did);
 *                         may be NULL.
 * @return bytes used below the mark.
 */
size_t board_stack_used(const board_stack_mark_t *mark, bool *overflowed);

/** Size of the stack region the linker script reserved, in bytes. */
size_t board_stack_size(void);

#endif /* HC_BOARD_COMMON_H */
