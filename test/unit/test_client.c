/* The client drivers over the mock port: both drivers, every fault mode,
 * retries, back-off, deadlines and keep-alive. Time is the mock's virtual
 * clock, so every timing assertion is exact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "healthchecks/hc_client.h"
#include "hc_port_mock.h"

#define OK_RESPONSE "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
#define OK_KEEP "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nOK"
#define UNAVAILABLE "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"
#define NOT_FOUND "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"
#define EXPECTED_GET "GET /ping/abc HTTP/1.1\r\nHost: hc.test\r\nConnection: close\r\n\r\n"

typedef struct fixture {
    hc_mock_t mock;
    hc_transport_t tp;
    hc_client_t client;
    hc_config_t cfg;
    uint8_t work[512];
    uint8_t capture[4096];
} fixture_t;

static fixture_t fx;

static hc_mock_conn_t answer(const char *response)
{
    hc_mock_conn_t c = { 0 };
    c.response = (const uint8_t *)response;
    c.response_len = strlen(response);
    return c;
}

static void setup_with(const hc_mock_conn_t *script, size_t n)
{
    memset(&fx, 0, sizeof fx);
    hc_mock_init(&fx.mock, script, n, fx.capture, sizeof fx.capture);
    fx.tp = hc_mock_transport(&fx.mock);
    hc_config_defaults(&fx.cfg);
    fx.cfg.ping_url = "http://hc.test/ping";
    fx.cfg.api_url = "http://hc.test/api";
    fx.cfg.transport = &fx.tp;
    fx.cfg.work = fx.work;
    fx.cfg.work_size = sizeof fx.work;
    assert_int_equal(hc_client_init(&fx.client, &fx.cfg), HC_OK);
}

static void reinit(void)
{
    assert_int_equal(hc_client_init(&fx.client, &fx.cfg), HC_OK);
}

static hc_err_t start_get(const char *path, bool idempotent)
{
    hc_buf_t b;
    hc_err_t err = hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET");
    if (err != HC_OK)
        return err;
    hc_buf_puts(&b, path);
    hc_request_t req = { .idempotent = idempotent };
    return hc_request_start(&fx.client, &b, &req);
}

static hc_err_t blocking_get(const char *path)
{
    hc_err_t err = start_get(path, true);
    return err == HC_OK ? hc_client_wait(&fx.client) : err;
}

/* Polls until done; asserts no poll moved the virtual clock (a poll that
 * waits would) and returns the number of polls. */
static unsigned poll_to_end(hc_err_t *result, unsigned limit)
{
    unsigned polls = 0;
    hc_err_t r;
    do {
        uint32_t before = fx.mock.now;
        r = hc_client_poll(&fx.client);
        assert_int_equal(fx.mock.now, before);
        polls++;
        assert_true(polls < limit);
    } while (r == HC_IN_PROGRESS);
    *result = r;
    return polls;
}

static void captured_equals(const char *expected)
{
    assert_int_equal(fx.mock.capture_len, strlen(expected));
    assert_memory_equal(fx.mock.capture, expected, strlen(expected));
}

/* ------------------------------------------------------------ the path */

static void test_blocking_request_and_exact_bytes(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    setup_with(s, 1);
    assert_int_equal(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 200);
    assert_string_equal(hc_client_text(&fx.client), "OK");
    assert_int_equal(hc_client_attempts(&fx.client), 1);
    captured_equals(EXPECTED_GET);
    assert_int_equal(fx.mock.n_closes, 1); /* no keep-alive: closed after */
}

static void test_one_byte_io_and_storms_same_result(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    s[0].max_read = 1;
    s[0].max_write = 1;
    s[0].storm = 3;
    setup_with(s, 1);
    assert_int_equal(blocking_get("/abc"), HC_OK);
    assert_string_equal(hc_client_text(&fx.client), "OK");
    captured_equals(EXPECTED_GET);
}

static void test_nonblocking_never_waits(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    s[0].max_read = 1;
    s[0].max_write = 7;
    s[0].storm = 5;
    setup_with(s, 1);
    assert_int_equal(start_get("/abc", true), HC_OK);
    hc_err_t r;
    unsigned polls = poll_to_end(&r, 100000);
    assert_int_equal(r, HC_OK);
    assert_true(polls > 1);
    assert_string_equal(hc_client_text(&fx.client), "OK");
    captured_equals(EXPECTED_GET);
    assert_true(fx.mock.n_would_block > 0);
}

static void test_nonblocking_slow_connect_reports_in_progress(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    s[0].connect_ms = 300;
    setup_with(s, 1);
    assert_int_equal(start_get("/abc", true), HC_OK);
    assert_int_equal(hc_client_poll(&fx.client), HC_IN_PROGRESS);
    assert_int_equal(fx.mock.capture_len, 0);
    fx.mock.now += 300; /* the application's time passes */
    hc_err_t r;
    poll_to_end(&r, 1000);
    assert_int_equal(r, HC_OK);
}

/* --------------------------------------------------------------- faults */

static void test_dns_failure(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .connect_result = HC_IO_DNS } };
    setup_with(s, 1);
    fx.cfg.max_attempts = 1;
    reinit();
    assert_int_equal(blocking_get("/abc"), HC_ERR_DNS);
    assert_int_equal(hc_client_status(&fx.client), 0);
    assert_int_equal(fx.mock.capture_len, 0);
}

static void test_refused_then_retried_with_backoff(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .connect_result = HC_IO_REFUSED },
                           { .connect_result = HC_IO_REFUSED },
                           answer(OK_RESPONSE) };
    setup_with(s, 3);
    fx.cfg.backoff_ms = 1000;
    fx.cfg.backoff_max_ms = 10000;
    reinit();
    assert_int_equal(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 3);
    assert_int_equal(fx.mock.next, 3);
    /* back-offs of [500, 1000] then [1000, 2000] ms, jittered */
    assert_int_equal(fx.mock.n_sleeps, 2);
    assert_in_range(fx.mock.slept_ms, 1500, 3000);
}

static void test_refused_every_time_gives_connect_error(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .connect_result = HC_IO_REFUSED } };
    setup_with(s, 1); /* script exhausted: later connects are refused too */
    assert_int_equal(blocking_get("/abc"), HC_ERR_CONNECT);
    assert_int_equal(hc_client_attempts(&fx.client), 3);
}

static void test_reset_during_headers_is_retried(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE), answer(OK_RESPONSE) };
    s[0].fail_after = true;
    s[0].fail_at = 10;
    s[0].fail_result = HC_IO_ERROR;
    setup_with(s, 2);
    assert_int_equal(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
    assert_string_equal(hc_client_text(&fx.client), "OK");
}

static void test_close_during_body_is_truncation(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    s[0].fail_after = true;
    s[0].fail_at = strlen(OK_RESPONSE) - 1;
    s[0].fail_result = HC_IO_CLOSED;
    setup_with(s, 1);
    fx.cfg.max_attempts = 1;
    reinit();
    assert_int_equal(blocking_get("/abc"), HC_ERR_HTTP_TRUNCATED);
}

static void test_silent_server_times_out_at_io_deadline(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .silent = true } };
    setup_with(s, 1);
    fx.cfg.max_attempts = 1;
    fx.cfg.io_timeout_ms = 2000;
    reinit();
    uint32_t t0 = fx.mock.now;
    assert_int_equal(blocking_get("/abc"), HC_ERR_TIMEOUT);
    assert_int_equal(fx.mock.now - t0, 2000);
    assert_int_equal(fx.mock.n_closes, 1);
}

static void test_overall_deadline_bounds_retries(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .silent = true }, { .silent = true }, { .silent = true } };
    setup_with(s, 3);
    fx.cfg.max_attempts = 10;
    fx.cfg.io_timeout_ms = 4000;
    fx.cfg.deadline_ms = 9000;
    fx.cfg.backoff_ms = 100;
    reinit();
    uint32_t t0 = fx.mock.now;
    assert_int_equal(blocking_get("/abc"), HC_ERR_TIMEOUT);
    assert_true(fx.mock.now - t0 <= 9000);
    assert_int_equal(hc_client_attempts(&fx.client), 3);
}

static void test_send_failure_not_resent_when_not_idempotent(void **state)
{
    (void)state;
    /* The peer resets after 10 request bytes: it may have acted on them. */
    hc_mock_conn_t s[] = { { .send_fails = true, .send_fail_at = 10 }, answer(OK_RESPONSE) };
    setup_with(s, 2);
    assert_int_equal(start_get("/abc", false), HC_OK);
    assert_int_equal(hc_client_wait(&fx.client), HC_ERR_IO);
    assert_int_equal(hc_client_attempts(&fx.client), 1);
    assert_int_equal(fx.mock.n_connects, 1);
}

static void test_send_failure_before_any_byte_is_retried(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .send_fails = true }, answer(OK_RESPONSE) };
    setup_with(s, 2);
    assert_int_equal(start_get("/abc", false), HC_OK);
    assert_int_equal(hc_client_wait(&fx.client), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
}

static void test_5xx_retried_404_not(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(UNAVAILABLE), answer(NOT_FOUND), answer(OK_RESPONSE) };
    setup_with(s, 3);
    assert_int_equal(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 404);
    assert_string_equal(hc_client_text(&fx.client), "not found");
    assert_int_equal(hc_client_attempts(&fx.client), 2);
}

static void test_5xx_every_time_reports_last_status(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(UNAVAILABLE), answer(UNAVAILABLE), answer(UNAVAILABLE) };
    setup_with(s, 3);
    assert_int_equal(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 503);
    assert_int_equal(hc_status_error(hc_client_status(&fx.client)), HC_ERR_SERVER);
    assert_int_equal(hc_client_attempts(&fx.client), 3);
}

static void test_nonblocking_backoff_does_not_sleep(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(UNAVAILABLE), answer(OK_RESPONSE) };
    setup_with(s, 2);
    assert_int_equal(start_get("/abc", true), HC_OK);
    hc_err_t r = HC_IN_PROGRESS;
    for (int i = 0; i < 1000 && r == HC_IN_PROGRESS; i++) {
        r = hc_client_poll(&fx.client);
        fx.mock.now += 50; /* the application's main loop goes on */
    }
    assert_int_equal(r, HC_OK);
    assert_int_equal(fx.mock.n_sleeps, 0);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
}

/* ----------------------------------------------------------- keep-alive */

static void test_keep_alive_reuses_connection(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_KEEP) };
    s[0].keep_open = true; /* answers every request on the connection */
    setup_with(s, 1);
    fx.cfg.keep_alive = true;
    reinit();
    assert_int_equal(blocking_get("/abc"), HC_OK);
    assert_int_equal(blocking_get("/def"), HC_OK);
    assert_string_equal(hc_client_text(&fx.client), "OK");
    assert_int_equal(fx.mock.n_connects, 1);
    assert_int_equal(fx.mock.n_closes, 0);
    hc_client_close(&fx.client);
    assert_int_equal(fx.mock.n_closes, 1);
}

static void test_stale_keep_alive_reconnects_transparently(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_KEEP), answer(OK_RESPONSE) };
    s[0].keep_open = true;
    setup_with(s, 2);
    fx.cfg.keep_alive = true;
    reinit();
    assert_int_equal(blocking_get("/abc"), HC_OK);
    /* Second request on the kept connection: the server has gone (the
     * script's first connection has nothing more to say and closes). */
    s[0].keep_open = false;
    assert_int_equal(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 1);
    assert_int_equal(fx.mock.n_connects, 2);
}

/* ---------------------------------------------------------- bad input */

static void test_busy_while_running(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .silent = true } };
    setup_with(s, 1);
    assert_int_equal(start_get("/abc", true), HC_OK);
    assert_int_equal(start_get("/abc", true), HC_ERR_BUSY);
    hc_client_abort(&fx.client);
    assert_int_equal(fx.mock.n_closes, 1);
}

static void test_small_work_buffer(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    fx.cfg.work_size = 128;
    reinit();
    char long_path[200];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    long_path[0] = '/';
    assert_int_equal(start_get(long_path, true), HC_ERR_BUFFER);
    assert_int_equal(fx.mock.n_connects, 0);
}

static void test_https_without_tls_transport(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    fx.cfg.ping_url = "https://hc-ping.com";
    reinit();
    assert_int_equal(start_get("/abc", true), HC_ERR_NO_TLS);
}

static void test_unsafe_user_agent_rejected_before_sending(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    fx.cfg.user_agent = "evil\r\nX-Injected: 1";
    reinit();
    assert_int_equal(start_get("/abc", true), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(fx.mock.n_connects, 0);
    assert_int_equal(fx.mock.capture_len, 0);
}

static void test_init_rejects_missing_pieces(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    hc_config_t bad = fx.cfg;
    bad.transport = NULL;
    assert_int_equal(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
    bad = fx.cfg;
    bad.work_size = 16;
    assert_int_equal(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
    bad = fx.cfg;
    bad.max_attempts = 0;
    assert_int_equal(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
}

/* ------------------------------------------------- found in review */

static void test_abort_gives_a_final_result(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .silent = true } };
    setup_with(s, 1);
    assert_int_equal(start_get("/abc", true), HC_OK);
    assert_int_equal(hc_client_poll(&fx.client), HC_IN_PROGRESS);
    hc_client_abort(&fx.client);
    assert_int_equal(hc_client_poll(&fx.client), HC_ERR_ABORTED);
    assert_int_equal(hc_client_wait(&fx.client), HC_ERR_ABORTED);
    assert_null(fx.mock.cur); /* the connection is closed */
}

static void test_stale_keep_alive_not_resent_when_not_idempotent(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_KEEP), answer(OK_RESPONSE) };
    s[0].keep_open = true;
    setup_with(s, 2);
    fx.cfg.keep_alive = true;
    reinit();
    assert_int_equal(blocking_get("/abc"), HC_OK);
    s[0].keep_open = false;  /* the server closes after reading the request */
    assert_int_equal(start_get("/create", false), HC_OK);
    assert_int_equal(hc_client_wait(&fx.client), HC_ERR_CLOSED);
    assert_int_equal(fx.mock.n_connects, 1); /* it may have acted: not resent */
}

static void test_stale_reconnect_gets_its_own_connect_time(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_KEEP), answer(OK_RESPONSE) };
    s[0].keep_open = true;
    setup_with(s, 2);
    fx.cfg.keep_alive = true;
    fx.cfg.max_attempts = 1;
    fx.cfg.connect_timeout_ms = 1000;
    reinit();
    assert_int_equal(blocking_get("/abc"), HC_OK);
    /* The next request waits 1.5 s on the kept connection (past the connect
     * timeout) before the server turns out to have closed it; the
     * reconnect, which takes 500 ms, must still get its own connect phase. */
    s[0].keep_open = false;
    s[1].connect_ms = 500;
    assert_int_equal(start_get("/abc", true), HC_OK);
    fx.mock.now += 1500;
    hc_err_t r = HC_IN_PROGRESS;
    for (int i = 0; i < 100 && r == HC_IN_PROGRESS; i++) {
        r = hc_client_poll(&fx.client);
        fx.mock.now += 100;
    }
    assert_int_equal(r, HC_OK);
    assert_int_equal(fx.mock.n_connects, 2);
}

/* A transport that claims more bytes than it was asked to move. */
static int32_t lying_recv(void *ctx, uint8_t *buf, size_t len, uint32_t until)
{
    int32_t r = fx.tp.recv(ctx, buf, len, until);
    return r > 0 ? (int32_t)len + 5 : r;
}

static void test_transport_claiming_too_much_is_an_error(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    setup_with(s, 1);
    static hc_transport_t liar;
    liar = fx.tp;
    liar.recv = lying_recv;
    fx.cfg.transport = &liar;
    fx.cfg.max_attempts = 1;
    reinit();
    assert_int_equal(blocking_get("/abc"), HC_ERR_IO);
}

static void test_stray_bytes_after_a_whole_response(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_KEEP "\r\n") };
    s[0].keep_open = true;
    setup_with(s, 1);
    fx.cfg.keep_alive = true;
    reinit();
    assert_int_equal(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 200);
    assert_null(fx.mock.cur); /* the response counts; the connection does not */
}

static void test_init_rejects_spans_the_clock_cannot_hold(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    hc_config_t bad = fx.cfg;
    bad.deadline_ms = 0x80000000u;
    assert_int_equal(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
    bad = fx.cfg;
    bad.backoff_max_ms = UINT32_MAX;
    assert_int_equal(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
    bad = fx.cfg;
    bad.deadline_ms = 0x7fffffffu;
    assert_int_equal(hc_client_init(&fx.client, &bad), HC_OK);
}

static void test_request_line_injection_refused(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    hc_buf_t b;
    hc_request_t req = { .idempotent = true };
    assert_int_equal(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET / HTTP/1.1\r\nX: 1"), HC_OK);
    assert_int_equal(hc_request_start(&fx.client, &b, &req), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
    hc_buf_puts(&b, "/x\r\nX-Also: 2");
    assert_int_equal(hc_request_start(&fx.client, &b, &req), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
    hc_buf_puts(&b, "/x y");
    assert_int_equal(hc_request_start(&fx.client, &b, &req), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(fx.mock.n_connects, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocking_request_and_exact_bytes),
        cmocka_unit_test(test_one_byte_io_and_storms_same_result),
        cmocka_unit_test(test_nonblocking_never_waits),
        cmocka_unit_test(test_nonblocking_slow_connect_reports_in_progress),
        cmocka_unit_test(test_dns_failure),
        cmocka_unit_test(test_refused_then_retried_with_backoff),
        cmocka_unit_test(test_refused_every_time_gives_connect_error),
        cmocka_unit_test(test_reset_during_headers_is_retried),
        cmocka_unit_test(test_close_during_body_is_truncation),
        cmocka_unit_test(test_silent_server_times_out_at_io_deadline),
        cmocka_unit_test(test_overall_deadline_bounds_retries),
        cmocka_unit_test(test_send_failure_not_resent_when_not_idempotent),
        cmocka_unit_test(test_send_failure_before_any_byte_is_retried),
        cmocka_unit_test(test_5xx_retried_404_not),
        cmocka_unit_test(test_5xx_every_time_reports_last_status),
        cmocka_unit_test(test_nonblocking_backoff_does_not_sleep),
        cmocka_unit_test(test_keep_alive_reuses_connection),
        cmocka_unit_test(test_stale_keep_alive_reconnects_transparently),
        cmocka_unit_test(test_busy_while_running),
        cmocka_unit_test(test_small_work_buffer),
        cmocka_unit_test(test_https_without_tls_transport),
        cmocka_unit_test(test_unsafe_user_agent_rejected_before_sending),
        cmocka_unit_test(test_init_rejects_missing_pieces),
        cmocka_unit_test(test_abort_gives_a_final_result),
        cmocka_unit_test(test_stale_keep_alive_not_resent_when_not_idempotent),
        cmocka_unit_test(test_stale_reconnect_gets_its_own_connect_time),
        cmocka_unit_test(test_transport_claiming_too_much_is_an_error),
        cmocka_unit_test(test_stray_bytes_after_a_whole_response),
        cmocka_unit_test(test_init_rejects_spans_the_clock_cannot_hold),
        cmocka_unit_test(test_request_line_injection_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
