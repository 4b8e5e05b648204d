/* The client drivers over the mock port: both drivers, every fault mode,
 * retries, back-off, deadlines and keep-alive. Time is the mock's virtual
 * clock, so every timing assertion is exact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_client.h"
#include "hc_port_mock.h"
#include "hc_request.h"

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
    assert_err(hc_client_init(&fx.client, &fx.cfg), HC_OK);
}

static void reinit(void)
{
    assert_err(hc_client_init(&fx.client, &fx.cfg), HC_OK);
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
    assert_err(blocking_get("/abc"), HC_OK);
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
    assert_err(blocking_get("/abc"), HC_OK);
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
    assert_err(start_get("/abc", true), HC_OK);
    hc_err_t r;
    unsigned polls = poll_to_end(&r, 100000);
    assert_err(r, HC_OK);
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
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(hc_client_poll(&fx.client), HC_IN_PROGRESS);
    assert_int_equal(fx.mock.capture_len, 0);
    fx.mock.now += 300; /* the application's time passes */
    hc_err_t r;
    poll_to_end(&r, 1000);
    assert_err(r, HC_OK);
}

/* --------------------------------------------------------------- faults */

static void test_dns_failure(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .connect_result = HC_IO_DNS } };
    setup_with(s, 1);
    fx.cfg.max_attempts = 1;
    reinit();
    assert_err(blocking_get("/abc"), HC_ERR_DNS);
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
    assert_err(blocking_get("/abc"), HC_OK);
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
    assert_err(blocking_get("/abc"), HC_ERR_CONNECT);
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
    assert_err(blocking_get("/abc"), HC_OK);
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
    assert_err(blocking_get("/abc"), HC_ERR_HTTP_TRUNCATED);
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
    assert_err(blocking_get("/abc"), HC_ERR_TIMEOUT);
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
    assert_err(blocking_get("/abc"), HC_ERR_TIMEOUT);
    assert_true(fx.mock.now - t0 <= 9000);
    assert_int_equal(hc_client_attempts(&fx.client), 3);
}

static void test_send_failure_not_resent_when_not_idempotent(void **state)
{
    (void)state;
    /* The peer resets after 10 request bytes: it may have acted on them. */
    hc_mock_conn_t s[] = { { .send_fails = true, .send_fail_at = 10 }, answer(OK_RESPONSE) };
    setup_with(s, 2);
    assert_err(start_get("/abc", false), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_ERR_IO);
    assert_int_equal(hc_client_attempts(&fx.client), 1);
    assert_int_equal(fx.mock.n_connects, 1);
}

static void test_send_failure_before_any_byte_is_retried(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .send_fails = true }, answer(OK_RESPONSE) };
    setup_with(s, 2);
    assert_err(start_get("/abc", false), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
}

static void test_5xx_retried_404_not(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(UNAVAILABLE), answer(NOT_FOUND), answer(OK_RESPONSE) };
    setup_with(s, 3);
    assert_err(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 404);
    assert_string_equal(hc_client_text(&fx.client), "not found");
    assert_int_equal(hc_client_attempts(&fx.client), 2);
}

static void test_5xx_every_time_reports_last_status(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(UNAVAILABLE), answer(UNAVAILABLE), answer(UNAVAILABLE) };
    setup_with(s, 3);
    assert_err(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 503);
    assert_err(hc_status_error(hc_client_status(&fx.client)), HC_ERR_SERVER);
    assert_int_equal(hc_client_attempts(&fx.client), 3);
}

static void test_nonblocking_backoff_does_not_sleep(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(UNAVAILABLE), answer(OK_RESPONSE) };
    setup_with(s, 2);
    assert_err(start_get("/abc", true), HC_OK);
    hc_err_t r = HC_IN_PROGRESS;
    for (int i = 0; i < 1000 && r == HC_IN_PROGRESS; i++) {
        r = hc_client_poll(&fx.client);
        fx.mock.now += 50; /* the application's main loop goes on */
    }
    assert_err(r, HC_OK);
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
    assert_err(blocking_get("/abc"), HC_OK);
    assert_err(blocking_get("/def"), HC_OK);
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
    assert_err(blocking_get("/abc"), HC_OK);
    /* Second request on the kept connection: the server has gone (the
     * script's first connection has nothing more to say and closes). */
    s[0].keep_open = false;
    assert_err(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 1);
    assert_int_equal(fx.mock.n_connects, 2);
}

/* ---------------------------------------------------------- bad input */

static void test_busy_while_running(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .silent = true } };
    setup_with(s, 1);
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(start_get("/abc", true), HC_ERR_BUSY);
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
    assert_err(start_get(long_path, true), HC_ERR_BUFFER);
    assert_int_equal(fx.mock.n_connects, 0);
}

static void test_https_without_tls_transport(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    fx.cfg.ping_url = "https://hc-ping.com";
    reinit();
    assert_err(start_get("/abc", true), HC_ERR_NO_TLS);
}

static void test_unsafe_user_agent_rejected_before_sending(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    fx.cfg.user_agent = "evil\r\nX-Injected: 1";
    reinit();
    assert_err(start_get("/abc", true), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(fx.mock.n_connects, 0);
    assert_int_equal(fx.mock.capture_len, 0);
}

static void test_init_rejects_missing_pieces(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    hc_config_t bad = fx.cfg;
    bad.transport = NULL;
    assert_err(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
    bad = fx.cfg;
    bad.work_size = 16;
    assert_err(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
    bad = fx.cfg;
    bad.max_attempts = 0;
    assert_err(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
}

/* ------------------------------------------------- found in review */

static void test_abort_gives_a_final_result(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .silent = true } };
    setup_with(s, 1);
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(hc_client_poll(&fx.client), HC_IN_PROGRESS);
    hc_client_abort(&fx.client);
    assert_err(hc_client_poll(&fx.client), HC_ERR_ABORTED);
    assert_err(hc_client_wait(&fx.client), HC_ERR_ABORTED);
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
    assert_err(blocking_get("/abc"), HC_OK);
    s[0].keep_open = false;  /* the server closes after reading the request */
    assert_err(start_get("/create", false), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_ERR_CLOSED);
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
    assert_err(blocking_get("/abc"), HC_OK);
    /* The next request waits 1.5 s on the kept connection (past the connect
     * timeout) before the server turns out to have closed it; the
     * reconnect, which takes 500 ms, must still get its own connect phase. */
    s[0].keep_open = false;
    s[1].connect_ms = 500;
    assert_err(start_get("/abc", true), HC_OK);
    fx.mock.now += 1500;
    hc_err_t r = HC_IN_PROGRESS;
    for (int i = 0; i < 100 && r == HC_IN_PROGRESS; i++) {
        r = hc_client_poll(&fx.client);
        fx.mock.now += 100;
    }
    assert_err(r, HC_OK);
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
    assert_err(blocking_get("/abc"), HC_ERR_IO);
}

static void test_stray_bytes_after_a_whole_response(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_KEEP "\r\n") };
    s[0].keep_open = true;
    setup_with(s, 1);
    fx.cfg.keep_alive = true;
    reinit();
    assert_err(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 200);
    assert_null(fx.mock.cur); /* the response counts; the connection does not */
}

static void test_init_rejects_spans_the_clock_cannot_hold(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    hc_config_t bad = fx.cfg;
    bad.deadline_ms = 0x80000000u;
    assert_err(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
    bad = fx.cfg;
    bad.backoff_max_ms = UINT32_MAX;
    assert_err(hc_client_init(&fx.client, &bad), HC_ERR_ARG);
    bad = fx.cfg;
    bad.deadline_ms = 0x7fffffffu;
    assert_err(hc_client_init(&fx.client, &bad), HC_OK);
}

static void test_request_line_injection_refused(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    hc_buf_t b;
    hc_request_t req = { .idempotent = true };
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET / HTTP/1.1\r\nX: 1"), HC_OK);
    assert_err(hc_request_start(&fx.client, &b, &req), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
    hc_buf_puts(&b, "/x\r\nX-Also: 2");
    assert_err(hc_request_start(&fx.client, &b, &req), HC_ERR_UNSAFE_CHAR);
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
    hc_buf_puts(&b, "/x y");
    assert_err(hc_request_start(&fx.client, &b, &req), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(fx.mock.n_connects, 0);
}

/* ------------------------------------------------- coverage: edges */

/* A transport over the mock whose send and connect can be bent, and which
 * records the virtual time of every connect call. */
static struct {
    unsigned send_closed;       /* sends still to answer HC_IO_CLOSED */
    bool send_overclaims;       /* send claims 5 bytes more than offered */
    uint32_t connect_at[32];
    size_t n_connect_at;
} bend;

static int32_t bent_send(void *ctx, const uint8_t *buf, size_t len, uint32_t until)
{
    if (bend.send_closed) {
        bend.send_closed--;
        return HC_IO_CLOSED;
    }
    int32_t r = fx.tp.send(ctx, buf, len, until);
    return r > 0 && bend.send_overclaims ? (int32_t)len + 5 : r;
}

static int32_t timed_connect(void *ctx, const char *host, uint16_t port, uint32_t until)
{
    if (bend.n_connect_at < sizeof bend.connect_at / sizeof bend.connect_at[0])
        bend.connect_at[bend.n_connect_at++] = fx.mock.now;
    return fx.tp.connect(ctx, host, port, until);
}

static hc_transport_t bent;

static void use_bent_transport(void)
{
    memset(&bend, 0, sizeof bend);
    bent = fx.tp;
    bent.send = bent_send;
    bent.connect = timed_connect;
    fx.cfg.transport = &bent;
    reinit();
}

static void test_abort_on_idle_client_changes_nothing(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_KEEP) };
    s[0].keep_open = true;
    setup_with(s, 1);
    fx.cfg.keep_alive = true;
    reinit();
    hc_client_abort(&fx.client);                    /* before any request */
    assert_err(hc_client_poll(&fx.client), HC_OK);
    assert_int_equal(fx.mock.n_closes, 0);
    assert_err(blocking_get("/abc"), HC_OK);
    assert_non_null(fx.mock.cur);                   /* kept alive */
    hc_client_abort(&fx.client);                    /* idle again: no-op */
    assert_int_equal(fx.mock.n_closes, 0);
    assert_non_null(fx.mock.cur);
    assert_err(hc_client_poll(&fx.client), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 200);
    /* the kept connection still serves the next request */
    assert_err(blocking_get("/def"), HC_OK);
    assert_int_equal(fx.mock.n_connects, 1);
}

static void test_request_begin_bad_args_and_bad_base_url(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    setup_with(s, 1);
    fx.cfg.api_url = "ftp://x";
    reinit();
    hc_buf_t b;
    assert_err(hc_request_begin(NULL, &b, HC_BASE_PING, "GET"), HC_ERR_ARG);
    assert_err(hc_request_begin(&fx.client, NULL, HC_BASE_PING, "GET"), HC_ERR_ARG);
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, NULL), HC_ERR_ARG);
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_API, "GET"), HC_ERR_URL);
    fx.cfg.api_url = "http://hc.test/api\r\nX: 1";
    reinit();
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_API, "GET"), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(fx.mock.next, 0);
    assert_int_equal(fx.mock.capture_len, 0);
    /* the other base still works */
    assert_err(blocking_get("/abc"), HC_OK);
    captured_equals(EXPECTED_GET);
}

/* Runs one GET on the ping base, then one on the api base, with keep-alive
 * on; returns the bytes of the second connection. */
static const char *kept_then_other_base(const char *api_url, const hc_transport_t *tls)
{
    static hc_mock_conn_t s[2];
    s[0] = answer(OK_KEEP);
    s[0].keep_open = true;
    s[1] = answer(OK_RESPONSE);
    setup_with(s, 2);
    fx.cfg.keep_alive = true;
    fx.cfg.api_url = api_url;
    fx.cfg.tls_transport = tls;
    reinit();
    assert_err(blocking_get("/abc"), HC_OK);
    assert_int_equal(fx.mock.n_closes, 0);
    assert_non_null(fx.mock.cur);
    hc_buf_t b;
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_API, "GET"), HC_OK);
    /* the kept connection goes to the wrong place: closed at once */
    assert_int_equal(fx.mock.n_closes, 1);
    assert_null(fx.mock.cur);
    hc_buf_puts(&b, "/checks/");
    hc_request_t req = { .idempotent = true };
    assert_err(hc_request_start(&fx.client, &b, &req), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 200);
    assert_int_equal(fx.mock.n_connects, 2);
    assert_int_equal(fx.mock.next, 2);
    assert_int_equal(hc_client_attempts(&fx.client), 1);
    static const char first[] =
        "GET /ping/abc HTTP/1.1\r\nHost: hc.test\r\n\r\n";
    assert_int_equal(fx.mock.capture_conn_start, strlen(first));
    assert_memory_equal(fx.capture, first, strlen(first));
    fx.capture[fx.mock.capture_len < sizeof fx.capture ? fx.mock.capture_len
                                                       : sizeof fx.capture - 1] = '\0';
    return (const char *)fx.capture + fx.mock.capture_conn_start;
}

static void test_keep_alive_not_reused_for_another_host_or_port(void **state)
{
    (void)state;
    const char *second = kept_then_other_base("http://other.test/api", NULL);
    assert_string_equal(fx.mock.last_host, "other.test");
    assert_int_equal(fx.mock.last_port, 80);
    assert_string_equal(second, "GET /api/checks/ HTTP/1.1\r\nHost: other.test\r\n"
                                "\r\n");

    second = kept_then_other_base("http://hc.test:8080/api", NULL);
    assert_string_equal(fx.mock.last_host, "hc.test");
    assert_int_equal(fx.mock.last_port, 8080);
    assert_string_equal(second, "GET /api/checks/ HTTP/1.1\r\nHost: hc.test:8080\r\n"
                                "\r\n");

    /* same host and port, but over the TLS transport */
    static hc_transport_t tls;
    tls = fx.tp;
    second = kept_then_other_base("https://hc.test:80/api", &tls);
    assert_string_equal(fx.mock.last_host, "hc.test");
    assert_int_equal(fx.mock.last_port, 80);
    assert_string_equal(second, "GET /api/checks/ HTTP/1.1\r\nHost: hc.test:80\r\n"
                                "\r\n");
}

/* Begins a request with @p method and target @p path on a ping base with
 * no path, and returns hc_request_start()'s result. */
static hc_err_t start_raw(const char *method, const char *path)
{
    hc_buf_t b;
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, method), HC_OK);
    hc_buf_puts(&b, path);
    hc_request_t req = { .idempotent = true };
    return hc_request_start(&fx.client, &b, &req);
}

static void test_request_line_method_and_target_checked(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    setup_with(s, 1);
    fx.cfg.ping_url = "http://hc.test";
    reinit();
    assert_err(start_raw("GET\r", "/abc"), HC_ERR_UNSAFE_CHAR);
    assert_err(start_raw("G\x7f" "T", "/abc"), HC_ERR_UNSAFE_CHAR);
    assert_err(start_raw("GET/", "/abc"), HC_ERR_UNSAFE_CHAR);
    assert_err(start_raw("GET:", "/abc"), HC_ERR_UNSAFE_CHAR);
    assert_err(start_raw("", "/abc"), HC_ERR_ARG);
    assert_err(start_raw("GET", "/a\x7f"), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(fx.mock.next, 0);
    assert_int_equal(fx.mock.capture_len, 0);
    /* refusals leave the client idle and usable */
    assert_err(start_raw("GET", "/ping/abc"), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_OK);
    captured_equals(EXPECTED_GET);
}

/* hc_client.h: HC_ERR_UNSAFE_CHAR for "a method that is not a token". The
 * request line cannot tell method "GE T" before target "/abc" from method
 * "GE" before target "T /abc": the method ends at the first space, so a
 * space in a method is refused by the target check, as a space in the
 * target. Both spellings of the line get the same refusal. */
static void test_method_with_a_space_refused_as_a_target_with_a_space(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    fx.cfg.ping_url = "http://hc.test";
    reinit();
    assert_err(start_raw("GE T", "/abc"), HC_ERR_UNSAFE_CHAR);
    assert_err(start_raw("GE", "T /abc"), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(fx.client.state, 0);  /* idle: nothing will be sent */
    assert_int_equal(fx.mock.capture_len, 0);
}

/* An empty target would make "GET  HTTP/1.1": no request at all. */
static void test_empty_target_refused(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    fx.cfg.ping_url = "http://hc.test";  /* no prefix path */
    reinit();
    assert_err(start_raw("GET", ""), HC_ERR_ARG);
    assert_int_equal(fx.client.state, 0);
}

static void test_request_start_bad_args_and_busy(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE), answer(OK_RESPONSE) };
    s[0].connect_ms = 100;
    setup_with(s, 2);
    hc_buf_t b;
    hc_request_t req = { .idempotent = true };
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
    hc_buf_puts(&b, "/abc");
    assert_err(hc_request_start(NULL, &b, &req), HC_ERR_ARG);
    assert_err(hc_request_start(&fx.client, NULL, &req), HC_ERR_ARG);
    assert_err(hc_request_start(&fx.client, &b, NULL), HC_ERR_ARG);
    hc_request_t no_body = { .body_len = 3 };
    assert_err(hc_request_start(&fx.client, &b, &no_body), HC_ERR_ARG);
    assert_int_equal(fx.mock.next, 0);

    assert_err(hc_request_start(&fx.client, &b, &req), HC_OK);
    assert_int_equal(hc_client_poll(&fx.client), HC_IN_PROGRESS); /* connecting */
    hc_request_t other = { .body = (const uint8_t *)"xyz", .body_len = 3 };
    assert_err(hc_request_start(&fx.client, &b, &other), HC_ERR_BUSY);
    fx.mock.now += 100;
    hc_err_t r;
    poll_to_end(&r, 1000);
    assert_err(r, HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 200);
    assert_int_equal(hc_client_attempts(&fx.client), 1);
    captured_equals(EXPECTED_GET);   /* the first request, untouched */
}

static void test_head_must_leave_receive_space(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    setup_with(s, 1);
    fx.cfg.work_size = 128;
    reinit();
    /* EXPECTED_GET's head with "/abc" is 60 bytes: pad the path so the head
     * takes 65 bytes (63 left, fewer than 64), then exactly 64. */
    size_t base = strlen(EXPECTED_GET) - strlen("/abc");
    char path[64];
    memset(path, 'a', sizeof path);
    path[0] = '/';
    path[65 - base] = '\0';
    assert_err(start_get(path, true), HC_ERR_BUFFER);
    assert_int_equal(fx.mock.next, 0);
    assert_int_equal(fx.mock.capture_len, 0);
    path[64 - base] = '\0';
    assert_err(blocking_get(path), HC_OK);
    assert_int_equal(fx.mock.capture_len, 64);
    assert_string_equal(hc_client_text(&fx.client), "OK");
}

/* Checks each gap between attempts lies within [d/2, d] of the doubled
 * back-off d, capped at @p max. */
static void gaps_within_backoff(uint32_t first, uint32_t max, size_t gaps)
{
    assert_int_equal(bend.n_connect_at, gaps + 1);
    for (size_t k = 0; k < gaps; k++) {
        uint64_t d = (uint64_t)first << (k < 16 ? k : 16);
        if (d > max)
            d = max;
        uint32_t gap = bend.connect_at[k + 1] - bend.connect_at[k];
        assert_in_range(gap, d / 2, d);
    }
}

static void test_backoff_capped_at_max(void **state)
{
    (void)state;
    setup_with(NULL, 0);   /* every connect refused */
    fx.cfg.backoff_ms = 1000;
    fx.cfg.backoff_max_ms = 1500;
    fx.cfg.max_attempts = 4;
    use_bent_transport();
    assert_err(blocking_get("/abc"), HC_ERR_CONNECT);
    assert_int_equal(hc_client_attempts(&fx.client), 4);
    /* [500, 1000], then 2000 and 4000 capped to [750, 1500] */
    gaps_within_backoff(1000, 1500, 3);
    assert_in_range(bend.connect_at[2] - bend.connect_at[1], 750, 1500);
    assert_in_range(bend.connect_at[3] - bend.connect_at[2], 750, 1500);
}

static void test_backoff_doubling_that_wraps_is_capped(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    /* 65537 << 16 wraps to 65536, below the cap: it must still be capped */
    fx.cfg.backoff_ms = 65537;
    fx.cfg.backoff_max_ms = 1000000;
    fx.cfg.max_attempts = 18;
    fx.cfg.deadline_ms = 0x7fffffffu;
    use_bent_transport();
    assert_err(blocking_get("/abc"), HC_ERR_CONNECT);
    assert_int_equal(hc_client_attempts(&fx.client), 18);
    gaps_within_backoff(65537, 1000000, 17);
    assert_in_range(bend.connect_at[17] - bend.connect_at[16], 500000, 1000000);
}

static void test_send_reporting_closed_is_retried(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE), answer(OK_RESPONSE) };
    setup_with(s, 2);
    use_bent_transport();
    bend.send_closed = 1;
    assert_err(blocking_get("/abc"), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
    assert_err(fx.client.last_error, HC_ERR_CLOSED);
    captured_equals(EXPECTED_GET);   /* sent once, whole, on the retry */

    hc_mock_conn_t t[] = { answer(OK_RESPONSE), answer(OK_RESPONSE) };
    setup_with(t, 2);
    fx.cfg.max_attempts = 2;
    use_bent_transport();
    bend.send_closed = 2;
    assert_err(blocking_get("/abc"), HC_ERR_CLOSED);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
    assert_int_equal(fx.mock.capture_len, 0);
    assert_null(fx.mock.cur);
}

static void check_connect_fault(int32_t io, hc_err_t expected, uint8_t attempts)
{
    hc_mock_conn_t s[] = { { .connect_result = io }, answer(OK_RESPONSE) };
    setup_with(s, 2);
    fx.cfg.max_attempts = 1;
    reinit();
    assert_int_equal(blocking_get("/abc"), expected);
    assert_int_equal(fx.mock.capture_len, 0);
    assert_int_equal(fx.mock.n_connects, 0);
    /* retried when the error is transient, given a second attempt */
    setup_with(s, 2);
    fx.cfg.max_attempts = 2;
    reinit();
    hc_err_t second = blocking_get("/abc");
    assert_int_equal(hc_client_attempts(&fx.client), attempts);
    if (attempts == 2) {
        assert_err(second, HC_OK);
        assert_int_equal(fx.client.last_error, expected);
        captured_equals(EXPECTED_GET);
    } else {
        assert_int_equal(second, expected);
        assert_int_equal(fx.mock.next, 1);
    }
}

static void test_transport_errors_mapped(void **state)
{
    (void)state;
    check_connect_fault(HC_IO_TIMEOUT, HC_ERR_TIMEOUT, 2);
    check_connect_fault(HC_IO_TLS, HC_ERR_TLS, 2);
    check_connect_fault(HC_IO_TLS_VERIFY, HC_ERR_TLS_VERIFY, 1);  /* never retried */
    check_connect_fault(HC_IO_DNS, HC_ERR_DNS, 2);

    /* a receive that times out in the port */
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    s[0].fail_after = true;
    s[0].fail_at = 5;
    s[0].fail_result = HC_IO_TIMEOUT;
    setup_with(s, 1);
    fx.cfg.max_attempts = 1;
    reinit();
    assert_err(blocking_get("/abc"), HC_ERR_TIMEOUT);
    assert_int_equal(hc_client_status(&fx.client), 0);
    assert_null(fx.mock.cur);
}

static void test_send_claiming_too_much_is_an_error(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE), answer(OK_RESPONSE) };
    setup_with(s, 2);
    fx.cfg.max_attempts = 1;
    use_bent_transport();
    bend.send_overclaims = true;
    assert_err(blocking_get("/abc"), HC_ERR_IO);
    assert_int_equal(hc_client_status(&fx.client), 0);
    assert_int_equal(hc_client_body_sent(&fx.client), 0);
    assert_null(fx.mock.cur);
    /* an honest transport works on the same client afterwards */
    bend.send_overclaims = false;
    size_t before = fx.mock.capture_len;
    assert_err(blocking_get("/abc"), HC_OK);
    assert_int_equal(fx.mock.capture_len - before, strlen(EXPECTED_GET));
    assert_memory_equal(fx.capture + before, EXPECTED_GET, strlen(EXPECTED_GET));
}

static void test_poll_and_wait_on_null_or_idle_client(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { { .connect_result = HC_IO_DNS } };
    setup_with(s, 1);
    fx.cfg.max_attempts = 1;
    reinit();
    assert_err(hc_client_poll(NULL), HC_ERR_ARG);
    assert_err(hc_client_wait(NULL), HC_ERR_ARG);
    assert_err(blocking_get("/abc"), HC_ERR_DNS);
    size_t consumed = fx.mock.next;
    for (int i = 0; i < 3; i++) {
        assert_err(hc_client_poll(&fx.client), HC_ERR_DNS);
        assert_err(hc_client_wait(&fx.client), HC_ERR_DNS);
    }
    assert_int_equal(fx.mock.next, consumed);  /* no new attempt */
    assert_int_equal(fx.mock.capture_len, 0);
}

typedef struct collected {
    char data[512];
    size_t len;
    unsigned calls;
} collected_t;

static hc_err_t collect(void *ctx, const hc_http_response_t *resp,
                        const uint8_t *data, size_t len)
{
    collected_t *c = ctx;
    assert_in_range(resp->status, 200, 299);
    assert_true(c->len + len < sizeof c->data);
    memcpy(c->data + c->len, data, len);
    c->len += len;
    c->calls++;
    return HC_OK;
}

static void test_long_body_to_sink_and_text_truncated(void **state)
{
    (void)state;
    static char ok[512], missing[512];
    char body[301];
    for (size_t i = 0; i < 300; i++)
        body[i] = (char)('a' + i % 26);
    body[300] = '\0';
    snprintf(ok, sizeof ok, "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n%s", body);
    snprintf(missing, sizeof missing, "HTTP/1.1 404 Not Found\r\nContent-Length: 300\r\n\r\n%s", body);
    hc_mock_conn_t s[] = { answer(ok), answer(missing) };
    s[0].max_read = 7;
    setup_with(s, 2);
    collected_t got = { .len = 0 };
    for (int k = 0; k < 2; k++) {
        hc_buf_t b;
        assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
        hc_buf_puts(&b, "/abc");
        hc_request_t req = { .idempotent = true, .sink = collect, .sink_ctx = &got };
        assert_err(hc_request_start(&fx.client, &b, &req), HC_OK);
        assert_err(hc_client_wait(&fx.client), HC_OK);
        /* the text keeps the first HC_TEXT_MAX - 1 bytes, and says so */
        assert_true(hc_client_text_truncated(&fx.client));
        assert_int_equal(strlen(hc_client_text(&fx.client)), HC_TEXT_MAX - 1);
        assert_memory_equal(hc_client_text(&fx.client), body, HC_TEXT_MAX - 1);
        /* the sink has the whole 2xx body, and nothing of the 404 */
        assert_int_equal(got.len, 300);
        assert_memory_equal(got.data, body, 300);
        assert_true(got.calls > 1);
    }
    assert_int_equal(hc_client_status(&fx.client), 404);
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
        cmocka_unit_test(test_abort_on_idle_client_changes_nothing),
        cmocka_unit_test(test_request_begin_bad_args_and_bad_base_url),
        cmocka_unit_test(test_keep_alive_not_reused_for_another_host_or_port),
        cmocka_unit_test(test_request_line_method_and_target_checked),
        cmocka_unit_test(test_method_with_a_space_refused_as_a_target_with_a_space),
        cmocka_unit_test(test_empty_target_refused),
        cmocka_unit_test(test_request_start_bad_args_and_busy),
        cmocka_unit_test(test_head_must_leave_receive_space),
        cmocka_unit_test(test_backoff_capped_at_max),
        cmocka_unit_test(test_backoff_doubling_that_wraps_is_capped),
        cmocka_unit_test(test_send_reporting_closed_is_retried),
        cmocka_unit_test(test_transport_errors_mapped),
        cmocka_unit_test(test_send_claiming_too_much_is_an_error),
        cmocka_unit_test(test_poll_and_wait_on_null_or_idle_client),
        cmocka_unit_test(test_long_body_to_sink_and_text_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
