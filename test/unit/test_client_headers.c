/* Caller headers (hc_config_t::extra_headers, hc_http_head_t::extra): the
 * names the library writes itself are refused in every casing, as are
 * names that are not tokens and values with control bytes; by
 * hc_http_check_headers(), by hc_client_init() once, and again when a
 * request starts, before any byte is on the wire. Names that only look
 * like reserved ones pass. */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "client_env.h"
#include "healthchecks/hc_ping.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"

static const char *const reserved[] = {
    "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
    "Proxy-Connection", "TE", "Trailer", "Upgrade", "Expect", "User-Agent", "X-Api-Key",
    "Content-Type",
};
#define N_RESERVED (sizeof reserved / sizeof reserved[0])

/* Resemble reserved names without being one. */
static const char *const lookalikes[] = {
    "Hosts", "X-Host", "Host-Name", "Content-Length2", "Content-Lengt", "TE-", "Tes", "T",
    "Connections", "X-Connection", "Keep-Alive-", "Upgrade-Insecure-Requests", "Expected",
    "User-Agents", "X-Api-Keys", "Api-Key", "Content-Types", "Content", "Trailers",
    "Transfer-Encodings", "Proxy-Connectio",
    /* the same but for the first letter */
    "Xost", "Bontent-Type", "Ae",
};

/* Casings of one name: 0 as written, 1 lower, 2 upper, 3 alternating. */
#define N_CASINGS 4
static const char *casing(const char *name, int k)
{
    static char buf[64];
    size_t n = strlen(name);
    assert_true(n < sizeof buf);
    for (size_t i = 0; i <= n; i++) {
        int c = (unsigned char)name[i];
        switch (k) {
        case 1: c = tolower(c); break;
        case 2: c = toupper(c); break;
        case 3: c = i % 2 ? toupper(c) : tolower(c); break;
        default: break;
        }
        buf[i] = (char)c;
    }
    return buf;
}

static void test_check_headers_refuses_reserved_names_in_any_case(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_RESERVED; i++) {
        for (int k = 0; k < N_CASINGS; k++) {
            hc_header_t h[] = { { "X-Fine", "1" }, { casing(reserved[i], k), "5" } };
            assert_err(hc_http_check_headers(h, 2), HC_ERR_HEADER_RESERVED);
            assert_err(hc_http_check_headers(h, 1), HC_OK);
            /* a header without a value is still refused by its name */
            h[1].value = NULL;
            assert_err(hc_http_check_headers(h, 2), HC_ERR_HEADER_RESERVED);
        }
    }
    for (size_t i = 0; i < sizeof lookalikes / sizeof lookalikes[0]; i++) {
        hc_header_t h = { lookalikes[i], "v" };
        if (hc_http_check_headers(&h, 1) != HC_OK)
            fail_msg("%s refused", lookalikes[i]);
    }
}

static void test_check_headers_other_refusals(void **state)
{
    (void)state;
    static const char *const not_tokens[] = {
        "", "X Y", "X:Y", "Host:", " Host", "Host ", "X\r\nHost", "X\tY", "(x)", "a/b",
        "\xc3\xa9", "x\x7f", "Content-Length\x01",
    };
    for (size_t i = 0; i < sizeof not_tokens / sizeof not_tokens[0]; i++) {
        hc_header_t h = { not_tokens[i], "v" };
        assert_err(hc_http_check_headers(&h, 1), HC_ERR_UNSAFE_CHAR);
    }
    hc_header_t bad_value = { "X-Ok", "a\r\nContent-Length: 9" };
    assert_err(hc_http_check_headers(&bad_value, 1), HC_ERR_UNSAFE_CHAR);
    hc_header_t no_name = { NULL, "v" };
    assert_err(hc_http_check_headers(&no_name, 1), HC_ERR_ARG);
    assert_err(hc_http_check_headers(NULL, 3), HC_ERR_ARG);
    assert_err(hc_http_check_headers(NULL, 0), HC_OK);
    /* the first failure decides */
    hc_header_t two[] = { { "Host", "x" }, { "X Y", "v" } };
    assert_err(hc_http_check_headers(two, 2), HC_ERR_HEADER_RESERVED);
    two[0].name = "X Y";
    two[1].name = "Host";
    assert_err(hc_http_check_headers(two, 2), HC_ERR_UNSAFE_CHAR);
}

/* The engine writes none of the extra headers when one is refused, and
 * leaves a buffer that cannot be sent. */
static void test_finish_head_writes_no_extra_header_when_one_is_reserved(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_RESERVED; i++) {
        for (int k = 0; k < N_CASINGS; k++) {
            uint8_t mem[512];
            hc_buf_t b;
            hc_header_t h[] = { { "X-Before", "1" }, { casing(reserved[i], k), "5" },
                                { "X-After", "2" } };
            hc_http_head_t hh = { .host = "h", .default_port = true, .has_body = true,
                                  .content_length = 3, .extra = h, .n_extra = 3 };
            hc_buf_init(&b, mem, sizeof mem);
            hc_http_begin_head(&b, "POST");
            hc_buf_puts(&b, "/");
            assert_err(hc_http_finish_head(&b, &hh), HC_ERR_HEADER_RESERVED);
            assert_false(hc_buf_ok(&b));
            for (size_t j = 0; j + 2 <= b.len; j++)
                assert_false(mem[j] == 'X' && mem[j + 1] == '-');
        }
    }
    hc_http_head_t null_array = { .host = "h", .default_port = true, .n_extra = 2 };
    uint8_t mem[256];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_http_begin_head(&b, "GET");
    hc_buf_puts(&b, "/");
    assert_err(hc_http_finish_head(&b, &null_array), HC_ERR_ARG);
    assert_false(hc_buf_ok(&b));
}

/* hc_client_init() refuses the configuration and leaves the client as it
 * was. */
static void expect_init_refused(const hc_header_t *h, size_t n, hc_err_t want)
{
    hc_client_t before;
    hc_config_t bad = fx.cfg;
    bad.extra_headers = h;
    bad.n_extra_headers = n;
    memcpy(&before, &fx.client, sizeof before);
    assert_err(hc_client_init(&fx.client, &bad), want);
    assert_memory_equal(&before, &fx.client, sizeof before);
}

static void test_init_refuses_bad_extra_headers(void **state)
{
    (void)state;
    setup_with(NULL, 0);
    for (size_t i = 0; i < N_RESERVED; i++) {
        for (int k = 0; k < N_CASINGS; k++) {
            hc_header_t h[] = { { "X-Job", "backup" }, { casing(reserved[i], k), "x" } };
            expect_init_refused(h, 2, HC_ERR_HEADER_RESERVED);
        }
    }
    hc_header_t not_token = { "X Job", "backup" }, bad_value = { "X-Job", "a\nb" },
                no_name = { NULL, "v" };
    expect_init_refused(&not_token, 1, HC_ERR_UNSAFE_CHAR);
    expect_init_refused(&bad_value, 1, HC_ERR_UNSAFE_CHAR);
    expect_init_refused(&no_name, 1, HC_ERR_ARG);
    expect_init_refused(NULL, 1, HC_ERR_ARG);
    assert_int_equal(fx.mock.next, 0);
    assert_int_equal(fx.mock.capture_len, 0);
}

static void test_good_extra_headers_go_out(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE) };
    setup_with(s, 1);
    static const hc_header_t h[] = { { "X-Job", "backup" }, { "x-host-name", "db1" },
                                     { "X-Skipped", NULL } };
    fx.cfg.extra_headers = h;
    fx.cfg.n_extra_headers = 3;
    reinit();
    assert_err(blocking_get("/abc"), HC_OK);
    captured_equals("GET /ping/abc HTTP/1.1\r\nHost: hc.test\r\nConnection: close\r\n"
                    "X-Job: backup\r\nx-host-name: db1\r\n\r\n");
}

/* The array is the caller's: one changed after hc_client_init() is caught
 * when the request starts, and nothing reaches the wire. */
static void test_header_changed_after_init_refused_before_sending(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer(OK_RESPONSE), answer(OK_RESPONSE) };
    setup_with(s, 2);
    hc_header_t h[] = { { "X-Job", "backup" } };
    fx.cfg.extra_headers = h;
    fx.cfg.n_extra_headers = 1;
    reinit();
    for (size_t i = 0; i < N_RESERVED; i++) {
        for (int k = 0; k < N_CASINGS; k++) {
            h[0].name = casing(reserved[i], k);
            assert_err(start_get("/abc", true), HC_ERR_HEADER_RESERVED);
            hc_ping_t p = { .uuid = UUID, .body = (const uint8_t *)"out", .body_len = 3 };
            hc_ping_result_t res;
            assert_err(hc_ping_send(&fx.client, &p, &res), HC_ERR_HEADER_RESERVED);
            assert_false(res.delivered);
            assert_int_equal(res.status, 0);
        }
    }
    assert_int_equal(fx.mock.next, 0);
    assert_int_equal(fx.mock.capture_len, 0);
    /* put right, the same client sends */
    h[0].name = "X-Job";
    assert_err(blocking_get("/abc"), HC_OK);
    captured_equals("GET /ping/abc HTTP/1.1\r\nHost: hc.test\r\nConnection: close\r\n"
                    "X-Job: backup\r\n\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_headers_refuses_reserved_names_in_any_case),
        cmocka_unit_test(test_check_headers_other_refusals),
        cmocka_unit_test(test_finish_head_writes_no_extra_header_when_one_is_reserved),
        cmocka_unit_test(test_init_refuses_bad_extra_headers),
        cmocka_unit_test(test_good_extra_headers_go_out),
        cmocka_unit_test(test_header_changed_after_init_refused_before_sending),
    };
    return cmocka_run_group_tests_name("client: caller headers", tests, NULL, NULL);
}
