/**
 * @file hc_port_posix.h
 * @brief BSD-sockets transport for Linux and other POSIX systems.
 *
 * - Names: an IP literal is parsed on the spot (AI_NUMERICHOST, no
 *   lookup). A host name is looked up with glibc's getaddrinfo_a, polled,
 *   so a non-blocking caller is never blocked, and bounded by
 *   @c dns_timeout_ms (HC_IO_TIMEOUT). Without getaddrinfo_a the lookup
 *   is a plain blocking getaddrinfo, bounded only by the resolver's own
 *   timeouts.
 * - Every returned address is tried, in the resolver's order with the
 *   families alternating (IPv6, IPv4, IPv6, ...), by non-blocking connects
 *   that race as RFC 8305 ("Happy Eyeballs") describes: each address gets
 *   @c attempt_delay_ms of head start (at least 10 ms), then the next one
 *   is tried as well (at once if one fails), and the first to connect
 *   wins; the others are closed. So an address that
 *   silently drops packets (typically a broken IPv6 route) costs the
 *   delay, not the whole connect deadline. At most HC_POSIX_RACE connects
 *   are in flight; when the race is full the oldest gives way. The
 *   driver's connect deadline bounds the whole race.
 * - poll()-based waits that end at @c wait_until, never before it unless
 *   there was progress; EINTR is retried everywhere.
 * - Sockets are SOCK_CLOEXEC and TCP_NODELAY; send uses MSG_NOSIGNAL, so a
 *   closed peer never raises SIGPIPE.
 * - Results: when no address accepts, HC_IO_REFUSED if at least one
 *   refused (ECONNREFUSED), else HC_IO_ERROR; a failed lookup is HC_IO_DNS
 *   (getaddrinfo's code in @c dns_error); a lookup still running after
 *   @c dns_timeout_ms is HC_IO_TIMEOUT. End of stream (recv 0) and a broken
 *   pipe (EPIPE) are HC_IO_CLOSED; a reset (ECONNRESET) and anything else
 *   are HC_IO_ERROR. The errno behind the latest failure is kept in
 *   @c last_errno. A failed connect leaves nothing open, so the next
 *   connect starts afresh with a new lookup.
 * - Clock: CLOCK_MONOTONIC in ms. Sleep: nanosleep, resumed after
 *   signals. Randomness: getrandom().
 *
 * Lookup ownership. glibc writes a lookup's result into its control block
 * from a resolver thread, and a lookup that is already running cannot be
 * cancelled. So the control block lives on the heap, not in hc_posix_t:
 * when a lookup is abandoned (DNS timeout, or close() while resolving) the
 * block is handed to the lookup's completion callback, which frees it and
 * its result when the resolver finishes. close() therefore never waits,
 * and hc_posix_t may be discarded as soon as close() returns. (Only if
 * glibc itself runs out of memory while starting a lookup may a block be
 * leaked; it is never left dangling.)
 *
 * One hc_posix_t is one connection, used by one thread at a time.
 */
#ifndef HC_PORT_POSIX_H
#define HC_PORT_POSIX_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Connects to different addresses of one host kept in flight at once. */
#define HC_POSIX_RACE 4

/** State of one POSIX connection. Set it up with hc_posix_init(); the
 *  fields marked private are the port's own. */
typedef struct hc_posix {
    int fd;                   /**< socket, -1 when closed */
    int last_errno;           /**< errno of the latest failure, for diagnostics */
    int dns_error;            /**< getaddrinfo's error code of the latest failed lookup (EAI_...) */
    uint32_t dns_timeout_ms;  /**< bound on a name lookup (default 5000); set before connecting */
    uint32_t attempt_delay_ms;/**< head start of each address before the next is tried too
                                   (default 250, RFC 8305); set before connecting */

    int phase;                /**< private: idle, resolving, connecting or connected */
    bool refused;             /**< private: an address of this attempt refused */
    uint32_t dns_deadline;    /**< private: when the lookup in flight times out */
    void *lookup;             /**< private: heap block of the lookup in flight, or NULL */
    void *addrs;              /**< private: struct addrinfo list being tried, or NULL */
    void *next_addr;          /**< private: next struct addrinfo to try */
    int racing[HC_POSIX_RACE];/**< private: connects in flight, oldest first */
    int n_racing;             /**< private: how many of @c racing are in use */
    uint32_t next_start;      /**< private: when the next address joins the race */
} hc_posix_t;

/**
 * Initialise a connection's state: no connection, @c dns_timeout_ms 5000,
 * @c attempt_delay_ms 250.
 * @param[out] p the state
 */
void hc_posix_init(hc_posix_t *p);

/**
 * A transport over a connection's state. Close the transport before
 * discarding @p p: close frees the socket, the address list and any
 * lookup in flight, and never blocks. Send and recv without a connection
 * return HC_IO_ERROR.
 * @param[in] p the state; must outlive the transport
 * @return the transport, to copy into hc_config_t (by address)
 */
hc_transport_t hc_posix_transport(hc_posix_t *p);

#ifdef __cplusplus
}
#endif

#endif /* HC_PORT_POSIX_H */
