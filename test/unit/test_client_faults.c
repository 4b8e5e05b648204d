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
        cmocka_unit_test(test_transport_errors_mapped),
        cmocka_unit_test(test_send_claiming_too_much_is_an_error),
    };
    return cmocka_run_group_tests_name("client: faults, retries, deadlines", tests, NULL, NULL);
}
