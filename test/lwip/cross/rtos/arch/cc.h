/* Compiler glue for the RTOS cross-compile check (see ../lwipopts.h). */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdint.h>

#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { } while (0)
#define LWIP_TIMEVAL_PRIVATE 0
#include <sys/time.h>

typedef uint32_t sys_prot_t;
uint32_t board_random32(void);
#define LWIP_RAND() ((u32_t)board_random32())

#endif /* LWIP_ARCH_CC_H */
