/* The client drivers over the mock port, on the way that works: the
 * blocking and the non-blocking driver give the same bytes and result,
 * keep-alive reuses a connection and recovers from a stale one, abort, and
 * the response text and sink. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "client_env.h"

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

/* Nothing of one request carries over into the next: the text, its cut
 * flag, and what decides whether an attempt may be resent (bytes sent,
 * bytes given to the sink). */
static void test_next_request_starts_clean(void **state)
{
    (void)state;
    static char long_ok[512];
    char body[301];
    memset(body, 'b', 300);
    body[300] = '\0';
    snprintf(long_ok, sizeof long_ok, "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n%s", body);
    hc_mock_conn_t s[] = { answer(long_ok), { .connect_result = HC_IO_REFUSED },
                           answer(OK_RESPONSE) };
    setup_with(s, 3);
    collected_t got = { .len = 0 };
    hc_buf_t b;
    hc_request_t req = { .idempotent = true, .sink = collect, .sink_ctx = &got };
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
    hc_buf_puts(&b, "/abc");
    assert_err(hc_request_start(&fx.client, &b, &req), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_OK);
    assert_true(hc_client_text_truncated(&fx.client));
    assert_int_equal(got.len, 300);
    /* Not idempotent, with a sink: its first attempt is refused before a
     * byte is sent or received, so it may be resent, whatever the
     * previous request sent and fed. */
    req.idempotent = false;
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "POST"), HC_OK);
    hc_buf_puts(&b, "/abc");
    assert_err(hc_request_start(&fx.client, &b, &req), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
    assert_string_equal(hc_client_text(&fx.client), "OK");
    assert_false(hc_client_text_truncated(&fx.client));
    assert_int_equal(got.len, 302);
    /* a request that never gets an answer has no text and no status */
    assert_err(blocking_get("/abc"), HC_ERR_CONNECT);   /* the script is spent */
    assert_string_equal(hc_client_text(&fx.client), "");
    assert_int_equal(hc_client_status(&fx.client), 0);
}

static void test_close_waits_while_a_request_runs(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_KEEP) };
    s[0].keep_open = true;
    s[0].response_delay_ms = 100;
    setup_with(s, 1);
    fx.cfg.keep_alive = true;
    reinit();
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(hc_client_poll(&fx.client), HC_IN_PROGRESS);  /* sent, waiting */
    hc_client_close(&fx.client);
    assert_int_equal(fx.mock.n_closes, 0);
    fx.mock.now += 100;
    hc_err_t r;
    poll_to_end(&r, 100);
    assert_err(r, HC_OK);
    assert_string_equal(hc_client_text(&fx.client), "OK");
    assert_int_equal(fx.mock.n_closes, 0);
    hc_client_close(&fx.client);                             /* idle: now it closes */
    assert_int_equal(fx.mock.n_closes, 1);
    assert_null(fx.mock.cur);
}

/* The transport calls the client made, of every kind. */
static unsigned calls;

static int32_t counted_connect(void *ctx, const char *host, uint16_t port, uint32_t until)
{
    calls++;
    return fx.tp.connect(ctx, host, port, until);
}

static int32_t counted_send(void *ctx, const uint8_t *buf, size_t len, uint32_t until)
{
    calls++;
    return fx.tp.send(ctx, buf, len, until);
}

static int32_t counted_recv(void *ctx, uint8_t *buf, size_t len, uint32_t until)
{
    calls++;
    return fx.tp.recv(ctx, buf, len, until);
}

static void use_counted_transport(void)
{
    static hc_transport_t counted;
    counted = fx.tp;
    counted.connect = counted_connect;
    counted.send = counted_send;
    counted.recv = counted_recv;
    fx.cfg.transport = &counted;
    reinit();
    calls = 0;
}

/* One poll goes on while its transport calls make progress, up to 32 of
 * them, and returns after the first that makes none: a request that never
 * has to wait ends in one poll (a back-off of 0 included), a response
 * arriving byte by byte yields every 32 calls, and a silent server costs
 * one call per poll. */
static void test_one_poll_goes_on_while_there_is_progress(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(UNAVAILABLE), answer(OK_RESPONSE) };
    setup_with(s, 2);
    fx.cfg.backoff_ms = 0;
    use_counted_transport();
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(hc_client_poll(&fx.client), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
    assert_int_equal(calls, 6);     /* connect, send, recv; twice */
    assert_int_equal(fx.mock.n_sleeps, 0);

    hc_mock_conn_t r[] = { { .connect_result = HC_IO_REFUSED }, answer(OK_RESPONSE) };
    setup_with(r, 2);
    fx.cfg.backoff_ms = 0;
    use_counted_transport();
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(hc_client_poll(&fx.client), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
    assert_int_equal(calls, 4);     /* connect; connect, send, recv */

    /* a stale kept-alive connection found and replaced within the poll */
    hc_mock_conn_t kept[] = { answer(OK_KEEP), answer(OK_RESPONSE) };
    kept[0].keep_open = true;
    setup_with(kept, 2);
    fx.cfg.keep_alive = true;
    use_counted_transport();
    assert_err(blocking_get("/abc"), HC_OK);
    kept[0].keep_open = false;
    calls = 0;
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(hc_client_poll(&fx.client), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 1);
    assert_int_equal(calls, 5);     /* send, recv; connect, send, recv */

    /* 40 response bytes, one per recv: 42 calls in all */
    hc_mock_conn_t t[] = { answer(OK_RESPONSE) };
    t[0].max_read = 1;
    setup_with(t, 1);
    use_counted_transport();
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(hc_client_poll(&fx.client), HC_IN_PROGRESS);
    assert_int_equal(calls, 32);
    assert_err(hc_client_poll(&fx.client), HC_OK);
    assert_int_equal(calls, 42);

    hc_mock_conn_t u[] = { { .silent = true } };
    setup_with(u, 1);
    use_counted_transport();
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(hc_client_poll(&fx.client), HC_IN_PROGRESS);  /* connect, send, recv */
    assert_int_equal(calls, 3);
    for (unsigned k = 1; k <= 3; k++) {
        assert_err(hc_client_poll(&fx.client), HC_IN_PROGRESS);
        assert_int_equal(calls, 3 + k);
    }
}

/* A back-off that ends in the next poll starts the next attempt there. */
static void test_poll_after_the_backoff_starts_the_next_attempt(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(UNAVAILABLE), answer(OK_RESPONSE) };
    setup_with(s, 2);
    static hc_transport_t no_jitter;
    no_jitter = fx.tp;
    no_jitter.random = NULL;
    fx.cfg.transport = &no_jitter;
    fx.cfg.backoff_ms = 1000;   /* no jitter: 500 ms */
    reinit();
    assert_err(start_get("/abc", true), HC_OK);
    assert_err(hc_client_poll(&fx.client), HC_IN_PROGRESS);
    assert_int_equal(fx.mock.next, 1);
    fx.mock.now += 499;
    assert_err(hc_client_poll(&fx.client), HC_IN_PROGRESS);
    assert_int_equal(fx.mock.next, 1);
    fx.mock.now += 1;
    assert_err(hc_client_poll(&fx.client), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 2);
}

/* A server that says Connection: close is taken at its word, even when
 * the client would keep the connection; one that keeps it serves the next
 * request. Each connection is closed exactly once. */
static void test_server_closing_overrides_keep_alive(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"),
        answer(OK_KEEP) };
    s[0].keep_open = true;
    s[1].keep_open = true;
    setup_with(s, 2);
    fx.cfg.keep_alive = true;
    reinit();
    assert_err(blocking_get("/abc"), HC_OK);
    assert_null(fx.mock.cur);
    assert_int_equal(fx.mock.n_closes, 1);
    assert_err(blocking_get("/abc"), HC_OK);
    assert_err(blocking_get("/abc"), HC_OK);
    assert_int_equal(fx.mock.n_connects, 2);
    assert_int_equal(fx.mock.n_closes, 1);
    assert_non_null(fx.mock.cur);

    /* a body that ends with the connection: closed once, by the client */
    hc_mock_conn_t t[] = { answer("HTTP/1.1 200 OK\r\n\r\nuntil the end"),
                           answer("HTTP/1.1 200 OK\r\n\r\nagain") };
    setup_with(t, 2);
    fx.cfg.keep_alive = true;
    reinit();
    assert_err(blocking_get("/abc"), HC_OK);
    assert_string_equal(hc_client_text(&fx.client), "until the end");
    assert_int_equal(fx.mock.n_closes, 1);
    assert_err(blocking_get("/abc"), HC_OK);
    assert_string_equal(hc_client_text(&fx.client), "again");
    assert_int_equal(fx.mock.n_connects, 2);
    assert_int_equal(fx.mock.n_closes, 2);
    assert_int_equal(fx.mock.next, 2);
}

/* What counts as a stale kept-alive connection (reconnect at once, no
 * attempt counted) and what is a failed attempt: one attempt allowed. */
static void test_stale_connection_only_before_any_response_byte(void **state)
{
    (void)state;
    /* the kept connection refuses the next request's first byte: stale,
     * also for a request that may not be resent once bytes went out */
    hc_mock_conn_t s[] = { answer(OK_KEEP), answer(OK_RESPONSE) };
    s[0].keep_open = true;
    setup_with(s, 2);
    fx.cfg.keep_alive = true;
    fx.cfg.max_attempts = 1;
    reinit();
    assert_err(blocking_get("/abc"), HC_OK);
    s[0].send_fails = true;
    s[0].send_fail_at = fx.mock.capture_len;
    assert_err(start_get("/abc", false), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_OK);
    assert_int_equal(hc_client_status(&fx.client), 200);
    assert_int_equal(hc_client_attempts(&fx.client), 1);
    assert_int_equal(fx.mock.n_connects, 2);

    /* the kept connection breaks after part of the response: a failed
     * attempt, not a stale connection */
    hc_mock_conn_t t[] = { answer(OK_KEEP), answer(OK_RESPONSE) };
    t[0].keep_open = true;
    setup_with(t, 2);
    fx.cfg.keep_alive = true;
    fx.cfg.max_attempts = 1;
    reinit();
    assert_err(blocking_get("/abc"), HC_OK);
    t[0].fail_after = true;
    t[0].fail_at = 10;
    assert_err(blocking_get("/abc"), HC_ERR_HTTP_TRUNCATED);
    assert_int_equal(fx.mock.n_connects, 1);

    /* the reconnect for a stale connection is a fresh one: if it fails
     * too, the attempt fails */
    hc_mock_conn_t u[] = { answer(OK_KEEP), { 0 }, answer(OK_RESPONSE) };
    u[0].keep_open = true;
    setup_with(u, 3);
    fx.cfg.keep_alive = true;
    fx.cfg.max_attempts = 1;
    reinit();
    assert_err(blocking_get("/abc"), HC_OK);
    u[0].keep_open = false;
    assert_err(blocking_get("/abc"), HC_ERR_CLOSED);
    assert_int_equal(fx.mock.n_connects, 2);
    assert_int_equal(fx.mock.next, 2);
}

/* Sends GET /abc with @p body (or none), a body prefix @p prefix (or none)
 * and has_body = @p has_body; returns the bytes the mock captured. */
static const char *sent_with(const char *body, const char *prefix, bool has_body)
{
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    setup_with(s, 1);
    hc_buf_t b;
    assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
    hc_buf_puts(&b, "/abc");
    hc_request_t req = { .idempotent = true, .has_body = has_body };
    if (body) {
        req.body = (const uint8_t *)body;
        req.body_len = strlen(body);
    }
    if (prefix)
        park_body_prefix(&b, &req, prefix, strlen(prefix));
    assert_err(hc_request_start(&fx.client, &b, &req), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_OK);
    assert_true(fx.mock.capture_len < sizeof fx.capture);
    fx.capture[fx.mock.capture_len] = '\0';
    return (const char *)fx.capture;
}

/* Content-Length counts the body and its prefix, and is sent whenever
 * there is either, or the request says it has a body. */
static void test_content_length_counts_body_and_prefix(void **state)
{
    (void)state;
#define HEAD_TO_LENGTH "GET /ping/abc HTTP/1.1\r\nHost: hc.test\r\nContent-Length: "
    assert_string_equal(sent_with(NULL, NULL, false), EXPECTED_GET);
    assert_string_equal(sent_with(NULL, NULL, true),
                        HEAD_TO_LENGTH "0\r\nConnection: close\r\n\r\n");
    assert_string_equal(sent_with("x", NULL, false),
                        HEAD_TO_LENGTH "1\r\nConnection: close\r\n\r\nx");
    assert_string_equal(sent_with("xy", NULL, false),
                        HEAD_TO_LENGTH "2\r\nConnection: close\r\n\r\nxy");
    assert_string_equal(sent_with(NULL, "late\n", false),
                        HEAD_TO_LENGTH "5\r\nConnection: close\r\n\r\nlate\n");
    assert_string_equal(sent_with("body", "late\n", false),
                        HEAD_TO_LENGTH "9\r\nConnection: close\r\n\r\nlate\nbody");
#undef HEAD_TO_LENGTH
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocking_request_and_exact_bytes),
        cmocka_unit_test(test_one_byte_io_and_storms_same_result),
        cmocka_unit_test(test_nonblocking_never_waits),
        cmocka_unit_test(test_nonblocking_slow_connect_reports_in_progress),
        cmocka_unit_test(test_keep_alive_reuses_connection),
        cmocka_unit_test(test_stale_keep_alive_reconnects_transparently),
        cmocka_unit_test(test_abort_gives_a_final_result),
        cmocka_unit_test(test_stale_keep_alive_not_resent_when_not_idempotent),
        cmocka_unit_test(test_stale_reconnect_gets_its_own_connect_time),
        cmocka_unit_test(test_stray_bytes_after_a_whole_response),
        cmocka_unit_test(test_abort_on_idle_client_changes_nothing),
        cmocka_unit_test(test_keep_alive_not_reused_for_another_host_or_port),
        cmocka_unit_test(test_poll_and_wait_on_null_or_idle_client),
        cmocka_unit_test(test_long_body_to_sink_and_text_truncated),
        cmocka_unit_test(test_next_request_starts_clean),
        cmocka_unit_test(test_close_waits_while_a_request_runs),
        cmocka_unit_test(test_one_poll_goes_on_while_there_is_progress),
        cmocka_unit_test(test_poll_after_the_backoff_starts_the_next_attempt),
        cmocka_unit_test(test_server_closing_overrides_keep_alive),
        cmocka_unit_test(test_stale_connection_only_before_any_response_byte),
        cmocka_unit_test(test_content_length_counts_body_and_prefix),
    };
    return cmocka_run_group_tests_name("client: the path", tests, NULL, NULL);
}
