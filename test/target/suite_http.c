/* Target suite "http": the HTTP/1.1 engine on every recorded response
 * (whole, byte by byte, split around the end of the head, and with the
 * errors a cut or an overlong response must give), request heads, base
 * URLs, bounded buffers with percent-encoding and numbers, and the error
 * texts. Runs on the host and on every emulated CPU. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "tgt_fixtures.h"
#include "tgt_runner.h"
#include "unity.h"

#include "healthchecks/hc_buf.h"
#include "healthchecks/hc_error.h"
#include "healthchecks/hc_http.h"
#include "healthchecks/hc_url.h"

/* ------------------------------------------------------------ error texts */

static void test_every_code_has_its_own_text(void)
{
    const char *unknown = hc_strerror(HC_ERR__COUNT);
    TEST_ASSERT_EQUAL_STRING("unknown error", unknown);
    TEST_ASSERT_EQUAL_STRING("unknown error", hc_strerror((hc_err_t)-1));
    TEST_ASSERT_EQUAL_STRING("unknown error", hc_strerror((hc_err_t)1000));
    for (int i = 0; i < (int)HC_ERR__COUNT; i++) {
        const char *text = hc_strerror((hc_err_t)i);
        TEST_ASSERT_NOT_NULL(text);
        TEST_ASSERT_TRUE(strlen(text) > 1);
        TEST_ASSERT_FALSE(strcmp(text, unknown) == 0);
        for (int j = 0; j < i; j++)
            TEST_ASSERT_FALSE(strcmp(text, hc_strerror((hc_err_t)j)) == 0);
    }
}

static void group_error_texts(void)
{
    RUN_TEST(test_every_code_has_its_own_text);
}

/* ------------------------------------------------- the engine on fixtures */

/* Compares the body the engine delivers with the recorded one as it
 * arrives, so no copy of the body is needed. */
typedef struct body_check {
    const uint8_t *expect;
    size_t expect_len;
    size_t got;
    bool mismatch;
    unsigned calls;
} body_check_t;

static hc_err_t compare_body(void *ctx, const hc_http_response_t *resp, const uint8_t *data,
                             size_t len)
{
    body_check_t *bc = ctx;
    (void)resp;
    bc->calls++;
    if (len == 0 || bc->got + len > bc->expect_len || memcmp(bc->expect + bc->got, data, len) != 0)
        bc->mismatch = true;
    bc->got += len;
    return HC_OK;
}

/* The engine is several hundred bytes: a device keeps it in a struct of
 * its own, not on the stack, and so does this test. */
static hc_http_t engine;
static body_check_t body;

static void start(const tgt_fixture_t *f)
{
    body = (body_check_t){ f->data + f->body_at, f->body_len, 0, false, 0 };
    hc_http_start(&engine, NULL, 0, NULL, 0, strcmp(f->method, "HEAD") == 0, 0, compare_body, &body);
}

/* Feeds @p len bytes in pieces of at most @p step; the result of the last
 * call, with every byte consumed. */
static hc_err_t feed(const uint8_t *data, size_t len, size_t step)
{
    hc_err_t r = HC_IN_PROGRESS;
    for (size_t at = 0; at < len; at += step) {
        size_t n = len - at < step ? len - at : step;
        size_t used = 0;
        r = hc_http_feed(&engine, data + at, n, &used);
        TEST_ASSERT_EQUAL_size_t(n, used);
        if (r != HC_IN_PROGRESS)
            TEST_ASSERT_EQUAL_size_t(len, at + n);  /* done only at the very end */
    }
    return r;
}

/* What the engine must have kept of fixture @p f. */
static void check_outcome(const tgt_fixture_t *f, hc_err_t r)
{
    TEST_ASSERT_EQUAL_INT_MESSAGE(HC_OK, r, f->name);
    const hc_http_response_t *resp = &engine.resp;
    TEST_ASSERT_EQUAL_UINT16_MESSAGE(f->status, resp->status, f->name);
    TEST_ASSERT_EQUAL_UINT8(1, resp->http_minor);
    TEST_ASSERT_EQUAL(f->keep_alive, resp->keep_alive);
    TEST_ASSERT_TRUE(resp->has_content_length);
    TEST_ASSERT_FALSE(resp->chunked);
    TEST_ASSERT_EQUAL_STRING_MESSAGE(f->content_type, resp->content_type, f->name);
    TEST_ASSERT_FALSE(resp->content_type_truncated);
    TEST_ASSERT_EQUAL(f->ping_body_limit >= 0, resp->has_ping_body_limit);
    if (f->ping_body_limit >= 0)
        TEST_ASSERT_EQUAL_UINT32((uint32_t)f->ping_body_limit, resp->ping_body_limit);
    TEST_ASSERT_TRUE(hc_http_headers_done(&engine));
    TEST_ASSERT_FALSE_MESSAGE(body.mismatch, f->name);
    TEST_ASSERT_EQUAL_size_t_MESSAGE(f->body_len, body.got, f->name);
}

static void test_fixtures_whole(void)
{
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        start(f);
        check_outcome(f, feed(f->data, f->len, f->len));
        TEST_ASSERT_TRUE(body.calls <= 1);
    }
}

static void test_fixtures_byte_by_byte(void)
{
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        start(f);
        check_outcome(f, feed(f->data, f->len, 1));
    }
}

/* Split where the engine changes state: inside the blank line, just
 * before and after it, and in the middle of the body. */
static void test_fixtures_split_around_the_head(void)
{
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        const size_t cuts[] = { f->body_at - 3, f->body_at - 1, f->body_at, f->body_at + 1,
                                f->body_at + f->body_len / 2 };
        for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            if (cuts[c] >= f->len)
                continue;
            start(f);
            TEST_ASSERT_EQUAL_INT(HC_IN_PROGRESS, feed(f->data, cuts[c], cuts[c]));
            check_outcome(f, feed(f->data + cuts[c], f->len - cuts[c], f->len));
        }
    }
}

/* A response cut anywhere is never taken for complete; one byte too many
 * is trailing data. */
static void test_fixtures_cut_or_overlong(void)
{
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        const size_t cuts[] = { 0, 1, f->body_at / 2, f->body_at - 1, f->len - 1 };
        for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            if (cuts[c] >= f->len || (cuts[c] == f->len - 1 && f->body_len == 0))
                continue;
            start(f);
            if (cuts[c] > 0)
                TEST_ASSERT_EQUAL_INT(HC_IN_PROGRESS, feed(f->data, cuts[c], 7));
            TEST_ASSERT_EQUAL_INT_MESSAGE(cuts[c] == 0 ? HC_ERR_CLOSED : HC_ERR_HTTP_TRUNCATED,
                                          hc_http_feed_eof(&engine), f->name);
        }
        start(f);
        TEST_ASSERT_EQUAL_INT(HC_OK, feed(f->data, f->len, f->len));
        size_t used = 99;
        TEST_ASSERT_EQUAL_INT(HC_ERR_HTTP_TRAILING_DATA, hc_http_feed(&engine, f->data, 1, &used));
        TEST_ASSERT_EQUAL_size_t(0, used);
    }
}

/* The body limit refuses a large Content-Length before any body byte. */
static void test_fixtures_over_the_body_limit(void)
{
    size_t refused = 0;
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        if (f->body_len < 2)
            continue;
        body = (body_check_t){ f->data + f->body_at, f->body_len, 0, false, 0 };
        hc_http_start(&engine, NULL, 0, NULL, 0, false, (uint32_t)(f->body_len - 1), compare_body,
                      &body);
        size_t used = 0;
        TEST_ASSERT_EQUAL_INT(HC_ERR_BODY_TOO_LARGE, hc_http_feed(&engine, f->data, f->len, &used));
        TEST_ASSERT_EQUAL_size_t(0, body.got);
        refused++;
    }
    TEST_ASSERT_TRUE(refused > 50);
}

static void test_fixture_set_is_complete(void)
{
    TEST_ASSERT_TRUE(tgt_fixture_count >= 90);
    size_t heads = 0;
    for (size_t i = 0; i < tgt_fixture_count; i++)
        heads += strcmp(tgt_fixtures[i].method, "HEAD") == 0;
    TEST_ASSERT_EQUAL_size_t(1, heads);
}

static void group_http_fixtures(void)
{
    RUN_TEST(test_fixture_set_is_complete);
    RUN_TEST(test_fixtures_whole);
    RUN_TEST(test_fixtures_byte_by_byte);
    RUN_TEST(test_fixtures_split_around_the_head);
    RUN_TEST(test_fixtures_cut_or_overlong);
    RUN_TEST(test_fixtures_over_the_body_limit);
}

/* ------------------------------------------------------------ request head */

static uint8_t head_mem[256];
static hc_buf_t head_buf;

static hc_err_t build_head(const char *method, const char *target, const hc_http_head_t *hh)
{
    memset(head_mem, 0, sizeof head_mem);
    hc_buf_init(&head_buf, head_mem, sizeof head_mem - 1);  /* room for a NUL */
    hc_http_begin_head(&head_buf, method);
    hc_buf_puts(&head_buf, target);
    return hc_http_finish_head(&head_buf, hh);
}

static void test_head_with_every_header(void)
{
    const hc_header_t extra[] = { { "X-Trace", "a b\tc" } };
    hc_http_head_t hh = { .host = "fe80::1", .host_ipv6 = true, .port = 8000, .user_agent = "hc/0.1",
                          .api_key = "k3y", .content_type = "text/plain", .has_body = true,
                          .content_length = 4000000000u, .keep_alive = false, .extra = extra,
                          .n_extra = 1 };
    TEST_ASSERT_EQUAL_INT(HC_OK, build_head("POST", "/ping/x", &hh));
    TEST_ASSERT_EQUAL_STRING("POST /ping/x HTTP/1.1\r\n"
                             "Host: [fe80::1]:8000\r\n"
                             "User-Agent: hc/0.1\r\n"
                             "X-Api-Key: k3y\r\n"
                             "Content-Type: text/plain\r\n"
                             "Content-Length: 4000000000\r\n"
                             "Connection: close\r\n"
                             "X-Trace: a b\tc\r\n"
                             "\r\n",
                             (const char *)head_mem);
}

static void test_head_refuses_injection(void)
{
    static const char *const bad[] = { "x\r\nEvil: 1", "x\nEvil", "x\rEvil", "x\x01", "x\x7f" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hc_http_head_t hh = { .host = "h", .default_port = true, .user_agent = bad[i] };
        TEST_ASSERT_EQUAL_INT(HC_ERR_UNSAFE_CHAR, build_head("GET", "/", &hh));
        TEST_ASSERT_FALSE(hc_buf_ok(&head_buf));  /* can never be sent */
        TEST_ASSERT_NULL(strstr((const char *)head_mem, "Evil"));
    }
}

static void test_head_that_does_not_fit(void)
{
    hc_http_head_t hh = { .host = "h", .default_port = true, .keep_alive = true };
    char target[300];
    memset(target, 'a', sizeof target - 1);
    target[sizeof target - 1] = '\0';
    TEST_ASSERT_EQUAL_INT(HC_ERR_BUFFER, build_head("GET", target, &hh));
    TEST_ASSERT_TRUE(head_buf.len <= head_buf.cap);
    TEST_ASSERT_EQUAL_UINT8(0, head_mem[sizeof head_mem - 1]);  /* nothing past the capacity */
}

static void group_http_request(void)
{
    RUN_TEST(test_head_with_every_header);
    RUN_TEST(test_head_refuses_injection);
    RUN_TEST(test_head_that_does_not_fit);
}

/* -------------------------------------------------------------- base URLs */

static hc_url_t url;

static void expect_url(const char *text, bool tls, const char *host, uint16_t port, bool default_port,
                       bool ipv6, const char *path)
{
    TEST_ASSERT_EQUAL_INT_MESSAGE(HC_OK, hc_url_parse(text, &url), text);
    TEST_ASSERT_EQUAL(tls, url.tls);
    TEST_ASSERT_EQUAL_STRING(host, url.host);
    TEST_ASSERT_EQUAL_UINT16(port, url.port);
    TEST_ASSERT_EQUAL(default_port, url.default_port);
    TEST_ASSERT_EQUAL(ipv6, url.ipv6);
    TEST_ASSERT_EQUAL_size_t(strlen(path), url.path_len);
    if (url.path_len > 0)
        TEST_ASSERT_EQUAL_MEMORY(path, url.path, url.path_len);
}

static void test_urls_accepted(void)
{
    expect_url("https://hc-ping.com", true, "hc-ping.com", 443, true, false, "");
    expect_url("HTTP://hc.example.org:8000/ping/", false, "hc.example.org", 8000, false, false, "/ping");
    expect_url("http://127.0.0.1:80/a/b//", false, "127.0.0.1", 80, true, false, "/a/b");
    expect_url("https://[2001:db8::1]:65535/api", true, "2001:db8::1", 65535, false, true, "/api");
    expect_url("http://[::ffff:10.0.0.1]", false, "::ffff:10.0.0.1", 80, true, true, "");
}

static void test_urls_refused(void)
{
    static const struct {
        const char *text;
        hc_err_t err;
    } bad[] = {
        { "ftp://h", HC_ERR_URL },       { "http://", HC_ERR_URL },
        { "http://h:0", HC_ERR_URL },    { "http://h:65536", HC_ERR_URL },
        { "http://h:8x", HC_ERR_URL },   { "http://u@h", HC_ERR_URL },
        { "http://h/p?q", HC_ERR_URL },  { "http://h/p#f", HC_ERR_URL },
        { "http://h/a b", HC_ERR_URL },  { "http://[::1", HC_ERR_URL },
        { "http://h\r\n", HC_ERR_UNSAFE_CHAR }, { "http://h/\t", HC_ERR_UNSAFE_CHAR },
        { "http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", HC_ERR_URL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        TEST_ASSERT_EQUAL_INT_MESSAGE(bad[i].err, hc_url_parse(bad[i].text, &url), bad[i].text);
    TEST_ASSERT_EQUAL_INT(HC_ERR_ARG, hc_url_parse(NULL, &url));
}

static void test_header_values(void)
{
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_check_header_value("a\tb ~"));
    TEST_ASSERT_EQUAL_INT(HC_ERR_UNSAFE_CHAR, hc_check_header_value("a\x7f"));
    TEST_ASSERT_EQUAL_INT(HC_ERR_ARG, hc_check_header_value(NULL));
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_check_header_bytes("ab", 2));
    TEST_ASSERT_EQUAL_INT(HC_ERR_UNSAFE_CHAR, hc_check_header_bytes("a\0b", 3));
    TEST_ASSERT_EQUAL_INT(HC_ERR_ARG, hc_check_header_bytes(NULL, 0));
}

static void group_urls(void)
{
    RUN_TEST(test_urls_accepted);
    RUN_TEST(test_urls_refused);
    RUN_TEST(test_header_values);
}

/* --------------------------------------- bounded buffers, percent-encoding */

static char text_mem[96];
static hc_buf_t text;

static void text_init(size_t cap)
{
    memset(text_mem, '#', sizeof text_mem);
    hc_buf_init(&text, text_mem, cap);
}

static void assert_text(const char *expect)
{
    TEST_ASSERT_TRUE(hc_buf_ok(&text));
    TEST_ASSERT_EQUAL_size_t(strlen(expect), text.len);
    TEST_ASSERT_EQUAL_MEMORY(expect, text_mem, text.len);
}

static void test_percent_encoding(void)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        { "AZaz09-._~", 10, "AZaz09-._~" },
        { "prod db", 7, "prod%20db" },
        { "a&b=c/d?e#f%", 12, "a%26b%3Dc%2Fd%3Fe%23f%25" },
        { "\r\n\t", 3, "%0D%0A%09" },
        { "caf\xc3\xa9", 5, "caf%C3%A9" },
        { "\xff\x80", 2, "%FF%80" },
        { "a\0b", 3, "a%00b" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        text_init(sizeof text_mem);
        hc_buf_put_pct(&text, cases[i].in, cases[i].len);
        assert_text(cases[i].out);
    }
}

static void test_numbers(void)
{
    text_init(sizeof text_mem);
    hc_buf_put_u32(&text, 0);
    hc_buf_putc(&text, ' ');
    hc_buf_put_u32(&text, UINT32_MAX);
    hc_buf_putc(&text, ' ');
    hc_buf_put_i64(&text, INT64_MIN);
    hc_buf_putc(&text, ' ');
    hc_buf_put_i64(&text, INT64_MAX);
    hc_buf_putc(&text, ' ');
    hc_buf_put_i64(&text, -1);
    hc_buf_putc(&text, ' ');
    hc_buf_put_i64(&text, (int64_t)1 << 40);
    assert_text("0 4294967295 -9223372036854775808 9223372036854775807 -1 1099511627776");
}

/* The first append that does not fit is refused whole and marks the
 * buffer; nothing is written past the capacity, then or later. */
static void test_overflow_is_sticky(void)
{
    text_init(8);
    hc_buf_puts(&text, "abcde");
    hc_buf_put_pct(&text, "  ", 2);  /* 6 bytes into 3 left */
    TEST_ASSERT_FALSE(hc_buf_ok(&text));
    hc_buf_putc(&text, 'x');         /* would fit, but the content is already incomplete */
    TEST_ASSERT_FALSE(hc_buf_ok(&text));
    TEST_ASSERT_TRUE(text.len <= 8);
    TEST_ASSERT_EQUAL_MEMORY("abcde", text_mem, 5);
    for (size_t i = 8; i < sizeof text_mem; i++)
        TEST_ASSERT_EQUAL_CHAR('#', text_mem[i]);

    text_init(0);
    hc_buf_putc(&text, 'x');
    TEST_ASSERT_FALSE(hc_buf_ok(&text));
    TEST_ASSERT_EQUAL_CHAR('#', text_mem[0]);
}

static void group_buffers(void)
{
    RUN_TEST(test_percent_encoding);
    RUN_TEST(test_numbers);
    RUN_TEST(test_overflow_is_sticky);
}

int main(void)
{
    tgt_begin("suite_http");
    tgt_group("error_texts", group_error_texts);
    tgt_group("http_fixtures", group_http_fixtures);
    tgt_group("http_request", group_http_request);
    tgt_group("urls", group_urls);
    tgt_group("buffers", group_buffers);
    return tgt_end();
}
