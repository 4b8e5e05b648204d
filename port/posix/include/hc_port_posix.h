/**
 * @file hc_port_posix.h
 * @brief BSD-sockets transport for Linux and other POSIX systems.
 *
 * getaddrinfo (asynchronous with a deadline where glibc offers
 * getaddrinfo_a) trying every address in order, IPv6 and IPv4;
 * non-blocking connect; poll()-based waits bounded by the caller's
 * wait_until; EINTR-safe; MSG_NOSIGNAL so a closed peer never raises
 * SIGPIPE; CLOCK_MONOTONIC; getrandom().
 */
#ifndef HC_PORT_POSIX_H
#define HC_PORT_POSIX_H

#include <stddef.h>
#include <stdint.h>
#include "healthchecks/hc_transport.h"

/** State of one POSIX connection. Zero it with hc_posix_init(). */
typedef struct hc_posix {
    int fd;                   /**< socket, -1 when closed */
    void *addrs;              /**< struct addrinfo list being tried, or NULL */
    void *next_addr;          /**< next struct addrinfo to try */
    int last_errno;           /**< errno of the latest failure, for diagnostics */
    int dns_error;            /**< getaddrinfo's error code of the latest lookup */
    uint32_t dns_timeout_ms;  /**< bound on name resolution (default 5000) */
} hc_posix_t;

/** Initialise @p p (no connection). */
void hc_posix_init(hc_posix_t *p);

/** A transport over @p p (which must outlive it). */
hc_transport_t hc_posix_transport(hc_posix_t *p);

#endif /* HC_PORT_POSIX_H */
