/* lwIP's compiler and platform glue for arm-none-eabi-gcc with newlib on
 * Cortex-M. lwIP's arch.h provides the rest (stdint types, byte order:
 * little-endian). */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdint.h>

/* No console: diagnostics vanish, and a failed assertion stops in the debugger. */
#define LWIP_PLATFORM_DIAG(x) do { } while (0)
void board_fatal(const char *why);
#define LWIP_PLATFORM_ASSERT(x) board_fatal(x)

/* Random numbers for TCP ports and sequence numbers, DNS ids, and the
 * client's run ids and back-off jitter: the MCU's hardware generator. */
uint32_t board_random32(void);
#define LWIP_RAND() ((u32_t)board_random32())

#endif /* LWIP_ARCH_CC_H */
