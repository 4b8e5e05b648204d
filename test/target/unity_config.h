/* Unity's configuration for the target suites (Unity reads it when
 * UNITY_INCLUDE_CONFIG_H is defined): output through the board's console,
 * 64-bit integers on 32-bit CPUs, and no floating point, which nothing
 * here needs and which would pull a soft-float library into a Cortex-M0. */
#ifndef UNITY_CONFIG_H
#define UNITY_CONFIG_H

#define UNITY_SUPPORT_64
#define UNITY_EXCLUDE_FLOAT
#define UNITY_EXCLUDE_DOUBLE

void board_putc(char c);
void board_flush(void);
#define UNITY_OUTPUT_CHAR(c) board_putc((char)(c))
#define UNITY_OUTPUT_FLUSH() board_flush()

#endif /* UNITY_CONFIG_H */
