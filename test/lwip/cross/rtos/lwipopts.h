/* lwIP options of a typical RTOS build (NO_SYS=0, sockets, DNS), used only
 * to cross-compile the port's sockets face for Cortex-M4: Debian's lwIP
 * has no DNS and no select(), so this is where those paths get compiled. */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS                  0
#define SYS_LIGHTWEIGHT_PROT    1
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_SOCKET             1
#define LWIP_NETCONN            1
#define LWIP_COMPAT_SOCKETS     1   /* as most RTOS builds: socket(), connect(), ... macros */
#define LWIP_SOCKET_SELECT      1
#define LWIP_SOCKET_POLL        0   /* the port waits with lwip_select() here */
#define LWIP_ERRNO_STDINCLUDE   1   /* newlib's errno */

#define LWIP_IPV4               1
#define LWIP_IPV6               1
#define LWIP_TCP                1
#define LWIP_UDP                1
#define LWIP_DHCP               1
#define LWIP_DNS                1

#define MEM_ALIGNMENT           4
#define MEM_SIZE                (16 * 1024)
#define TCP_MSS                 1460
#define TCP_WND                 (4 * TCP_MSS)
#define TCP_SND_BUF             (4 * TCP_MSS)
#define TCP_SND_QUEUELEN        16
#define LWIP_STATS              0
#define LWIP_NOASSERT           1

#endif /* LWIPOPTS_H */
