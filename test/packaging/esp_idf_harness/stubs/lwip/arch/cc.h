/* Test stand-in: lwIP's compiler/platform glue for a newlib target. */
#ifndef HC_HARNESS_ARCH_CC_H
#define HC_HARNESS_ARCH_CC_H
#include <stdint.h>
#include <sys/time.h>
#define LWIP_PLATFORM_DIAG(x)
#define LWIP_PLATFORM_ASSERT(x)
#endif
