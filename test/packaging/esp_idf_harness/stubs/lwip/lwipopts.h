/* Test stand-in: an lwIP configuration shaped like ESP-IDF's (see README.md). */
#ifndef HC_HARNESS_LWIPOPTS_H
#define HC_HARNESS_LWIPOPTS_H
#include <stdint.h>
#define NO_SYS                  0
#define LWIP_IPV4               1
#define LWIP_IPV6               1
#define LWIP_TCP                1
#define LWIP_UDP                1
#define LWIP_DNS                1
#define LWIP_NETCONN            1
#define LWIP_SOCKET             1
#define LWIP_COMPAT_SOCKETS     1  /* lwIP's default: BSD names as macros */
#define LWIP_POSIX_SOCKETS_IO_NAMES 1
#define LWIP_SOCKET_POLL        1
#define LWIP_SO_RCVTIMEO        1
#define LWIP_SO_SNDTIMEO        1
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_TIMEVAL_PRIVATE    0
#define LWIP_ERRNO_STDINCLUDE   1
#define MEM_ALIGNMENT           4
uint32_t esp_random(void);
#define LWIP_RAND() ((u32_t)esp_random())
#endif
