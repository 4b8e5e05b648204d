/* What the client refuses before anything is sent: a busy client, bad
 * configurations, buffers too small, unsafe header values, and request
 * lines a caller could smuggle headers through. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "client_env.h"

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

/* hc_config_defaults() overwrites every field: the values hc_client.h
 * documents, and nothing (NULL, 0, false) where the caller must choose. */
static void test_config_defaults_as_documented(void **state)
{
    (void)state;
    hc_config_t cfg;
    memset(&cfg, 0xa5, sizeof cfg);
    hc_config_defaults(&cfg);
    assert_string_equal(cfg.ping_url, "https://hc-ping.com");
    assert_string_equal(cfg.api_url, "https://healthchecks.io/api");
    assert_null(cfg.ping_key);
    assert_null(cfg.api_key);
    assert_null(cfg.user_agent);
    assert_null(cfg.extra_headers);
    assert_int_equal(cfg.n_extra_headers, 0);
    assert_null(cfg.transport);
    assert_null(cfg.tls_transport);
    assert_null(cfg.work);
    assert_int_equal(cfg.work_size, 0);
    assert_int_equal(cfg.connect_timeout_ms, 5000);
    assert_int_equal(cfg.io_timeout_ms, 10000);
    assert_int_equal(cfg.request_timeout_ms, 20000);
    assert_int_equal(cfg.deadline_ms, 30000);
    assert_int_equal(cfg.max_attempts, 3);
    assert_int_equal(cfg.backoff_ms, 500);
    assert_int_equal(cfg.backoff_max_ms, 5000);
    assert_false(cfg.keep_alive);
    assert_int_equal(cfg.api_version, 3);
}

/* hc_client_init() on @p cfg gives @p expected; a refusal leaves the
 * client it was given exactly as it was (still idle and usable). */
static void init_gives(const hc_config_t *cfg, hc_err_t expected)
{
    static hc_client_t before;
    memcpy(&before, &fx.client, sizeof before);
    assert_err(hc_client_init(&fx.client, cfg), expected);
    if (expected != HC_OK)
        assert_memory_equal(&fx.client, &before, sizeof before);
    reinit();
}

/* The mock's transport without its function number @p k (0 connect,
 * 1 send, 2 recv, 3 close, 4 now_ms: required; 5 sleep_ms, 6 random:
 * optional). */
static hc_transport_t transport_without(int k)
{
    hc_transport_t t = fx.tp;
    switch (k) {
    case 0: t.connect = NULL; break;
    case 1: t.send = NULL; break;
    case 2: t.recv = NULL; break;
    case 3: t.close = NULL; break;
    case 4: t.now_ms = NULL; break;
    case 5: t.sleep_ms = NULL; break;
    default: t.random = NULL; break;
    }
    return t;
}

static void test_init_checks_each_transport_function(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    for (int k = 0; k < 7; k++) {
        hc_err_t expected = k < 5 ? HC_ERR_ARG : HC_OK;
        hc_transport_t t = transport_without(k);
        hc_config_t cfg = fx.cfg;
        cfg.transport = &t;
        init_gives(&cfg, expected);
        cfg = fx.cfg;
        cfg.tls_transport = &t;   /* checked the same way when given */
        init_gives(&cfg, expected);
    }
    hc_config_t cfg = fx.cfg;
    cfg.transport = NULL;
    init_gives(&cfg, HC_ERR_ARG);
    assert_err(hc_client_init(NULL, &fx.cfg), HC_ERR_ARG);
    init_gives(NULL, HC_ERR_ARG);
}

/* Each timeout must be 1 ms .. 2^31 - 1 ms, each back-off 0 .. 2^31 - 1 ms
 * (the wrap-safe clock's range), the work buffer at least 128 bytes, and
 * at least one attempt. */
static void test_init_checks_each_number_at_its_bounds(void **state)
{
    (void)state;
    static const struct {
        size_t field;     /* a uint32_t of hc_config_t */
        uint32_t value;
        hc_err_t expected;
    } cases[] = {
        { offsetof(hc_config_t, connect_timeout_ms), 0, HC_ERR_ARG },
        { offsetof(hc_config_t, connect_timeout_ms), 1, HC_OK },
        { offsetof(hc_config_t, connect_timeout_ms), 0x7fffffffu, HC_OK },
        { offsetof(hc_config_t, connect_timeout_ms), 0x80000000u, HC_ERR_ARG },
        { offsetof(hc_config_t, io_timeout_ms), 0, HC_ERR_ARG },
        { offsetof(hc_config_t, io_timeout_ms), 1, HC_OK },
        { offsetof(hc_config_t, io_timeout_ms), 0x7fffffffu, HC_OK },
        { offsetof(hc_config_t, io_timeout_ms), 0x80000000u, HC_ERR_ARG },
        { offsetof(hc_config_t, request_timeout_ms), 0, HC_ERR_ARG },
        { offsetof(hc_config_t, request_timeout_ms), 1, HC_OK },
        { offsetof(hc_config_t, request_timeout_ms), 0x7fffffffu, HC_OK },
        { offsetof(hc_config_t, request_timeout_ms), 0x80000000u, HC_ERR_ARG },
        { offsetof(hc_config_t, deadline_ms), 0, HC_ERR_ARG },
        { offsetof(hc_config_t, deadline_ms), 1, HC_OK },
        { offsetof(hc_config_t, deadline_ms), 0x7fffffffu, HC_OK },
        { offsetof(hc_config_t, deadline_ms), 0x80000000u, HC_ERR_ARG },
        { offsetof(hc_config_t, backoff_ms), 0, HC_OK },
        { offsetof(hc_config_t, backoff_ms), 0x7fffffffu, HC_OK },
        { offsetof(hc_config_t, backoff_ms), 0x80000000u, HC_ERR_ARG },
        { offsetof(hc_config_t, backoff_max_ms), 0, HC_OK },
        { offsetof(hc_config_t, backoff_max_ms), 0x7fffffffu, HC_OK },
        { offsetof(hc_config_t, backoff_max_ms), 0x80000000u, HC_ERR_ARG },
    };
    setup_with(NULL, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hc_config_t cfg = fx.cfg;
        memcpy((char *)&cfg + cases[i].field, &cases[i].value, sizeof cases[i].value);
        init_gives(&cfg, cases[i].expected);
    }
    hc_config_t cfg = fx.cfg;
    cfg.work = NULL;
    init_gives(&cfg, HC_ERR_ARG);
    cfg = fx.cfg;
    cfg.work_size = 127;
    init_gives(&cfg, HC_ERR_ARG);
    cfg.work_size = 128;
    init_gives(&cfg, HC_OK);
    cfg = fx.cfg;
    cfg.max_attempts = 0;
    init_gives(&cfg, HC_ERR_ARG);
    cfg.max_attempts = 1;
    init_gives(&cfg, HC_OK);
    static const hc_header_t reserved[] = { { "Host", "x" } };
    cfg = fx.cfg;
    cfg.n_extra_headers = 1;
    init_gives(&cfg, HC_ERR_ARG);   /* a count without the array */
    cfg.extra_headers = reserved;
    init_gives(&cfg, HC_ERR_HEADER_RESERVED);
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

/* A body prefix shares the work buffer with the target: either one
 * overflowing it refuses the request, and a refusal sends nothing. */
static void test_body_prefix_overflow_refused(void **state)
{
    (void)state;
    static const struct {
        size_t path_len, prefix_len;
        hc_err_t err;
    } cases[] = {
        { 600, 100, HC_ERR_BUFFER },   /* the target overflows */
        { 4, 600, HC_ERR_BUFFER },     /* the prefix does */
        { 4, 100, HC_OK },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
        setup_with(s, 1);
        char path[601];
        memset(path, 'a', cases[i].path_len);
        path[0] = '/';
        path[cases[i].path_len] = '\0';
        hc_buf_t b;
        assert_err(hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET"), HC_OK);
        hc_buf_puts(&b, path);
        hc_request_t req = { .idempotent = true };
        static const char zeros[600] = { 0 };
        park_body_prefix(&b, &req, zeros, cases[i].prefix_len);
        assert_err(hc_request_start(&fx.client, &b, &req), cases[i].err);
        if (cases[i].err == HC_OK)
            assert_err(hc_client_wait(&fx.client), HC_OK);
        size_t sent = strlen("GET /ping/aaa HTTP/1.1\r\nHost: hc.test\r\nContent-Length: 100\r\n"
                             "Connection: close\r\n\r\n") + 100;
        assert_int_equal(fx.mock.capture_len, cases[i].err == HC_OK ? sent : 0);
    }
}

/* The shortest target, "/", is a target. */
static void test_one_byte_target_accepted(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    setup_with(s, 1);
    fx.cfg.ping_url = "http://hc.test";
    reinit();
    assert_err(start_raw("GET", "/"), HC_OK);
    assert_err(hc_client_wait(&fx.client), HC_OK);
    captured_equals("GET / HTTP/1.1\r\nHost: hc.test\r\nConnection: close\r\n\r\n");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_busy_while_running),
        cmocka_unit_test(test_small_work_buffer),
        cmocka_unit_test(test_https_without_tls_transport),
        cmocka_unit_test(test_unsafe_user_agent_rejected_before_sending),
        cmocka_unit_test(test_config_defaults_as_documented),
        cmocka_unit_test(test_init_checks_each_transport_function),
        cmocka_unit_test(test_init_checks_each_number_at_its_bounds),
        cmocka_unit_test(test_init_rejects_missing_pieces),
        cmocka_unit_test(test_init_rejects_spans_the_clock_cannot_hold),
        cmocka_unit_test(test_request_line_injection_refused),
        cmocka_unit_test(test_request_begin_bad_args_and_bad_base_url),
        cmocka_unit_test(test_request_line_method_and_target_checked),
        cmocka_unit_test(test_method_with_a_space_refused_as_a_target_with_a_space),
        cmocka_unit_test(test_empty_target_refused),
        cmocka_unit_test(test_body_prefix_overflow_refused),
        cmocka_unit_test(test_one_byte_target_accepted),
        cmocka_unit_test(test_request_start_bad_args_and_busy),
        cmocka_unit_test(test_head_must_leave_receive_space),
    };
    return cmocka_run_group_tests_name("client: refusals", tests, NULL, NULL);
}
