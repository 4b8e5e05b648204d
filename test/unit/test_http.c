/* Unit tests of the sans-I/O HTTP/1.1 engine (hc_http.h).
 *
 * Every response is fed whole, one byte at a time and split in two at every
 * point; each piece is copied into its own exactly-sized heap block so that
 * AddressSanitizer catches any read past what the engine was given. */
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

#define FIXTURE_DIR HC_TEST_FIXTURES "/healthchecks-3.0.1/"
#define BODY_CAP 65536

/* ------------------------------------------------------- request head */

static char head_text[1024];

/* Builds METHOD TARGET + finish_head into head_text (NUL-terminated). */
static hc_err_t build_head(const char *method, const char *target, const hc_http_head_t *hh)
{
    static uint8_t mem[sizeof head_text - 1];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_http_begin_head(&b, method);
    hc_buf_puts(&b, target);
    hc_err_t e = hc_http_finish_head(&b, hh);
    memcpy(head_text, mem, b.len);
    head_text[b.len] = '\0';
    return e;
}

static void test_head_default_port(void **state)
{
    (void)state;
    hc_http_head_t hh = { .host = "hc-ping.com", .default_port = true, .port = 443,
                          .user_agent = "hc/0.1", .keep_alive = true };
    assert_err(build_head("GET", "/5a1b", &hh), HC_OK);
    assert_string_equal(head_text,
                        "GET /5a1b HTTP/1.1\r\n"
                        "Host: hc-ping.com\r\n"
                        "User-Agent: hc/0.1\r\n"
                        "\r\n");
}

static void test_head_explicit_port_no_ua_close(void **state)
{
    (void)state;
    hc_http_head_t hh = { .host = "127.0.0.1", .port = 8000, .api_key = "k3y" };
    assert_err(build_head("HEAD", "/api/v3/checks/", &hh), HC_OK);
    assert_string_equal(head_text,
                        "HEAD /api/v3/checks/ HTTP/1.1\r\n"
                        "Host: 127.0.0.1:8000\r\n"
                        "X-Api-Key: k3y\r\n"
                        "Connection: close\r\n"
                        "\r\n");
}

static void test_head_ipv6(void **state)
{
    (void)state;
    hc_http_head_t hh = { .host = "::1", .host_ipv6 = true, .port = 65535, .keep_alive = true };
    assert_err(build_head("GET", "/", &hh), HC_OK);
    assert_string_equal(head_text, "GET / HTTP/1.1\r\nHost: [::1]:65535\r\n\r\n");

    hc_http_head_t def = { .host = "fe80::1", .host_ipv6 = true, .port = 80,
                           .default_port = true, .keep_alive = true };
    assert_err(build_head("GET", "/", &def), HC_OK);
    assert_string_equal(head_text, "GET / HTTP/1.1\r\nHost: [fe80::1]\r\n\r\n");
}

static void test_head_post_with_body_and_extras(void **state)
{
    (void)state;
    const hc_header_t extra[] = { { "X-Trace", "a b\tc" }, { "Accept", "application/json" } };
    hc_http_head_t hh = { .host = "example.org", .default_port = true, .user_agent = "ua",
                          .api_key = "key", .content_type = "text/plain", .has_body = true,
                          .content_length = 11, .keep_alive = true, .extra = extra,
                          .n_extra = 2 };
    assert_err(build_head("POST", "/ping/x", &hh), HC_OK);
    assert_string_equal(head_text,
                        "POST /ping/x HTTP/1.1\r\n"
                        "Host: example.org\r\n"
                        "User-Agent: ua\r\n"
                        "X-Api-Key: key\r\n"
                        "Content-Type: text/plain\r\n"
                        "Content-Length: 11\r\n"
                        "X-Trace: a b\tc\r\n"
                        "Accept: application/json\r\n"
                        "\r\n");
}

static void test_head_empty_post_and_close(void **state)
{
    (void)state;
    hc_http_head_t hh = { .host = "h", .port = 1, .has_body = true, .content_length = 0 };
    assert_err(build_head("POST", "/p", &hh), HC_OK);
    assert_string_equal(head_text,
                        "POST /p HTTP/1.1\r\nHost: h:1\r\nContent-Length: 0\r\n"
                        "Connection: close\r\n\r\n");
}

/* Each unsafe value must be refused, not written, and poison the buffer. */
static void expect_rejected(const hc_http_head_t *hh, hc_err_t want)
{
    uint8_t mem[512];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_http_begin_head(&b, "GET");
    hc_buf_puts(&b, "/");
    assert_int_equal(hc_http_finish_head(&b, hh), want);
    assert_false(hc_buf_ok(&b));
    for (size_t i = 0; i < b.len; i++)
        assert_false(mem[i] == 'E' && i + 4 < b.len && !memcmp(mem + i, "Evil", 4));
}

static void test_head_injection_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "x\r\nEvil: 1", "x\nEvil: 1", "x\rEvil", "x\x01", "x\x7f", "\x1b[0m", "a\x0b",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hc_http_head_t hh = { .host = "h", .default_port = true, .keep_alive = true };
        hh.user_agent = bad[i];
        expect_rejected(&hh, HC_ERR_UNSAFE_CHAR);
        hh.user_agent = NULL;
        hh.api_key = bad[i];
        expect_rejected(&hh, HC_ERR_UNSAFE_CHAR);
        hh.api_key = NULL;
        hh.content_type = bad[i];
        expect_rejected(&hh, HC_ERR_UNSAFE_CHAR);
        hh.content_type = NULL;
        hh.host = bad[i];
        expect_rejected(&hh, HC_ERR_UNSAFE_CHAR);
        hh.host = "h";
        hc_header_t x = { "X-Ok", bad[i] };
        hh.extra = &x;
        hh.n_extra = 1;
        expect_rejected(&hh, HC_ERR_UNSAFE_CHAR);
    }
}

static void test_head_bad_extra_names(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "X Bad", "X:Bad", "X\r\nEvil", "X\tY", "(x)", "a/b", "a@b", "\xc3\xa9", "a\"b",
        "x{", "x=y", "x;y", "x\x7f",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hc_header_t x = { bad[i], "v" };
        hc_http_head_t hh = { .host = "h", .default_port = true, .extra = &x, .n_extra = 1 };
        expect_rejected(&hh, HC_ERR_UNSAFE_CHAR);
    }
    /* every token character is accepted */
    hc_header_t ok = { "!#$%&'*+-.^_`|~09azAZ", "v" };
    hc_http_head_t hh = { .host = "h", .default_port = true, .keep_alive = true,
                          .extra = &ok, .n_extra = 1 };
    assert_err(build_head("GET", "/", &hh), HC_OK);
    assert_string_equal(head_text, "GET / HTTP/1.1\r\nHost: h\r\n!#$%&'*+-.^_`|~09azAZ: v\r\n\r\n");
}

static void test_head_null_arguments(void **state)
{
    (void)state;
    hc_http_head_t hh = { .host = NULL, .default_port = true };
    expect_rejected(&hh, HC_ERR_ARG);
    hc_header_t x1 = { NULL, "v" }, x2 = { "N", NULL };
    hh.host = "h";
    hh.extra = &x1;
    hh.n_extra = 1;
    expect_rejected(&hh, HC_ERR_ARG);
    /* a NULL value omits the header, as for the fixed ones */
    hh.extra = &x2;
    hh.keep_alive = true;
    assert_err(build_head("GET", "/", &hh), HC_OK);
    assert_string_equal(head_text, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
}

static void test_head_content_length_range(void **state)
{
    (void)state;
    if (SIZE_MAX <= UINT32_MAX)
        skip();
    hc_http_head_t hh = { .host = "h", .default_port = true, .has_body = true,
                          .content_length = (size_t)UINT32_MAX };
    assert_err(build_head("POST", "/", &hh), HC_OK);
    assert_non_null(strstr(head_text, "\r\nContent-Length: 4294967295\r\n"));
    hh.content_length = (size_t)((uint64_t)UINT32_MAX + 1u);
    expect_rejected(&hh, HC_ERR_RANGE);
}

/* Every capacity short of the full head overflows without writing past it. */
static void test_head_overflow(void **state)
{
    (void)state;
    const hc_header_t extra[] = { { "X-A", "1" } };
    hc_http_head_t hh = { .host = "::1", .host_ipv6 = true, .port = 8000, .user_agent = "ua",
                          .api_key = "k", .content_type = "t", .has_body = true,
                          .content_length = 5, .extra = extra, .n_extra = 1 };
    assert_err(build_head("POST", "/x", &hh), HC_OK);
    size_t full = strlen(head_text);
    for (size_t cap = 0; cap <= full; cap++) {
        uint8_t *mem = malloc(cap ? cap : 1);
        hc_buf_t b;
        hc_buf_init(&b, mem, cap);
        hc_http_begin_head(&b, "POST");
        hc_buf_puts(&b, "/x");
        hc_err_t e = hc_http_finish_head(&b, &hh);
        assert_int_equal(e, cap == full ? HC_OK : HC_ERR_BUFFER);
        assert_true(b.len <= cap);
        if (cap == full)
            assert_memory_equal(mem, head_text, full);
        free(mem);
    }
}

/* ------------------------------------------------------------ sending */

static void test_send_head_then_body_from_caller_memory(void **state)
{
    (void)state;
    static const uint8_t head[] = "POST / HTTP/1.1\r\n\r\n";
    static const uint8_t body[] = "0123456789";
    hc_http_t h;
    const uint8_t *p = NULL;
    hc_http_start(&h, head, sizeof head - 1, body, 10, false, 0, NULL, NULL);

    assert_int_equal(hc_http_next_out(&h, &p), sizeof head - 1);
    assert_ptr_equal(p, head);
    hc_http_mark_sent(&h, 4);
    assert_int_equal(hc_http_next_out(&h, &p), sizeof head - 1 - 4);
    assert_ptr_equal(p, head + 4);
    hc_http_mark_sent(&h, sizeof head - 1 - 4);
    assert_int_equal(hc_http_next_out(&h, &p), 10);
    assert_ptr_equal(p, body);
    hc_http_mark_sent(&h, 3);
    assert_int_equal(hc_http_next_out(&h, &p), 7);
    assert_ptr_equal(p, body + 3);
    hc_http_mark_sent(&h, 7);
    assert_int_equal(hc_http_next_out(&h, &p), 0);
    assert_null(p);

    /* a rewind starts again from the first head byte */
    hc_http_rewind(&h);
    assert_int_equal(hc_http_next_out(&h, &p), sizeof head - 1);
    assert_ptr_equal(p, head);
}

static void test_send_without_body(void **state)
{
    (void)state;
    static const uint8_t head[] = "GET / HTTP/1.1\r\n\r\n";
    hc_http_t h;
    const uint8_t *p = head;
    hc_http_start(&h, head, sizeof head - 1, NULL, 0, false, 0, NULL, NULL);
    hc_http_mark_sent(&h, sizeof head - 1);
    assert_int_equal(hc_http_next_out(&h, &p), 0);
    assert_null(p);
}

static void test_rewind_forgets_response(void **state)
{
    (void)state;
    static const uint8_t head[] = "GET / HTTP/1.1\r\n\r\n";
    static const char resp[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nab";
    hc_http_t h;
    size_t used;
    hc_http_start(&h, head, sizeof head - 1, NULL, 0, false, 0, NULL, NULL);
    assert_false(hc_http_response_started(&h));
    hc_http_mark_sent(&h, 5);
    assert_err(hc_http_feed(&h, (const uint8_t *)resp, strlen(resp), &used), HC_IN_PROGRESS);
    assert_true(hc_http_response_started(&h));
    assert_true(hc_http_headers_done(&h));
    assert_int_equal(h.resp.status, 404);

    hc_http_rewind(&h);
    const uint8_t *p;
    assert_int_equal(hc_http_next_out(&h, &p), sizeof head - 1);
    assert_false(hc_http_response_started(&h));
    assert_false(hc_http_headers_done(&h));
    assert_int_equal(h.resp.status, 0);
    assert_err(hc_http_feed_eof(&h), HC_ERR_CLOSED);

    /* after an error, a rewind gives a clean exchange again */
    hc_http_rewind(&h);
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    assert_err(hc_http_feed(&h, (const uint8_t *)ok, strlen(ok), &used), HC_OK);
    assert_int_equal(used, strlen(ok));
    assert_int_equal(h.resp.status, 200);
}

/* ---------------------------------------------------- response harness */

typedef struct spec {
    bool head_request;
    uint32_t max_body;
    bool no_sink;
    hc_err_t sink_err; /* what the sink returns on every call */
} spec_t;

typedef struct outcome {
    hc_err_t before_eof; /* the last feed result */
    hc_err_t result;     /* after hc_http_feed_eof() if the feeds left it open */
    bool headers_done;
    hc_http_response_t resp;
    size_t consumed;
    size_t sink_calls;
    size_t body_len;
    uint8_t body[BODY_CAP];
} outcome_t;

typedef struct sink_ctx {
    outcome_t *o;
    const spec_t *spec;
    const hc_http_t *h;
} sink_ctx_t;

static hc_err_t collect(void *ctx, const hc_http_response_t *resp, const uint8_t *data, size_t len)
{
    sink_ctx_t *s = ctx;
    assert_ptr_equal(resp, &s->h->resp);
    assert_true(hc_http_headers_done(s->h));
    assert_true(len > 0);
    assert_true(s->o->body_len + len <= BODY_CAP);
    memcpy(s->o->body + s->o->body_len, data, len);
    s->o->body_len += len;
    s->o->sink_calls++;
    return s->spec->sink_err;
}

static hc_err_t feed_copy(hc_http_t *h, const uint8_t *data, size_t len, size_t *used)
{
    uint8_t *piece = malloc(len ? len : 1);
    memcpy(piece, data, len);
    hc_err_t r = hc_http_feed(h, piece, len, used);
    free(piece);
    return r;
}

/* Feeds @p data in pieces: bytewise, or [0,split) + empty + [split,len). */
static void run(const spec_t *spec, const uint8_t *data, size_t len, size_t split,
                bool bytewise, outcome_t *o)
{
    hc_http_t h;
    sink_ctx_t ctx = { o, spec, &h };
    hc_err_t r = HC_IN_PROGRESS;
    size_t pos = 0, used;

    memset(o, 0, offsetof(outcome_t, body));
    hc_http_start(&h, NULL, 0, NULL, 0, spec->head_request, spec->max_body,
                  spec->no_sink ? NULL : collect, &ctx);
    while (pos < len) {
        size_t end = bytewise ? pos + 1 : (pos < split ? split : len);
        r = feed_copy(&h, data + pos, end - pos, &used);
        assert_true(used <= end - pos);
        if (r == HC_IN_PROGRESS || r == HC_OK)
            assert_int_equal(used, end - pos);
        o->consumed += used;
        pos = end;
        if (r != HC_IN_PROGRESS && r != HC_OK)
            break;
        if (split && pos == split) {
            r = feed_copy(&h, data + pos, 0, &used);
            assert_int_equal(used, 0);
        }
    }
    if (len == 0)
        r = feed_copy(&h, data, 0, &used);
    o->before_eof = r;
    if (r != HC_IN_PROGRESS && r != HC_OK) {
        /* a dead exchange repeats its error and takes nothing more */
        static const uint8_t more[1] = { 'x' };
        assert_int_equal(feed_copy(&h, more, 1, &used), r);
        assert_int_equal(used, 0);
        assert_int_equal(hc_http_feed_eof(&h), r);
    }
    if (r == HC_IN_PROGRESS)
        r = hc_http_feed_eof(&h);
    o->result = r;
    assert_int_equal(hc_http_feed_eof(&h), r);
    if (r == HC_OK) {
        size_t dummy;
        static const uint8_t none[1] = { 0 };
        assert_err(hc_http_feed(&h, none, 0, &dummy), HC_OK);
    }
    o->headers_done = hc_http_headers_done(&h);
    o->resp = h.resp;
}

static void assert_same(const outcome_t *a, const outcome_t *b, const spec_t *spec)
{
    assert_int_equal(a->before_eof, b->before_eof);
    assert_int_equal(a->result, b->result);
    assert_int_equal(a->headers_done, b->headers_done);
    assert_int_equal(a->resp.status, b->resp.status);
    assert_int_equal(a->resp.http_minor, b->resp.http_minor);
    assert_int_equal(a->resp.keep_alive, b->resp.keep_alive);
    assert_int_equal(a->resp.has_content_length, b->resp.has_content_length);
    assert_int_equal(a->resp.content_length, b->resp.content_length);
    assert_int_equal(a->resp.chunked, b->resp.chunked);
    assert_int_equal(a->resp.has_ping_body_limit, b->resp.has_ping_body_limit);
    assert_int_equal(a->resp.ping_body_limit, b->resp.ping_body_limit);
    assert_int_equal(a->resp.content_type_truncated, b->resp.content_type_truncated);
    assert_int_equal(a->resp.location_truncated, b->resp.location_truncated);
    assert_string_equal(a->resp.content_type, b->resp.content_type);
    assert_string_equal(a->resp.location, b->resp.location);
    if (spec->sink_err) {
        /* the sink saw one piece, whatever its size, then the exchange died */
        assert_int_equal(a->sink_calls, 1);
        assert_int_equal(b->sink_calls, 1);
        return;
    }
    assert_int_equal(a->consumed, b->consumed);
    assert_int_equal(a->body_len, b->body_len);
    assert_memory_equal(a->body, b->body, a->body_len);
}

static outcome_t ref_outcome, cur_outcome;

/* Whole, bytewise and every two-piece split must agree; returns the
 * outcome of the whole feed. */
static const outcome_t *check_bytes(const spec_t *spec, const uint8_t *data, size_t len)
{
    run(spec, data, len, 0, false, &ref_outcome);
    run(spec, data, len, 0, true, &cur_outcome);
    assert_same(&ref_outcome, &cur_outcome, spec);
    /* very long inputs are split at a stride, plus every point near the end */
    size_t step = len > 4096 ? 37 : 1;
    for (size_t k = 1; k < len; k += (len - k < 300 ? 1 : step)) {
        run(spec, data, len, k, false, &cur_outcome);
        assert_same(&ref_outcome, &cur_outcome, spec);
    }
    return &ref_outcome;
}

static const outcome_t *check_spec(const spec_t *spec, const char *text)
{
    return check_bytes(spec, (const uint8_t *)text, strlen(text));
}

static const outcome_t *check(const char *text)
{
    static const spec_t plain = { 0 };
    return check_spec(&plain, text);
}

static void assert_body(const outcome_t *o, const char *body)
{
    assert_int_equal(o->body_len, strlen(body));
    assert_memory_equal(o->body, body, o->body_len);
}

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

/* ------------------------------------------------ malformed responses */

static void expect_error(const char *text, hc_err_t want)
{
    const outcome_t *o = check(text);
    assert_int_equal(o->result, want);
    assert_int_equal(o->before_eof, want);
}

static void test_bad_status_line(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "HTTX/1.1 200 OK\r\n\r\n", "HTTP/2 200 OK\r\n\r\n", "HTTP/1.2 200 OK\r\n\r\n",
        "http/1.1 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 20\r\n\r\n", "HTTP/1.1 099 Low\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/1.1\r\n\r\n", "HTTP/1.1  200 OK\r\n\r\n", "\r\nHTTP/1.1 200 OK\r\n\r\n",
        "\x16\x03\x01\x02\x00", "HTTP/1.1 200 OK\rX\r\n\r\n", "HTTP/1.1 200 O\x01K\r\n\r\n",
        "HTTP/1.1 2000\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2OO OK\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error(bad[i], HC_ERR_HTTP_STATUS_LINE);
}

static void test_refused_first_byte_still_started(void **state)
{
    (void)state;
    hc_http_t h;
    size_t used = 99;
    hc_http_start(&h, NULL, 0, NULL, 0, false, 0, NULL, NULL);
    assert_err(hc_http_feed(&h, (const uint8_t *)"X", 1, &used), HC_ERR_HTTP_STATUS_LINE);
    assert_int_equal(used, 0);
    assert_true(hc_http_response_started(&h));
    assert_false(hc_http_headers_done(&h));
    assert_err(hc_http_feed_eof(&h), HC_ERR_HTTP_STATUS_LINE);
}

static char *long_line_response(const char *prefix, size_t fill, const char *suffix)
{
    size_t n = strlen(prefix);
    char *text = malloc(n + fill + strlen(suffix) + 1);
    memcpy(text, prefix, n);
    memset(text + n, 'a', fill);
    strcpy(text + n + fill, suffix);
    return text;
}

static void test_line_too_long(void **state)
{
    (void)state;
    /* one byte past the limit, in a header, the status line, a chunk size
     * line (extensions) and a trailer */
    char *t = long_line_response("HTTP/1.1 200 OK\r\nX-Big: ", HC_HTTP_LINE_MAX - 6, "\r\n\r\n");
    expect_error(t, HC_ERR_HTTP_HEADER_TOO_LONG);
    free(t);
    t = long_line_response("HTTP/1.1 200 ", HC_HTTP_LINE_MAX - 12 + 1, "\r\n\r\n");
    expect_error(t, HC_ERR_HTTP_HEADER_TOO_LONG);
    free(t);
    t = long_line_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;",
                           HC_HTTP_LINE_MAX - 1, "\r\nx\r\n0\r\n\r\n");
    expect_error(t, HC_ERR_HTTP_HEADER_TOO_LONG);
    free(t);
    t = long_line_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT:",
                           HC_HTTP_LINE_MAX - 1, "\r\n\r\n");
    expect_error(t, HC_ERR_HTTP_HEADER_TOO_LONG);
    free(t);
    /* a header name far longer than the value buffer is merely unwanted */
    t = long_line_response("HTTP/1.1 200 OK\r\nX", 300, ": v\r\nContent-Length: 0\r\n\r\n");
    assert_err(check(t)->result, HC_OK);
    free(t);
}

static void test_too_many_headers(void **state)
{
    (void)state;
    static char text[HC_HTTP_MAX_HEADERS * 16 + 256];
    size_t n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i <= HC_HTTP_MAX_HEADERS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "X-%d: %d\r\n", i, i);
    snprintf(text + n, sizeof text - n, "\r\n");
    expect_error(text, HC_ERR_HTTP_HEADER_TOO_LONG);

    /* trailers count too */
    n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
    for (int i = 1; i <= HC_HTTP_MAX_HEADERS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "T-%d: %d\r\n", i, i);
    snprintf(text + n, sizeof text - n, "\r\n");
    expect_error(text, HC_ERR_HTTP_HEADER_TOO_LONG);

    /* and so does an endless run of interim responses */
    n = 0;
    for (int i = 0; i <= HC_HTTP_MAX_HEADERS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "HTTP/1.1 100 C\r\n\r\n");
    expect_error(text, HC_ERR_HTTP_HEADER_TOO_LONG);
}

static void test_header_without_colon(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", HC_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\n: empty-name\r\n\r\n", HC_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nBad(Name): x\r\n\r\n", HC_ERR_HTTP_HEADER);
}

static void test_space_before_colon(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", HC_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nX-A\t: 0\r\n\r\n", HC_ERR_HTTP_HEADER);
}

static void test_obs_fold_rejected(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\n\r\n", HC_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nX-A: one\r\n\ttwo\r\n\r\n", HC_ERR_HTTP_HEADER);
}

static void test_control_bytes_in_header(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n", HC_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nContent-Type: a\x01z\r\n\r\n", HC_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nX-A: a\x7f\r\n\r\n", HC_ERR_HTTP_HEADER);
    static const uint8_t nul[] = "HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n";
    const outcome_t *o = check_bytes(&(spec_t){ 0 }, nul, sizeof nul - 1);
    assert_err(o->result, HC_ERR_HTTP_HEADER);
}

static void test_content_length_non_numeric(void **state)
{
    (void)state;
    static const char *const bad[] = { "", ",", " , ", "abc", "+5", "-1", "5a", "0x5", "5 5", "5;", "5,x", "5\t6" };
    char text[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nContent-Length: %s\r\n\r\n", bad[i]);
        expect_error(text, HC_ERR_HTTP_CONTENT_LENGTH);
    }
}

static void test_content_length_overflow(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\n", HC_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
                 HC_ERR_HTTP_CONTENT_LENGTH);
    /* a value too long for the engine's buffer, even if all zeros */
    char text[512];
    memset(text, 0, sizeof text);
    strcpy(text, "HTTP/1.1 200 OK\r\nContent-Length: ");
    memset(text + strlen(text), '0', 200);
    strcat(text, "1\r\n\r\nx");
    expect_error(text, HC_ERR_HTTP_CONTENT_LENGTH);
}

static void test_content_length_conflict(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                 HC_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", HC_ERR_HTTP_CONTENT_LENGTH);
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 0\r\ncontent-length: 00, 1\r\n\r\n",
                 HC_ERR_HTTP_CONTENT_LENGTH);
}

static void test_wanted_value_too_long(void **state)
{
    (void)state;
    char *t = long_line_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,", HC_HTTP_VALUE_MAX,
                                 ",chunked\r\n\r\n");
    expect_error(t, HC_ERR_HTTP_HEADER_TOO_LONG);
    free(t);
    t = long_line_response("HTTP/1.1 200 OK\r\nConnection: x", HC_HTTP_VALUE_MAX, "\r\n\r\n");
    expect_error(t, HC_ERR_HTTP_HEADER_TOO_LONG);
    free(t);
}

static void test_chunk_bad_hex(void **state)
{
    (void)state;
    static const char *const bad[] = { "zz", "", ";ext", " 5", "5 x", "-1", "5\x01", "0x5" };
    char text[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text,
                 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%s\r\nhello\r\n0\r\n\r\n", bad[i]);
        expect_error(text, HC_ERR_HTTP_CHUNK);
    }
}

static void test_chunk_size_overflow(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000000\r\n", HC_ERR_HTTP_CHUNK);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFF\r\n", HC_ERR_HTTP_CHUNK);
    /* leading zeros past what the engine stores must not hide a digit */
    char text[512];
    strcpy(text, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    memset(text + strlen(text), '0', 200);
    strcat(text, "1\r\nx\r\n0\r\n\r\n");
    expect_error(text, HC_ERR_HTTP_CHUNK);
    /* while FFFFFFFF is the largest size */
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\nab");
    assert_err(o->result, HC_ERR_HTTP_TRUNCATED);
    assert_body(o, "ab");
}

static void test_chunk_missing_crlf(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n",
                 HC_ERR_HTTP_CHUNK);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\rX\n0\r\n\r\n",
                 HC_ERR_HTTP_CHUNK);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello 0\r\n\r\n",
                 HC_ERR_HTTP_CHUNK);
}

static void test_trailing_data(void **state)
{
    (void)state;
    expect_error("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKX", HC_ERR_HTTP_TRAILING_DATA);
    expect_error("HTTP/1.1 204 No Content\r\n\r\n\r\n", HC_ERR_HTTP_TRAILING_DATA);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n",
                 HC_ERR_HTTP_TRAILING_DATA);
    const outcome_t *o = check("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKHTTP/1.1");
    assert_int_equal(o->consumed, strlen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"));
    assert_body(o, "OK");
}

static void test_truncated(void **state)
{
    (void)state;
    static const char *const cut[] = {
        "H", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 5\r",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n1234",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
        "HTTP/1.1 100 Continue\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        const outcome_t *o = check(cut[i]);
        assert_err(o->before_eof, HC_IN_PROGRESS);
        assert_err(o->result, HC_ERR_HTTP_TRUNCATED);
    }
}

static void test_closed_before_any_byte(void **state)
{
    (void)state;
    const outcome_t *o = check("");
    assert_err(o->before_eof, HC_IN_PROGRESS);
    assert_err(o->result, HC_ERR_CLOSED);
    assert_false(o->headers_done);
}

static void test_body_too_large_from_content_length(void **state)
{
    (void)state;
    spec_t spec = { .max_body = 4 };
    const outcome_t *o = check_spec(&spec, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n12345");
    assert_err(o->result, HC_ERR_BODY_TOO_LARGE);
    assert_int_equal(o->sink_calls, 0);
    assert_true(o->resp.has_content_length);
}

static void test_body_too_large_streamed(void **state)
{
    (void)state;
    spec_t spec = { .max_body = 4 };
    const outcome_t *o = check_spec(&spec, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                           "3\r\n123\r\n2\r\n45\r\n0\r\n\r\n");
    assert_err(o->result, HC_ERR_BODY_TOO_LARGE);
    assert_body(o, "1234");
    o = check_spec(&spec, "HTTP/1.1 200 OK\r\n\r\n123456789");
    assert_err(o->result, HC_ERR_BODY_TOO_LARGE);
    assert_body(o, "1234");
}

static void test_sink_error_stops(void **state)
{
    (void)state;
    spec_t spec = { .sink_err = HC_ERR_JSON };
    const outcome_t *o = check_spec(&spec, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n12345");
    assert_err(o->result, HC_ERR_JSON);
    o = check_spec(&spec, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n123\r\n0\r\n\r\n");
    assert_err(o->result, HC_ERR_JSON);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_head_default_port),
        cmocka_unit_test(test_head_explicit_port_no_ua_close),
        cmocka_unit_test(test_head_ipv6),
        cmocka_unit_test(test_head_post_with_body_and_extras),
        cmocka_unit_test(test_head_empty_post_and_close),
        cmocka_unit_test(test_head_injection_rejected),
        cmocka_unit_test(test_head_bad_extra_names),
        cmocka_unit_test(test_head_null_arguments),
        cmocka_unit_test(test_head_content_length_range),
        cmocka_unit_test(test_head_overflow),
        cmocka_unit_test(test_send_head_then_body_from_caller_memory),
        cmocka_unit_test(test_send_without_body),
        cmocka_unit_test(test_rewind_forgets_response),
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
        cmocka_unit_test(test_bad_status_line),
        cmocka_unit_test(test_refused_first_byte_still_started),
        cmocka_unit_test(test_line_too_long),
        cmocka_unit_test(test_too_many_headers),
        cmocka_unit_test(test_header_without_colon),
        cmocka_unit_test(test_space_before_colon),
        cmocka_unit_test(test_obs_fold_rejected),
        cmocka_unit_test(test_control_bytes_in_header),
        cmocka_unit_test(test_content_length_non_numeric),
        cmocka_unit_test(test_content_length_overflow),
        cmocka_unit_test(test_content_length_conflict),
        cmocka_unit_test(test_wanted_value_too_long),
        cmocka_unit_test(test_chunk_bad_hex),
        cmocka_unit_test(test_chunk_size_overflow),
        cmocka_unit_test(test_chunk_missing_crlf),
        cmocka_unit_test(test_trailing_data),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_closed_before_any_byte),
        cmocka_unit_test(test_body_too_large_from_content_length),
        cmocka_unit_test(test_body_too_large_streamed),
        cmocka_unit_test(test_sink_error_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
