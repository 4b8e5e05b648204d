/* The outbox over the mock port: a scripted outage (down for N attempts,
 * then up) and the exact requests that follow it, the coalescing, run-id
 * and full-outbox rules, which failures keep a signal and which do not,
 * the late line in all its forms, and the non-blocking driver giving the
 * same bytes as the blocking one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "healthchecks/hc_outbox.h"
#include "hc_mock_client.h"

#define A "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define B "d29deba8-39c6-497f-84ab-aae78a43cb90"
#define C "595dd31c-aff6-4f75-a6a8-444b3ca96fd2"
#define RID "cabd8d03-d637-46e9-b652-805655b43815"
#define KEY "pingkey0123456789abcde"
#define T0 1714557600 /* 2024-05-01T10:00:00Z */

static hc_test_mock_client_t mc;
static hc_mock_conn_t script[64];
static uint8_t capture[1 << 16];
static uint8_t work[512];
static hc_outbox_entry_t slots[8];
static hc_outbox_t ob;
static struct {
    int64_t now;
    bool known;
} wall;

static bool wall_clock(void *ctx, int64_t *t)
{
    (void)ctx;
    *t = wall.now;
    return wall.known;
}

/* One connection per letter: x refused, o 200, c 201, n 404, h 200 "OK (not
 * found)", l 200 "OK (rate-limited)", b 400, f 403, p 413, r 429, t 408,
 * s 503, m 302, and the edges of the 4xx class: q 399, z 499, e 500. */
static hc_mock_conn_t conn(char kind)
{
    static const struct {
        char kind;
        const char *response;
    } answers[] = {
        { 'o', "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK" },
        { 'c', "HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\nCreated" },
        { 'n', "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found" },
        { 'h', "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nOK (not found)" },
        { 'l', "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\nOK (rate-limited)" },
        { 'b', "HTTP/1.1 400 Bad Request\r\nContent-Length: 18\r\n\r\ninvalid url format" },
        { 'f', "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n" },
        { 'p', "HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n" },
        { 'r', "HTTP/1.1 429 Too Many\r\nContent-Length: 0\r\n\r\n" },
        { 't', "HTTP/1.1 408 Timeout\r\nContent-Length: 0\r\n\r\n" },
        { 's', "HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\n\r\n" },
        { 'm', "HTTP/1.1 302 Found\r\nLocation: https://x/\r\nContent-Length: 0\r\n\r\n" },
        { 'q', "HTTP/1.1 399 Odd\r\nContent-Length: 0\r\n\r\n" },
        { 'z', "HTTP/1.1 499 Odd\r\nContent-Length: 0\r\n\r\n" },
        { 'e', "HTTP/1.1 500 Internal Error\r\nContent-Length: 0\r\n\r\n" },
    };
    hc_mock_conn_t c = { 0 };
    if (kind == 'x') {
        c.connect_result = HC_IO_REFUSED;
        return c;
    }
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
        if (answers[i].kind == kind) {
            c.response = (const uint8_t *)answers[i].response;
            c.response_len = strlen(answers[i].response);
            return c;
        }
    fail_msg("no connection kind '%c'", kind);
    return c;
}

/* A client on a mock network that behaves as @p net says (one attempt
 * per request), an outbox of @p n slots with the test's wall clock. */
static void setup(const char *net, size_t n, const char *ping_key)
{
    size_t n_script = strlen(net);
    assert_true(n_script <= sizeof script / sizeof script[0]);
    for (size_t i = 0; i < n_script; i++)
        script[i] = conn(net[i]);
    memset(capture, 0, sizeof capture);
    hc_test_mock_spec_t spec = {
        .script = script, .n_script = n_script, .capture = capture,
        .capture_cap = sizeof capture - 1, .work = work, .work_size = sizeof work,
        .ping_url = "http://hc.test/ping", .ping_key = ping_key, .max_attempts = 1,
    };
    assert_int_equal(hc_test_mock_client(&mc, &spec), HC_OK);
    assert_int_equal(hc_outbox_init(&ob, slots, n), HC_OK);
    hc_outbox_set_wall_clock(&ob, wall_clock, NULL);
    wall.now = T0;
    wall.known = true;
}

static void advance(uint32_t seconds)
{
    mc.mock.now += seconds * 1000u;
    wall.now += seconds;
}

/* The requests the mock captured: request line and body of each. */
typedef struct request {
    char line[160];
    char body[256];
} request_t;

static size_t captured(request_t *out, size_t max)
{
    const char *p = (const char *)capture, *end = p + mc.mock.capture_len;
    size_t n = 0;
    while (p < end) {
        assert_true(n < max);
        const char *head_end = strstr(p, "\r\n\r\n"), *eol = strstr(p, "\r\n");
        assert_non_null(head_end);
        size_t line_len = (size_t)(eol - p), body_len = 0;
        assert_true(line_len < sizeof out[n].line);
        memcpy(out[n].line, p, line_len);
        out[n].line[line_len] = '\0';
        const char *cl = strstr(p, "Content-Length: ");
        if (cl && cl < head_end)
            body_len = strtoul(cl + 16, NULL, 10);
        assert_true(body_len < sizeof out[n].body);
        memcpy(out[n].body, head_end + 4, body_len);
        out[n].body[body_len] = '\0';
        p = head_end + 4 + body_len;
        n++;
    }
    return n;
}

static hc_ping_t ping(const char *uuid, hc_signal_t signal, const char *rid, const char *body)
{
    hc_ping_t p = { .uuid = uuid, .signal = signal, .rid = rid };
    if (body) {
        p.body = (const uint8_t *)body;
        p.body_len = strlen(body);
    }
    return p;
}

/* ------------------------------------------------- a scripted outage */

/* Send through the outbox, blocking or with begin and poll. */
static hc_err_t send(bool nonblocking, const hc_ping_t *p, hc_outbox_result_t *res)
{
    if (!nonblocking)
        return hc_outbox_send(&ob, &mc.client, p, res);
    hc_err_t err = hc_outbox_send_begin(&ob, &mc.client, p);
    if (err != HC_OK)
        return err;
    for (int i = 0; i < 10000; i++) {
        err = hc_outbox_poll(&ob, res);
        if (err != HC_IN_PROGRESS)
            return err;
    }
    fail_msg("the delivery never ended");
    return err;
}

/* Down for five attempts, then up. Returns the final result. */
static hc_outbox_result_t outage(bool nonblocking)
{
    setup("xxxxxoooo", 8, NULL);
    for (size_t i = 0; i < 9; i++)
        script[i].storm = nonblocking ? 3 : 0; /* polls that find nothing to do */
    hc_outbox_result_t res;
    hc_ping_t heartbeat = ping(A, HC_SIGNAL_SUCCESS, NULL, NULL);

    assert_int_equal(send(nonblocking, &heartbeat, &res), HC_ERR_CONNECT);
    assert_true(res.queued);
    assert_false(res.sent);
    assert_int_equal(res.waiting, 1);

    advance(10);
    hc_ping_t start = ping(A, HC_SIGNAL_START, RID, "job begins");
    assert_int_equal(send(nonblocking, &start, &res), HC_ERR_CONNECT);
    assert_true(res.queued);
    assert_int_equal(res.waiting, 2);
    assert_int_equal(mc.mock.next, 2); /* one attempt: the oldest entry's */

    advance(10);
    assert_int_equal(send(nonblocking, &heartbeat, &res), HC_ERR_CONNECT);
    assert_int_equal(res.merged, 0); /* the newest entry of A is its start */
    assert_int_equal(res.waiting, 3);

    advance(10);
    assert_int_equal(send(nonblocking, &heartbeat, &res), HC_ERR_CONNECT);
    assert_int_equal(res.merged, 1);
    assert_int_equal(res.waiting, 3);

    advance(10);
    hc_ping_t done = ping(A, HC_SIGNAL_SUCCESS, RID, "done");
    assert_int_equal(send(nonblocking, &done, &res), HC_ERR_CONNECT);
    assert_int_equal(res.merged, 1);
    assert_int_equal(res.waiting, 3);
    assert_int_equal(mc.mock.next, 5);

    advance(10); /* the network is back */
    hc_ping_t fail = ping(B, HC_SIGNAL_FAIL, NULL, "disk full");
    assert_int_equal(send(nonblocking, &fail, &res), HC_OK);
    return res;
}

static void check_outage(bool nonblocking)
{
    hc_outbox_result_t res = outage(nonblocking);
    assert_true(res.sent);
    assert_false(res.queued);
    assert_int_equal(res.delivered, 3);
    assert_int_equal(res.rejected, 0);
    assert_int_equal(res.waiting, 0);
    assert_int_equal(res.ping.status, 200);
    assert_int_equal(hc_outbox_count(&ob), 0);

    request_t r[8];
    assert_int_equal(captured(r, 8), 4);
    assert_string_equal(r[0].line, "POST /ping/" A " HTTP/1.1");
    assert_string_equal(r[0].body, "late: happened 2024-05-01T10:00:00Z, 50 s ago\n");
    assert_string_equal(r[1].line, "POST /ping/" A "/start?rid=" RID " HTTP/1.1");
    assert_string_equal(r[1].body, "late: happened 2024-05-01T10:00:10Z, 40 s ago\njob begins");
    assert_string_equal(r[2].line, "POST /ping/" A "?rid=" RID " HTTP/1.1");
    assert_string_equal(r[2].body,
                        "late: happened 2024-05-01T10:00:40Z, 10 s ago; 2 older success pings merged\n"
                        "done");
    assert_string_equal(r[3].line, "POST /ping/" B "/fail HTTP/1.1");
    assert_string_equal(r[3].body, "disk full"); /* on time: no late line */

    static const char first[] =
        "POST /ping/" A " HTTP/1.1\r\nHost: hc.test\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 46\r\n"
        "Connection: close\r\n\r\nlate: happened 2024-05-01T10:00:00Z, 50 s ago\n";
    assert_memory_equal(capture, first, sizeof first - 1);
}

static void test_outage_then_delivery_in_order(void **state)
{
    (void)state;
    check_outage(false);
}

static void test_nonblocking_outage_matches_blocking(void **state)
{
    (void)state;
    check_outage(false);
    static uint8_t blocking[sizeof capture];
    size_t blocking_len = mc.mock.capture_len;
    memcpy(blocking, capture, blocking_len);
    uint32_t blocking_clock = mc.mock.now;

    check_outage(true);
    assert_int_equal(mc.mock.capture_len, blocking_len);
    assert_memory_equal(capture, blocking, blocking_len);
    assert_int_equal(mc.mock.now, blocking_clock);
    assert_true(mc.mock.n_would_block > 0); /* it did have to come back */
}

/* ------------------------------------------------------------- rules */

static void push(const hc_ping_t *p, hc_outbox_result_t *res)
{
    assert_int_equal(hc_outbox_push(&ob, &mc.client, p, res), HC_OK);
}

static void test_full_outbox_drops_coalescible_then_oldest_and_says_so(void **state)
{
    (void)state;
    setup("noo", 3, NULL);
    hc_outbox_set_wall_clock(&ob, NULL, NULL); /* the device clock alone */
    hc_outbox_result_t res;
    push(&(hc_ping_t){ .uuid = B, .signal = HC_SIGNAL_START }, &res);
    advance(1);
    push(&(hc_ping_t){ .uuid = A }, &res);
    advance(1);
    push(&(hc_ping_t){ .uuid = B, .signal = HC_SIGNAL_FAIL }, &res);
    assert_int_equal(res.dropped, 0);
    assert_int_equal(res.waiting, 3);

    advance(1);
    push(&(hc_ping_t){ .uuid = C, .signal = HC_SIGNAL_LOG }, &res); /* A's heartbeat goes */
    assert_int_equal(res.dropped, 1);
    assert_true(res.queued);
    assert_int_equal(hc_outbox_dropped(&ob), 1);
    assert_memory_equal(slots[0].target, B, 36);
    assert_int_equal(slots[0].signal, HC_SIGNAL_START);
    assert_int_equal(slots[1].signal, HC_SIGNAL_FAIL);

    advance(1);
    hc_ping_t log2 = ping(C, HC_SIGNAL_LOG, NULL, "2");
    push(&log2, &res); /* nothing coalescible: the oldest goes, B's start */
    assert_int_equal(res.dropped, 1);
    assert_int_equal(hc_outbox_dropped(&ob), 2);
    assert_int_equal(slots[0].signal, HC_SIGNAL_FAIL);

    advance(6);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_OK);
    assert_int_equal(res.rejected, 1); /* B's fail: 404 */
    assert_int_equal(res.rejected_error, HC_ERR_NOT_FOUND);
    assert_int_equal(res.delivered, 2);
    assert_int_equal(res.waiting, 0);
    assert_int_equal(hc_outbox_dropped(&ob), 0);

    request_t r[4];
    assert_int_equal(captured(r, 4), 3);
    assert_string_equal(r[0].line, "POST /ping/" B "/fail HTTP/1.1");
    assert_string_equal(r[0].body, "late: happened 8 s ago; 2 signals dropped\n");
    /* refused: the next delivered one reports the drops again */
    assert_string_equal(r[1].line, "POST /ping/" C "/log HTTP/1.1");
    assert_string_equal(r[1].body, "late: happened 7 s ago; 2 signals dropped\n");
    assert_string_equal(r[2].body, "late: happened 6 s ago\n2");
}

static void test_success_pings_coalesce_but_never_a_start_closer(void **state)
{
    (void)state;
    setup("", 8, NULL);
    hc_outbox_result_t res;
    hc_ping_t start = { .uuid = A, .signal = HC_SIGNAL_START };
    hc_ping_t success = { .uuid = A };
    push(&start, &res);
    push(&success, &res); /* closes the start */
    push(&success, &res); /* so this one may not replace it */
    assert_int_equal(res.merged, 0);
    assert_int_equal(hc_outbox_count(&ob), 3);
    push(&success, &res); /* but this one replaces the last */
    assert_int_equal(res.merged, 1);
    assert_int_equal(hc_outbox_count(&ob), 3);
    assert_int_equal(slots[2].merged, 1);
    push(&success, &res);
    assert_int_equal(slots[2].merged, 2);

    push(&(hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_LOG }, &res);
    push(&success, &res); /* a log in between: kept in order */
    assert_int_equal(res.merged, 0);
    assert_int_equal(hc_outbox_count(&ob), 5);

    /* a success with a run id closes a run: never replaced */
    setup("", 8, NULL);
    push(&(hc_ping_t){ .uuid = A, .rid = RID }, &res);
    push(&success, &res);
    assert_int_equal(res.merged, 0);
    push(&(hc_ping_t){ .uuid = B }, &res);
    push(&success, &res); /* the newest of A is coalescible, B's in between */
    assert_int_equal(res.merged, 1);
    assert_int_equal(hc_outbox_count(&ob), 3);
    assert_memory_equal(slots[1].target, B, 36);
    assert_memory_equal(slots[2].target, A, 36);
    assert_int_equal(slots[2].merged, 1);

    /* a log between a start and its closer does not hide the start */
    setup("", 8, NULL);
    push(&start, &res);
    push(&(hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_LOG }, &res);
    push(&success, &res);
    push(&success, &res);
    assert_int_equal(res.merged, 0);
    assert_int_equal(hc_outbox_count(&ob), 4);

    /* checks are told apart by kind and by name */
    setup("", 8, KEY);
    push(&(hc_ping_t){ .slug = "ab", .signal = HC_SIGNAL_START }, &res);
    push(&(hc_ping_t){ .slug = "abc", .signal = HC_SIGNAL_START }, &res);
    push(&(hc_ping_t){ .slug = "abc" }, &res); /* closes abc's start */
    push(&(hc_ping_t){ .slug = "ab" }, &res);  /* closes ab's start, whatever abc did */
    push(&(hc_ping_t){ .slug = "ab" }, &res);
    assert_int_equal(res.merged, 0);
    push(&(hc_ping_t){ .uuid = A }, &res);
    push(&(hc_ping_t){ .uuid = A }, &res);
    assert_int_equal(res.merged, 1);
    assert_int_equal(hc_outbox_count(&ob), 6);

    /* exit status 0 is a signal of its own */
    setup("", 8, NULL);
    push(&(hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_EXIT }, &res);
    push(&(hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_EXIT }, &res);
    assert_int_equal(hc_outbox_count(&ob), 2);
}

/* A check is its kind and its whole name: a slug may read like a UUID, and
 * one slug may be the start of another. */
static void test_coalescing_tells_checks_apart_by_kind_and_whole_name(void **state)
{
    (void)state;
    setup("", 8, KEY);
    hc_outbox_result_t res;
    push(&(hc_ping_t){ .uuid = A }, &res);
    push(&(hc_ping_t){ .slug = A }, &res); /* a slug spelled like the UUID: another check */
    assert_int_equal(res.merged, 0);
    assert_int_equal(hc_outbox_count(&ob), 2);

    setup("", 8, KEY);
    push(&(hc_ping_t){ .slug = "abc" }, &res);
    push(&(hc_ping_t){ .slug = "ab" }, &res);
    assert_int_equal(res.merged, 0);
    push(&(hc_ping_t){ .slug = "abcd" }, &res);
    assert_int_equal(res.merged, 0);
    assert_int_equal(hc_outbox_count(&ob), 3);

    /* the slug's start does not make the UUID's heartbeats closers */
    setup("", 8, KEY);
    push(&(hc_ping_t){ .slug = A, .signal = HC_SIGNAL_START }, &res);
    push(&(hc_ping_t){ .uuid = A }, &res);
    push(&(hc_ping_t){ .uuid = A }, &res);
    assert_int_equal(res.merged, 1);
    assert_int_equal(hc_outbox_count(&ob), 2);
}

/* Full: the oldest coalescible success goes, not a later one. */
static void test_full_outbox_drops_the_oldest_heartbeat(void **state)
{
    (void)state;
    setup("ooo", 3, NULL);
    hc_outbox_result_t res;
    push(&(hc_ping_t){ .uuid = A }, &res);
    push(&(hc_ping_t){ .uuid = B }, &res);
    push(&(hc_ping_t){ .uuid = C, .signal = HC_SIGNAL_LOG }, &res);
    push(&(hc_ping_t){ .uuid = C, .signal = HC_SIGNAL_FAIL }, &res);
    assert_int_equal(res.dropped, 1);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_OK);
    request_t r[4];
    assert_int_equal(captured(r, 4), 3);
    assert_string_equal(r[0].line, "POST /ping/" B " HTTP/1.1");
    assert_string_equal(r[1].line, "POST /ping/" C "/log HTTP/1.1");
    assert_string_equal(r[2].line, "POST /ping/" C "/fail HTTP/1.1");
}

/* Every slot of the caller's array in use, nothing coalescible: the oldest
 * goes, and nothing past the array is read (AddressSanitizer watches). */
static void test_full_array_drops_the_oldest(void **state)
{
    (void)state;
    static const char *const ids[] = { A, B, C };
    const size_t n = sizeof slots / sizeof slots[0];
    setup("", n, NULL);
    hc_outbox_result_t res;
    for (size_t i = 0; i <= n; i++) {
        push(&(hc_ping_t){ .uuid = ids[i % 3], .signal = HC_SIGNAL_LOG }, &res);
        advance(1);
    }
    assert_int_equal(res.dropped, 1);
    assert_int_equal(hc_outbox_count(&ob), n);
    for (size_t i = 0; i < n; i++) /* the first log went, the rest moved down */
        assert_memory_equal(slots[i].target, ids[(i + 1) % 3], 36);
}

/* The run id is read to its last digit and no further: a run id in memory
 * of exactly its size (AddressSanitizer watches), delivered as it came. */
static void test_run_id_is_kept_exactly(void **state)
{
    (void)state;
    setup("o", 4, NULL);
    char rid[sizeof RID];
    memcpy(rid, RID, sizeof rid);
    push(&(hc_ping_t){ .uuid = A, .rid = rid, .signal = HC_SIGNAL_START }, NULL);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_OK);
    request_t r[2];
    assert_int_equal(captured(r, 2), 1);
    assert_string_equal(r[0].line, "POST /ping/" A "/start?rid=" RID " HTTP/1.1");
}

static void test_full_outbox_keeps_a_start_closer_before_the_oldest(void **state)
{
    (void)state;
    setup("", 2, NULL);
    hc_outbox_result_t res;
    push(&(hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_START }, &res);
    push(&(hc_ping_t){ .uuid = A }, &res);
    push(&(hc_ping_t){ .uuid = C, .signal = HC_SIGNAL_LOG }, &res);
    assert_int_equal(res.dropped, 1);
    assert_int_equal(slots[0].signal, HC_SIGNAL_SUCCESS); /* the start went, as the oldest */
    assert_int_equal(slots[1].signal, HC_SIGNAL_LOG);

    /* the drop count saturates */
    ob.dropped = UINT32_MAX;
    push(&(hc_ping_t){ .uuid = C, .signal = HC_SIGNAL_LOG }, &res);
    assert_int_equal(res.dropped, 1);
    assert_int_equal(hc_outbox_dropped(&ob), UINT32_MAX);

    /* the merged count saturates, and a full outbox replaces rather than drops */
    setup("", 1, NULL);
    push(&(hc_ping_t){ .uuid = A }, &res);
    slots[0].merged = UINT16_MAX;
    push(&(hc_ping_t){ .uuid = A }, &res);
    assert_int_equal(res.merged, 1);
    assert_int_equal(res.dropped, 0);
    assert_int_equal(slots[0].merged, UINT16_MAX);
}

static void test_create_survives_coalescing_of_slug_pings(void **state)
{
    (void)state;
    setup("oo", 4, KEY);
    hc_outbox_result_t res;
    push(&(hc_ping_t){ .slug = "db-backup", .create = true }, &res);
    push(&(hc_ping_t){ .uuid = A }, &res); /* another check */
    push(&(hc_ping_t){ .slug = "db-backup" }, &res);
    assert_int_equal(res.merged, 1);
    advance(3);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_OK);
    request_t r[2];
    assert_int_equal(captured(r, 2), 2);
    assert_string_equal(r[0].line, "POST /ping/" A " HTTP/1.1");
    assert_string_equal(r[1].line, "POST /ping/" KEY "/db-backup?create=1 HTTP/1.1");
    assert_string_equal(r[1].body,
                        "late: happened 2024-05-01T10:00:00Z, 3 s ago; 1 older success ping merged\n");

    setup("o", 4, KEY);
    push(&(hc_ping_t){ .slug = "db-backup", .create = true, .signal = HC_SIGNAL_EXIT,
                       .exit_status = 3 }, &res);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_OK);
    assert_int_equal(captured(r, 2), 1);
    assert_string_equal(r[0].line, "POST /ping/" KEY "/db-backup/3?create=1 HTTP/1.1");

    /* and a slug ping kept without create goes without it */
    setup("o", 4, KEY);
    push(&(hc_ping_t){ .slug = "db-backup" }, &res);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_OK);
    assert_int_equal(captured(r, 2), 1);
    assert_string_equal(r[0].line, "POST /ping/" KEY "/db-backup HTTP/1.1");
}

/* What one failure of the caller's own ping does: kept or not. */
static void check_own_fate(char answer, hc_err_t expected, bool kept)
{
    char net[2] = { answer, '\0' };
    setup(net, 4, NULL);
    hc_outbox_result_t res;
    hc_ping_t p = { .uuid = A };
    assert_int_equal(hc_outbox_send(&ob, &mc.client, &p, &res), expected);
    assert_int_equal(res.queued, kept);
    assert_int_equal(hc_outbox_count(&ob), kept ? 1 : 0);
    assert_false(res.sent);
}

/* The same failure for a kept entry: it stays, or it is removed and counted. */
static void check_kept_fate(char answer, hc_err_t expected, bool stays)
{
    char net[2] = { answer, '\0' };
    setup(net, 4, NULL);
    hc_outbox_result_t res;
    push(&(hc_ping_t){ .uuid = A }, &res);
    hc_err_t err = hc_outbox_flush(&ob, &mc.client, &res);
    assert_int_equal(err, stays ? expected : HC_OK);
    assert_int_equal(res.waiting, stays ? 1 : 0);
    assert_int_equal(res.rejected, stays ? 0 : 1);
    assert_int_equal(res.rejected_error, stays ? HC_OK : expected);
}

static void test_which_failures_keep_a_signal(void **state)
{
    (void)state;
    static const struct {
        char answer;
        hc_err_t err;
        bool kept;
    } cases[] = {
        { 'x', HC_ERR_CONNECT, true },          { 's', HC_ERR_SERVER, true },
        { 'r', HC_ERR_RATE_LIMITED, true },     { 't', HC_ERR_HTTP_STATUS, true },
        { 'l', HC_ERR_RATE_LIMITED, true },     { 'm', HC_ERR_HTTP_STATUS, true },
        { 'n', HC_ERR_NOT_FOUND, false },       { 'h', HC_ERR_NOT_FOUND, false },
        { 'b', HC_ERR_BAD_REQUEST, false },     { 'f', HC_ERR_FORBIDDEN, false },
        { 'p', HC_ERR_PAYLOAD_TOO_LARGE, false },
        /* only 4xx is a refusal for good: not the status below it, nor above */
        { 'q', HC_ERR_HTTP_STATUS, true },      { 'z', HC_ERR_HTTP_STATUS, false },
        { 'e', HC_ERR_SERVER, true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        check_own_fate(cases[i].answer, cases[i].err, cases[i].kept);
        check_kept_fate(cases[i].answer, cases[i].err, cases[i].kept);
    }
    /* delivered: a 201 counts */
    setup("c", 4, NULL);
    hc_outbox_result_t res;
    hc_ping_t p = { .uuid = A };
    assert_int_equal(hc_outbox_send(&ob, &mc.client, &p, &res), HC_OK);
    assert_true(res.sent);
    assert_int_equal(res.ping.status, 201);
}

static void test_delivery_stops_at_the_first_failure(void **state)
{
    (void)state;
    setup("oxo", 4, NULL);
    hc_outbox_result_t res;
    push(&(hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_START }, &res);
    push(&(hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_FAIL }, &res);
    push(&(hc_ping_t){ .uuid = B, .signal = HC_SIGNAL_LOG }, &res);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_ERR_CONNECT);
    assert_int_equal(res.delivered, 1);
    assert_int_equal(res.waiting, 2);
    assert_int_equal(mc.mock.next, 2); /* B's log was not tried */
    assert_int_equal(slots[0].signal, HC_SIGNAL_FAIL);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_ERR_CONNECT); /* 'o', then none */
    assert_int_equal(res.delivered, 1);
    assert_int_equal(res.waiting, 1);
    assert_int_equal(slots[0].signal, HC_SIGNAL_LOG);
}

/* A request refused before it began reports no response at all. */
static void check_no_request(const hc_ping_result_t *pr)
{
    assert_false(pr->delivered);
    assert_false(pr->created);
    assert_int_equal(pr->status, 0);
    assert_int_equal(pr->body_sent, 0);
    assert_false(pr->has_body_limit);
    assert_int_equal(pr->body_limit, 0);
    assert_string_equal(pr->text, "");
}

static void test_local_refusal_changes_nothing(void **state)
{
    (void)state;
    setup("oo", 4, KEY);
    hc_outbox_result_t res;
    push(&(hc_ping_t){ .slug = "db" }, &res);

    /* a client without the ping key cannot send the kept slug ping */
    static hc_test_mock_client_t keyless;
    static uint8_t work2[512];
    hc_test_mock_spec_t spec = { .script = script, .n_script = 2, .work = work2,
                                 .work_size = sizeof work2, .ping_url = "http://hc.test/ping" };
    assert_int_equal(hc_test_mock_client(&keyless, &spec), HC_OK);
    assert_int_equal(hc_outbox_flush(&ob, &keyless.client, &res), HC_ERR_ARG);
    check_no_request(&res.ping);
    assert_int_equal(hc_outbox_flush_begin(&ob, &keyless.client), HC_ERR_ARG);
    assert_int_equal(hc_outbox_poll(&ob, &res), HC_ERR_ARG);
    assert_int_equal(res.waiting, 1);
    hc_ping_t p = { .uuid = A };
    assert_int_equal(hc_outbox_send(&ob, &keyless.client, &p, &res), HC_ERR_ARG);
    assert_false(res.queued);
    assert_int_equal(hc_outbox_count(&ob), 1);
    assert_int_equal(keyless.mock.next, 0);

    /* a client busy with another request */
    assert_int_equal(hc_ping_send_begin(&mc.client, &p), HC_OK);
    assert_int_equal(hc_outbox_send(&ob, &mc.client, &p, &res), HC_ERR_BUSY);
    assert_int_equal(hc_outbox_send_begin(&ob, &mc.client, &p), HC_ERR_BUSY);
    assert_int_equal(hc_outbox_flush_begin(&ob, &mc.client), HC_ERR_BUSY);
    assert_int_equal(hc_outbox_poll(&ob, &res), HC_ERR_BUSY); /* repeats the latest */
    assert_int_equal(hc_outbox_count(&ob), 1);
    hc_client_abort(&mc.client);
    setup("", 4, NULL);
    assert_int_equal(hc_ping_send_begin(&mc.client, &p), HC_OK);
    assert_int_equal(hc_outbox_send(&ob, &mc.client, &p, &res), HC_ERR_BUSY);
    assert_false(res.queued);
    assert_int_equal(hc_outbox_count(&ob), 0);
}

static void test_refusals_before_anything(void **state)
{
    (void)state;
    setup("", 4, NULL);
    hc_outbox_result_t res;
    hc_ping_t good = { .uuid = A };
    assert_int_equal(hc_outbox_init(NULL, slots, 1), HC_ERR_ARG);
    assert_int_equal(hc_outbox_init(&ob, NULL, 1), HC_ERR_ARG);
    assert_int_equal(hc_outbox_init(&ob, slots, 0), HC_ERR_ARG);
    assert_int_equal(hc_outbox_init(&ob, slots, 65536), HC_ERR_ARG);
    static hc_outbox_entry_t most[UINT16_MAX]; /* untouched but for one entry */
    assert_int_equal(hc_outbox_init(&ob, most, UINT16_MAX), HC_OK);
    hc_outbox_set_wall_clock(&ob, wall_clock, NULL);
    push(&good, &res);
    assert_int_equal(res.waiting, 1);
    assert_int_equal(hc_outbox_init(&ob, slots, 4), HC_OK);
    hc_outbox_set_wall_clock(NULL, wall_clock, NULL);

    assert_int_equal(hc_outbox_push(NULL, &mc.client, &good, &res), HC_ERR_ARG);
    assert_int_equal(hc_outbox_push(&ob, NULL, &good, &res), HC_ERR_ARG);
    assert_int_equal(hc_outbox_push(&ob, &mc.client, NULL, &res), HC_ERR_ARG);
    assert_int_equal(hc_outbox_push(&ob, &mc.client, &(hc_ping_t){ .uuid = "x" }, &res), HC_ERR_ARG);
    assert_int_equal(hc_outbox_send(&ob, &mc.client, &(hc_ping_t){ 0 }, &res), HC_ERR_ARG);
    assert_int_equal(hc_outbox_send_begin(&ob, &mc.client, NULL), HC_ERR_ARG);
    assert_int_equal(hc_outbox_send(&ob, &mc.client, NULL, &res), HC_ERR_ARG);
    assert_int_equal(hc_outbox_flush(NULL, &mc.client, &res), HC_ERR_ARG);
    assert_int_equal(hc_outbox_flush_begin(&ob, NULL), HC_ERR_ARG);
    assert_int_equal(hc_outbox_flush(&ob, NULL, &res), HC_ERR_ARG);
    assert_int_equal(hc_outbox_flush_begin(NULL, &mc.client), HC_ERR_ARG);
    assert_int_equal(hc_outbox_poll(NULL, &res), HC_ERR_ARG);

    /* a slug the outbox has no room for, though the server would take it */
    setup("", 4, KEY);
    char slug[HC_OUTBOX_TARGET_MAX + 2];
    memset(slug, 's', sizeof slug - 1);
    slug[sizeof slug - 1] = '\0';
    assert_int_equal(hc_outbox_push(&ob, &mc.client, &(hc_ping_t){ .slug = slug }, &res),
                     HC_ERR_TOO_LONG);
    assert_int_equal(hc_outbox_send(&ob, &mc.client, &(hc_ping_t){ .slug = slug }, &res),
                     HC_ERR_TOO_LONG);
    slug[HC_OUTBOX_TARGET_MAX] = '\0';
    push(&(hc_ping_t){ .slug = slug }, &res);
    if (sizeof(size_t) > 4) { /* a body over 4 GiB (never read) */
        hc_ping_t huge = { .uuid = A, .body = (const uint8_t *)"x",
                           .body_len = (size_t)1 << (sizeof(size_t) * 4) };
        assert_int_equal(hc_outbox_push(&ob, &mc.client, &huge, &res), HC_ERR_RANGE);
    }
    assert_int_equal(hc_outbox_count(&ob), 1);
    assert_int_equal(mc.mock.next, 0);

    /* an empty flush ends at once */
    setup("", 4, NULL);
    assert_int_equal(hc_outbox_flush_begin(&ob, &mc.client), HC_OK);
    assert_int_equal(hc_outbox_poll(&ob, &res), HC_OK);
    assert_int_equal(res.waiting, 0);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_OK);
}

static void test_busy_while_a_delivery_runs(void **state)
{
    (void)state;
    setup("oo", 4, NULL);
    hc_outbox_result_t res;
    hc_ping_t p = { .uuid = A };
    push(&p, &res);
    uint8_t image[HC_OUTBOX_IMAGE_MAX(4)];
    size_t len;
    assert_int_equal(hc_outbox_save(&ob, image, sizeof image, &len), HC_OK);
    assert_int_equal(hc_outbox_send_begin(&ob, &mc.client, &p), HC_OK);
    assert_int_equal(hc_outbox_push(&ob, &mc.client, &p, &res), HC_ERR_BUSY);
    assert_int_equal(hc_outbox_send(&ob, &mc.client, &p, &res), HC_ERR_BUSY);
    assert_int_equal(hc_outbox_send_begin(&ob, &mc.client, &p), HC_ERR_BUSY);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_ERR_BUSY);
    assert_int_equal(hc_outbox_flush_begin(&ob, &mc.client), HC_ERR_BUSY);
    assert_int_equal(hc_outbox_restore(&ob, image, len), HC_ERR_BUSY);
    uint8_t during[HC_OUTBOX_IMAGE_MAX(4)];
    size_t during_len;
    assert_int_equal(hc_outbox_save(&ob, during, sizeof during, &during_len), HC_OK);
    assert_int_equal(during_len, len); /* the entry in flight is still kept */
    assert_memory_equal(during, image, len);
    hc_err_t err = HC_IN_PROGRESS;
    for (int i = 0; i < 1000 && err == HC_IN_PROGRESS; i++)
        err = hc_outbox_poll(&ob, &res);
    assert_int_equal(err, HC_OK);
    assert_int_equal(res.delivered, 1);
    assert_true(res.sent);
    assert_int_equal(hc_outbox_poll(&ob, &res), HC_OK); /* repeated */
    assert_int_equal(hc_outbox_poll(&ob, NULL), HC_OK);  /* with nowhere to write it */
}

static void test_aborted_delivery_keeps_everything(void **state)
{
    (void)state;
    setup("o", 4, NULL);
    script[0].silent = true;
    hc_outbox_result_t res;
    push(&(hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_START }, &res);
    hc_ping_t p = { .uuid = A };
    assert_int_equal(hc_outbox_send_begin(&ob, &mc.client, &p), HC_OK);
    /* nothing is written to the result before the delivery ends */
    hc_outbox_result_t untouched;
    memset(&res, 0xa5, sizeof res);
    memcpy(&untouched, &res, sizeof res);
    assert_int_equal(hc_outbox_poll(&ob, &res), HC_IN_PROGRESS);
    assert_memory_equal(&res, &untouched, sizeof res);
    hc_client_abort(&mc.client);
    assert_int_equal(hc_outbox_poll(&ob, &res), HC_ERR_ABORTED);
    assert_true(res.queued);
    assert_int_equal(res.waiting, 2);
}

/* ------------------------------------------------------ the late line */

static const char *first_body(void)
{
    static request_t r[4];
    assert_true(captured(r, 4) >= 1);
    return r[0].body;
}

static void test_body_keeps_its_end_and_says_what_was_cut(void **state)
{
    (void)state;
    char body[101];
    for (int i = 0; i < 100; i++)
        body[i] = (char)('a' + i % 26);
    body[100] = '\0';
    setup("o", 4, NULL);
    hc_outbox_set_wall_clock(&ob, NULL, NULL);
    hc_outbox_result_t res;
    hc_ping_t p = ping(A, HC_SIGNAL_FAIL, NULL, body);
    push(&p, &res);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_OK);
    char expected[256];
    snprintf(expected, sizeof expected, "late: happened 0 s ago; 36 body bytes cut\n%s",
             body + 100 - HC_OUTBOX_BODY_MAX);
    assert_string_equal(first_body(), expected);

    setup("o", 4, NULL);
    hc_outbox_set_wall_clock(&ob, NULL, NULL);
    body[HC_OUTBOX_BODY_MAX + 1] = '\0';
    p = ping(A, HC_SIGNAL_FAIL, NULL, body);
    push(&p, &res);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_OK);
    snprintf(expected, sizeof expected, "late: happened 0 s ago; 1 body byte cut\n%s", body + 1);
    assert_string_equal(first_body(), expected);
}

/* Push at wall time @p then (or none), deliver at @p now (or none) after
 * @p seconds; the body sent. */
static const char *line_for(bool then_known, int64_t then, bool now_known, int64_t now,
                            uint32_t seconds)
{
    setup("o", 4, NULL);
    wall.known = then_known;
    wall.now = then;
    push(&(hc_ping_t){ .uuid = A }, NULL);
    mc.mock.now += seconds * 1000u;
    wall.known = now_known;
    wall.now = now;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_OK);
    return first_body();
}

static void test_late_line_dates_from_what_is_known(void **state)
{
    (void)state;
    assert_string_equal(line_for(true, T0, true, T0 + 90, 5),
                        "late: happened 2024-05-01T10:00:00Z, 90 s ago\n"); /* the wall clock wins */
    assert_string_equal(line_for(false, 0, true, T0, 42),
                        "late: happened 2024-05-01T09:59:18Z, 42 s ago\n"); /* dated afterwards */
    assert_string_equal(line_for(true, T0, false, 0, 7),
                        "late: happened 2024-05-01T10:00:00Z, 7 s ago\n");
    assert_string_equal(line_for(true, T0, true, T0 - 5, 7), /* the wall clock went back */
                        "late: happened 2024-05-01T10:00:00Z, 7 s ago\n");
    assert_string_equal(line_for(false, 0, true, 3, 42), "late: happened 42 s ago\n");
    assert_string_equal(line_for(true, 1709210096, true, 1709210096, 0),
                        "late: happened 2024-02-29T12:34:56Z, 0 s ago\n");
    assert_string_equal(line_for(true, 951782400, true, 951782400, 0),
                        "late: happened 2000-02-29T00:00:00Z, 0 s ago\n");
    assert_string_equal(line_for(true, 946684799, true, 946684799, 0),
                        "late: happened 1999-12-31T23:59:59Z, 0 s ago\n");
    assert_string_equal(line_for(true, 4107542400, true, 4107542400, 0),
                        "late: happened 2100-03-01T00:00:00Z, 0 s ago\n");
    /* the first day of a year: the whole of the year before is counted */
    assert_string_equal(line_for(true, 31536000, true, 31536000, 0),
                        "late: happened 1971-01-01T00:00:00Z, 0 s ago\n");
    assert_string_equal(line_for(true, 1735689600, true, 1735689600, 0),
                        "late: happened 2025-01-01T00:00:00Z, 0 s ago\n");
    assert_string_equal(line_for(true, 0, true, 0, 0),
                        "late: happened 1970-01-01T00:00:00Z, 0 s ago\n");
    assert_string_equal(line_for(true, 253402300799, true, 253402300799, 0),
                        "late: happened 9999-12-31T23:59:59Z, 0 s ago\n");
    assert_string_equal(line_for(true, 253402300800, false, 0, 3), /* past year 9999: unknown */
                        "late: happened 3 s ago\n");
    assert_string_equal(line_for(true, -1, false, 0, 3), "late: happened 3 s ago\n");

    /* the wall clock says no time passed: it wins over the device clock */
    assert_string_equal(line_for(true, T0, true, T0, 5),
                        "late: happened 2024-05-01T10:00:00Z, 0 s ago\n");
    /* dated afterwards to the first second there is */
    assert_string_equal(line_for(false, 0, true, 42, 42),
                        "late: happened 1970-01-01T00:00:00Z, 42 s ago\n");
    /* known then as the first second, unknown now: the device clock counts */
    assert_string_equal(line_for(true, 0, false, 0, 7),
                        "late: happened 1970-01-01T00:00:00Z, 7 s ago\n");
    /* more than 32 bits of seconds apart by the wall clock: the device
     * clock says how late, not the wall clock's difference cut to 32 bits */
    assert_string_equal(line_for(true, 0, true, (int64_t)UINT32_MAX + 11, 5),
                        "late: happened 1970-01-01T00:00:00Z, 5 s ago\n");

    /* the device clock counts whole seconds of 1000 ms */
    setup("o", 4, NULL);
    hc_outbox_set_wall_clock(&ob, NULL, NULL);
    push(&(hc_ping_t){ .uuid = A }, NULL);
    mc.mock.now += 3725999u;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_OK);
    assert_string_equal(first_body(), "late: happened 3725 s ago\n");

    /* the device clock wraps at 2^32 ms */
    setup("o", 4, NULL);
    hc_outbox_set_wall_clock(&ob, NULL, NULL);
    mc.mock.now = 0xfffff000u;
    push(&(hc_ping_t){ .uuid = A }, NULL);
    mc.mock.now = 0x00001000u;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_OK);
    assert_string_equal(first_body(), "late: happened 8 s ago\n");
}

static void test_longest_late_line_fits_its_room(void **state)
{
    (void)state;
    char body[HC_OUTBOX_BODY_MAX + 1];
    memset(body, 'z', HC_OUTBOX_BODY_MAX);
    body[HC_OUTBOX_BODY_MAX] = '\0';
    setup("o", 4, NULL);
    wall.now = 0;
    hc_ping_t p = ping(A, HC_SIGNAL_SUCCESS, NULL, body);
    push(&p, NULL);
    slots[0].merged = UINT16_MAX;
    slots[0].body_cut = UINT32_MAX;
    ob.dropped = UINT32_MAX;
    wall.now = UINT32_MAX;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_OK);
    static const char line[] =
        "late: happened 1970-01-01T00:00:00Z, 4294967295 s ago; 65535 older success pings merged; "
        "4294967295 signals dropped; 4294967295 body bytes cut\n";
    assert_int_equal(sizeof line - 1, HC_OUTBOX_LINE_MAX);
    char expected[sizeof line + HC_OUTBOX_BODY_MAX];
    snprintf(expected, sizeof expected, "%s%s", line, body);
    assert_string_equal(first_body(), expected);
    assert_int_equal(hc_outbox_dropped(&ob), 0);

    /* The longest late line on the longest late request (a 48-character
     * slug, create, a run id, an exit status) fits a 512-byte work buffer. */
    setup("o", 4, KEY);
    wall.now = 0;
    char slug[HC_OUTBOX_TARGET_MAX + 1];
    memset(slug, 's', HC_OUTBOX_TARGET_MAX);
    slug[HC_OUTBOX_TARGET_MAX] = '\0';
    hc_ping_t longest = { .slug = slug, .create = true, .rid = RID, .signal = HC_SIGNAL_EXIT,
                          .exit_status = 255 };
    push(&longest, NULL);
    slots[0].merged = UINT16_MAX;
    slots[0].body_cut = UINT32_MAX;
    ob.dropped = UINT32_MAX;
    wall.now = UINT32_MAX;
    assert_int_equal(sizeof work, 512);
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_OK);
    assert_string_equal(first_body(), line);

    /* one second more than 32 bits can say: the device clock answers */
    setup("o", 4, NULL);
    wall.now = 0;
    push(&(hc_ping_t){ .uuid = A }, NULL);
    wall.now = (int64_t)UINT32_MAX + 1;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_OK);
    assert_string_equal(first_body(), "late: happened 1970-01-01T00:00:00Z, 0 s ago\n");
}

/* The late line is written once per request, into the work buffer behind
 * the head: a retry sends the same bytes, however much later it goes. */
static void test_late_line_is_the_same_on_every_attempt(void **state)
{
    (void)state;
    setup("so", 4, NULL);
    mc.client.cfg.max_attempts = 2;
    mc.client.cfg.backoff_ms = 4000; /* a back-off of 2..4 s */
    mc.client.cfg.backoff_max_ms = 4000;
    hc_ping_t p = ping(A, HC_SIGNAL_FAIL, NULL, "disk full");
    push(&p, NULL);
    advance(10);
    uint32_t before = mc.mock.now;
    hc_outbox_result_t res;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_OK);
    assert_true(mc.mock.now - before >= 2000u); /* the retry did go out later */
    request_t r[4];
    assert_int_equal(captured(r, 4), 2);
    static const char body[] = "late: happened 2024-05-01T10:00:00Z, 10 s ago\ndisk full";
    assert_string_equal(r[0].body, body);
    assert_string_equal(r[1].body, body);
    assert_int_equal(res.ping.body_sent, sizeof body - 1); /* the line counts as body */
}

/* A late ping needs its line in the work buffer as well as its head and 64
 * bytes for the response: one byte short is refused before anything is
 * sent (the entry stays), and the exact size delivers. */
static void test_late_line_needs_room_in_the_work_buffer(void **state)
{
    (void)state;
    static const char head[] =
        "POST /ping/" A " HTTP/1.1\r\nHost: hc.test\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 46\r\n"
        "Connection: close\r\n\r\n";
    static const char line[] = "late: happened 2024-05-01T10:00:00Z, 50 s ago\n";
    static uint8_t small[512];
    for (size_t extra = 0; extra < 2; extra++) {
        size_t size = sizeof head - 1 + sizeof line - 1 + 64 - 1 + extra;
        setup("o", 4, NULL);
        hc_test_mock_spec_t spec = { .script = script, .n_script = 1, .capture = capture,
                                     .capture_cap = sizeof capture - 1, .work = small,
                                     .work_size = size, .ping_url = "http://hc.test/ping",
                                     .max_attempts = 1 };
        assert_int_equal(hc_test_mock_client(&mc, &spec), HC_OK);
        push(&(hc_ping_t){ .uuid = A }, NULL);
        advance(50);
        hc_outbox_result_t res;
        hc_err_t err = hc_outbox_flush(&ob, &mc.client, &res);
        if (!extra) {
            assert_int_equal(err, HC_ERR_BUFFER);
            assert_int_equal(res.waiting, 1);
            assert_int_equal(mc.mock.capture_len, 0);
            /* on time, the same ping needs no line and fits */
            assert_int_equal(hc_ping_send(&mc.client, &(hc_ping_t){ .uuid = A }, NULL), HC_OK);
        } else {
            assert_int_equal(err, HC_OK);
            assert_int_equal(res.delivered, 1);
            assert_int_equal(mc.mock.capture_len, sizeof head - 1 + sizeof line - 1);
            assert_memory_equal(capture, head, sizeof head - 1);
            assert_memory_equal(capture + sizeof head - 1, line, sizeof line - 1);
        }
    }

    /* a ping URL whose path alone overflows the work buffer: refused for
     * that, though the late line behind it would fit */
    static char long_url[600] = "http://hc.test/";
    memset(long_url + 15, 'p', 520);
    setup("o", 4, NULL);
    hc_test_mock_spec_t long_spec = { .script = script, .n_script = 1, .capture = capture,
                                      .capture_cap = sizeof capture - 1, .work = work,
                                      .work_size = sizeof work, .ping_url = long_url,
                                      .max_attempts = 1 };
    assert_int_equal(hc_test_mock_client(&mc, &long_spec), HC_OK);
    push(&(hc_ping_t){ .uuid = A }, NULL);
    hc_outbox_result_t long_res;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &long_res), HC_ERR_BUFFER);
    assert_int_equal(long_res.waiting, 1);
    check_no_request(&long_res.ping);
    assert_int_equal(mc.mock.capture_len, 0);

    /* the smallest work buffer a client takes (128 bytes) cannot even hold
     * the request line and the longest late line */
    setup("o", 4, NULL);
    hc_test_mock_spec_t spec = { .script = script, .n_script = 1, .capture = capture,
                                 .capture_cap = sizeof capture - 1, .work = small,
                                 .work_size = 128, .ping_url = "http://hc.test/ping",
                                 .max_attempts = 1 };
    assert_int_equal(hc_test_mock_client(&mc, &spec), HC_OK);
    push(&(hc_ping_t){ .uuid = A }, NULL);
    slots[0].merged = UINT16_MAX;
    slots[0].body_cut = UINT32_MAX;
    hc_outbox_result_t res;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_ERR_BUFFER);
    assert_int_equal(res.waiting, 1);
    assert_int_equal(mc.mock.capture_len, 0);
    /* the line that does not fit is the error, found before a header the
     * head would refuse */
    mc.client.cfg.user_agent = "bad\r\nagent";
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, &res), HC_ERR_BUFFER);
    assert_int_equal(res.waiting, 1);
    assert_int_equal(mc.mock.capture_len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outage_then_delivery_in_order),
        cmocka_unit_test(test_nonblocking_outage_matches_blocking),
        cmocka_unit_test(test_full_outbox_drops_coalescible_then_oldest_and_says_so),
        cmocka_unit_test(test_success_pings_coalesce_but_never_a_start_closer),
        cmocka_unit_test(test_coalescing_tells_checks_apart_by_kind_and_whole_name),
        cmocka_unit_test(test_full_outbox_drops_the_oldest_heartbeat),
        cmocka_unit_test(test_full_array_drops_the_oldest),
        cmocka_unit_test(test_run_id_is_kept_exactly),
        cmocka_unit_test(test_full_outbox_keeps_a_start_closer_before_the_oldest),
        cmocka_unit_test(test_create_survives_coalescing_of_slug_pings),
        cmocka_unit_test(test_which_failures_keep_a_signal),
        cmocka_unit_test(test_delivery_stops_at_the_first_failure),
        cmocka_unit_test(test_local_refusal_changes_nothing),
        cmocka_unit_test(test_refusals_before_anything),
        cmocka_unit_test(test_busy_while_a_delivery_runs),
        cmocka_unit_test(test_aborted_delivery_keeps_everything),
        cmocka_unit_test(test_body_keeps_its_end_and_says_what_was_cut),
        cmocka_unit_test(test_late_line_dates_from_what_is_known),
        cmocka_unit_test(test_longest_late_line_fits_its_room),
        cmocka_unit_test(test_late_line_is_the_same_on_every_attempt),
        cmocka_unit_test(test_late_line_needs_room_in_the_work_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
