/* The sans-I/O HTTP/1.1 engine refuses every malformed response with its
 * own error code, whole, byte by byte and split anywhere (http_env.h):
 * status lines, header lines, lengths, chunks, trailing data, truncation,
 * bodies over the limit, and a sink's error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_http.h"
#include "http_env.h"

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
        /* too short, where the line before left digits in the engine */
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 20\r\n\r\n",
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

    /* the line over the count is refused for the count, whatever it is */
    n = (size_t)snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\n");
    for (int i = 1; i <= HC_HTTP_MAX_HEADERS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "X-%d: %d\r\n", i, i);
    snprintf(text + n, sizeof text - n, "Content-Length: 0\r\n\r\n");
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
    /* the control byte just below the visible ones, in a value the engine
     * skips and in a trailer */
    expect_error("HTTP/1.1 200 OK\r\nX-A: a\x1f b\r\n\r\n", HC_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: a\x1f\r\n\r\n",
                 HC_ERR_HTTP_HEADER);
    /* a CR that a bare LF does not follow at once, even when the line
     * then ends with a bare LF */
    expect_error("HTTP/1.1 200 OK\r\nX-A: a\rb\nContent-Length: 0\r\n\r\n", HC_ERR_HTTP_HEADER);
    expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: a\rb\n\r\n",
                 HC_ERR_HTTP_HEADER);
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

/* Feeding nothing is not a mistake, even from NULL; feeding bytes from
 * NULL is (and the exchange goes on). */
static void test_feed_of_nothing(void **state)
{
    (void)state;
    hc_http_t h;
    size_t used = 99;
    hc_http_start(&h, NULL, 0, NULL, 0, false, 0, NULL, NULL);
    assert_err(hc_http_feed(&h, NULL, 0, &used), HC_IN_PROGRESS);
    assert_int_equal(used, 0);
    assert_false(hc_http_response_started(&h));
    assert_err(hc_http_feed(&h, NULL, 3, &used), HC_ERR_ARG);
    assert_int_equal(used, 0);
    static const char ok[] = "HTTP/1.1 204 No Content\r\n\r\n";
    assert_err(hc_http_feed(&h, (const uint8_t *)ok, strlen(ok), &used), HC_OK);
    assert_int_equal(used, strlen(ok));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
        cmocka_unit_test(test_feed_of_nothing),
    };
    return cmocka_run_group_tests_name("http engine: malformed responses", tests, NULL, NULL);
}
