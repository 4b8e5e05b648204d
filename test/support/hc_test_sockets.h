/* What the POSIX port's tests share: the port with its transport, and
 * loopback sockets the test opens itself to play the server. Only
 * 127.0.0.1 and ::1 are ever bound. Test code: fails the running cmocka
 * test where noted. */
#ifndef HC_TEST_SOCKETS_H
#define HC_TEST_SOCKETS_H

#include <stdint.h>

#include "hc_port_posix.h"

/** A POSIX port under test and the server side of its connection. */
typedef struct hc_test_posix {
    hc_posix_t p;
    hc_transport_t t;  /**< over @c p: never copy the struct */
    int listener;      /**< listening socket, or -1 */
    int peer;          /**< accepted connection, or -1 */
    uint16_t port;     /**< port of @c listener */
} hc_test_posix_t;

/** A fresh port in @p f (hc_posix_init()'s settings, which the caller may
 *  change before connecting), no peer yet, and a listener on 127.0.0.1
 *  with @p backlog; fails the test when it cannot listen. */
void hc_test_posix_setup(hc_test_posix_t *f, int backlog);

/** Closes the port's connection, the peer and the listener. */
void hc_test_posix_close(hc_test_posix_t *f);

/** The port's clock (its transport's now_ms). */
uint32_t hc_test_now(hc_test_posix_t *f);

/** A socket bound to the loopback address of @p family (AF_INET or
 *  AF_INET6), listening with @p backlog unless it is negative, its port
 *  in @p port; -1 when the host cannot bind there (no IPv6). */
int hc_test_listen_loopback(int family, int backlog, uint16_t *port);

/** The next connection on @p listener, waiting at most 5 s; fails the
 *  test if none comes. */
int hc_test_accept(int listener);

#endif /* HC_TEST_SOCKETS_H */
