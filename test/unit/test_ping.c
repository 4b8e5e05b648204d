/* The ping module over the mock port: validation before any byte is sent,
 * the exact request of each signal, result mapping (hosted quirks
 * included), body tails, retries, and the 512-byte work buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "hc_fixture.h"

#include "healthchecks/hc_ping.h"
#include "hc_port_mock.h"
#include "hc_lex.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define RID "cabd8d03-d637-46e9-b652-805655b43815"
#define KEY "pingkey0123456789abcde"

static hc_mock_t mock;
static hc_transport_t tp;
static hc_client_t client;
static hc_config_t cfg;
static uint8_t work[512];
static uint8_t capture[8192];
static hc_mock_conn_t script[4];

static hc_mock_conn_t answer(const char *response)
{
    hc_mock_conn_t c = { 0 };
    c.response = (const uint8_t *)response;
    c.response_len = strlen(response);
    return c;
}

static void setup(const char *response)
{
    memset(script, 0, sizeof script);
    script[0] = answer(response);
    hc_mock_init(&mock, script, 1, capture, sizeof capture);
    tp = hc_mock_transport(&mock);
    hc_config_defaults(&cfg);
    cfg.ping_url = "http://hc.test/ping";
    cfg.ping_key = KEY;
    cfg.transport = &tp;
    cfg.work = work;
    cfg.work_size = sizeof work;
    assert_err(hc_client_init(&client, &cfg), HC_OK);
}

static const char *request_line(void)
{
    static char line[512];
    size_t n = 0;
    while (n < mock.capture_len && n < sizeof line - 1 && capture[n] != '\r') {
        line[n] = (char)capture[n];
        n++;
    }
    line[n] = '\0';
    return line;
}

#define OK "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nPing-Body-Limit: 10000\r\n\r\nOK"

/* -------------------------------------------------------- request lines */

static void check_line(hc_ping_t p, const char *expected)
{
    setup(OK);
    hc_ping_result_t res;
    assert_err(hc_ping_send(&client, &p, &res), HC_OK);
    assert_true(res.delivered);
    assert_string_equal(request_line(), expected);
}

static void test_signals_by_uuid(void **state)
{
    (void)state;
    check_line((hc_ping_t){ .uuid = UUID }, "GET /ping/" UUID " HTTP/1.1");
    check_line((hc_ping_t){ .uuid = UUID, .signal = HC_SIGNAL_START }, "GET /ping/" UUID "/start HTTP/1.1");
    check_line((hc_ping_t){ .uuid = UUID, .signal = HC_SIGNAL_FAIL }, "GET /ping/" UUID "/fail HTTP/1.1");
    check_line((hc_ping_t){ .uuid = UUID, .signal = HC_SIGNAL_LOG }, "GET /ping/" UUID "/log HTTP/1.1");
    check_line((hc_ping_t){ .uuid = UUID, .signal = HC_SIGNAL_EXIT }, "GET /ping/" UUID "/0 HTTP/1.1");
    check_line((hc_ping_t){ .uuid = UUID, .signal = HC_SIGNAL_EXIT, .exit_status = 255 },
               "GET /ping/" UUID "/255 HTTP/1.1");
}

static void test_head_ping(void **state)
{
    (void)state;
    setup("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"); /* HEAD: no body follows */
    hc_ping_t p = { .uuid = UUID, .rid = RID, .method = HC_METHOD_HEAD };
    hc_ping_result_t res;
    assert_err(hc_ping_send(&client, &p, &res), HC_OK);
    assert_string_equal(request_line(), "HEAD /ping/" UUID "?rid=" RID " HTTP/1.1");
    assert_string_equal(res.text, "");
}

static void test_signals_by_slug(void **state)
{
    (void)state;
    check_line((hc_ping_t){ .slug = "db-backup_2" }, "GET /ping/" KEY "/db-backup_2 HTTP/1.1");
    check_line((hc_ping_t){ .slug = "db", .signal = HC_SIGNAL_START, .rid = RID, .create = true },
               "GET /ping/" KEY "/db/start?rid=" RID "&create=1 HTTP/1.1");
    check_line((hc_ping_t){ .slug = "db", .create = true, .method = HC_METHOD_POST },
               "POST /ping/" KEY "/db?create=1 HTTP/1.1");
}

static void test_body_is_posted_from_caller_memory(void **state)
{
    (void)state;
    setup(OK);
    static const char body[] = "backup done: 42 files";
    hc_ping_t p = { .uuid = UUID, .signal = HC_SIGNAL_LOG,
                    .body = (const uint8_t *)body, .body_len = strlen(body) };
    hc_ping_result_t res;
    assert_err(hc_ping_send(&client, &p, &res), HC_OK);
    const char *expected =
        "POST /ping/" UUID "/log HTTP/1.1\r\nHost: hc.test\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 21\r\n"
        "Connection: close\r\n\r\nbackup done: 42 files";
    assert_int_equal(mock.capture_len, strlen(expected));
    assert_memory_equal(capture, expected, strlen(expected));
    assert_int_equal(res.body_sent, 21);
    assert_true(res.has_body_limit);
    assert_int_equal(res.body_limit, 10000);
}

static void test_body_tail_uses_learned_limit(void **state)
{
    (void)state;
    setup("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nPing-Body-Limit: 4\r\n\r\nOK");
    hc_ping_result_t res;
    hc_ping_t start = { .uuid = UUID, .signal = HC_SIGNAL_START };
    assert_err(hc_ping_send(&client, &start, &res), HC_OK);
    assert_int_equal(res.body_limit, 4);

    script[1] = script[0];
    mock.n_script = 2;
    hc_ping_t end = { .uuid = UUID, .body = (const uint8_t *)"0123456789",
                      .body_len = 10, .body_tail = true };
    size_t before = mock.capture_len;
    assert_err(hc_ping_send(&client, &end, &res), HC_OK);
    assert_int_equal(res.body_sent, 4);
    assert_memory_equal(capture + mock.capture_len - 4, "6789", 4);
    assert_non_null(strstr((const char *)capture + before, "Content-Length: 4\r\n"));
}

/* ------------------------------------------------------------- outcomes */

static void check_outcome(const char *response, hc_err_t expected, uint16_t status)
{
    setup(response);
    cfg.max_attempts = 1;
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    hc_ping_result_t res;
    hc_ping_t p = { .uuid = UUID };
    assert_int_equal(hc_ping_send(&client, &p, &res), expected);
    assert_int_equal(res.status, status);
    assert_int_equal(res.delivered, expected == HC_OK);
}

static void test_outcome_mapping(void **state)
{
    (void)state;
    check_outcome("HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nOK (not found)", HC_ERR_NOT_FOUND, 200);
    check_outcome("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\nOK (rate-limited)", HC_ERR_RATE_LIMITED, 200);
    check_outcome("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found", HC_ERR_NOT_FOUND, 404);
    check_outcome("HTTP/1.1 409 Conflict\r\nContent-Length: 14\r\n\r\nambiguous slug", HC_ERR_CONFLICT, 409);
    check_outcome("HTTP/1.1 400 Bad Request\r\nContent-Length: 18\r\n\r\ninvalid url format", HC_ERR_BAD_REQUEST, 400);
    check_outcome("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", HC_ERR_UNAUTHORIZED, 401);
    check_outcome("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", HC_ERR_FORBIDDEN, 403);
    check_outcome("HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n", HC_ERR_PAYLOAD_TOO_LARGE, 413);
    check_outcome("HTTP/1.1 429 Too Many\r\nContent-Length: 0\r\n\r\n", HC_ERR_RATE_LIMITED, 429);
    check_outcome("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", HC_ERR_SERVER, 502);
    check_outcome("HTTP/1.1 302 Found\r\nLocation: https://x/\r\nContent-Length: 0\r\n\r\n", HC_ERR_HTTP_STATUS, 302);
    check_outcome("HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\nCreated", HC_OK, 201);
}

static void test_created_reported(void **state)
{
    (void)state;
    setup("HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\nCreated");
    hc_ping_result_t res;
    hc_ping_t p = { .slug = "new-job", .create = true };
    assert_err(hc_ping_send(&client, &p, &res), HC_OK);
    assert_true(res.created);
    assert_string_equal(res.text, "Created");
}

/* ------------------------------------------------------------ validation */

static void check_refused(hc_ping_t p, hc_err_t expected)
{
    setup(OK);
    hc_ping_result_t res;
    assert_int_equal(hc_ping_send(&client, &p, &res), expected);
    assert_false(res.delivered);
    assert_int_equal(mock.n_connects, 0);
    assert_int_equal(mock.capture_len, 0);
}

static void test_validation_before_sending(void **state)
{
    (void)state;
    check_refused((hc_ping_t){ 0 }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .uuid = UUID, .slug = "x" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .uuid = "45C9D87E-C6E4-42C7-BA1E-921CFC827121" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .uuid = "45c9d87e-c6e4-42c7-ba1e-921cfc82712" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .uuid = "45c9d87e-c6e4-42c7-ba1e-921cfc8271211" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .uuid = "45c9d87e/c6e4-42c7-ba1e-921cfc827121" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .uuid = UUID, .create = true }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .slug = "Backup" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .slug = "a b" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .slug = "" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .slug = "x\r\nHost: evil" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .uuid = UUID, .signal = HC_SIGNAL_EXIT, .exit_status = 256 }, HC_ERR_RANGE);
    check_refused((hc_ping_t){ .uuid = UUID, .rid = "not-a-uuid" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .uuid = UUID, .rid = RID "\r\nX: y" }, HC_ERR_ARG);
    check_refused((hc_ping_t){ .uuid = UUID, .method = HC_METHOD_HEAD,
                               .body = (const uint8_t *)"x", .body_len = 1 }, HC_ERR_ARG);
    char long_slug[102];
    memset(long_slug, 'a', 101);
    long_slug[101] = '\0';
    check_refused((hc_ping_t){ .slug = long_slug }, HC_ERR_TOO_LONG);
}

static void test_slug_needs_ping_key_and_safe_key(void **state)
{
    (void)state;
    setup(OK);
    cfg.ping_key = NULL;
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    hc_ping_t p = { .slug = "db" };
    assert_err(hc_ping_send(&client, &p, NULL), HC_ERR_ARG);
    cfg.ping_key = "key\r\nX-Evil: 1";
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    assert_err(hc_ping_send(&client, &p, NULL), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(mock.capture_len, 0);
}

/* -------------------------------------------------------- memory, rids */

/* A real server's ping response (15 headers) behind a proxy that adds
 * four more: 19 headers, over 600 bytes, none of them stored. */
static void test_512_byte_work_buffer_takes_real_headers(void **state)
{
    (void)state;
    size_t len;
    char *fixture = hc_fixture_load("ping_uuid_success_get.http", &len);
    char *end_of_head = strstr(fixture, "\r\n\r\n");
    assert_non_null(end_of_head);
    static char resp[2048];
    size_t head = (size_t)(end_of_head - fixture) + 2;
    memcpy(resp, fixture, head);
    free(fixture);
    strcpy(resp + head,
           "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload\r\n"
           "Via: 1.1 proxy.example.net (squid/5.7)\r\n"
           "X-Request-Id: 6f9a2c1e-3b7d-4e8f-9a0b-1c2d3e4f5a6b\r\n"
           "Alt-Svc: h3=\":443\"; ma=86400\r\n"
           "\r\nOK");
    assert_true(strlen(resp) >= 600);

    setup("");
    script[0].response = (const uint8_t *)resp;
    script[0].response_len = strlen(resp);
    script[0].max_read = 0;
    cfg.user_agent = "hc-device/1.0 (firmware 2.3.4; esp32)";
    assert_int_equal(sizeof work, 512);
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    hc_ping_t p = { .slug = "database-backup", .signal = HC_SIGNAL_START, .rid = RID,
                    .create = true };
    hc_ping_result_t res;
    assert_err(hc_ping_send(&client, &p, &res), HC_OK);
    assert_int_equal(res.status, 200);
    assert_string_equal(res.text, "OK");
    assert_int_equal(res.body_limit, 10000);
}

static void test_rid_new_is_v4_uuid(void **state)
{
    (void)state;
    setup(OK);
    char a[37], b[37];
    assert_err(hc_rid_new(&client, a), HC_OK);
    assert_err(hc_rid_new(&client, b), HC_OK);
    assert_true(hc_is_uuid(a, true));
    assert_int_equal(a[14], '4');
    assert_true(strchr("89ab", a[19]) != NULL);
    assert_string_not_equal(a, b);
}

static uint8_t random_fill;

static int fill_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    memset(buf, random_fill, len);
    return 0;
}

/* Whatever the random bytes, a run id is a version 4, RFC 4122 variant
 * UUID: the version nibble is 4, the variant's two top bits are 10, and
 * every other bit is the random one. */
static void test_rid_new_sets_exactly_the_version_and_variant_bits(void **state)
{
    (void)state;
    static const struct {
        uint8_t fill;
        const char *rid;
    } cases[] = {
        { 0x00, "00000000-0000-4000-8000-000000000000" },
        { 0xff, "ffffffff-ffff-4fff-bfff-ffffffffffff" },
        { 0x5a, "5a5a5a5a-5a5a-4a5a-9a5a-5a5a5a5a5a5a" },
        { 0xa5, "a5a5a5a5-a5a5-45a5-a5a5-a5a5a5a5a5a5" },
    };
    static hc_transport_t fixed;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setup(OK);
        fixed = tp;
        fixed.random = fill_random;
        cfg.transport = &fixed;
        assert_err(hc_client_init(&client, &cfg), HC_OK);
        random_fill = cases[i].fill;
        char rid[37];
        assert_err(hc_rid_new(&client, rid), HC_OK);
        assert_string_equal(rid, cases[i].rid);
    }
}

/* The transport is asked for exactly 16 bytes, and each lands in its own
 * place: the version nibble and the variant bits come from bytes 6 and 8
 * themselves. */
static int counting_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    assert_int_equal(len, 16);
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(0x10u * i + i); /* 00 11 22 ... ff */
    return 0;
}

static void test_rid_new_keeps_each_byte_in_its_place(void **state)
{
    (void)state;
    static hc_transport_t counting;
    setup(OK);
    counting = tp;
    counting.random = counting_random;
    cfg.transport = &counting;
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    char rid[37];
    assert_err(hc_rid_new(&client, rid), HC_OK);
    assert_string_equal(rid, "00112233-4455-4677-8899-aabbccddeeff");
}

/* The edges of what a ping may carry: a slug of 100 characters, an exit
 * status on a signal that has none (ignored), an explicit GET with a body,
 * an empty body (still a body: Content-Length: 0). */
static void test_ping_edges(void **state)
{
    (void)state;
    char slug[101];
    memset(slug, 'a', 100);
    slug[100] = '\0';
    char line[256];
    snprintf(line, sizeof line, "GET /ping/" KEY "/%s HTTP/1.1", slug);
    check_line((hc_ping_t){ .slug = slug }, line);
    check_line((hc_ping_t){ .uuid = UUID, .exit_status = 300 }, "GET /ping/" UUID " HTTP/1.1");
    check_line((hc_ping_t){ .uuid = UUID, .method = HC_METHOD_GET,
                            .body = (const uint8_t *)"x", .body_len = 1 },
               "GET /ping/" UUID " HTTP/1.1");

    setup(OK);
    hc_ping_result_t res;
    hc_ping_t empty = { .uuid = UUID, .body = (const uint8_t *)"", .body_len = 0 };
    assert_err(hc_ping_send(&client, &empty, &res), HC_OK);
    static const char expected[] =
        "POST /ping/" UUID " HTTP/1.1\r\nHost: hc.test\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n";
    assert_int_equal(mock.capture_len, strlen(expected));
    assert_memory_equal(capture, expected, strlen(expected));
}

/* A body is cut to the learned limit only when body_tail asks for it, and
 * a body under the limit is sent whole either way. */
static void test_body_limit_applies_only_to_a_tail(void **state)
{
    (void)state;
    setup("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nPing-Body-Limit: 4\r\n\r\nOK");
    hc_ping_result_t res;
    hc_ping_t start = { .uuid = UUID, .signal = HC_SIGNAL_START };
    assert_err(hc_ping_send(&client, &start, &res), HC_OK);
    script[1] = script[0];
    script[2] = script[0];
    mock.n_script = 3;
    hc_ping_t whole = { .uuid = UUID, .body = (const uint8_t *)"0123456789", .body_len = 10 };
    assert_err(hc_ping_send(&client, &whole, &res), HC_OK);
    assert_int_equal(res.body_sent, 10);
    assert_memory_equal(capture + mock.capture_len - 10, "0123456789", 10);
    hc_ping_t short_tail = { .uuid = UUID, .body = (const uint8_t *)"abc", .body_len = 3,
                             .body_tail = true };
    assert_err(hc_ping_send(&client, &short_tail, &res), HC_OK);
    assert_int_equal(res.body_sent, 3);
    assert_memory_equal(capture + mock.capture_len - 3, "abc", 3);
}

/* Without a Ping-Body-Limit the result says so, with a limit of 0; and
 * "created" needs a delivered ping, not only a 201. */
static void test_result_fields_without_a_limit_or_a_record(void **state)
{
    (void)state;
    setup("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
    hc_ping_result_t res;
    memset(&res, 0x5a, sizeof res);
    hc_ping_t p = { .uuid = UUID };
    assert_err(hc_ping_send(&client, &p, &res), HC_OK);
    assert_false(res.has_body_limit);
    assert_int_equal(res.body_limit, 0);

    setup("HTTP/1.1 201 Created\r\nContent-Length: 14\r\n\r\nOK (not found)");
    hc_ping_t create = { .slug = "new-job", .create = true };
    assert_err(hc_ping_send(&client, &create, &res), HC_ERR_NOT_FOUND);
    assert_int_equal(res.status, 201);
    assert_false(res.delivered);
    assert_false(res.created);
}

static void test_nonblocking_ping(void **state)
{
    (void)state;
    setup(OK);
    script[0].max_read = 1;
    script[0].storm = 2;
    hc_ping_t p = { .uuid = UUID };
    assert_err(hc_ping_send_begin(&client, &p), HC_OK);
    hc_ping_result_t res;
    hc_err_t r = HC_IN_PROGRESS;
    int polls = 0;
    while (r == HC_IN_PROGRESS && polls < 10000) {
        r = hc_ping_poll(&client, &res);
        polls++;
    }
    assert_err(r, HC_OK);
    assert_true(polls > 1);
    assert_true(res.delivered);
}

static void test_refused_ping_reports_nothing_of_the_last(void **state)
{
    (void)state;
    setup(OK);
    hc_ping_result_t res;
    assert_err(hc_ping_send(&client, &(hc_ping_t){ .uuid = UUID }, &res), HC_OK);
    assert_int_equal(res.status, 200);
    hc_ping_t bad = { .uuid = UUID, .signal = HC_SIGNAL_EXIT, .exit_status = 300,
                      .body = (const uint8_t *)"xyz", .body_len = 3 };
    assert_err(hc_ping_send(&client, &bad, &res), HC_ERR_RANGE);
    assert_int_equal(res.status, 0);
    assert_string_equal(res.text, "");
    assert_int_equal(res.body_sent, 0);
    assert_false(res.delivered);
}

static void test_body_sent_counts_only_what_went_out(void **state)
{
    (void)state;
    setup(OK);
    script[0] = (hc_mock_conn_t){ .connect_result = HC_IO_REFUSED };
    cfg.max_attempts = 1;
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    hc_ping_t p = { .uuid = UUID, .body = (const uint8_t *)"0123456789", .body_len = 10 };
    hc_ping_result_t res;
    assert_err(hc_ping_send(&client, &p, &res), HC_ERR_CONNECT);
    assert_int_equal(res.body_sent, 0);
}

/* ------------------------------------------------- coverage: edges */

static void test_is_uuid_null(void **state)
{
    (void)state;
    assert_false(hc_is_uuid(NULL, false));
    assert_false(hc_is_uuid(NULL, true));
    assert_true(hc_is_uuid("45C9D87E-C6E4-42C7-BA1E-921CFC827121", false));
}

static void test_validate_bad_arguments(void **state)
{
    (void)state;
    setup(OK);
    hc_ping_t good = { .uuid = UUID };
    assert_err(hc_ping_validate(&client, &good), HC_OK);
    assert_err(hc_ping_validate(NULL, &good), HC_ERR_ARG);
    assert_err(hc_ping_validate(&client, NULL), HC_ERR_ARG);
    hc_ping_t no_body = { .uuid = UUID, .body_len = 4 };
    assert_err(hc_ping_validate(&client, &no_body), HC_ERR_ARG);
    hc_ping_t bad_signal = { .uuid = UUID, .signal = (hc_signal_t)(HC_SIGNAL_EXIT + 1) };
    assert_err(hc_ping_validate(&client, &bad_signal), HC_ERR_ARG);
    hc_ping_t bad_method = { .uuid = UUID, .method = (hc_method_t)(HC_METHOD_POST + 1) };
    assert_err(hc_ping_validate(&client, &bad_method), HC_ERR_ARG);
    assert_err(hc_ping_send_begin(NULL, &good), HC_ERR_ARG);
    assert_err(hc_ping_send_begin(&client, NULL), HC_ERR_ARG);
    check_refused(no_body, HC_ERR_ARG);
    check_refused(bad_signal, HC_ERR_ARG);
    check_refused(bad_method, HC_ERR_ARG);
    /* slug pings: a ping key with LF or CR (alone) is refused */
    static const char *const keys[] = { "key\nX: 1", "key\r", "" };
    static const hc_err_t errs[] = { HC_ERR_UNSAFE_CHAR, HC_ERR_UNSAFE_CHAR, HC_ERR_ARG };
    for (size_t k = 0; k < 3; k++) {
        setup(OK);
        cfg.ping_key = keys[k];
        assert_err(hc_client_init(&client, &cfg), HC_OK);
        hc_ping_t p = { .slug = "db" };
        assert_int_equal(hc_ping_validate(&client, &p), errs[k]);
        hc_ping_result_t res;
        assert_int_equal(hc_ping_send(&client, &p, &res), errs[k]);
        assert_false(res.delivered);
        assert_int_equal(mock.next, 0);
        assert_int_equal(mock.capture_len, 0);
    }
}

static void test_bad_ping_url_refused_before_sending(void **state)
{
    (void)state;
    setup(OK);
    cfg.ping_url = "ftp://hc.test/ping";
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    hc_ping_t p = { .uuid = UUID };
    assert_err(hc_ping_send_begin(&client, &p), HC_ERR_URL);
    hc_ping_result_t res;
    assert_err(hc_ping_send(&client, &p, &res), HC_ERR_URL);
    assert_false(res.delivered);
    assert_int_equal(res.status, 0);
    assert_string_equal(res.text, "");
    assert_int_equal(mock.next, 0);
    assert_int_equal(mock.capture_len, 0);
    /* the same client, given a good URL, still pings */
    cfg.ping_url = "http://hc.test/ping";
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    assert_err(hc_ping_send(&client, &p, &res), HC_OK);
    assert_true(res.delivered);
    assert_string_equal(request_line(), "GET /ping/" UUID " HTTP/1.1");
}

/* A 404, or a body saying "not found", is not found; a 429, or a body
 * saying "rate limited" or "rate-limited", is rate limited, whatever the
 * status. */
static void test_outcome_from_body_of_other_statuses(void **state)
{
    (void)state;
    check_outcome("HTTP/1.1 410 Gone\r\nContent-Length: 15\r\n\r\ncheck not found", HC_ERR_NOT_FOUND, 410);
    check_outcome("HTTP/1.1 400 Bad Request\r\nContent-Length: 9\r\n\r\nnot found", HC_ERR_NOT_FOUND, 400);
    check_outcome("HTTP/1.1 400 Bad Request\r\nContent-Length: 12\r\n\r\nrate limited", HC_ERR_RATE_LIMITED, 400);
    check_outcome("HTTP/1.1 410 Gone\r\nContent-Length: 16\r\n\r\nyou rate-limited", HC_ERR_RATE_LIMITED, 410);
    check_outcome("HTTP/1.1 410 Gone\r\nContent-Length: 4\r\n\r\ngone", HC_ERR_HTTP_STATUS, 410);
    check_outcome("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\nOK (rate limited)", HC_ERR_RATE_LIMITED, 200);
    /* a 2xx body that merely mentions the words is a delivered ping */
    check_outcome("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nrate limited", HC_OK, 200);
}

static void test_nonblocking_ping_failure_reported(void **state)
{
    (void)state;
    setup(OK);
    script[0] = (hc_mock_conn_t){ .connect_result = HC_IO_DNS };
    cfg.max_attempts = 1;
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    hc_ping_t p = { .uuid = UUID };
    assert_err(hc_ping_send_begin(&client, &p), HC_OK);
    hc_ping_result_t res;
    hc_err_t r = HC_IN_PROGRESS;
    for (int i = 0; i < 1000 && r == HC_IN_PROGRESS; i++)
        r = hc_ping_poll(&client, &res);
    assert_err(r, HC_ERR_DNS);
    assert_false(res.delivered);
    assert_int_equal(res.status, 0);
    assert_int_equal(hc_ping_poll(&client, NULL), HC_ERR_DNS);  /* repeated */
    assert_int_equal(mock.capture_len, 0);
}

static void test_rid_new_bad_arguments(void **state)
{
    (void)state;
    setup(OK);
    char out[37];
    memset(out, 'x', sizeof out);
    assert_err(hc_rid_new(&client, NULL), HC_ERR_ARG);
    assert_err(hc_rid_new(NULL, out), HC_ERR_ARG);
    mock.no_random = true;                 /* entropy source fails */
    assert_err(hc_rid_new(&client, out), HC_ERR_ARG);
    static hc_transport_t no_random;
    no_random = tp;
    no_random.random = NULL;               /* transport without randomness */
    cfg.transport = &no_random;
    assert_err(hc_client_init(&client, &cfg), HC_OK);
    mock.no_random = false;
    assert_err(hc_rid_new(&client, out), HC_ERR_ARG);
    assert_int_equal(out[0], 'x');         /* untouched on refusal */
    assert_int_equal(out[36], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signals_by_uuid),
        cmocka_unit_test(test_head_ping),
        cmocka_unit_test(test_signals_by_slug),
        cmocka_unit_test(test_body_is_posted_from_caller_memory),
        cmocka_unit_test(test_body_tail_uses_learned_limit),
        cmocka_unit_test(test_outcome_mapping),
        cmocka_unit_test(test_created_reported),
        cmocka_unit_test(test_validation_before_sending),
        cmocka_unit_test(test_slug_needs_ping_key_and_safe_key),
        cmocka_unit_test(test_512_byte_work_buffer_takes_real_headers),
        cmocka_unit_test(test_rid_new_is_v4_uuid),
        cmocka_unit_test(test_rid_new_sets_exactly_the_version_and_variant_bits),
        cmocka_unit_test(test_rid_new_keeps_each_byte_in_its_place),
        cmocka_unit_test(test_ping_edges),
        cmocka_unit_test(test_body_limit_applies_only_to_a_tail),
        cmocka_unit_test(test_result_fields_without_a_limit_or_a_record),
        cmocka_unit_test(test_nonblocking_ping),
        cmocka_unit_test(test_refused_ping_reports_nothing_of_the_last),
        cmocka_unit_test(test_body_sent_counts_only_what_went_out),
        cmocka_unit_test(test_is_uuid_null),
        cmocka_unit_test(test_validate_bad_arguments),
        cmocka_unit_test(test_bad_ping_url_refused_before_sending),
        cmocka_unit_test(test_outcome_from_body_of_other_statuses),
        cmocka_unit_test(test_nonblocking_ping_failure_reported),
        cmocka_unit_test(test_rid_new_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
