/* The POSIX port against loopback sockets this test opens itself.
 * Only 127.0.0.1, ::1 and the name "localhost" are ever used. Timing is
 * asserted one way only: a wait never ends before its wait_until. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hc_test_sockets.h"

#define FAR_MS 5000u

static int setup_v4(void **state)
{
    static hc_test_posix_t f;
    hc_test_posix_setup(&f, 16);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    hc_test_posix_close(*state);
    return 0;
}

/* Connected to the fixture's listener on 127.0.0.1, with the peer accepted. */
static void connect_v4(hc_test_posix_t *f)
{
    assert_int_equal(f->t.connect(f->t.ctx, "127.0.0.1", f->port, hc_test_now(f) + FAR_MS), 0);
    f->peer = hc_test_accept(f->listener);
}

static void peer_send(hc_test_posix_t *f, const char *s)
{
    assert_int_equal(send(f->peer, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

static void test_connect_ipv4_blocking(void **state)
{
    hc_test_posix_t *f = *state;
    connect_v4(f);
    assert_true(f->p.fd >= 0);
    int nodelay = 0;
    socklen_t len = sizeof nodelay;
    assert_int_equal(getsockopt(f->p.fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
    assert_true(nodelay != 0);
    assert_true(fcntl(f->p.fd, F_GETFD) & FD_CLOEXEC);
    /* already connected: connect again reports success */
    assert_int_equal(f->t.connect(f->t.ctx, "127.0.0.1", f->port, hc_test_now(f)), 0);
    char in[8] = {0};
    assert_int_equal(f->t.send(f->t.ctx, (const uint8_t *)"ping", 4, hc_test_now(f) + FAR_MS), 4);
    assert_int_equal(recv(f->peer, in, sizeof in, 0), 4);
    assert_memory_equal(in, "ping", 4);
}

static void test_connect_ipv6(void **state)
{
    hc_test_posix_t *f = *state;
    uint16_t port;
    int l6 = hc_test_listen_loopback(AF_INET6, 16, &port);
    if (l6 < 0) {
        skip(); /* no IPv6 loopback on this host */
    }
    int r = f->t.connect(f->t.ctx, "::1", port, hc_test_now(f) + FAR_MS);
    int peer = r == 0 ? hc_test_accept(l6) : -1;
    close(l6);
    assert_int_equal(r, 0);
    assert_int_equal(f->t.send(f->t.ctx, (const uint8_t *)"v6", 2, hc_test_now(f) + FAR_MS), 2);
    char in[4];
    assert_int_equal(recv(peer, in, sizeof in, 0), 2);
    close(peer);
}

/* A full accept queue drops our SYN, so the connect stays pending until
 * the queue has room and the SYN is retried (about a second). */
static void test_connect_nonblocking_pending(void **state)
{
    hc_test_posix_t *f = *state;
    uint16_t port;
    int l = hc_test_listen_loopback(AF_INET, 0, &port);
    assert_true(l >= 0);
    int squatter = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(squatter, (struct sockaddr *)&a, sizeof a), 0);

    assert_int_equal(f->t.connect(f->t.ctx, "127.0.0.1", port, hc_test_now(f)), HC_IO_WOULD_BLOCK);
    assert_int_equal(f->p.n_racing, 1); /* the connect is in flight */
    uint32_t until = hc_test_now(f) + 100;
    assert_int_equal(f->t.connect(f->t.ctx, "127.0.0.1", port, until), HC_IO_WOULD_BLOCK);
    assert_true(hc_time_reached(hc_test_now(f), until));

    close(hc_test_accept(l));
    int r = HC_IO_WOULD_BLOCK;
    for (int i = 0; i < 1000 && r == HC_IO_WOULD_BLOCK; i++) {
        r = f->t.connect(f->t.ctx, "127.0.0.1", port, hc_test_now(f));
        if (r == HC_IO_WOULD_BLOCK) {
            f->t.sleep_ms(f->t.ctx, 10);
        }
    }
    assert_int_equal(r, 0);
    close(hc_test_accept(l));
    close(squatter);
    close(l);
}

static void test_connect_localhost(void **state)
{
    hc_test_posix_t *f = *state;
    int r = HC_IO_WOULD_BLOCK;
    int polls = 0;
    while (r == HC_IO_WOULD_BLOCK && polls < 1000) {
        r = f->t.connect(f->t.ctx, "localhost", f->port, hc_test_now(f));
        if (r == HC_IO_WOULD_BLOCK) {
            polls++;
            f->t.sleep_ms(f->t.ctx, 5);
        }
    }
    assert_int_equal(r, 0);
    close(hc_test_accept(f->listener));
    f->t.close(f->t.ctx);
    assert_null(f->p.lookup);

    assert_int_equal(f->t.connect(f->t.ctx, "localhost", f->port, hc_test_now(f) + FAR_MS), 0);
    f->peer = hc_test_accept(f->listener);
}

static void test_refused(void **state)
{
    hc_test_posix_t *f = *state;
    uint16_t port;
    /* bound but not listening: the port is ours and refuses */
    int closed = hc_test_listen_loopback(AF_INET, -1, &port);
    assert_true(closed >= 0);
    assert_int_equal(f->t.connect(f->t.ctx, "127.0.0.1", port, hc_test_now(f) + FAR_MS), HC_IO_REFUSED);
    assert_int_equal(f->p.last_errno, ECONNREFUSED);
    assert_int_equal(f->p.fd, -1);

    int r = HC_IO_WOULD_BLOCK;
    for (int i = 0; i < 1000 && r == HC_IO_WOULD_BLOCK; i++) {
        r = f->t.connect(f->t.ctx, "localhost", port, hc_test_now(f));
        if (r == HC_IO_WOULD_BLOCK) {
            f->t.sleep_ms(f->t.ctx, 5);
        }
    }
    assert_int_equal(r, HC_IO_REFUSED);
    close(closed);
}

static void test_bad_host(void **state)
{
    hc_test_posix_t *f = *state;
    assert_int_equal(f->t.connect(f->t.ctx, "", f->port, hc_test_now(f) + FAR_MS), HC_IO_DNS);
    assert_int_equal(f->p.dns_error, EAI_NONAME);
    assert_int_equal(f->t.connect(f->t.ctx, NULL, f->port, hc_test_now(f) + FAR_MS), HC_IO_DNS);
    assert_int_equal(f->p.fd, -1);
}

static void test_dns_timeout_and_abandon(void **state)
{
    hc_test_posix_t *f = *state;
    int timeouts = 0;
    f->p.dns_timeout_ms = 0;
    for (int i = 0; i < 10; i++) {
        int r = f->t.connect(f->t.ctx, "localhost", f->port, hc_test_now(f) + FAR_MS);
        assert_true(r == HC_IO_TIMEOUT || r == 0);
        timeouts += r == HC_IO_TIMEOUT;
        if (r == HC_IO_TIMEOUT) {
            assert_null(f->p.lookup);
            assert_int_equal(f->p.fd, -1);
        }
        f->t.close(f->t.ctx);
    }
    assert_true(timeouts > 0);

    /* lookups abandoned in flight are freed by their completion, not leaked
     * (run under ASan or valgrind to see it) */
    f->p.dns_timeout_ms = 5000;
    for (int i = 0; i < 20; i++) {
        int r = f->t.connect(f->t.ctx, "localhost", f->port, hc_test_now(f));
        assert_true(r == HC_IO_WOULD_BLOCK || r == 0);
        f->t.close(f->t.ctx);
        assert_null(f->p.lookup);
        assert_int_equal(f->p.fd, -1);
    }
    f->t.sleep_ms(f->t.ctx, 300);
    /* and the port still works afterwards */
    assert_int_equal(f->t.connect(f->t.ctx, "localhost", f->port, hc_test_now(f) + FAR_MS), 0);
}

static void test_recv_short_and_would_block(void **state)
{
    hc_test_posix_t *f = *state;
    uint8_t in[16];
    connect_v4(f);
    assert_int_equal(f->t.recv(f->t.ctx, in, sizeof in, hc_test_now(f)), HC_IO_WOULD_BLOCK);
    peer_send(f, "0123456789");
    assert_int_equal(f->t.recv(f->t.ctx, in, 4, hc_test_now(f) + FAR_MS), 4);
    assert_memory_equal(in, "0123", 4);
    size_t got = 0;
    while (got < 6) {
        int32_t r = f->t.recv(f->t.ctx, in + got, sizeof in - got, hc_test_now(f) + FAR_MS);
        assert_true(r > 0);
        got += (size_t)r;
    }
    assert_int_equal(got, 6);
    assert_memory_equal(in, "456789", 6);
    assert_int_equal(f->t.recv(f->t.ctx, in, 0, hc_test_now(f)), 0);
}

static void test_send_short_and_would_block(void **state)
{
    hc_test_posix_t *f = *state;
    static uint8_t big[1 << 20];
    connect_v4(f);
    int small = 4096;
    setsockopt(f->p.fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(f->peer, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);

    int32_t r = 0;
    size_t sent = 0;
    bool short_write = false;
    for (int i = 0; i < 10000; i++) {
        r = f->t.send(f->t.ctx, big, sizeof big, hc_test_now(f));
        if (r < 0) {
            break;
        }
        short_write |= (size_t)r < sizeof big;
        sent += (size_t)r;
    }
    assert_int_equal(r, HC_IO_WOULD_BLOCK);
    assert_true(short_write);
    assert_true(sent > 0);

    uint32_t until = hc_test_now(f) + 100;
    assert_int_equal(f->t.send(f->t.ctx, big, sizeof big, until), HC_IO_WOULD_BLOCK);
    assert_true(hc_time_reached(hc_test_now(f), until));

    /* once the peer reads, sending goes on */
    static uint8_t sink[1 << 16];
    size_t drained = 0;
    struct pollfd pfd = {.fd = f->peer, .events = POLLIN};
    while (drained < sent && poll(&pfd, 1, 1000) == 1) {
        ssize_t n = recv(f->peer, sink, sizeof sink, 0);
        assert_true(n > 0);
        drained += (size_t)n;
    }
    assert_int_equal(drained, sent);
    assert_true(f->t.send(f->t.ctx, big, 100, hc_test_now(f) + FAR_MS) > 0);
}

static void test_peer_close(void **state)
{
    hc_test_posix_t *f = *state;
    uint8_t in[16];
    connect_v4(f);
    peer_send(f, "bye");
    shutdown(f->peer, SHUT_WR);
    assert_int_equal(f->t.recv(f->t.ctx, in, sizeof in, hc_test_now(f) + FAR_MS), 3);
    assert_int_equal(f->t.recv(f->t.ctx, in, sizeof in, hc_test_now(f) + FAR_MS), HC_IO_CLOSED);
    assert_int_equal(f->t.recv(f->t.ctx, in, sizeof in, hc_test_now(f)), HC_IO_CLOSED);
}

/* Documented: a reset is an error (it may have cut data short), not an
 * orderly close; ECONNRESET is kept. */
static void test_peer_reset(void **state)
{
    hc_test_posix_t *f = *state;
    uint8_t in[16];
    connect_v4(f);
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    assert_int_equal(setsockopt(f->peer, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    close(f->peer);
    f->peer = -1;
    assert_int_equal(f->t.recv(f->t.ctx, in, sizeof in, hc_test_now(f) + FAR_MS), HC_IO_ERROR);
    assert_int_equal(f->p.last_errno, ECONNRESET);
}

static void test_send_to_closed_peer_no_sigpipe(void **state)
{
    hc_test_posix_t *f = *state;
    signal(SIGPIPE, SIG_DFL); /* a SIGPIPE would kill the test */
    connect_v4(f);
    close(f->peer);
    f->peer = -1;
    int32_t r = 0;
    for (int i = 0; i < 100 && r >= 0; i++) {
        r = f->t.send(f->t.ctx, (const uint8_t *)"x", 1, hc_test_now(f) + FAR_MS);
        if (r >= 0) {
            f->t.sleep_ms(f->t.ctx, 10); /* let the peer's reset arrive */
        }
    }
    /* EPIPE (closed) or ECONNRESET (reset), whichever the kernel saw first */
    assert_true((r == HC_IO_CLOSED && f->p.last_errno == EPIPE) ||
                (r == HC_IO_ERROR && f->p.last_errno == ECONNRESET));
}

static void test_recv_wait_bounded_by_wait_until(void **state)
{
    hc_test_posix_t *f = *state;
    uint8_t in[16];
    connect_v4(f); /* the peer never says anything */
    uint32_t until = hc_test_now(f) + 200;
    assert_int_equal(f->t.recv(f->t.ctx, in, sizeof in, until), HC_IO_WOULD_BLOCK);
    assert_true(hc_time_reached(hc_test_now(f), until));
    /* a deadline already passed: one look, no wait */
    assert_int_equal(f->t.recv(f->t.ctx, in, sizeof in, hc_test_now(f) - 1000), HC_IO_WOULD_BLOCK);
}

static void test_calls_without_connection(void **state)
{
    hc_test_posix_t *f = *state;
    uint8_t b[4] = {0};
    f->t.close(f->t.ctx);
    f->t.close(f->t.ctx);
    assert_int_equal(f->t.send(f->t.ctx, b, sizeof b, hc_test_now(f)), HC_IO_ERROR);
    assert_int_equal(f->t.recv(f->t.ctx, b, sizeof b, hc_test_now(f)), HC_IO_ERROR);
    connect_v4(f);
    f->t.close(f->t.ctx);
    assert_int_equal(f->p.fd, -1);
    assert_int_equal(f->t.send(f->t.ctx, b, sizeof b, hc_test_now(f)), HC_IO_ERROR);
    f->t.close(f->t.ctx);
}

static void test_clock_and_sleep(void **state)
{
    hc_test_posix_t *f = *state;
    uint32_t prev = hc_test_now(f);
    for (int i = 0; i < 10000; i++) {
        uint32_t t = hc_test_now(f);
        assert_true(hc_time_reached(t, prev));
        prev = t;
    }
    uint32_t before = hc_test_now(f);
    f->t.sleep_ms(f->t.ctx, 50);
    assert_true(hc_time_reached(hc_test_now(f), before + 50));
}

static void test_random_fills(void **state)
{
    hc_test_posix_t *f = *state;
    static uint8_t a[100000], b[64];
    assert_int_equal(f->t.random(f->t.ctx, a, sizeof a), 0);
    assert_int_equal(f->t.random(f->t.ctx, b, sizeof b), 0);
    assert_memory_not_equal(a, b, sizeof b);
    size_t zeros = 0;
    for (size_t i = 0; i < sizeof a; i++) {
        zeros += a[i] == 0;
    }
    assert_true(zeros < sizeof a / 64); /* about 1/256 expected */
    assert_int_equal(f->t.random(f->t.ctx, b, 0), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup_v4, teardown)
    const struct CMUnitTest tests[] = {
        T(test_connect_ipv4_blocking),
        T(test_connect_ipv6),
        T(test_connect_nonblocking_pending),
        T(test_connect_localhost),
        T(test_refused),
        T(test_bad_host),
        T(test_dns_timeout_and_abandon),
        T(test_recv_short_and_would_block),
        T(test_send_short_and_would_block),
        T(test_peer_close),
        T(test_peer_reset),
        T(test_send_to_closed_peer_no_sigpipe),
        T(test_recv_wait_bounded_by_wait_until),
        T(test_calls_without_connection),
        T(test_clock_and_sleep),
        T(test_random_fills),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
