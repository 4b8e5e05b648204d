/* The HTTP token rule (RFC 9110 tchar) is one function shared by the engine
 * (extra header names, response header names) and the client (request
 * methods). Every byte value is checked at all three places against the
 * rule written out here, so none of them can drift from it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_http.h"
#include "hc_mock_client.h"
#include "hc_request.h"

static bool want_tchar(int c)
{
    return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

static void test_extra_header_names(void **state)
{
    (void)state;
    for (int c = 1; c < 256; c++) {
        char name[4] = { 'X', (char)c, 'Y', '\0' };
        hc_header_t extra = { name, "v" };
        hc_http_head_t hh = { .host = "h", .default_port = true, .extra = &extra, .n_extra = 1 };
        uint8_t mem[256];
        hc_buf_t b;
        hc_buf_init(&b, mem, sizeof mem);
        hc_http_begin_head(&b, "GET");
        hc_buf_puts(&b, "/");
        hc_err_t e = hc_http_finish_head(&b, &hh);
        assert_int_equal(e, want_tchar(c) ? HC_OK : HC_ERR_UNSAFE_CHAR);
    }
}

static void test_response_header_names(void **state)
{
    (void)state;
    for (int c = 1; c < 256; c++) {
        char resp[64];
        size_t n = 0;
        const char *head = "HTTP/1.1 200 OK\r\nX";
        memcpy(resp, head, strlen(head));
        n += strlen(head);
        resp[n++] = (char)c;
        const char *rest = "Y: 1\r\nContent-Length: 0\r\n\r\n";
        memcpy(resp + n, rest, strlen(rest));
        n += strlen(rest);
        hc_http_t h;
        hc_http_start(&h, NULL, 0, NULL, 0, false, 0, NULL, NULL);
        size_t used;
        hc_err_t e = hc_http_feed(&h, (const uint8_t *)resp, n, &used);
        if (want_tchar(c))
            assert_err(e, HC_OK);
        else if (c == ':')
            assert_int_equal(e, HC_OK);   /* "X:Y: 1" is header X */
        else
            assert_int_not_equal(e, HC_OK);
    }
}

static void test_request_methods(void **state)
{
    (void)state;
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    hc_mock_conn_t script[1] = { { .response = (const uint8_t *)ok, .response_len = sizeof ok - 1 } };
    uint8_t capture[512], work[512];
    hc_test_mock_client_t mc;
    const hc_test_mock_spec_t spec = { .script = script, .n_script = 1, .capture = capture,
                                       .capture_cap = sizeof capture, .work = work,
                                       .work_size = sizeof work, .ping_url = "http://hc.test" };
    assert_err(hc_test_mock_client(&mc, &spec), HC_OK);
    hc_client_t *client = &mc.client;
    for (int c = 1; c < 256; c++) {
        if (c == ' ')
            continue;   /* ends the method: "G" with target "T /x" */
        char method[4] = { 'G', (char)c, 'T', '\0' };
        hc_buf_t b;
        assert_err(hc_request_begin(client, &b, HC_BASE_PING, method), HC_OK);
        hc_buf_puts(&b, "/x");
        hc_request_t req = { .idempotent = true };
        hc_err_t e = hc_request_start(client, &b, &req);
        assert_int_equal(e, want_tchar(c) ? HC_OK : HC_ERR_UNSAFE_CHAR);
        hc_client_abort(client);   /* started ones: back to idle, no I/O */
    }
    assert_int_equal(mc.mock.next, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extra_header_names),
        cmocka_unit_test(test_response_header_names),
        cmocka_unit_test(test_request_methods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
