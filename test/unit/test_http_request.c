/* The sans-I/O HTTP/1.1 engine's request side (hc_http.h): the head it
 * writes (Host, ports, IPv6, bodies, extra headers), every refused value,
 * and the bytes it hands the driver to send. */
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
    };
    return cmocka_run_group_tests_name("http engine: requests", tests, NULL, NULL);
}
