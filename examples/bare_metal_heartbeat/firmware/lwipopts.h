/* lwIP options for the heartbeat firmware: NO_SYS=1 superloop, IPv4 with
 * DHCP and DNS, TCP for the client, a few KB of RAM. Sizes are a starting
 * point for one connection at a time; tune them for your device. */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

/* No RTOS: the raw API, called from the main loop only. */
#define NO_SYS                  1
#define SYS_LIGHTWEIGHT_PROT    0   /* no lwIP call from interrupts */
#define LWIP_SOCKET             0
#define LWIP_NETCONN            0

/* Protocols. */
#define LWIP_IPV4               1
#define LWIP_IPV6               0
#define LWIP_ARP                1
#define LWIP_ETHERNET           1
#define LWIP_ICMP               1
#define LWIP_UDP                1   /* DHCP and DNS */
#define LWIP_TCP                1
#define LWIP_DHCP               1
/* No ARP probing of the leased address (RFC 5227, lwIP's ACD): it holds
 * the address back for 4 to 6 s after every lease; the DHCP server is
 * trusted to lease each address once. */
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_DNS                1
#define DNS_MAX_SERVERS         2
#define DNS_MAX_RETRIES         4   /* gives up on a server after 7 s */

/* Memory: lwIP's own heap and pools, no malloc. */
#define MEM_LIBC_MALLOC         0
#define MEMP_MEM_MALLOC         0
#define MEM_ALIGNMENT           4
#define MEM_SIZE                (10 * 1024)
#define MEMP_NUM_PBUF           8
#define MEMP_NUM_UDP_PCB        4
/* One connection at a time, but a closed one lingers: in TIME_WAIT (lwIP
 * reuses those), or in FIN_WAIT_2 for 20 s when the server went silent.
 * Retrying a silent server (3 attempts for each of a run's two pings) may
 * leave 6 of those; with fewer, the next connect fails for want of one. */
#define MEMP_NUM_TCP_PCB        7
#define MEMP_NUM_TCP_PCB_LISTEN 1
#define MEMP_NUM_TCP_SEG        16
#define PBUF_POOL_SIZE          8

/* TCP: a 4-segment window is plenty for pings (responses are < 1 KB);
 * it must stay at or under 0xFFFF for the raw port's receive ring. */
#define TCP_MSS                 1460
#define TCP_WND                 (4 * TCP_MSS)
#define TCP_SND_BUF             (2 * TCP_MSS)
#define TCP_SND_QUEUELEN        8
#define LWIP_TCP_KEEPALIVE      0

/* Interface bookkeeping the board uses. */
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_SINGLE_NETIF       1

/* No statistics or debug output. */
#define LWIP_STATS              0
#define LWIP_NOASSERT           1

#endif /* LWIPOPTS_H */
