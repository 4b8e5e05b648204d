/* The sans-I/O HTTP/1.1 engine's response side (hc_http.h) over every
 * recorded response and synthetic ones: framing (Content-Length, chunked,
 * close-delimited, HEAD, 1xx, 204, 304), the headers kept, and bounds met
 * exactly. Every response is fed whole, one byte at a time and split in two
 * at every point (http_env.h). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_http.h"
#include "http_env.h"

#define FIXTURE_DIR HC_TEST_FIXTURES "/healthchecks-3.0.1/"

/* ----------------------------------------------------------- fixtures */

typedef struct fixture {
    char method[16];
    unsigned status;
} fixture_t;

static bool index_lookup(const char *name, fixture_t *f)
{
    FILE *fp = fopen(FIXTURE_DIR "INDEX.tsv", "r");
    char line[512], n[128], url[256];
    bool found = false;
    assert_non_null(fp);
    while (!found && fgets(line, sizeof line, fp))
        found = sscanf(line, "%127s %15s %255s %u", n, f->method, url, &f->status) == 4 &&
                !strcmp(n, name);
    fclose(fp);
    return found;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    uint8_t *buf = malloc(BODY_CAP);
    *len = fread(buf, 1, BODY_CAP, fp);
    assert_true(*len < BODY_CAP);
    fclose(fp);
    return buf;
}

/* What the test itself reads from a fixture's header block, to check the
 * engine against. */
typedef struct expected {
    size_t head_len; /* through the blank line */
    char content_type[256];
    char location[256];
    char connection[64];
    long content_length;
    long ping_body_limit;
} expected_t;

static void scan_fixture(const uint8_t *data, size_t len, expected_t *x)
{
    const char *text = (const char *)data;
    const char *end = NULL;
    memset(x, 0, sizeof *x);
    x->content_length = x->ping_body_limit = -1;
    for (size_t i = 0; i + 4 <= len && !end; i++)
        if (!memcmp(text + i, "\r\n\r\n", 4))
            end = text + i;
    assert_non_null(end);
    x->head_len = (size_t)(end - text) + 4;
    const char *line = strstr(text, "\r\n") + 2;
    while (line < end + 2) {
        const char *eol = strstr(line, "\r\n");
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        char name[64] = "", value[256] = "";
        assert_non_null(colon);
        memcpy(name, line, (size_t)(colon - line));
        const char *v = colon + 1;
        while (*v == ' ')
            v++;
        memcpy(value, v, (size_t)(eol - v));
        if (!strcasecmp(name, "Content-Type"))
            strcpy(x->content_type, value);
        else if (!strcasecmp(name, "Location"))
            strcpy(x->location, value);
        else if (!strcasecmp(name, "Connection"))
            strcpy(x->connection, value);
        else if (!strcasecmp(name, "Content-Length"))
            x->content_length = strtol(value, NULL, 10);
        else if (!strcasecmp(name, "Ping-Body-Limit"))
            x->ping_body_limit = strtol(value, NULL, 10);
        line = eol + 2;
    }
}

static void assert_cut(const char *got, bool truncated, const char *want, size_t cap)
{
    size_t n = strlen(want);
    assert_int_equal(truncated, n > cap - 1);
    assert_int_equal(strlen(got), n > cap - 1 ? cap - 1 : n);
    assert_memory_equal(got, want, strlen(got));
}

static void check_fixture(const char *path)
{
    const char *base = strrchr(path, '/') + 1;
    char name[128];
    fixture_t f;
    expected_t x;
    size_t len;
    snprintf(name, sizeof name, "%.*s", (int)(strlen(base) - 5), base);
    assert_true(index_lookup(name, &f));
    uint8_t *data = read_file(path, &len);
    scan_fixture(data, len, &x);

    spec_t spec = { .head_request = !strcmp(f.method, "HEAD") };
    const outcome_t *o = check_bytes(&spec, data, len);
    assert_err(o->before_eof, HC_OK);
    assert_err(o->result, HC_OK);
    assert_int_equal(o->consumed, len);
    assert_true(o->headers_done);
    assert_int_equal(o->resp.status, f.status);
    assert_int_equal(o->resp.http_minor, 1);
    assert_int_equal(o->resp.keep_alive, strcasecmp(x.connection, "close") != 0);
    assert_false(o->resp.chunked);
    assert_int_equal(o->resp.has_content_length, x.content_length >= 0);
    if (x.content_length >= 0)
        assert_int_equal(o->resp.content_length, x.content_length);
    assert_int_equal(o->resp.has_ping_body_limit, x.ping_body_limit >= 0);
    if (x.ping_body_limit >= 0)
        assert_int_equal(o->resp.ping_body_limit, x.ping_body_limit);
    assert_cut(o->resp.content_type, o->resp.content_type_truncated, x.content_type,
               HC_CONTENT_TYPE_MAX);
    assert_cut(o->resp.location, o->resp.location_truncated, x.location, HC_LOCATION_MAX);
    bool bodyless = spec.head_request || f.status == 204 || f.status == 304;
    if (bodyless) {
        assert_int_equal(len, x.head_len);
        assert_int_equal(o->body_len, 0);
    } else {
        assert_int_equal(o->body_len, len - x.head_len);
        assert_memory_equal(o->body, data + x.head_len, o->body_len);
    }
    free(data);
}

static void test_every_fixture(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob(FIXTURE_DIR "*.http", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 90);
    for (size_t i = 0; i < g.gl_pathc; i++)
        check_fixture(g.gl_pathv[i]);
    globfree(&g);
}

/* A ping's 200 OK carries ~480 bytes of headers; the engine keeps only
 * what it needs, in its own fixed struct. */
static void test_fixture_large_header_block(void **state)
{
    (void)state;
    size_t len;
    expected_t x;
    uint8_t *data = read_file(FIXTURE_DIR "ping_uuid_success_get.http", &len);
    scan_fixture(data, len, &x);
    assert_true(x.head_len > 450);
    assert_true(x.head_len > sizeof(hc_http_t));
    const outcome_t *o = check_bytes(&(spec_t){ 0 }, data, len);
    assert_err(o->result, HC_OK);
    assert_int_equal(o->resp.status, 200);
    assert_true(o->resp.has_ping_body_limit);
    assert_int_equal(o->resp.ping_body_limit, 10000);
    assert_string_equal(o->resp.content_type, "text/html; charset=utf-8");
    assert_body(o, "OK");
    free(data);
}

static void test_struct_is_small(void **state)
{
    (void)state;
    print_message("sizeof(hc_http_t) = %zu\n", sizeof(hc_http_t));
    assert_true(sizeof(hc_http_t) <= 96 + HC_HTTP_VALUE_MAX + HC_CONTENT_TYPE_MAX +
                                          HC_LOCATION_MAX + 20 * sizeof(void *));
}

/* ------------------------------------------------- synthetic responses */

static void test_chunked_with_extensions_and_trailers(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\r\n"
                               "Transfer-Encoding: chunked\r\n"
                               "Content-Type: application/json\r\n"
                               "\r\n"
                               "5;name=value\r\nhello\r\n"
                               "1A ; x=\"y;z\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                               "00000003\r\n\r\n\n\r\n"
                               "0;last\r\n"
                               "X-Checksum: 1234\r\n"
                               "Y: 2\r\n"
                               "\r\n");
    assert_err(o->before_eof, HC_OK);
    assert_true(o->resp.chunked);
    assert_true(o->resp.keep_alive);
    assert_false(o->resp.has_content_length);
    assert_string_equal(o->resp.content_type, "application/json");
    assert_body(o, "helloabcdefghijklmnopqrstuvwxyz\r\n\n");
}

static void test_chunked_bare_lf_and_upper_hex(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\n"
                               "transfer-encoding: gzip, CHUNKED\n"
                               "\n"
                               "A\n0123456789\n"
                               "b\nabcdefghijk\n"
                               "0\n"
                               "\n");
    assert_err(o->before_eof, HC_OK);
    assert_true(o->resp.chunked);
    assert_body(o, "0123456789abcdefghijk");
}

static void test_close_delimited(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body\r\n\r\nmore");
    assert_err(o->before_eof, HC_IN_PROGRESS);
    assert_err(o->result, HC_OK);
    assert_false(o->resp.keep_alive);
    assert_true(o->headers_done);
    assert_body(o, "some body\r\n\r\nmore");

    /* empty close-delimited body */
    o = check("HTTP/1.1 200 OK\r\n\r\n");
    assert_err(o->before_eof, HC_IN_PROGRESS);
    assert_err(o->result, HC_OK);
    assert_body(o, "");
}

static void test_te_not_chunked_is_close_delimited(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n5\r\nab");
    assert_err(o->before_eof, HC_IN_PROGRESS);
    assert_err(o->result, HC_OK);
    assert_false(o->resp.chunked);
    assert_false(o->resp.keep_alive);
    assert_body(o, "5\r\nab");
}

static void test_te_and_cl_te_wins(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
    assert_err(o->before_eof, HC_OK);
    assert_true(o->resp.chunked);
    assert_false(o->resp.keep_alive);
    assert_body(o, "ok");
}

static void test_head_response_has_no_body(void **state)
{
    (void)state;
    spec_t spec = { .head_request = true, .max_body = 1 };
    const outcome_t *o = check_spec(&spec, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n");
    assert_err(o->before_eof, HC_OK);
    assert_true(o->resp.has_content_length);
    assert_int_equal(o->resp.content_length, 5000);
    assert_true(o->resp.keep_alive);
    assert_body(o, "");

    o = check_spec(&spec, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert_err(o->before_eof, HC_OK);
}

static void test_204_and_304_have_no_body(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 204 No Content\r\n\r\n");
    assert_err(o->before_eof, HC_OK);
    assert_int_equal(o->resp.status, 204);
    assert_true(o->resp.keep_alive);
    o = check("HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n");
    assert_err(o->before_eof, HC_OK);
    assert_int_equal(o->resp.status, 304);
    assert_body(o, "");
}

static void test_100_continue_then_200(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 100 Continue\r\n"
                               "Content-Type: leaked/if-kept\r\n"
                               "Connection: close\r\n"
                               "\r\n"
                               "HTTP/1.1 102 Processing\r\n\r\n"
                               "HTTP/1.1 200 OK\r\n"
                               "Content-Length: 2\r\n"
                               "\r\n"
                               "OK");
    assert_err(o->before_eof, HC_OK);
    assert_int_equal(o->resp.status, 200);
    assert_string_equal(o->resp.content_type, "");
    assert_true(o->resp.keep_alive);
    assert_body(o, "OK");
}

static void test_headers_done_only_after_final_head(void **state)
{
    (void)state;
    static const char text[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
    hc_http_t h;
    size_t used;
    hc_http_start(&h, NULL, 0, NULL, 0, false, 0, NULL, NULL);
    size_t final_head = strlen(text) - 1;
    for (size_t i = 0; i < strlen(text); i++) {
        assert_int_equal(hc_http_headers_done(&h), i >= final_head);
        hc_err_t r = hc_http_feed(&h, (const uint8_t *)text + i, 1, &used);
        assert_int_equal(r, i + 1 == strlen(text) ? HC_OK : HC_IN_PROGRESS);
        assert_true(hc_http_response_started(&h));
    }
}

static void test_101_is_final_without_body(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n");
    assert_err(o->before_eof, HC_OK);
    assert_int_equal(o->resp.status, 101);
}

static void test_connection_tokens(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    assert_false(o->resp.keep_alive);
    o = check("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n");
    assert_false(o->resp.keep_alive);
    o = check("HTTP/1.1 200 OK\r\nConnection: close\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
    assert_false(o->resp.keep_alive);
    o = check("HTTP/1.1 200 OK\r\nConnection: upgrade,,\r\nContent-Length: 0\r\n\r\n");
    assert_true(o->resp.keep_alive);
    o = check("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(o->resp.http_minor, 0);
    assert_false(o->resp.keep_alive);
    o = check("HTTP/1.0 200 OK\r\nconnection:keep-alive\r\nContent-Length: 0\r\n\r\n");
    assert_true(o->resp.keep_alive);
    o = check("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nbody");
    assert_false(o->resp.keep_alive); /* close-delimited */
}

static void test_status_line_forms(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
    assert_err(o->result, HC_OK);
    assert_int_equal(o->resp.status, 200);
    o = check("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(o->resp.status, 404);
    o = check("HTTP/1.1 599 Some \t reason \xc3\xa9\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(o->resp.status, 599);
}

static void test_header_matching_and_trimming(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 201 Created\r\n"
                               "cOnTeNt-TyPe: \t text/plain \t \r\n"
                               "LOCATION:/x/y\r\n"
                               "X-Content-Length: 99\r\n"
                               "Content-Length-X: 99\r\n"
                               "ping-body-limit:  100000 \r\n"
                               "X-Empty:\r\n"
                               "Content-Length:   3  \r\n"
                               "\r\n"
                               "abc");
    assert_err(o->result, HC_OK);
    assert_string_equal(o->resp.content_type, "text/plain");
    assert_string_equal(o->resp.location, "/x/y");
    assert_int_equal(o->resp.content_length, 3);
    assert_true(o->resp.has_ping_body_limit);
    assert_int_equal(o->resp.ping_body_limit, 100000);
    assert_body(o, "abc");
}

static void test_content_length_list_and_repeat(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nContent-Length: 3, 3 ,3\r\n"
                               "Content-Length: 3\r\ncontent-length: ,3,,\t3 ,\r\n\r\nabc");
    assert_err(o->result, HC_OK);
    assert_int_equal(o->resp.content_length, 3);
    o = check("HTTP/1.1 200 OK\r\nContent-Length: 4294967295\r\n\r\nab");
    assert_int_equal(o->resp.content_length, 4294967295u);
    assert_err(o->result, HC_ERR_HTTP_TRUNCATED);
}

static void test_ping_body_limit_non_numeric_ignored(void **state)
{
    (void)state;
    static const char *const bad[] = { "", "abc", "10k", "-1", "4294967296", "1 0", "0x10" };
    char text[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nPing-Body-Limit: %s\r\nContent-Length: 0\r\n\r\n",
                 bad[i]);
        const outcome_t *o = check(text);
        assert_err(o->result, HC_OK);
        assert_false(o->resp.has_ping_body_limit);
    }
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nPing-Body-Limit: 0\r\nContent-Length: 0\r\n\r\n");
    assert_true(o->resp.has_ping_body_limit);
    assert_int_equal(o->resp.ping_body_limit, 0);
}

static void test_long_values_cut_and_flagged(void **state)
{
    (void)state;
    char text[1024], ct[300], loc[300];
    /* exactly fitting: not flagged */
    memset(ct, 'c', HC_CONTENT_TYPE_MAX - 1);
    ct[HC_CONTENT_TYPE_MAX - 1] = '\0';
    memset(loc, 'l', HC_LOCATION_MAX - 1);
    loc[HC_LOCATION_MAX - 1] = '\0';
    snprintf(text, sizeof text, "HTTP/1.1 302 Found\r\nContent-Type: %s\r\nLocation: %s   \r\n"
             "Content-Length: 0\r\n\r\n", ct, loc);
    const outcome_t *o = check(text);
    assert_err(o->result, HC_OK);
    assert_string_equal(o->resp.content_type, ct);
    assert_false(o->resp.content_type_truncated);
    assert_string_equal(o->resp.location, loc);
    assert_false(o->resp.location_truncated);

    /* one longer, and far longer than the engine's value buffer */
    for (size_t extra = 1; extra < 200; extra += 198) {
        memset(ct, 'c', sizeof ct);
        ct[HC_CONTENT_TYPE_MAX - 1 + extra] = '\0';
        memset(loc, 'l', sizeof loc);
        loc[HC_LOCATION_MAX - 1 + extra] = '\0';
        snprintf(text, sizeof text, "HTTP/1.1 302 Found\r\nContent-Type: %s\r\nLocation: %s\r\n"
                 "Content-Length: 0\r\n\r\n", ct, loc);
        o = check(text);
        assert_err(o->result, HC_OK);
        assert_true(o->resp.content_type_truncated);
        assert_true(o->resp.location_truncated);
        assert_int_equal(strlen(o->resp.content_type), HC_CONTENT_TYPE_MAX - 1);
        assert_int_equal(strlen(o->resp.location), HC_LOCATION_MAX - 1);
    }
}

static void test_line_at_limit_accepted(void **state)
{
    (void)state;
    static char text[HC_HTTP_LINE_MAX + 128];
    int n = snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nX-Big: ");
    size_t fill = HC_HTTP_LINE_MAX - strlen("X-Big: ");
    memset(text + n, 'v', fill);
    strcpy(text + (size_t)n + fill, "\r\nContent-Length: 1\r\n\r\n!");
    const outcome_t *o = check(text);
    assert_err(o->result, HC_OK);
    assert_body(o, "!");
}

static void test_headers_at_count_limit_accepted(void **state)
{
    (void)state;
    static char text[HC_HTTP_MAX_HEADERS * 16 + 128];
    size_t n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n");
    for (int i = 1; i < HC_HTTP_MAX_HEADERS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "X-%d: %d\r\n", i, i);
    snprintf(text + n, sizeof text - n, "\r\n");
    assert_err(check(text)->result, HC_OK);
}

static void test_max_body_exact_fits(void **state)
{
    (void)state;
    spec_t spec = { .max_body = 5 };
    const outcome_t *o = check_spec(&spec, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n12345");
    assert_err(o->result, HC_OK);
    o = check_spec(&spec, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "3\r\n123\r\n2\r\n45\r\n0\r\n\r\n");
    assert_err(o->result, HC_OK);
    assert_body(o, "12345");
    o = check_spec(&spec, "HTTP/1.1 200 OK\r\n\r\n12345");
    assert_err(o->result, HC_OK);
    assert_body(o, "12345");
}

static void test_null_sink_discards(void **state)
{
    (void)state;
    spec_t spec = { .no_sink = true };
    const outcome_t *o = check_spec(&spec, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                           "3\r\n123\r\n0\r\n\r\n");
    assert_err(o->result, HC_OK);
    assert_int_equal(o->sink_calls, 0);
}

static void test_body_in_large_pieces(void **state)
{
    (void)state;
    run(&(spec_t){ 0 }, (const uint8_t *)"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789",
        49, 0, false, &cur_outcome);
    assert_err(cur_outcome.result, HC_OK);
    assert_int_equal(cur_outcome.sink_calls, 1);
    assert_body(&cur_outcome, "0123456789");
}

/* 199 is still an interim status. */
static void test_199_is_interim(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 199 Whatever\r\n\r\n"
                               "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
    assert_err(o->before_eof, HC_OK);
    assert_int_equal(o->resp.status, 200);
    assert_body(o, "OK");
}

/* The status is the three digits, even when the line ends right after
 * them and an earlier line left a digit in the engine's buffer. */
static void test_status_line_ending_at_the_status(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 100 Continue\r\nAbcdefghijkl5: x\r\n\r\n"
                               "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nOK");
    assert_err(o->before_eof, HC_OK);
    assert_int_equal(o->resp.status, 200);
    assert_body(o, "OK");
}

/* A Transfer-Encoding other than chunked makes the body close-delimited,
 * whatever Content-Length says. */
static void test_te_not_chunked_overrides_content_length(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n"
                               "Content-Length: 2\r\n\r\nOKMORE");
    assert_err(o->before_eof, HC_IN_PROGRESS);
    assert_err(o->result, HC_OK);
    assert_false(o->resp.keep_alive);
    assert_body(o, "OKMORE");
}

/* Every visible byte, '~' the last of them, may stand in a value the
 * engine skips and in a trailer. */
static void test_every_visible_byte_in_a_value(void **state)
{
    (void)state;
    char visible[0x7f - 0x21 + 1];
    for (int c = 0x21; c < 0x7f; c++)
        visible[c - 0x21] = (char)c;
    visible[sizeof visible - 1] = '\0';
    char text[512];
    snprintf(text, sizeof text,
             "HTTP/1.1 200 OK\r\nX-A: %s\r\nTransfer-Encoding: chunked\r\n\r\n"
             "2\r\nOK\r\n0\r\nX-T: %s\r\n\r\n", visible, visible);
    const outcome_t *o = check(text);
    assert_err(o->before_eof, HC_OK);
    assert_body(o, "OK");
}

/* Only the exact names are wanted: not a prefix of one, nor another name
 * of the same length. */
static void test_only_whole_names_match(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\r\n"
                               "Content: abc\r\n"          /* a prefix of content-length */
                               "Retry-After-Ms: abc\r\n"   /* as long as content-length */
                               "Set-Cookie: close\r\n"     /* as long as connection */
                               "Referrer: /elsewhere\r\n"  /* as long as location */
                               "Content-Length: 2\r\n\r\nOK");
    assert_err(o->before_eof, HC_OK);
    assert_true(o->resp.keep_alive);
    assert_string_equal(o->resp.location, "");
    assert_body(o, "OK");
}

/* Bytes a run of visible ASCII does not take (a tab, UTF-8) in a value the
 * engine skips or in a trailer: fine, however many. */
static void test_skipped_values_with_utf8_and_tabs(void **state)
{
    (void)state;
    static char text[1024];
    size_t n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nX-Name: ");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "\xc3\xa9\t,");
    snprintf(text + n, sizeof text - n,
             "\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\nT: \xc3\xa9\tx\r\n\r\n");
    const outcome_t *o = check(text);
    assert_err(o->before_eof, HC_OK);
    assert_body(o, "OK");
}

/* A chunk size with whitespace after it, where an earlier chunk line left
 * more bytes in the engine's buffer: the size ends at the line's end. */
static void test_chunk_size_with_trailing_space(void **state)
{
    (void)state;
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "1; a\r\nX\r\n2 \r\nYZ\r\n0\r\n\r\n");
    assert_err(o->before_eof, HC_OK);
    assert_body(o, "XYZ");
}

/* A kept value's line may be exactly HC_HTTP_LINE_MAX long too. */
static void test_kept_value_line_at_limit_accepted(void **state)
{
    (void)state;
    static char text[HC_HTTP_LINE_MAX + 128];
    int n = snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nContent-Type: ");
    size_t fill = HC_HTTP_LINE_MAX - strlen("Content-Type: ");
    memset(text + n, 't', fill);
    strcpy(text + (size_t)n + fill, "\r\nContent-Length: 1\r\n\r\n!");
    const outcome_t *o = check(text);
    assert_err(o->result, HC_OK);
    assert_true(o->resp.content_type_truncated);
    assert_body(o, "!");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_fixture),
        cmocka_unit_test(test_fixture_large_header_block),
        cmocka_unit_test(test_struct_is_small),
        cmocka_unit_test(test_chunked_with_extensions_and_trailers),
        cmocka_unit_test(test_chunked_bare_lf_and_upper_hex),
        cmocka_unit_test(test_close_delimited),
        cmocka_unit_test(test_te_not_chunked_is_close_delimited),
        cmocka_unit_test(test_te_and_cl_te_wins),
        cmocka_unit_test(test_head_response_has_no_body),
        cmocka_unit_test(test_204_and_304_have_no_body),
        cmocka_unit_test(test_100_continue_then_200),
        cmocka_unit_test(test_headers_done_only_after_final_head),
        cmocka_unit_test(test_101_is_final_without_body),
        cmocka_unit_test(test_connection_tokens),
        cmocka_unit_test(test_status_line_forms),
        cmocka_unit_test(test_header_matching_and_trimming),
        cmocka_unit_test(test_content_length_list_and_repeat),
        cmocka_unit_test(test_ping_body_limit_non_numeric_ignored),
        cmocka_unit_test(test_long_values_cut_and_flagged),
        cmocka_unit_test(test_line_at_limit_accepted),
        cmocka_unit_test(test_headers_at_count_limit_accepted),
        cmocka_unit_test(test_max_body_exact_fits),
        cmocka_unit_test(test_null_sink_discards),
        cmocka_unit_test(test_body_in_large_pieces),
        cmocka_unit_test(test_199_is_interim),
        cmocka_unit_test(test_status_line_ending_at_the_status),
        cmocka_unit_test(test_te_not_chunked_overrides_content_length),
        cmocka_unit_test(test_every_visible_byte_in_a_value),
        cmocka_unit_test(test_only_whole_names_match),
        cmocka_unit_test(test_skipped_values_with_utf8_and_tabs),
        cmocka_unit_test(test_chunk_size_with_trailing_space),
        cmocka_unit_test(test_kept_value_line_at_limit_accepted),
    };
    return cmocka_run_group_tests_name("http engine: responses", tests, NULL, NULL);
}
