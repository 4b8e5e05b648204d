/**
 * @file hc_port_lwip_sockets.h
 * @brief lwIP transport, sockets face: for RTOS tasks (NO_SYS=0,
 *        LWIP_SOCKET=1).
 *
 * One non-blocking lwIP socket per context. Waits use lwip_poll() (or
 * lwip_select() when the build has LWIP_SOCKET_POLL=0) with a timeout
 * computed from the caller's @c wait_until, so no call waits longer than
 * it was allowed. The clock is lwIP's sys_now(); sleep_ms() is
 * sys_msleep(); random bytes come from LWIP_RAND() (define it to a
 * hardware RNG: on many ports it is rand()), or the transport has no
 * random source when LWIP_RAND is undefined. Replace the returned
 * transport's @c random member to use another source.
 *
 * Result mapping: EWOULDBLOCK/EAGAIN → HC_IO_WOULD_BLOCK; end of stream
 * (recv 0), EPIPE and ENOTCONN → HC_IO_CLOSED; a reset (ECONNRESET) is
 * HC_IO_ERROR, since it may have cut data short; a failed
 * connect → HC_IO_REFUSED; anything else → HC_IO_ERROR. The errno of the
 * latest failure stays in @c last_errno for diagnostics.
 *
 * Name resolution. IP literals (IPv4, and IPv6 when LWIP_IPV6=1) are
 * parsed without any lookup. Any other name goes to lwip_getaddrinfo(),
 * which blocks the calling task inside lwIP's netconn DNS until lwIP's
 * resolver answers or gives up, whatever @c wait_until says: lwIP offers
 * no way to bound or cancel that wait. lwIP gives up on a server after
 * 1 + R(R-1)/2 seconds (R = DNS_MAX_RETRIES, default 4: 7 s) and tries up
 * to DNS_MAX_SERVERS servers, so with defaults a lookup of an unreachable
 * resolver blocks up to 14 s. To tighten it, lower DNS_MAX_RETRIES in
 * lwipopts.h (2 gives 2 s per server) and configure one DNS server; the
 * client's connect deadline is checked again as soon as the lookup
 * returns. With LWIP_DNS=0 names fail at once with HC_IO_DNS. When
 * that wait is unacceptable, use the raw face (hc_port_lwip_raw.h), whose
 * lookup never blocks.
 *
 * Threads: a context belongs to one task at a time, like the client that
 * uses it. Any number of contexts may run in parallel tasks.
 *
 * Usage:
 * @code
 *   static hc_lwip_sock_t sock;
 *   static hc_transport_t tp;             // must outlive the client
 *   hc_lwip_sock_init(&sock);
 *   tp = hc_lwip_sock_transport(&sock);
 *   cfg.transport = &tp;
 * @endcode
 */
#ifndef HC_PORT_LWIP_SOCKETS_H
#define HC_PORT_LWIP_SOCKETS_H

#include <stdint.h>
#include "healthchecks/hc_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** State of one connection over an lwIP socket. Set up with
 *  hc_lwip_sock_init(); treat the fields as read-only. */
typedef struct hc_lwip_sock {
    int fd;          /**< lwIP socket, -1 when closed */
    uint8_t state;   /**< idle, connecting or connected (private) */
    int last_errno;  /**< errno of the latest failure, 0 if none */
} hc_lwip_sock_t;

/**
 * Initialise a connection's state: no connection.
 * @param[out] s the state
 */
void hc_lwip_sock_init(hc_lwip_sock_t *s);

/**
 * A transport over a connection's state. close() returns as soon as
 * lwIP's tcpip thread has taken the socket (one message round-trip); it
 * never waits for the peer.
 * @param[in] s the state; must outlive every use of the transport
 * @return the transport, to copy into hc_config_t (by address)
 */
hc_transport_t hc_lwip_sock_transport(hc_lwip_sock_t *s);

#ifdef __cplusplus
}
#endif

#endif /* HC_PORT_LWIP_SOCKETS_H */
