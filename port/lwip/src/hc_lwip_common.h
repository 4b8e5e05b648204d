/* Clock and randomness shared by both faces of the lwIP port (private). */
#ifndef HC_LWIP_COMMON_H
#define HC_LWIP_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include "lwip/opt.h"
#include "lwip/arch.h"
#include "lwip/sys.h"

/* lwIP's clock is already milliseconds wrapping at 2^32, as the contract wants. */
static inline uint32_t hc_lwip_now(void *ctx)
{
    (void)ctx;
    return (uint32_t)sys_now();
}

#ifdef LWIP_RAND
static inline int hc_lwip_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(LWIP_RAND() >> 8);
    return 0;
}
#define HC_LWIP_RANDOM hc_lwip_random
#else
#define HC_LWIP_RANDOM NULL
#endif

#endif /* HC_LWIP_COMMON_H */
