/* The mock port: every fault mode behaves as hc_port_mock.h documents,
 * driven through direct transport calls. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hc_port_mock.h"

#define FAR 1000000u

static const char ok_resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
static const char get_req[] = "GET /ping/abc HTTP/1.1\r\nHost: x\r\n\r\n";

typedef struct {
    hc_mock_t m;
    hc_transport_t t;
    uint8_t capture[256];
} fixture_t;

static void setup_mock(fixture_t *f, const hc_mock_conn_t *script, size_t n)
{
    hc_mock_init(&f->m, script, n, f->capture, sizeof f->capture);
    f->t = hc_mock_transport(&f->m);
}

static int32_t send_str(fixture_t *f, const char *s)
{
    return f->t.send(f->t.ctx, (const uint8_t *)s, strlen(s), f->m.now);
}

/* Read until anything but data arrives; returns that result. */
static int32_t recv_all(fixture_t *f, uint8_t *out, size_t cap, size_t *got, uint32_t wait_until)
{
    *got = 0;
    for (int i = 0; i < 1000; i++) {
        int32_t r = f->t.recv(f->t.ctx, out + *got, cap - *got, wait_until);
        if (r <= 0) {
            return r;
        }
        *got += (size_t)r;
    }
    fail_msg("recv never stopped");
    return 0;
}

static void connect_now(fixture_t *f)
{
    assert_int_equal(f->t.connect(f->t.ctx, "hc.example", 8000, f->m.now), 0);
}

static void test_empty_script_refuses(void **state)
{
    (void)state;
    fixture_t f;
    setup_mock(&f, NULL, 0);
    assert_int_equal(f.m.now, 0);
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, FAR), HC_IO_REFUSED);
    assert_int_equal(f.m.next, 0);
    assert_int_equal(f.m.n_connects, 0);
    assert_int_equal(f.m.now, 0);
}

static void test_connect_records_host_and_consumes_script(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.connect_result = 0}, {.connect_result = 0}};
    fixture_t f;
    setup_mock(&f, script, 2);
    assert_int_equal(f.t.connect(f.t.ctx, "hc-ping.com", 443, 0), 0);
    assert_string_equal(f.m.last_host, "hc-ping.com");
    assert_int_equal(f.m.last_port, 443);
    /* connecting again while connected is a no-op */
    assert_int_equal(f.t.connect(f.t.ctx, "hc-ping.com", 443, 0), 0);
    assert_int_equal(f.m.next, 1);
    f.t.close(f.t.ctx);
    assert_int_equal(f.t.connect(f.t.ctx, "::1", 8000, 0), 0);
    assert_string_equal(f.m.last_host, "::1");
    assert_int_equal(f.m.n_connects, 2);
    f.t.close(f.t.ctx);
    assert_int_equal(f.t.connect(f.t.ctx, "::1", 8000, 0), HC_IO_REFUSED);
    assert_int_equal(f.m.next, 2);
}

static void test_long_host_is_cut(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.connect_result = 0}};
    char host[HC_HOST_MAX + 20];
    memset(host, 'a', sizeof host - 1);
    host[sizeof host - 1] = '\0';
    fixture_t f;
    setup_mock(&f, script, 1);
    assert_int_equal(f.t.connect(f.t.ctx, host, 80, 0), 0);
    assert_int_equal(strlen(f.m.last_host), HC_HOST_MAX - 1);
}

static void test_connect_failures(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {
        {.connect_result = HC_IO_DNS},
        {.connect_result = HC_IO_REFUSED},
        {.connect_result = HC_IO_TLS_VERIFY},
        {.connect_result = 0},
    };
    fixture_t f;
    setup_mock(&f, script, 4);
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, FAR), HC_IO_DNS);
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, FAR), HC_IO_REFUSED);
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, FAR), HC_IO_TLS_VERIFY);
    assert_int_equal(f.m.n_connects, 0);
    /* a failed connect leaves nothing open */
    uint8_t b[4];
    assert_int_equal(f.t.recv(f.t.ctx, b, sizeof b, 0), HC_IO_ERROR);
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, FAR), 0);
    assert_int_equal(f.m.n_connects, 1);
    assert_int_equal(f.m.now, 0);
}

static void test_slow_connect_moves_clock_only_when_waiting(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.connect_ms = 500}};
    fixture_t f;
    setup_mock(&f, script, 1);
    /* non-blocking: no time passes */
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, 0), HC_IO_WOULD_BLOCK);
    assert_int_equal(f.m.now, 0);
    /* a bounded wait that ends first: the clock reaches wait_until */
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, 200), HC_IO_WOULD_BLOCK);
    assert_int_equal(f.m.now, 200);
    /* send and recv before the connect completes are errors */
    assert_int_equal(send_str(&f, "x"), HC_IO_ERROR);
    /* a long wait: done at 500, not at wait_until */
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, 10000), 0);
    assert_int_equal(f.m.now, 500);
    assert_int_equal(f.m.next, 1);
    assert_int_equal(f.m.n_would_block, 2);
}

static void test_slow_dns_failure(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.connect_result = HC_IO_DNS, .connect_ms = 300}};
    fixture_t f;
    setup_mock(&f, script, 1);
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, 100), HC_IO_WOULD_BLOCK);
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, FAR), HC_IO_DNS);
    assert_int_equal(f.m.now, 300);
}

static void test_answers_after_head_and_content_length(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {
        {.response = (const uint8_t *)ok_resp, .response_len = sizeof ok_resp - 1}};
    fixture_t f;
    uint8_t in[128];
    size_t got;
    setup_mock(&f, script, 1);
    connect_now(&f);
    const char *head = "POST /ping/abc HTTP/1.1\r\nhost: x\r\ncontent-LENGTH:  5\r\n\r\n";
    assert_int_equal(send_str(&f, head), (int32_t)strlen(head));
    /* head alone: the server still waits for the body */
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 50), HC_IO_WOULD_BLOCK);
    assert_int_equal(f.m.now, 50);
    assert_int_equal(send_str(&f, "1234"), 4);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 50), HC_IO_WOULD_BLOCK);
    assert_int_equal(send_str(&f, "5"), 1);
    assert_int_equal(recv_all(&f, in, sizeof in, &got, FAR), HC_IO_CLOSED);
    assert_int_equal(got, sizeof ok_resp - 1);
    assert_memory_equal(in, ok_resp, got);
    assert_int_equal(f.m.now, 50);
    assert_int_equal(f.m.capture_len, strlen(head) + 5);
    assert_memory_equal(f.capture, head, strlen(head));
    assert_memory_equal(f.capture + strlen(head), "12345", 5);
}

static void test_answers_after_head_without_body(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {
        {.response = (const uint8_t *)ok_resp, .response_len = sizeof ok_resp - 1}};
    fixture_t f;
    uint8_t in[128];
    size_t got;
    setup_mock(&f, script, 1);
    connect_now(&f);
    /* the empty line split across sends */
    assert_int_equal(send_str(&f, "GET / HTTP/1.1\r\nHost: x\r\n\r"), 26);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), HC_IO_WOULD_BLOCK);
    assert_int_equal(send_str(&f, "\n"), 1);
    assert_int_equal(recv_all(&f, in, sizeof in, &got, 0), HC_IO_CLOSED);
    assert_int_equal(got, sizeof ok_resp - 1);
}

static void test_expect_overrides_head_parsing(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {
        {.response = (const uint8_t *)ok_resp, .response_len = sizeof ok_resp - 1}};
    fixture_t f;
    uint8_t in[128];
    setup_mock(&f, script, 1);
    hc_mock_expect(&f.m, 3);
    connect_now(&f);
    assert_int_equal(send_str(&f, "ab"), 2);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), HC_IO_WOULD_BLOCK);
    assert_int_equal(send_str(&f, "c"), 1);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), (int32_t)(sizeof ok_resp - 1));
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), HC_IO_CLOSED);
}

static void test_zero_entry_closes_without_answer(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{0}};
    fixture_t f;
    uint8_t in[16];
    setup_mock(&f, script, 1);
    connect_now(&f);
    assert_int_equal(send_str(&f, get_req), (int32_t)strlen(get_req));
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), HC_IO_CLOSED);
}

static void test_one_byte_reads_and_writes(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.response = (const uint8_t *)ok_resp,
                                      .response_len = sizeof ok_resp - 1,
                                      .max_read = 1, .max_write = 1}};
    fixture_t f;
    uint8_t in[128];
    setup_mock(&f, script, 1);
    connect_now(&f);
    size_t len = strlen(get_req);
    for (size_t i = 0; i < len; i++) {
        assert_int_equal(f.t.send(f.t.ctx, (const uint8_t *)get_req + i, len - i, 0), 1);
    }
    assert_memory_equal(f.capture, get_req, len);
    size_t got = 0;
    int32_t r;
    while ((r = f.t.recv(f.t.ctx, in + got, sizeof in - got, 0)) > 0) {
        assert_int_equal(r, 1);
        got++;
        assert_true(got <= sizeof ok_resp);
    }
    assert_int_equal(r, HC_IO_CLOSED);
    assert_int_equal(got, sizeof ok_resp - 1);
    assert_memory_equal(in, ok_resp, got);
}

static void test_storm_costs_polls_not_time(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.response = (const uint8_t *)ok_resp,
                                      .response_len = sizeof ok_resp - 1,
                                      .storm = 3}};
    fixture_t f;
    uint8_t in[128];
    setup_mock(&f, script, 1);
    connect_now(&f);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(f.t.send(f.t.ctx, (const uint8_t *)get_req, strlen(get_req), FAR),
                         HC_IO_WOULD_BLOCK);
    }
    assert_int_equal(send_str(&f, get_req), (int32_t)strlen(get_req));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(f.t.recv(f.t.ctx, in, 4, FAR), HC_IO_WOULD_BLOCK);
    }
    assert_int_equal(f.t.recv(f.t.ctx, in, 4, FAR), 4);
    /* a new storm before every success */
    assert_int_equal(f.t.recv(f.t.ctx, in, 4, FAR), HC_IO_WOULD_BLOCK);
    assert_int_equal(f.m.n_would_block, 7);
    assert_int_equal(f.m.now, 0);
    assert_int_equal(f.m.capture_len, strlen(get_req));
}

static void test_response_delay(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.response = (const uint8_t *)ok_resp,
                                      .response_len = sizeof ok_resp - 1,
                                      .response_delay_ms = 100}};
    fixture_t f;
    uint8_t in[128];
    setup_mock(&f, script, 1);
    f.m.now = 1000;
    connect_now(&f);
    send_str(&f, get_req);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 1000), HC_IO_WOULD_BLOCK);
    assert_int_equal(f.m.now, 1000);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 1050), HC_IO_WOULD_BLOCK);
    assert_int_equal(f.m.now, 1050);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 5000), (int32_t)(sizeof ok_resp - 1));
    assert_int_equal(f.m.now, 1100);
}

static void test_clock_wraps(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.connect_ms = 100}};
    fixture_t f;
    setup_mock(&f, script, 1);
    f.m.now = UINT32_MAX - 49;
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, UINT32_MAX), HC_IO_WOULD_BLOCK);
    assert_int_equal(f.m.now, UINT32_MAX);
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, 1000), 0);
    assert_int_equal(f.m.now, 50);
}

static void test_silent_server_never_answers(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.response = (const uint8_t *)ok_resp,
                                      .response_len = sizeof ok_resp - 1, .silent = true}};
    fixture_t f;
    uint8_t in[16];
    setup_mock(&f, script, 1);
    connect_now(&f);
    send_str(&f, get_req);
    for (uint32_t t = 1000; t <= 5000; t += 1000) {
        assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, t), HC_IO_WOULD_BLOCK);
        assert_int_equal(f.m.now, t);
    }
}

static void test_keep_open_after_response(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.response = (const uint8_t *)ok_resp,
                                      .response_len = sizeof ok_resp - 1, .keep_open = true}};
    fixture_t f;
    uint8_t in[128];
    size_t got;
    setup_mock(&f, script, 1);
    connect_now(&f);
    send_str(&f, get_req);
    assert_int_equal(recv_all(&f, in, sizeof in, &got, 700), HC_IO_WOULD_BLOCK);
    assert_int_equal(got, sizeof ok_resp - 1);
    assert_int_equal(f.m.now, 700);
}

static void test_keep_open_answers_every_request(void **state)
{
    (void)state;
    hc_mock_conn_t script[] = {{.response = (const uint8_t *)ok_resp,
                                .response_len = sizeof ok_resp - 1, .keep_open = true}};
    fixture_t f;
    uint8_t in[128];
    size_t got;
    setup_mock(&f, script, 1);
    connect_now(&f);
    for (int i = 0; i < 3; i++) {
        /* half a request is not answered yet */
        assert_int_equal(send_str(&f, "GET / HTTP/1.1\r\n"), 16);
        assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), HC_IO_WOULD_BLOCK);
        assert_int_equal(send_str(&f, "\r\n"), 2);
        assert_int_equal(recv_all(&f, in, sizeof in, &got, 0), HC_IO_WOULD_BLOCK);
        assert_int_equal(got, sizeof ok_resp - 1);
    }
    /* the server goes away: the next request meets the close */
    script[0].keep_open = false;
    send_str(&f, get_req);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), HC_IO_CLOSED);
    assert_int_equal(f.m.n_connects, 1);
}

static void test_second_request_without_keep_open_meets_close(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {
        {.response = (const uint8_t *)ok_resp, .response_len = sizeof ok_resp - 1}};
    fixture_t f;
    uint8_t in[128];
    size_t got;
    setup_mock(&f, script, 1);
    connect_now(&f);
    send_str(&f, get_req);
    assert_int_equal(recv_all(&f, in, sizeof in, &got, 0), HC_IO_CLOSED);
    send_str(&f, get_req);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), HC_IO_CLOSED);
}

static void test_close_inside_head(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.response = (const uint8_t *)ok_resp,
                                      .response_len = sizeof ok_resp - 1,
                                      .fail_after = true, .fail_at = 10}};
    fixture_t f;
    uint8_t in[128];
    size_t got;
    setup_mock(&f, script, 1);
    connect_now(&f);
    send_str(&f, get_req);
    assert_int_equal(recv_all(&f, in, sizeof in, &got, 0), HC_IO_CLOSED);
    assert_int_equal(got, 10);
    assert_memory_equal(in, ok_resp, 10);
}

static void test_reset_inside_body(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.response = (const uint8_t *)ok_resp,
                                      .response_len = sizeof ok_resp - 1, .keep_open = true,
                                      .fail_after = true, .fail_at = sizeof ok_resp - 2,
                                      .fail_result = HC_IO_ERROR}};
    fixture_t f;
    uint8_t in[128];
    size_t got;
    setup_mock(&f, script, 1);
    connect_now(&f);
    send_str(&f, get_req);
    assert_int_equal(recv_all(&f, in, sizeof in, &got, 0), HC_IO_ERROR);
    assert_int_equal(got, sizeof ok_resp - 2);
    /* the failure sticks */
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), HC_IO_ERROR);
}

static void test_send_failure_midway(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.send_fails = true, .send_fail_at = 10},
                                     {.send_fails = true}};
    fixture_t f;
    setup_mock(&f, script, 2);
    connect_now(&f);
    assert_int_equal(send_str(&f, get_req), 10);
    assert_int_equal(send_str(&f, get_req + 10), HC_IO_ERROR);
    assert_int_equal(f.m.capture_len, 10);
    f.t.close(f.t.ctx);
    connect_now(&f);
    assert_int_equal(send_str(&f, get_req), HC_IO_ERROR);
}

static void test_capture_per_connection_and_overflow(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{0}, {0}};
    hc_mock_t m;
    uint8_t cap[48];
    hc_mock_init(&m, script, 2, cap, sizeof cap);
    hc_transport_t t = hc_mock_transport(&m);
    size_t len = strlen(get_req);
    assert_int_equal(t.connect(t.ctx, "h", 80, 0), 0);
    assert_int_equal(t.send(t.ctx, (const uint8_t *)get_req, len, 0), (int32_t)len);
    t.close(t.ctx);
    assert_int_equal(t.connect(t.ctx, "h", 80, 0), 0);
    assert_int_equal(m.capture_conn_start, len);
    /* the second request does not fit: sent in full, kept in part */
    assert_int_equal(t.send(t.ctx, (const uint8_t *)get_req, len, 0), (int32_t)len);
    assert_int_equal(m.capture_len, sizeof cap);
    assert_true(m.capture_overflow);
    assert_memory_equal(cap + len, get_req, sizeof cap - len);
}

static void test_no_capture_buffer(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.response = (const uint8_t *)ok_resp,
                                      .response_len = sizeof ok_resp - 1}};
    hc_mock_t m;
    uint8_t in[64];
    hc_mock_init(&m, script, 1, NULL, 100);
    hc_transport_t t = hc_mock_transport(&m);
    assert_int_equal(t.connect(t.ctx, "h", 80, 0), 0);
    assert_int_equal(t.send(t.ctx, (const uint8_t *)get_req, strlen(get_req), 0),
                     (int32_t)strlen(get_req));
    assert_false(m.capture_overflow);
    assert_int_equal(m.capture_len, 0);
    /* the answer still follows the request */
    assert_int_equal(t.recv(t.ctx, in, sizeof in, 0), (int32_t)(sizeof ok_resp - 1));
}

static void test_close_is_always_safe(void **state)
{
    (void)state;
    const hc_mock_conn_t script[] = {{.connect_ms = 100}, {0}};
    fixture_t f;
    uint8_t in[4];
    setup_mock(&f, script, 2);
    f.t.close(f.t.ctx); /* nothing open: counted all the same */
    assert_int_equal(f.m.n_closes, 1);
    assert_int_equal(f.t.connect(f.t.ctx, "h", 80, 0), HC_IO_WOULD_BLOCK);
    assert_non_null(f.m.cur);
    f.t.close(f.t.ctx); /* while connecting */
    assert_null(f.m.cur);
    /* the next connect starts the next entry */
    connect_now(&f);
    assert_int_equal(f.m.next, 2);
    f.t.close(f.t.ctx);
    f.t.close(f.t.ctx);
    assert_int_equal(f.m.n_closes, 4);
    assert_int_equal(send_str(&f, "x"), HC_IO_ERROR);
    assert_int_equal(f.t.recv(f.t.ctx, in, sizeof in, 0), HC_IO_ERROR);
}

static void test_sleep_advances_clock(void **state)
{
    (void)state;
    fixture_t f;
    setup_mock(&f, NULL, 0);
    f.t.sleep_ms(f.t.ctx, 250);
    f.t.sleep_ms(f.t.ctx, 750);
    assert_int_equal(f.t.now_ms(f.t.ctx), 1000);
    assert_int_equal(f.m.n_sleeps, 2);
    assert_int_equal(f.m.slept_ms, 1000);
}

static void test_random_is_deterministic(void **state)
{
    (void)state;
    fixture_t a, b;
    uint8_t ra[32], rb[32], rc[32];
    setup_mock(&a, NULL, 0);
    setup_mock(&b, NULL, 0);
    assert_int_equal(a.t.random(a.t.ctx, ra, sizeof ra), 0);
    assert_int_equal(b.t.random(b.t.ctx, rb, sizeof rb), 0);
    assert_memory_equal(ra, rb, sizeof ra);
    assert_int_equal(a.t.random(a.t.ctx, rc, sizeof rc), 0);
    assert_memory_not_equal(ra, rc, sizeof ra);
    int distinct = 0;
    for (size_t i = 1; i < sizeof ra; i++) {
        distinct += ra[i] != ra[0];
    }
    assert_true(distinct > 16);
    a.m.no_random = true;
    assert_int_equal(a.t.random(a.t.ctx, ra, sizeof ra), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_script_refuses),
        cmocka_unit_test(test_connect_records_host_and_consumes_script),
        cmocka_unit_test(test_long_host_is_cut),
        cmocka_unit_test(test_connect_failures),
        cmocka_unit_test(test_slow_connect_moves_clock_only_when_waiting),
        cmocka_unit_test(test_slow_dns_failure),
        cmocka_unit_test(test_answers_after_head_and_content_length),
        cmocka_unit_test(test_answers_after_head_without_body),
        cmocka_unit_test(test_expect_overrides_head_parsing),
        cmocka_unit_test(test_zero_entry_closes_without_answer),
        cmocka_unit_test(test_one_byte_reads_and_writes),
        cmocka_unit_test(test_storm_costs_polls_not_time),
        cmocka_unit_test(test_response_delay),
        cmocka_unit_test(test_clock_wraps),
        cmocka_unit_test(test_silent_server_never_answers),
        cmocka_unit_test(test_keep_open_after_response),
        cmocka_unit_test(test_keep_open_answers_every_request),
        cmocka_unit_test(test_second_request_without_keep_open_meets_close),
        cmocka_unit_test(test_close_inside_head),
        cmocka_unit_test(test_reset_inside_body),
        cmocka_unit_test(test_send_failure_midway),
        cmocka_unit_test(test_capture_per_connection_and_overflow),
        cmocka_unit_test(test_no_capture_buffer),
        cmocka_unit_test(test_close_is_always_safe),
        cmocka_unit_test(test_sleep_advances_clock),
        cmocka_unit_test(test_random_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
