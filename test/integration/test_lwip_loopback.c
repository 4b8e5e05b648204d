/* Both faces of the lwIP port over Debian's real lwIP, talking to lwIP
 * itself: a loopback netif and a scripted raw-API server inside the same
 * stack (test/lwip/hc_lwip_mini_server.h). Needs no privileges, TAP or
 * python. The sockets face runs in the test thread as in an RTOS task;
 * the raw face runs with lwIP's core lock held, which gives it the
 * guarantees of a NO_SYS=1 superloop (see hc_lwip_testnet.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hc_test_assert.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_ping.h"
#include "hc_port_lwip_raw.h"
#include "hc_port_lwip_sockets.h"
#include "hc_lwip_face.h"
#include "hc_lwip_mini_server.h"
#include "hc_lwip_testnet.h"

#define PORT 8080
#define CLOSED_PORT 8081
#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define BASE "http://" HC_LWIP_LOOP_IP ":8080"

static const char ok_response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
    "Ping-Body-Limit: 10000\r\nConnection: close\r\n\r\nOK";
static const char chunked_response[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
    "Connection: close\r\n\r\n1\r\nO\r\n1\r\nK\r\n0\r\n\r\n";

static hc_mini_server_t server;

typedef struct {
    hc_face_client_t fc;
    hc_ping_t ping;
} fixture_t;

static void serve(hc_mini_mode_t mode, const char *head, uint32_t pattern_len)
{
    hc_lwip_test_lock();
    server.mode = mode;
    server.head = head;
    server.pattern_len = pattern_len;
    server.requests = 0;
    server.connections = 0;
    hc_lwip_test_unlock();
}

static void make_client(fixture_t *f, const char *base, uint8_t attempts)
{
    hc_config_t cfg;
    hc_config_defaults(&cfg);
    cfg.ping_url = base;
    cfg.api_url = base;
    cfg.connect_timeout_ms = 2000;
    cfg.io_timeout_ms = 400;
    cfg.request_timeout_ms = 3000;
    cfg.deadline_ms = 4000;
    cfg.max_attempts = attempts;
    cfg.backoff_ms = 50;
    cfg.backoff_max_ms = 100;
    assert_err(hc_face_client(&f->fc, &cfg), HC_OK);
    memset(&f->ping, 0, sizeof f->ping);
    f->ping.uuid = UUID;
}

static int setup_face(void **state, hc_face_t face)
{
    static fixture_t f;
    hc_face_init(&f.fc, face);
    make_client(&f, BASE "/ping", 1);
    *state = &f;
    return 0;
}

static int setup_sockets(void **state) { return setup_face(state, HC_FACE_SOCKETS); }
static int setup_raw_poll(void **state) { return setup_face(state, HC_FACE_RAW_POLL); }
static int setup_raw_blocking(void **state) { return setup_face(state, HC_FACE_RAW_BLOCKING); }

static int teardown(void **state)
{
    fixture_t *f = *state;
    hc_face_close(&f->fc);
    if (f->fc.face != HC_FACE_SOCKETS) {
        assert_int_equal(f->fc.raw.ring_count, 0);
        assert_null(f->fc.raw.pcb);
    } else {
        assert_int_equal(f->fc.sock.fd, -1);
    }
    return 0;
}

static hc_err_t run_ping(fixture_t *f)
{
    return hc_face_ping(&f->fc, &f->ping);
}

static void assert_request_line(const char *line)
{
    hc_lwip_test_lock();
    bool match = strncmp(server.request, line, strlen(line)) == 0;
    if (!match)
        fprintf(stderr, "request was: %.80s\n", server.request);
    hc_lwip_test_unlock();
    assert_true(match);
}

static void test_ping_delivered(void **state)
{
    fixture_t *f = *state;
    serve(HC_MINI_RESPOND, ok_response, 0);
    assert_err(run_ping(f), HC_OK);
    assert_true(f->fc.result.delivered);
    assert_int_equal(f->fc.result.status, 200);
    assert_string_equal(f->fc.result.text, "OK");
    assert_true(f->fc.result.has_body_limit);
    assert_int_equal(f->fc.result.body_limit, 10000);
    assert_request_line("GET /ping/" UUID " HTTP/1.1\r\n");
}

static void test_ping_with_body(void **state)
{
    fixture_t *f = *state;
    static const char body[] = "backup finished: 1234 files";
    serve(HC_MINI_RESPOND, ok_response, 0);
    f->ping.signal = HC_SIGNAL_LOG;
    f->ping.body = (const uint8_t *)body;
    f->ping.body_len = sizeof body - 1;
    assert_err(run_ping(f), HC_OK);
    assert_request_line("POST /ping/" UUID "/log HTTP/1.1\r\n");
    hc_lwip_test_lock();
    const char *end = strstr(server.request, "\r\n\r\n");
    bool body_arrived = end && strcmp(end + 4, body) == 0;
    hc_lwip_test_unlock();
    assert_true(body_arrived);
}

static void test_chunked_response(void **state)
{
    fixture_t *f = *state;
    serve(HC_MINI_RESPOND, chunked_response, 0);
    assert_err(run_ping(f), HC_OK);
    assert_int_equal(f->fc.result.status, 200);
    assert_string_equal(f->fc.result.text, "OK");
}

static void test_server_reset(void **state)
{
    fixture_t *f = *state;
    serve(HC_MINI_RESET, NULL, 0);
    assert_int_equal(run_ping(f), HC_ERR_IO); /* a reset, not an orderly close */
    assert_false(f->fc.result.delivered);
    assert_int_equal(f->fc.result.status, 0);
}

static void test_server_closes_without_answer(void **state)
{
    fixture_t *f = *state;
    serve(HC_MINI_CLOSE, NULL, 0);
    assert_err(run_ping(f), HC_ERR_CLOSED);
}

static void test_server_silent_times_out(void **state)
{
    fixture_t *f = *state;
    serve(HC_MINI_SILENT, NULL, 0);
    uint32_t t0 = sys_now();
    assert_err(run_ping(f), HC_ERR_TIMEOUT);
    uint32_t took = sys_now() - t0;
    assert_true(took >= 400);  /* io_timeout_ms */
    assert_true(took < 2000);  /* and not much longer */
}

static void test_retry_then_delivered(void **state)
{
    fixture_t *f = *state;
    make_client(f, BASE "/ping", 3);
    serve(HC_MINI_RESPOND, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                           "Connection: close\r\n\r\n", 0);
    assert_err(run_ping(f), HC_ERR_SERVER);
    assert_int_equal(hc_client_attempts(&f->fc.client), 3);
    hc_lwip_test_lock();
    int connections = server.connections;
    hc_lwip_test_unlock();
    assert_int_equal(connections, 3);
}

static void test_ipv6_literal(void **state)
{
    fixture_t *f = *state;
    make_client(f, "http://[" HC_LWIP_LOOP_IP6 "]:8080/ping", 1);
    serve(HC_MINI_RESPOND, ok_response, 0);
    assert_err(run_ping(f), HC_OK);
    assert_true(f->fc.result.delivered);
    assert_request_line("GET /ping/" UUID " HTTP/1.1\r\nHost: [" HC_LWIP_LOOP_IP6 "]:8080\r\n");
}

static void test_connection_refused(void **state)
{
    fixture_t *f = *state;
    make_client(f, "http://" HC_LWIP_LOOP_IP ":8081/ping", 1);
    assert_err(run_ping(f), HC_ERR_CONNECT);
}

/* Debian's lwIP is built without DNS (LWIP_DNS=0): names fail at once,
 * without any traffic. */
static void test_name_without_dns(void **state)
{
    fixture_t *f = *state;
    make_client(f, "http://localhost:8080/ping", 1);
    uint32_t t0 = sys_now();
    assert_err(run_ping(f), HC_ERR_DNS);
    assert_true(sys_now() - t0 < 1000);
}

/* ---- the transport contract, call by call ---- */

static int32_t connect_until_done(fixture_t *f, uint16_t port)
{
    int32_t r = HC_IO_WOULD_BLOCK;
    for (int i = 0; i < 2000 && r == HC_IO_WOULD_BLOCK; i++) {
        hc_face_lock(&f->fc);
        r = f->fc.tp.connect(f->fc.tp.ctx, HC_LWIP_LOOP_IP, port, sys_now() + 1000);
        hc_face_unlock(&f->fc);
        if (r == HC_IO_WOULD_BLOCK)
            sys_msleep(1);
    }
    return r;
}

/* A call given wait_until = now returns at once, and one given a later
 * wait_until waits for it and no longer. */
static void test_waits_are_bounded(void **state)
{
    fixture_t *f = *state;
    serve(HC_MINI_SILENT, NULL, 0);
    assert_int_equal(connect_until_done(f, PORT), 0);
    uint8_t buf[64];
    hc_face_lock(&f->fc);
    uint32_t t0 = sys_now();
    assert_int_equal(f->fc.tp.recv(f->fc.tp.ctx, buf, sizeof buf, t0), HC_IO_WOULD_BLOCK);
    uint32_t t1 = sys_now();
    int32_t r = f->fc.tp.recv(f->fc.tp.ctx, buf, sizeof buf, t1 + 200);
    uint32_t t2 = sys_now();
    f->fc.tp.close(f->fc.tp.ctx);
    f->fc.tp.close(f->fc.tp.ctx); /* idempotent */
    hc_face_unlock(&f->fc);
    assert_true(t1 - t0 < 50);
    assert_int_equal(r, HC_IO_WOULD_BLOCK);
    if (f->fc.face == HC_FACE_RAW_POLL) {
        assert_true(t2 - t1 < 50); /* no idle hook: it cannot wait */
    } else {
        assert_true(t2 - t1 >= 200);
        assert_true(t2 - t1 < 400);
    }
}

static void test_calls_without_connection(void **state)
{
    fixture_t *f = *state;
    uint8_t buf[8] = { 0 };
    hc_face_lock(&f->fc);
    int32_t s = f->fc.tp.send(f->fc.tp.ctx, buf, sizeof buf, sys_now());
    int32_t r = f->fc.tp.recv(f->fc.tp.ctx, buf, sizeof buf, sys_now());
    hc_face_unlock(&f->fc);
    assert_int_equal(s, HC_IO_ERROR);
    assert_int_equal(r, HC_IO_ERROR);
}

/* A response far larger than lwIP's window, read slowly through a
 * two-slot ring: the window closes (the server cannot send it all), the
 * ring never overflows, and every byte arrives intact and in order. */
static void test_raw_back_pressure(void **state)
{
    fixture_t *f = *state;
    enum { BODY = 300000 };
    static char head[128];
    snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", BODY);
    serve(HC_MINI_RESPOND, head, BODY);
    struct pbuf *ring[2];
    assert_int_equal(hc_lwip_raw_init(&f->fc.raw, ring, 2), 0);
    f->fc.tp = hc_lwip_raw_transport(&f->fc.raw);
    assert_int_equal(connect_until_done(f, PORT), 0);

    static const char req[] = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
    hc_lwip_test_lock();
    assert_int_equal(f->fc.tp.send(f->fc.tp.ctx, (const uint8_t *)req, sizeof req - 1, sys_now()),
                     (int32_t)(sizeof req - 1));
    hc_lwip_test_unlock();
    sys_msleep(300); /* let the server push all it can */
    hc_lwip_test_lock();
    uint32_t queued_by_server = server.pattern_sent;
    uint16_t peak = f->fc.raw.ring_peak;
    uint32_t held = 0;
    for (uint16_t i = 0; i < f->fc.raw.ring_count; i++)
        held += f->fc.raw.ring[(f->fc.raw.ring_head + i) % f->fc.raw.ring_len]->tot_len;
    hc_lwip_test_unlock();
    assert_true(queued_by_server < BODY);
    assert_true(peak <= 2);
    assert_true(held > 0);
    assert_true(held <= TCP_WND); /* the window closed: nothing more was taken */

    size_t head_len = strlen(head), got = 0;
    bool intact = true;
    uint32_t t0 = sys_now();
    int32_t r = 0;
    while (sys_now() - t0 < 20000) {
        uint8_t buf[700];
        hc_lwip_test_lock();
        r = f->fc.tp.recv(f->fc.tp.ctx, buf, sizeof buf, sys_now());
        hc_lwip_test_unlock();
        if (r == HC_IO_WOULD_BLOCK) {
            sys_msleep(1);
            continue;
        }
        if (r < 0)
            break;
        for (int32_t i = 0; i < r; i++, got++) {
            if (got >= head_len && buf[i] != hc_mini_pattern((uint32_t)(got - head_len)))
                intact = false;
        }
    }
    hc_lwip_test_lock();
    peak = f->fc.raw.ring_peak;
    f->fc.tp.close(f->fc.tp.ctx);
    hc_lwip_test_unlock();
    assert_int_equal(r, HC_IO_CLOSED);
    assert_int_equal(got, head_len + BODY);
    assert_true(intact);
    assert_int_equal(peak, 2);
}

static void test_raw_init_rejects_bad_ring(void **state)
{
    (void)state;
    hc_lwip_raw_t r;
    struct pbuf *ring[1];
    assert_int_equal(hc_lwip_raw_init(&r, NULL, 4), -1);
    assert_int_equal(hc_lwip_raw_init(&r, ring, 0), -1);
    assert_int_equal(hc_lwip_raw_init(NULL, ring, 1), -1);
    assert_int_equal(hc_lwip_raw_init(&r, ring, 70000), -1);
    assert_int_equal(hc_lwip_raw_init(&r, ring, 1), 0);
}

#define FACE_TESTS(setup)                                                   \
    cmocka_unit_test_setup_teardown(test_ping_delivered, setup, teardown),  \
    cmocka_unit_test_setup_teardown(test_ping_with_body, setup, teardown),  \
    cmocka_unit_test_setup_teardown(test_chunked_response, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_server_reset, setup, teardown),    \
    cmocka_unit_test_setup_teardown(test_server_closes_without_answer, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_server_silent_times_out, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_retry_then_delivered, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_ipv6_literal, setup, teardown),    \
    cmocka_unit_test_setup_teardown(test_connection_refused, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_name_without_dns, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_waits_are_bounded, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_calls_without_connection, setup, teardown)

int main(void)
{
    hc_lwip_test_add_loopback();
    hc_lwip_test_lock();
    int started = hc_mini_server_start(&server, PORT);
    hc_lwip_test_unlock();
    if (started != 0) {
        fprintf(stderr, "cannot listen in lwIP on port %d\n", PORT);
        return 1;
    }
    const struct CMUnitTest sockets[] = { FACE_TESTS(setup_sockets) };
    const struct CMUnitTest raw_poll[] = {
        FACE_TESTS(setup_raw_poll),
        cmocka_unit_test_setup_teardown(test_raw_back_pressure, setup_raw_poll, teardown),
        cmocka_unit_test(test_raw_init_rejects_bad_ring),
    };
    const struct CMUnitTest raw_blocking[] = { FACE_TESTS(setup_raw_blocking) };
    int failed = cmocka_run_group_tests_name("lwip sockets face (loopback)", sockets, NULL, NULL);
    failed += cmocka_run_group_tests_name("lwip raw face, non-blocking driver (loopback)",
                                          raw_poll, NULL, NULL);
    failed += cmocka_run_group_tests_name("lwip raw face, blocking driver (loopback)",
                                          raw_blocking, NULL, NULL);
    hc_lwip_test_lock();
    hc_mini_server_stop(&server);
    hc_lwip_test_unlock();
    return failed;
}
