/* The POSIX port's connect race (RFC 8305) against addresses that drop
 * every packet, the classic broken-IPv6 host.
 *
 * The test moves into a network namespace and mount namespace of its own:
 * a TUN device with no reader is the black hole (2001:db8::/64 routes into
 * it and nothing ever answers), and a private /etc/hosts names hosts whose
 * first addresses are black holes and whose last is 127.0.0.1, where the
 * test listens. No packet leaves the namespace. Without root (or without
 * namespaces) the test exits 77: skipped. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netdb.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hc_test_sockets.h"

#define FAR_MS 5000u
#define DELAY_MS 100u

/* Names the namespace's /etc/hosts gives. */
static const char hosts[] =
    "127.0.0.1 localhost\n"
    "2001:db8::2 race.test\n"
    "127.0.0.1 race.test\n"
    "2001:db8::2 hole.test\n"
    "2001:db8::3 hole.test\n"
    "2001:db8::2 crowd.test\n"
    "2001:db8::3 crowd.test\n"
    "2001:db8::4 crowd.test\n"
    "2001:db8::5 crowd.test\n"
    "2001:db8::6 crowd.test\n"
    "::1 crowd.test\n"
    "2001:db8::2 mixed.test\n"
    "2001:db8::3 mixed.test\n"
    "2001:db8::4 mixed.test\n"
    "2001:db8::5 mixed.test\n"
    "127.0.0.1 mixed.test\n";

static int setup(void **state)
{
    static hc_test_posix_t f;
    hc_test_posix_setup(&f, 8);
    f.p.attempt_delay_ms = DELAY_MS;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    hc_test_posix_close(*state);
    return 0;
}

/* The connection really reached our listener. */
static void assert_accepted(hc_test_posix_t *f)
{
    int peer = hc_test_accept(f->listener);
    assert_int_equal(f->t.send(f->t.ctx, (const uint8_t *)"hi", 2, hc_test_now(f) + FAR_MS), 2);
    char in[2];
    assert_int_equal(recv(peer, in, sizeof in, 0), 2);
    close(peer);
}

/* The premise: the resolver lists the black hole before the live address. */
static void test_black_hole_is_listed_first(void **state)
{
    (void)state;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG};
    struct addrinfo *res = NULL;
    assert_int_equal(getaddrinfo("race.test", "80", &hints, &res), 0);
    assert_int_equal(res->ai_family, AF_INET6);
    assert_non_null(res->ai_next);
    assert_int_equal(res->ai_next->ai_family, AF_INET);
    freeaddrinfo(res);
}

/* A blocking connect gets through before its deadline: the black hole
 * costs its head start, not the whole connect time. */
static void test_blocking_connect_passes_the_black_hole(void **state)
{
    hc_test_posix_t *f = *state;
    uint32_t t0 = hc_test_now(f);
    assert_int_equal(f->t.connect(f->t.ctx, "race.test", f->port, t0 + FAR_MS), 0);
    assert_true(hc_test_now(f) - t0 >= DELAY_MS); /* the first address had its head start */
    assert_int_equal(f->p.n_racing, 0);   /* the loser is closed */
    assert_accepted(f);
}

static void test_nonblocking_connect_passes_the_black_hole(void **state)
{
    hc_test_posix_t *f = *state;
    int r = HC_IO_WOULD_BLOCK;
    int polls = 0;
    for (; polls < 500 && r == HC_IO_WOULD_BLOCK; polls++) {
        r = f->t.connect(f->t.ctx, "race.test", f->port, hc_test_now(f));
        if (r == HC_IO_WOULD_BLOCK) {
            f->t.sleep_ms(f->t.ctx, 5);
        }
    }
    assert_int_equal(r, 0);
    assert_true(polls > 1); /* it did wait, without blocking */
    assert_accepted(f);
}

/* Only black holes: the race waits until wait_until, never past it, keeps
 * every address in flight, and close() ends them all. */
static void test_only_black_holes_wait_until_the_deadline(void **state)
{
    hc_test_posix_t *f = *state;
    uint32_t until = hc_test_now(f) + 3 * DELAY_MS;
    assert_int_equal(f->t.connect(f->t.ctx, "hole.test", f->port, until), HC_IO_WOULD_BLOCK);
    assert_true(hc_time_reached(hc_test_now(f), until));
    assert_int_equal(f->p.n_racing, 2);
    f->t.close(f->t.ctx);
    assert_int_equal(f->p.n_racing, 0);
    assert_int_equal(f->p.fd, -1);
    assert_int_equal(f->t.send(f->t.ctx, (const uint8_t *)"x", 1, hc_test_now(f)), HC_IO_ERROR);
}

/* More black holes than race slots, all of one family: the oldest gives
 * way, so the live address at the end of the list (::1) is still reached. */
static void test_a_full_race_still_reaches_the_last_address(void **state)
{
    hc_test_posix_t *f = *state;
    uint16_t port;
    int l6 = hc_test_listen_loopback(AF_INET6, 8, &port);
    assert_true(l6 >= 0);
    assert_int_equal(f->t.connect(f->t.ctx, "crowd.test", port, hc_test_now(f) + FAR_MS), 0);
    assert_int_equal(f->p.n_racing, 0);
    close(hc_test_accept(l6));
    close(l6);
}

/* Four black-holed IPv6 addresses before one IPv4 address: the families
 * alternate, so IPv4 starts second, one head start in. In resolver order it
 * would start fifth, four head starts in, after wait_until. */
static void test_families_alternate(void **state)
{
    hc_test_posix_t *f = *state;
    f->p.attempt_delay_ms = 300;
    assert_int_equal(f->t.connect(f->t.ctx, "mixed.test", f->port, hc_test_now(f) + 1000), 0);
    assert_int_equal(f->p.n_racing, 0);
    assert_accepted(f);
}

/* Root in a fresh network and mount namespace, with the black hole and the
 * private hosts file; false (with the reason printed) when that is not
 * possible here. */
static bool enter_test_network(void)
{
    const char *why = NULL;
    char path[] = "/tmp/hc-race-hostsXXXXXX";
    int fd = -1;
    if (geteuid() != 0) {
        why = "not root: namespaces and a TUN device need CAP_SYS_ADMIN and CAP_NET_ADMIN";
    } else if (unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) {
        why = "unshare(CLONE_NEWNET | CLONE_NEWNS) failed";
    } else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        why = "could not make the mounts private";
    } else if ((fd = mkstemp(path)) < 0 || write(fd, hosts, sizeof hosts - 1) != (ssize_t)(sizeof hosts - 1)) {
        why = "could not write the hosts file";
    } else if (mount(path, "/etc/hosts", NULL, MS_BIND, NULL) != 0) {
        why = "could not bind-mount /etc/hosts";
    } else if (system("ip link set lo up && ip tuntap add dev hcbh0 mode tun && "
                      "ip link set hcbh0 up && ip addr add 10.200.0.1/24 dev hcbh0 && "
                      "ip -6 addr add 2001:db8::1/64 dev hcbh0 nodad") != 0) {
        why = "could not create the black-hole TUN device with iproute2";
    }
    if (fd >= 0) {
        close(fd);
        unlink(path); /* the bind mount keeps the file alive */
    }
    if (why != NULL) {
        fprintf(stderr, "skipped: %s (%s)\n", why, strerror(errno));
    }
    return why == NULL;
}

int main(void)
{
    if (!enter_test_network()) {
        return 77;
    }
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_black_hole_is_listed_first),
        T(test_blocking_connect_passes_the_black_hole),
        T(test_nonblocking_connect_passes_the_black_hole),
        T(test_only_black_holes_wait_until_the_deadline),
        T(test_a_full_race_still_reaches_the_last_address),
        T(test_families_alternate),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
