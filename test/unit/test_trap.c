/* The run wrapper over the mock port: the ring keeps the last bytes, the
 * marker counts what was cut, the outcome mapping picks the final ping,
 * and one run id ties the pings of a run together. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_trap.h"
#include "hc_mock_client.h"
#include "hc_request.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define OK_LIMIT(n) "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nPing-Body-Limit: " n "\r\n\r\nOK"

static hc_test_mock_client_t mc;
static uint8_t work[512];
static uint8_t capture[16384];
static hc_mock_conn_t script[4];
static uint8_t ring[64];

static hc_mock_conn_t answer(const char *response)
{
    hc_mock_conn_t c = { 0 };
    c.response = (const uint8_t *)response;
    c.response_len = strlen(response);
    return c;
}

static void setup(const char *start_response, const char *end_response)
{
    memset(script, 0, sizeof script);
    script[0] = answer(start_response);
    script[1] = answer(end_response);
    const hc_test_mock_spec_t spec = {
        .script = script, .n_script = 2, .capture = capture, .capture_cap = sizeof capture,
        .work = work, .work_size = sizeof work, .ping_url = "http://hc.test/ping", .max_attempts = 1,
    };
    assert_err(hc_test_mock_client(&mc, &spec), HC_OK);
}

static hc_trap_config_t trap_config(void)
{
    hc_trap_config_t tc;
    hc_trap_config_defaults(&tc);
    tc.uuid = UUID;
    tc.ring = ring;
    tc.ring_size = sizeof ring;
    return tc;
}

/* trap_config() for a run whose only ping is the final one, without a
 * run id: the request lines the tests compare are then fixed. */
static hc_trap_config_t final_ping_config(void)
{
    hc_trap_config_t tc = trap_config();
    tc.use_rid = false;
    tc.start_ping = false;
    return tc;
}

/* The n-th (0-based) request line the mock saw, and the body after it. */
static const char *request(unsigned n, const char **body)
{
    static char line[256];
    const char *p = (const char *)capture;
    const char *end = p + mc.mock.capture_len;
    for (unsigned k = 0; k <= n; k++) {
        const char *start = p;
        const char *head_end = strstr(start, "\r\n\r\n");
        assert_non_null(head_end);
        const char *cl = strstr(start, "Content-Length: ");
        size_t body_len = cl && cl < head_end ? (size_t)strtoul(cl + 16, NULL, 10) : 0;
        p = head_end + 4 + body_len;
        assert_true(p <= end);
        if (k == n) {
            size_t len = (size_t)(strchr(start, '\r') - start);
            memcpy(line, start, len);
            line[len] = '\0';
            static char b[256];
            memcpy(b, head_end + 4, body_len);
            b[body_len] = '\0';
            if (body)
                *body = b;
        }
    }
    return line;
}

static void log_text(hc_trap_t *t, const char *s)
{
    hc_trap_log(t, s, strlen(s));
}

/* Logs "line 000!\n" to "line <n-1>!\n": 10 bytes each. */
static void log_lines(hc_trap_t *t, int n)
{
    for (int i = 0; i < n && i < 1000; i++) {
        char line[24];
        snprintf(line, sizeof line, "line %03d!\n", i);
        log_text(t, line);
    }
}

/* The last 45 bytes of log_lines(t, 7): what a 64-byte body keeps of those
 * 70 bytes after the 19-byte marker "[hc: 25 bytes cut]\n". */
#define SEVEN_LINES_TAIL "002!\nline 003!\nline 004!\nline 005!\nline 006!\n"

/* Polls the run's ping to its end, the mock clock moving on each round. */
static hc_err_t poll_to_end(hc_trap_t *t)
{
    hc_err_t r = HC_IN_PROGRESS;
    for (int i = 0; i < 1000 && r == HC_IN_PROGRESS; i++) {
        r = hc_trap_poll(t);
        mc.mock.now += 10;
    }
    return r;
}

static void test_success_run_shares_rid(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = trap_config();
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    log_text(&t, "hello\n");
    assert_err(hc_trap_close(&t, 0), HC_OK);

    char expect[128];
    snprintf(expect, sizeof expect, "GET /ping/" UUID "/start?rid=%s HTTP/1.1", t.rid);
    assert_string_equal(request(0, NULL), expect);
    const char *body;
    snprintf(expect, sizeof expect, "POST /ping/" UUID "?rid=%s HTTP/1.1", t.rid);
    assert_string_equal(request(1, &body), expect);
    assert_string_equal(body, "hello\n");
}

static void test_nonzero_exit_sends_exit_status(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = trap_config();
    tc.use_rid = false;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    assert_err(hc_trap_close(&t, 3), HC_OK);
    assert_string_equal(request(0, NULL), "GET /ping/" UUID "/start HTTP/1.1");
    assert_string_equal(request(1, NULL), "GET /ping/" UUID "/3 HTTP/1.1"); /* no output: no body */
}

static void test_mapping(void **state)
{
    (void)state;
    static const struct { hc_trap_action_t action; int code; const char *line; } cases[] = {
        { HC_TRAP_FAIL, 0, "POST /ping/" UUID "/fail HTTP/1.1" },
        { HC_TRAP_LOG, 0, "POST /ping/" UUID "/log HTTP/1.1" },
        { HC_TRAP_EXIT_CODE, 0, "POST /ping/" UUID "/0 HTTP/1.1" },
        { HC_TRAP_SUCCESS, 0, "POST /ping/" UUID " HTTP/1.1" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
        hc_trap_config_t tc = final_ping_config();
        tc.on_success = cases[k].action;
        hc_trap_t t;
        assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
        log_text(&t, "x");
        assert_err(hc_trap_close(&t, cases[k].code), HC_OK);
        assert_string_equal(request(0, NULL), cases[k].line);
    }
}

static void test_exec_failure_and_nothing(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = final_ping_config();
    tc.on_nonzero = HC_TRAP_NOTHING;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    assert_err(hc_trap_close(&t, 1), HC_OK);
    assert_int_equal(mc.mock.capture_len, 0); /* nothing sent at all */
    assert_err(hc_trap_close(&t, HC_TRAP_EXEC_FAILED), HC_OK);
    assert_string_equal(request(0, NULL), "GET /ping/" UUID "/fail HTTP/1.1");
}

static void test_tail_is_kept_with_marker_under_server_limit(void **state)
{
    (void)state;
    setup(OK_LIMIT("40"), OK_LIMIT("40"));
    hc_trap_config_t tc = trap_config();
    tc.use_rid = false;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    for (int i = 0; i < 100; i++) {   /* 1000 bytes through a 64-byte ring */
        char line[16];
        snprintf(line, sizeof line, "line %03d!\n", i);
        log_text(&t, line);
    }
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    request(1, &body);
    /* 40 bytes: the 20-byte marker, then the last 20 bytes of output */
    assert_int_equal(strlen(body), 40);
    assert_string_equal(body, "[hc: 980 bytes cut]\nline 098!\nline 099!\n");
    assert_int_equal(hc_trap_cut(&t), 1000 - 64);
}

static void test_small_output_is_sent_whole(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = trap_config();
    tc.use_rid = false;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    log_text(&t, "0123456789012345678901234567890123456789012345678901234567890123"); /* 64 */
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    request(1, &body);
    assert_int_equal(strlen(body), 64);
    assert_int_equal(hc_trap_cut(&t), 0);
}

static void test_failed_start_does_not_stop_the_run(void **state)
{
    (void)state;
    setup("", OK_LIMIT("10000"));
    script[0] = (hc_mock_conn_t){ .connect_result = HC_IO_REFUSED };
    hc_trap_config_t tc = trap_config();
    hc_trap_t t;
    uint32_t t0 = mc.mock.now;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_ERR_CONNECT);
    assert_true(mc.mock.now - t0 <= mc.cfg.deadline_ms);
    log_text(&t, "ran anyway\n");
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    char expect[128];
    snprintf(expect, sizeof expect, "POST /ping/" UUID "?rid=%s HTTP/1.1", t.rid);
    assert_string_equal(request(0, &body), expect);
    assert_string_equal(body, "ran anyway\n");
}

static void test_bad_target_refused_up_front(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = trap_config();
    tc.uuid = "not-a-uuid";
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_ERR_ARG);
    assert_int_equal(mc.mock.capture_len, 0);
}

static void test_nonblocking_run(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    script[0].storm = 3;
    script[1].max_read = 1;
    hc_trap_config_t tc = trap_config();
    hc_trap_t t;
    assert_err(hc_trap_open_begin(&t, &mc.client, &tc), HC_OK);
    hc_err_t r = HC_IN_PROGRESS;
    for (int i = 0; i < 10000 && r == HC_IN_PROGRESS; i++)
        r = hc_trap_poll(&t);
    assert_err(r, HC_OK);
    assert_err(t.start_result, HC_OK);
    log_text(&t, "async\n");
    assert_err(hc_trap_close_begin(&t, 0), HC_OK);
    r = HC_IN_PROGRESS;
    for (int i = 0; i < 10000 && r == HC_IN_PROGRESS; i++)
        r = hc_trap_poll(&t);
    assert_err(r, HC_OK);
    const char *body;
    request(1, &body);
    assert_string_equal(body, "async\n");
}

/* A job that ends before its start ping does: the final ping waits its turn
 * instead of being lost. */
static void test_end_while_start_in_flight(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    script[0].connect_ms = 1000;
    hc_trap_config_t tc = trap_config();
    hc_trap_t t;
    assert_err(hc_trap_open_begin(&t, &mc.client, &tc), HC_OK);
    assert_err(hc_trap_poll(&t), HC_IN_PROGRESS);
    assert_err(hc_trap_close_begin(&t, 0), HC_ERR_BUSY);
    hc_err_t r = HC_IN_PROGRESS;
    for (int i = 0; i < 1000 && r == HC_IN_PROGRESS; i++) {
        r = hc_trap_poll(&t);
        mc.mock.now += 10;
    }
    assert_err(r, HC_OK);
    assert_err(hc_trap_close_begin(&t, 0), HC_OK);
    r = HC_IN_PROGRESS;
    for (int i = 0; i < 1000 && r == HC_IN_PROGRESS; i++)
        r = hc_trap_poll(&t);
    assert_err(r, HC_OK);
    assert_int_equal(hc_trap_poll(&t), HC_OK); /* the result stays */
    char expect[128];
    snprintf(expect, sizeof expect, "GET /ping/" UUID "?rid=%s HTTP/1.1", t.rid);
    assert_string_equal(request(1, NULL), expect);
}

/* ------------------------------------------------- coverage: edges */

static void test_begin_bad_arguments(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc;
    hc_trap_config_defaults(&tc);
    tc.uuid = UUID;
    tc.ring_size = 32;                       /* a size, but no ring */
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_ERR_ARG);
    assert_err(hc_trap_open_begin(&t, &mc.client, &tc), HC_ERR_ARG);
    tc = trap_config();
    assert_err(hc_trap_open(NULL, &mc.client, &tc), HC_ERR_ARG);
    assert_err(hc_trap_open(&t, NULL, &tc), HC_ERR_ARG);
    assert_err(hc_trap_open(&t, &mc.client, NULL), HC_ERR_ARG);
    assert_int_equal(mc.mock.next, 0);
    assert_int_equal(mc.mock.capture_len, 0);
    /* the client is untouched: a proper run goes through */
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    assert_err(hc_trap_close(&t, 0), HC_OK);
    assert_int_equal(mc.mock.next, 2);
}

static void test_async_start_refused_by_the_client(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    mc.cfg.ping_url = "ftp://hc.test/ping";
    assert_err(hc_client_init(&mc.client, &mc.cfg), HC_OK);
    hc_trap_config_t tc = trap_config();
    hc_trap_t t;
    assert_err(hc_trap_open_begin(&t, &mc.client, &tc), HC_ERR_URL);
    assert_err(t.start_result, HC_ERR_URL);
    assert_false(t.pending);
    assert_err(hc_trap_poll(&t), HC_ERR_URL);
    assert_int_equal(mc.mock.next, 0);
    assert_int_equal(mc.mock.capture_len, 0);

    /* a client busy with another request refuses the start ping too */
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    script[0].connect_ms = 1000;
    hc_ping_t other = { .uuid = UUID, .signal = HC_SIGNAL_LOG };
    assert_err(hc_ping_send_begin(&mc.client, &other), HC_OK);
    assert_err(hc_trap_open_begin(&t, &mc.client, &tc), HC_ERR_BUSY);
    assert_err(t.start_result, HC_ERR_BUSY);
    assert_err(hc_trap_poll(&t), HC_ERR_BUSY);
    /* the other request is not disturbed */
    assert_err(hc_client_wait(&mc.client), HC_OK);
    assert_int_equal(mc.mock.next, 1);
    assert_string_equal(request(0, NULL), "GET /ping/" UUID "/log HTTP/1.1");
}

/* A target the start ping would refuse fails the async begin at once, and
 * polling says so again rather than reporting success. */
static void test_async_start_with_a_bad_target_polls_as_refused(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = trap_config();
    tc.uuid = "not-a-uuid";
    hc_trap_t t;
    assert_err(hc_trap_open_begin(&t, &mc.client, &tc), HC_ERR_ARG);
    assert_err(t.start_result, HC_ERR_ARG);
    assert_err(hc_trap_poll(&t), HC_ERR_ARG);
    assert_err(hc_trap_poll(&t), HC_ERR_ARG);
    assert_int_equal(mc.mock.capture_len, 0);
}

static void test_body_limit_cuts_the_tail(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = trap_config();
    tc.use_rid = false;
    tc.body_limit = 30;                      /* below the 64-byte ring */
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    for (int i = 0; i < 10; i++) {           /* 100 bytes */
        char line[16];
        snprintf(line, sizeof line, "line %03d!\n", i);
        log_text(&t, line);
    }
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    assert_string_equal(request(1, &body), "POST /ping/" UUID " HTTP/1.1");
    /* 30 bytes: a 19-byte marker, then the last 11 bytes of output */
    assert_string_equal(body, "[hc: 89 bytes cut]\n\nline 009!\n");
    assert_int_equal(strlen(body), 30);
    assert_int_equal(hc_trap_cut(&t), 100 - 64);

    /* a body_limit above the ring changes nothing */
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    tc.body_limit = 1000;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    log_text(&t, "short\n");
    assert_err(hc_trap_close(&t, 0), HC_OK);
    request(1, &body);
    assert_string_equal(body, "short\n");

    /* nor does it lift the ring's own cap: output beyond the ring is cut */
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    tc.body_limit = 100;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    log_lines(&t, 7);                        /* 70 bytes into the 64-byte ring */
    assert_err(hc_trap_close(&t, 0), HC_OK);
    request(1, &body);
    assert_string_equal(body, "[hc: 25 bytes cut]\n" SEVEN_LINES_TAIL);
}

static void test_end_and_poll_refuse_null_or_unbegun(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_t t;
    memset(&t, 0, sizeof t);                 /* never begun */
    assert_err(hc_trap_close(NULL, 0), HC_ERR_ARG);
    assert_err(hc_trap_close(&t, 0), HC_ERR_ARG);
    assert_err(hc_trap_close_begin(NULL, 0), HC_ERR_ARG);
    assert_err(hc_trap_close_begin(&t, 0), HC_ERR_ARG);
    assert_err(hc_trap_poll(NULL), HC_ERR_ARG);
    assert_err(hc_trap_poll(&t), HC_ERR_ARG);
    assert_false(t.pending);
    assert_int_equal(mc.mock.next, 0);
    assert_int_equal(mc.mock.capture_len, 0);
}

static void test_async_end_with_nothing_to_send(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = trap_config();
    tc.start_ping = false;
    tc.on_success = HC_TRAP_NOTHING;
    hc_trap_t t;
    assert_err(hc_trap_open_begin(&t, &mc.client, &tc), HC_OK);
    log_text(&t, "quiet\n");
    assert_err(hc_trap_close_begin(&t, 0), HC_OK);
    assert_false(t.pending);
    assert_err(hc_trap_poll(&t), HC_OK);
    assert_int_equal(mc.mock.next, 0);
    assert_int_equal(mc.mock.capture_len, 0);
    /* after a failed run the mapping still applies: a /fail goes out */
    assert_err(hc_trap_close_begin(&t, HC_TRAP_EXEC_FAILED), HC_OK);
    hc_err_t r = HC_IN_PROGRESS;
    for (int i = 0; i < 1000 && r == HC_IN_PROGRESS; i++)
        r = hc_trap_poll(&t);
    assert_err(r, HC_OK);
    const char *body;
    char expect[128];
    snprintf(expect, sizeof expect, "POST /ping/" UUID "/fail?rid=%s HTTP/1.1", t.rid);
    assert_string_equal(request(0, &body), expect);
    assert_string_equal(body, "quiet\n");
}

/* One write longer than the ring keeps only its last ring-full. */
static void test_write_longer_than_the_ring(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = final_ping_config();
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    char out[128] = "abc";
    for (int i = 0; i < 10; i++)
        snprintf(out + 3 + 10 * i, sizeof out - 3 - 10 * (size_t)i, "line %03d!\n", i);
    log_text(&t, "abc");
    hc_trap_log(&t, out + 3, 100);           /* 100 bytes into a 64-byte ring */
    assert_int_equal(hc_trap_cut(&t), 103 - 64);
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    request(0, &body);
    /* 64 bytes: a 19-byte marker, then the last 45 bytes of output */
    char expect[128];
    snprintf(expect, sizeof expect, "[hc: 58 bytes cut]\n%s", out + 103 - 45);
    assert_string_equal(body, expect);
    assert_int_equal(strlen(body), 64);
}

/* Without a ring the output is only counted, and no body is sent. */
static void test_no_ring_counts_output_only(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = final_ping_config();
    tc.ring = NULL;
    tc.ring_size = 0;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    log_text(&t, "not kept\n");
    assert_int_equal(hc_trap_cut(&t), 9);
    hc_trap_log(&t, NULL, 100);              /* NULL takes nothing, whatever len says */
    assert_int_equal(hc_trap_cut(&t), 9);
    assert_int_equal(hc_trap_set_ring(&t, ring, sizeof ring), HC_ERR_ARG); /* too late */
    assert_err(hc_trap_close(&t, 2), HC_OK);
    assert_string_equal(request(0, NULL), "GET /ping/" UUID "/2 HTTP/1.1");
    assert_int_equal(mc.mock.next, 1);
}

/* Exit codes outside 0..255 are clamped the way a shell reports them:
 * anything negative (could not run) as 127, anything above 255 as 255. */
static void test_exit_status_bounds(void **state)
{
    (void)state;
    static const struct { int code; hc_trap_action_t on_exec_fail; const char *line; } cases[] = {
        { 255, HC_TRAP_FAIL, "GET /ping/" UUID "/255 HTTP/1.1" },
        { 256, HC_TRAP_FAIL, "GET /ping/" UUID "/255 HTTP/1.1" },
        { 1000, HC_TRAP_FAIL, "GET /ping/" UUID "/255 HTTP/1.1" },
        { -2, HC_TRAP_FAIL, "GET /ping/" UUID "/127 HTTP/1.1" },     /* a nonzero code */
        { HC_TRAP_EXEC_FAILED, HC_TRAP_EXIT_CODE, "GET /ping/" UUID "/127 HTTP/1.1" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
        hc_trap_config_t tc = final_ping_config();
        tc.on_exec_fail = cases[k].on_exec_fail;
        hc_trap_t t;
        assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
        assert_err(hc_trap_close(&t, cases[k].code), HC_OK);
        assert_string_equal(request(0, NULL), cases[k].line);
        assert_int_equal(mc.mock.next, 1);
    }
}

/* A refused second open of a live run neither resets it nor sends
 * anything: the run still closes with the output it had. */
static void test_refused_reopen_leaves_the_run_alone(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = final_ping_config();
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    log_text(&t, "before\n");

    hc_trap_config_t bad = tc;
    bad.ring = NULL;                         /* a ring size without a ring */
    bad.start_ping = true;
    assert_err(hc_trap_open(&t, NULL, &tc), HC_ERR_ARG);
    assert_err(hc_trap_open_begin(&t, NULL, &tc), HC_ERR_ARG);
    assert_err(hc_trap_open(&t, &mc.client, &bad), HC_ERR_ARG);
    assert_err(hc_trap_open_begin(&t, &mc.client, &bad), HC_ERR_ARG);
    assert_err(hc_trap_open_begin(&t, &mc.client, NULL), HC_ERR_ARG);
    assert_err(hc_trap_open_begin(NULL, &mc.client, &tc), HC_ERR_ARG);
    assert_int_equal(mc.mock.next, 0);
    assert_int_equal(mc.mock.capture_len, 0);
    assert_int_equal(hc_trap_cut(&t), 0);

    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    assert_string_equal(request(0, &body), "POST /ping/" UUID " HTTP/1.1");
    assert_string_equal(body, "before\n");
    assert_int_equal(mc.mock.next, 1);
}

/* A NULL write takes nothing from a ring either: the tail is as before. */
static void test_null_write_keeps_the_tail(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = final_ping_config();
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    log_text(&t, "kept\n");
    hc_trap_log(&t, NULL, 5);
    assert_int_equal(hc_trap_cut(&t), 0);
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    request(0, &body);
    assert_string_equal(body, "kept\n");
}

/* A run that logs on after a final ping (a /log ping per stage, say) keeps
 * one ring: the next ping carries the old output followed by the new,
 * whether or not the ring had wrapped when it was rotated for the first. */
static void test_output_after_a_final_ping_follows_the_old(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = final_ping_config();
    tc.on_success = HC_TRAP_LOG;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    log_text(&t, "abc");
    assert_err(hc_trap_close(&t, 0), HC_OK);
    log_text(&t, "def");
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    assert_string_equal(request(0, &body), "POST /ping/" UUID "/log HTTP/1.1");
    assert_string_equal(body, "abc");
    assert_string_equal(request(1, &body), "POST /ping/" UUID "/log HTTP/1.1");
    assert_string_equal(body, "abcdef");

    /* wrapped: 70 bytes through the 64-byte ring, then 4 more */
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    log_lines(&t, 7);
    assert_err(hc_trap_close(&t, 0), HC_OK);
    log_text(&t, "XYZ\n");
    assert_err(hc_trap_close(&t, 0), HC_OK);
    request(0, &body);
    assert_string_equal(body, "[hc: 25 bytes cut]\n" SEVEN_LINES_TAIL);
    request(1, &body);
    /* the marker now counts 29 bytes, and the 45 kept end with the new 4 */
    assert_string_equal(body, "[hc: 29 bytes cut]\n"
                              "\nline 003!\nline 004!\nline 005!\nline 006!\nXYZ\n");
    assert_int_equal(hc_trap_cut(&t), 74 - 64);
}

/* A run that was never opened has no client: closing it is refused before
 * anything happens, and a ring given to it is not rotated or written. */
static void test_close_of_an_unopened_run_leaves_its_ring(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    static uint8_t small[8];
    hc_trap_t t;
    memset(&t, 0, sizeof t);
    assert_err(hc_trap_set_ring(&t, small, sizeof small), HC_OK);
    log_text(&t, "012345");
    log_text(&t, "6789A");                   /* wraps: the ring holds "89A34567" */
    assert_memory_equal(small, "89A34567", 8);
    assert_err(hc_trap_close(&t, 0), HC_ERR_ARG);
    assert_memory_equal(small, "89A34567", 8);
    assert_err(hc_trap_close_begin(&t, 0), HC_ERR_ARG);
    assert_memory_equal(small, "89A34567", 8);
    assert_err(hc_trap_poll(&t), HC_ERR_ARG);
    assert_int_equal(mc.mock.capture_len, 0);
}

/* An async start ping that fails is recorded as the start's outcome, and
 * the final ping that follows does not overwrite it. */
static void test_async_failed_start_is_remembered(void **state)
{
    (void)state;
    setup("", OK_LIMIT("10000"));
    script[0] = (hc_mock_conn_t){ .connect_result = HC_IO_REFUSED };
    hc_trap_config_t tc = trap_config();
    tc.use_rid = false;
    hc_trap_t t;
    assert_err(hc_trap_open_begin(&t, &mc.client, &tc), HC_OK);
    assert_err(t.start_result, HC_IN_PROGRESS);
    assert_err(poll_to_end(&t), HC_ERR_CONNECT);
    assert_err(t.start_result, HC_ERR_CONNECT);
    log_text(&t, "ran anyway\n");
    assert_err(hc_trap_close_begin(&t, 0), HC_OK);
    assert_err(poll_to_end(&t), HC_OK);
    assert_err(t.start_result, HC_ERR_CONNECT);
    const char *body;
    assert_string_equal(request(0, &body), "POST /ping/" UUID " HTTP/1.1");
    assert_string_equal(body, "ran anyway\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_run_shares_rid),
        cmocka_unit_test(test_nonzero_exit_sends_exit_status),
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_exec_failure_and_nothing),
        cmocka_unit_test(test_tail_is_kept_with_marker_under_server_limit),
        cmocka_unit_test(test_small_output_is_sent_whole),
        cmocka_unit_test(test_failed_start_does_not_stop_the_run),
        cmocka_unit_test(test_bad_target_refused_up_front),
        cmocka_unit_test(test_nonblocking_run),
        cmocka_unit_test(test_end_while_start_in_flight),
        cmocka_unit_test(test_begin_bad_arguments),
        cmocka_unit_test(test_async_start_refused_by_the_client),
        cmocka_unit_test(test_async_start_with_a_bad_target_polls_as_refused),
        cmocka_unit_test(test_body_limit_cuts_the_tail),
        cmocka_unit_test(test_end_and_poll_refuse_null_or_unbegun),
        cmocka_unit_test(test_async_end_with_nothing_to_send),
        cmocka_unit_test(test_write_longer_than_the_ring),
        cmocka_unit_test(test_no_ring_counts_output_only),
        cmocka_unit_test(test_exit_status_bounds),
        cmocka_unit_test(test_refused_reopen_leaves_the_run_alone),
        cmocka_unit_test(test_null_write_keeps_the_tail),
        cmocka_unit_test(test_output_after_a_final_ping_follows_the_old),
        cmocka_unit_test(test_close_of_an_unopened_run_leaves_its_ring),
        cmocka_unit_test(test_async_failed_start_is_remembered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
