/* The client drivers over the mock port when things go wrong: every fault
 * mode of the transport, retries and what may be resent, back-off with
 * jitter and its caps, and the deadlines that bound it all. Time is the
 * mock's virtual clock, so every timing assertion is exact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "client_env.h"

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

/* A transport that claims more bytes than it was asked to move (from
 * the moment recv_lies is set). */
static bool recv_honest;

static int32_t lying_recv(void *ctx, uint8_t *buf, size_t len, uint32_t until)
{
    int32_t r = fx.tp.recv(ctx, buf, len, until);
    return r > 0 && !recv_honest ? (int32_t)len + 5 : r;
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

    /* on a kept-alive connection too: a broken transport is not a stale
     * connection to open again */
    hc_mock_conn_t t[] = { answer(OK_KEEP), answer(OK_KEEP) };
    t[0].keep_open = true;
    setup_with(t, 2);
    fx.cfg.transport = &liar;
    fx.cfg.max_attempts = 1;
    fx.cfg.keep_alive = true;
    reinit();
    recv_honest = true;
    assert_err(blocking_get("/abc"), HC_OK);
    recv_honest = false;
    assert_err(blocking_get("/abc"), HC_ERR_IO);
    assert_int_equal(fx.mock.n_connects, 1);
}

/* A transport over the mock whose send and connect can be bent, and which
 * records the virtual time of every connect call. */
static struct {
    unsigned send_closed;       /* sends still to answer HC_IO_CLOSED */
    bool send_overclaims;       /* send claims 5 bytes more than offered */
    uint32_t connect_at[32];
    size_t n_connect_at;
    const uint32_t *randoms;    /* what random() gives, one value per call */
    size_t n_randoms;
    unsigned random_calls;
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

static int scripted_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    assert_int_equal(len, sizeof(uint32_t));
    assert_true(bend.random_calls < bend.n_randoms);
    memcpy(buf, &bend.randoms[bend.random_calls++], len);
    return 0;
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

/* Back-off without jitter and with scripted random values: each gap
 * between attempts is exact. The delay doubles from backoff_ms per retry
 * (the 17th and later retries double no more), is capped at
 * backoff_max_ms, and then becomes half of itself plus the random value
 * modulo (half + 1); no random value is drawn when half is 0. */
static void test_backoff_gaps_exact(void **state)
{
    (void)state;
    static const uint32_t r_mixed[] = { 0, 500, 501, 1000, 0xffffffffu };
    static const uint32_t r_edges[] = { 500, 1001 };
    static const uint32_t r_zero[17] = { 0 };
    static const struct {
        uint32_t backoff, max;
        uint8_t attempts;
        const uint32_t *randoms;    /* NULL: the transport has no random() */
        size_t n_randoms;
        uint32_t gaps[17];
    } cases[] = {
        /* no jitter: exactly half of each delay */
        { 1000, 10000, 5, NULL, 0, { 500, 1000, 2000, 4000 } },
        { 1000, 3000, 4, NULL, 0, { 500, 1000, 1500 } },
        { 1, 1u << 20, 18, NULL, 0,
          { 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768 } },
        /* delays 1000, 2000, 4000, 8000, 10000: half + r % (half + 1) */
        { 1000, 10000, 6, r_mixed, 5, { 500, 1000 + 500, 2000 + 501 % 2001, 4000 + 1000,
                                         5000 + 0xffffffffu % 5001 } },
        /* a value of half gives the whole delay, half + 1 gives half */
        { 1000, 10000, 3, r_edges, 2, { 1000, 1000 } },
        /* delay 1 has half 0: nothing to draw, no jitter */
        { 1, 1u << 20, 18, r_zero, 16,
          { 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768 } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setup_with(NULL, 0);   /* every connect refused */
        fx.cfg.backoff_ms = cases[i].backoff;
        fx.cfg.backoff_max_ms = cases[i].max;
        fx.cfg.max_attempts = cases[i].attempts;
        fx.cfg.deadline_ms = 0x7fffffffu;
        use_bent_transport();
        bent.random = cases[i].randoms ? scripted_random : NULL;
        bend.randoms = cases[i].randoms;
        bend.n_randoms = cases[i].n_randoms;
        assert_err(blocking_get("/abc"), HC_ERR_CONNECT);
        assert_int_equal(hc_client_attempts(&fx.client), cases[i].attempts);
        assert_int_equal(bend.n_connect_at, cases[i].attempts);
        assert_int_equal(bend.random_calls, cases[i].n_randoms);
        for (size_t k = 0; k + 1 < cases[i].attempts; k++) {
            uint32_t gap = bend.connect_at[k + 1] - bend.connect_at[k];
            if (gap != cases[i].gaps[k])
                fail_msg("case %zu, gap %zu: %u ms, expected %u", i, k, gap, cases[i].gaps[k]);
        }
    }
}

/* A back-off that would end at or after the overall deadline is not
 * taken: the request ends with the error at once. One that ends 1 ms
 * before it is. (No jitter: the first back-off of 2000 ms is 1000 ms.) */
static void test_backoff_reaching_the_deadline_not_taken(void **state)
{
    (void)state;
    for (uint32_t deadline = 1000; deadline <= 1001; deadline++) {
        setup_with(NULL, 0);
        fx.cfg.backoff_ms = 2000;
        fx.cfg.max_attempts = 3;
        fx.cfg.deadline_ms = deadline;
        use_bent_transport();
        bent.random = NULL;
        assert_err(blocking_get("/abc"), HC_ERR_CONNECT);
        bool retried = deadline > 1000;
        assert_int_equal(hc_client_attempts(&fx.client), retried ? 2 : 1);
        assert_int_equal(fx.mock.n_sleeps, retried ? 1 : 0);
        assert_int_equal(fx.mock.slept_ms, retried ? 1000 : 0);
        /* the second attempt would back off past the deadline: it ends */
        assert_int_equal(fx.mock.now, retried ? 1000 : 0);
    }
}

/* Each phase's own limit, told apart by when the attempt ends: the
 * connect phase by connect_timeout_ms from the attempt's start, sending
 * and receiving by io_timeout_ms from the latest progress (the connect
 * counts), the whole attempt by request_timeout_ms and the request by
 * deadline_ms, whichever comes first. One attempt, blocking driver. */
static void test_each_phase_has_its_own_timeout(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        uint32_t connect_ms, delay_ms;                 /* the server's slowness */
        uint32_t connect_to, io_to, request_to, deadline;
        hc_err_t err;
        uint32_t end;                                  /* virtual ms at the end */
    } cases[] = {
        { "slow connect: connect timeout", 1500, 0, 1000, 5000, 8000, 9000, HC_ERR_TIMEOUT, 1000 },
        { "connect just in time", 999, 0, 1000, 5000, 8000, 9000, HC_OK, 999 },
        { "slow connect: request timeout first", 1500, 0, 5000, 5000, 1200, 9000,
          HC_ERR_TIMEOUT, 1200 },
        { "slow connect: deadline first", 1500, 0, 5000, 5000, 1200, 1100, HC_ERR_TIMEOUT, 1100 },
        { "the I/O timeout does not bound a connect", 1500, 0, 2000, 1000, 8000, 9000, HC_OK, 1500 },
        { "slow answer: I/O timeout", 0, 1500, 5000, 1000, 8000, 9000, HC_ERR_TIMEOUT, 1000 },
        { "the connect timeout does not bound an answer", 0, 1500, 1000, 2000, 8000, 9000,
          HC_OK, 1500 },
        { "slow answer: request timeout first", 0, 1500, 5000, 5000, 1200, 9000,
          HC_ERR_TIMEOUT, 1200 },
        { "slow answer: deadline first", 0, 1500, 5000, 5000, 1200, 1100, HC_ERR_TIMEOUT, 1100 },
        /* the I/O timeout restarts when the connect completes */
        { "I/O timeout from the connect", 800, 900, 5000, 1000, 8000, 9000, HC_OK, 1700 },
        { "I/O timeout from the connect, missed", 800, 1001, 5000, 1000, 8000, 9000,
          HC_ERR_TIMEOUT, 1800 },
        /* the request timeout counts from the attempt's start */
        { "request timeout over both phases", 800, 900, 5000, 5000, 1600, 9000,
          HC_ERR_TIMEOUT, 1600 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
        s[0].connect_ms = cases[i].connect_ms;
        s[0].response_delay_ms = cases[i].delay_ms;
        setup_with(s, 1);
        fx.cfg.max_attempts = 1;
        fx.cfg.connect_timeout_ms = cases[i].connect_to;
        fx.cfg.io_timeout_ms = cases[i].io_to;
        fx.cfg.request_timeout_ms = cases[i].request_to;
        fx.cfg.deadline_ms = cases[i].deadline;
        reinit();
        hc_err_t err = blocking_get("/abc");
        if (err != cases[i].err || fx.mock.now != cases[i].end)
            fail_msg("%s: %s at %u ms, expected %s at %u ms", cases[i].what, hc_strerror(err),
                     fx.mock.now, hc_strerror(cases[i].err), cases[i].end);
        assert_null(fx.mock.cur);   /* closed either way */
    }
}

/* A transport over the mock whose first call of one kind (0 connect,
 * 1 send, 2 recv) returns a given result instead; after @c after_bytes
 * response bytes, for recv. */
static struct {
    int kind;
    int32_t result;
    size_t after_bytes;
    bool fired;
    size_t got;
} fault;

static int32_t fault_connect(void *ctx, const char *host, uint16_t port, uint32_t until)
{
    if (fault.kind == 0 && !fault.fired) {
        fault.fired = true;
        return fault.result;
    }
    return fx.tp.connect(ctx, host, port, until);
}

static int32_t fault_send(void *ctx, const uint8_t *buf, size_t len, uint32_t until)
{
    if (fault.kind == 1 && !fault.fired) {
        fault.fired = true;
        return fault.result;
    }
    return fx.tp.send(ctx, buf, len, until);
}

static int32_t fault_recv(void *ctx, uint8_t *buf, size_t len, uint32_t until)
{
    if (fault.kind == 2 && !fault.fired && fault.got >= fault.after_bytes) {
        fault.fired = true;
        if (fault.result < 0)
            fx.tp.close(ctx);   /* the connection is gone (0 is only a lie) */
        return fault.result;
    }
    int32_t r = fx.tp.recv(ctx, buf, fault.kind == 2 && !fault.fired ? 1 : len, until);
    if (r > 0)
        fault.got += (size_t)r;
    return r;
}

/* Every transport result, in every call it can come from, becomes its
 * error; all but a failed certificate check are worth a second attempt. */
static void test_every_transport_result_mapped_in_every_phase(void **state)
{
    (void)state;
    static const struct {
        int kind;
        int32_t result;
        size_t after_bytes;
        hc_err_t err;
        bool retried;
    } cases[] = {
        { 0, HC_IO_CLOSED, 0, HC_ERR_CONNECT, true },
        { 0, HC_IO_TIMEOUT, 0, HC_ERR_TIMEOUT, true },
        { 0, HC_IO_ERROR, 0, HC_ERR_IO, true },
        { 0, HC_IO_DNS, 0, HC_ERR_DNS, true },
        { 0, HC_IO_REFUSED, 0, HC_ERR_CONNECT, true },
        { 0, HC_IO_TLS, 0, HC_ERR_TLS, true },
        { 0, HC_IO_TLS_VERIFY, 0, HC_ERR_TLS_VERIFY, false },
        { 0, -9, 0, HC_ERR_IO, true },
        { 1, 0, 0, HC_ERR_IO, true },
        { 1, HC_IO_CLOSED, 0, HC_ERR_CLOSED, true },
        { 1, HC_IO_TIMEOUT, 0, HC_ERR_TIMEOUT, true },
        { 1, HC_IO_ERROR, 0, HC_ERR_IO, true },
        { 1, HC_IO_TLS, 0, HC_ERR_TLS, true },
        { 1, HC_IO_TLS_VERIFY, 0, HC_ERR_TLS_VERIFY, false },
        { 2, 0, 0, HC_ERR_IO, true },
        { 2, HC_IO_CLOSED, 0, HC_ERR_CLOSED, true },
        { 2, HC_IO_CLOSED, 5, HC_ERR_HTTP_TRUNCATED, true },
        { 2, HC_IO_TIMEOUT, 5, HC_ERR_TIMEOUT, true },
        { 2, HC_IO_ERROR, 5, HC_ERR_IO, true },
        { 2, HC_IO_DNS, 0, HC_ERR_DNS, true },
        { 2, HC_IO_TLS, 5, HC_ERR_TLS, true },
        { 2, HC_IO_TLS_VERIFY, 5, HC_ERR_TLS_VERIFY, false },
        { 2, -9, 5, HC_ERR_IO, true },
    };
    static hc_transport_t faulty;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (uint8_t attempts = 1; attempts <= 2; attempts++) {
            hc_mock_conn_t s[] = { answer(OK_RESPONSE), answer(OK_RESPONSE) };
            setup_with(s, 2);
            memset(&fault, 0, sizeof fault);
            fault.kind = cases[i].kind;
            fault.result = cases[i].result;
            fault.after_bytes = cases[i].after_bytes;
            faulty = fx.tp;
            faulty.connect = fault_connect;
            faulty.send = fault_send;
            faulty.recv = fault_recv;
            fx.cfg.transport = &faulty;
            fx.cfg.max_attempts = attempts;
            reinit();
            hc_err_t err = blocking_get("/abc");
            bool again = attempts == 2 && cases[i].retried;
            if (err != (again ? HC_OK : cases[i].err) || fx.client.last_error != cases[i].err ||
                hc_client_attempts(&fx.client) != (again ? 2 : 1))
                fail_msg("case %zu, %u attempt(s): %s after %u, last error %s", i, attempts,
                         hc_strerror(err), hc_client_attempts(&fx.client),
                         hc_strerror(fx.client.last_error));
            assert_int_equal(hc_client_status(&fx.client), again ? 200 : 0);
            assert_null(fx.mock.cur);
        }
    }
}

/* A clock that moves 1 ms each time it is read, for a transport without
 * sleep_ms(): the blocking driver then waits out a back-off on the clock. */
static uint32_t ticking_now(void *ctx)
{
    (void)ctx;
    return fx.mock.now++;
}

/* The blocking driver sleeps through a back-off when the transport can,
 * watches the clock when it cannot, and does neither when the back-off is
 * already over. */
static void test_blocking_backoff_sleeps_or_watches_the_clock(void **state)
{
    (void)state;
    static hc_transport_t t;
    for (int k = 0; k < 3; k++) {
        hc_mock_conn_t s[] = { answer(UNAVAILABLE), answer(OK_RESPONSE) };
        setup_with(s, 2);
        t = fx.tp;
        t.random = NULL;
        fx.cfg.backoff_ms = k == 0 ? 0 : 1000;   /* no jitter: 0 or 500 ms */
        if (k == 2) {
            t.sleep_ms = NULL;
            t.now_ms = ticking_now;
        }
        fx.cfg.transport = &t;
        reinit();
        assert_err(blocking_get("/abc"), HC_OK);
        assert_int_equal(hc_client_attempts(&fx.client), 2);
        assert_int_equal(fx.mock.n_sleeps, k == 1 ? 1 : 0);
        assert_int_equal(fx.mock.slept_ms, k == 1 ? 500 : 0);
        if (k == 2)
            assert_in_range(fx.mock.now, 500, 600);
    }
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

/* What a body sink received (NUL-terminated). */
typedef struct {
    char data[16];
    size_t len;
} body_t;

static hc_err_t sink_into(void *ctx, const hc_http_response_t *resp, const uint8_t *data,
                          size_t len)
{
    body_t *got = ctx;
    (void)resp;
    assert_true(got->len + len < sizeof got->data);
    memcpy(got->data + got->len, data, len);
    got->len += len;
    return HC_OK;
}

/* hc_status_error() at every bound of every range and named status. */
static void test_status_errors_at_every_bound(void **state)
{
    (void)state;
    static const struct {
        uint16_t status;
        hc_err_t err;
    } cases[] = {
        { 0, HC_ERR_HTTP_STATUS }, { 101, HC_ERR_HTTP_STATUS }, { 199, HC_ERR_HTTP_STATUS },
        { 200, HC_OK }, { 201, HC_OK }, { 299, HC_OK },
        { 300, HC_ERR_HTTP_STATUS }, { 301, HC_ERR_HTTP_STATUS }, { 399, HC_ERR_HTTP_STATUS },
        { 400, HC_ERR_BAD_REQUEST }, { 401, HC_ERR_UNAUTHORIZED }, { 402, HC_ERR_HTTP_STATUS },
        { 403, HC_ERR_FORBIDDEN }, { 404, HC_ERR_NOT_FOUND }, { 405, HC_ERR_HTTP_STATUS },
        { 408, HC_ERR_HTTP_STATUS }, { 409, HC_ERR_CONFLICT }, { 410, HC_ERR_HTTP_STATUS },
        { 412, HC_ERR_HTTP_STATUS }, { 413, HC_ERR_PAYLOAD_TOO_LARGE },
        { 414, HC_ERR_HTTP_STATUS }, { 428, HC_ERR_HTTP_STATUS }, { 429, HC_ERR_RATE_LIMITED },
        { 430, HC_ERR_HTTP_STATUS }, { 499, HC_ERR_HTTP_STATUS },
        { 500, HC_ERR_SERVER }, { 501, HC_ERR_SERVER }, { 599, HC_ERR_SERVER },
        { 600, HC_ERR_HTTP_STATUS }, { 601, HC_ERR_HTTP_STATUS }, { 999, HC_ERR_HTTP_STATUS },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (hc_status_error(cases[i].status) != cases[i].err)
            fail_msg("status %u", cases[i].status);
    }
}

/* Which final statuses are worth another attempt (408, 429, 5xx), at the
 * bounds: each answered once with a 4-byte body, then "OK" if retried. A
 * retry records the status's error; only a 2xx body reaches the sink. */
static void test_retryable_statuses_at_every_bound(void **state)
{
    (void)state;
    static const struct {
        uint16_t status;
        bool retried;
    } cases[] = {
        { 200, false }, { 201, false }, { 299, false }, { 300, false }, { 399, false },
        { 400, false }, { 404, false }, { 407, false }, { 408, true }, { 409, false },
        { 428, false }, { 429, true }, { 430, false }, { 499, false }, { 500, true },
        { 501, true }, { 503, true }, { 599, true }, { 600, false }, { 601, false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static char first[128];
        snprintf(first, sizeof first,
                 "HTTP/1.1 %u Whatever\r\nContent-Length: 4\r\n\r\nbody", cases[i].status);
        hc_mock_conn_t s[] = { answer(first), answer(OK_RESPONSE) };
        setup_with(s, 2);
        fx.cfg.max_attempts = 2;
        reinit();
        body_t got = { { 0 }, 0 };
        hc_buf_t b;
        assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
        hc_buf_puts(&b, "/abc");
        hc_request_t req = { .idempotent = true, .sink = sink_into, .sink_ctx = &got };
        assert_err(hc_request_start(&fx.client, &b, &req), HC_OK);
        assert_err(hc_client_wait(&fx.client), HC_OK);
        bool ok = cases[i].status >= 200 && cases[i].status < 300;
        if (cases[i].retried) {
            assert_int_equal(hc_client_attempts(&fx.client), 2);
            assert_int_equal(hc_client_status(&fx.client), 200);
            assert_err(fx.client.last_error, hc_status_error(cases[i].status));
            assert_string_equal(got.data, "OK");
        } else {
            if (hc_client_attempts(&fx.client) != 1)
                fail_msg("status %u retried", cases[i].status);
            assert_int_equal(hc_client_status(&fx.client), cases[i].status);
            assert_string_equal(hc_client_text(&fx.client), "body");
            assert_string_equal(got.data, ok ? "body" : "");
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
        cmocka_unit_test(test_transport_claiming_too_much_is_an_error),
        cmocka_unit_test(test_backoff_capped_at_max),
        cmocka_unit_test(test_backoff_doubling_that_wraps_is_capped),
        cmocka_unit_test(test_send_reporting_closed_is_retried),
        cmocka_unit_test(test_backoff_gaps_exact),
        cmocka_unit_test(test_backoff_reaching_the_deadline_not_taken),
        cmocka_unit_test(test_each_phase_has_its_own_timeout),
        cmocka_unit_test(test_blocking_backoff_sleeps_or_watches_the_clock),
        cmocka_unit_test(test_transport_errors_mapped),
        cmocka_unit_test(test_every_transport_result_mapped_in_every_phase),
        cmocka_unit_test(test_send_claiming_too_much_is_an_error),
        cmocka_unit_test(test_status_errors_at_every_bound),
        cmocka_unit_test(test_retryable_statuses_at_every_bound),
    };
    return cmocka_run_group_tests_name("client: faults, retries, deadlines", tests, NULL, NULL);
}
