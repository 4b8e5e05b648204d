/* What `hc run` needs from hc_trap beyond test/unit/test_trap.c, over the
 * mock port: a ring given after the start ping (sized from the server's
 * Ping-Body-Limit it learned), and create=1 on the finish ping too, for a
 * check whose start ping never arrived. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_trap.h"
#include "hc_mock_client.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define KEY "pingkey0123456789abcde"
#define OK_LIMIT(n) "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nPing-Body-Limit: " n "\r\n\r\nOK"

static hc_test_mock_client_t mc;
static uint8_t work[512];
static uint8_t capture[4096];
static hc_mock_conn_t script[2];

static void setup(const char *start_response, const char *end_response)
{
    memset(script, 0, sizeof script);
    script[0].response = (const uint8_t *)start_response;
    script[0].response_len = strlen(start_response);
    script[1].response = (const uint8_t *)end_response;
    script[1].response_len = strlen(end_response);
    const hc_test_mock_spec_t spec = {
        .script = script, .n_script = 2, .capture = capture, .capture_cap = sizeof capture,
        .work = work, .work_size = sizeof work, .ping_url = "http://hc.test/ping",
        .ping_key = KEY, .max_attempts = 1,
    };
    assert_err(hc_test_mock_client(&mc, &spec), HC_OK);
}

/* The request line of the last request the mock saw, and its body. */
static const char *last_request(const char **body)
{
    static char line[256], text[512];
    assert_non_null(hc_test_sent_line(&mc.mock, line, sizeof line));
    *body = hc_test_sent_body(&mc.mock, text, sizeof text);
    assert_non_null(*body);
    return line;
}

static hc_trap_config_t no_ring_config(void)
{
    hc_trap_config_t tc;
    hc_trap_config_defaults(&tc);
    tc.uuid = UUID;
    tc.use_rid = false;
    return tc;
}

static void test_ring_sized_after_the_start_ping(void **state)
{
    (void)state;
    setup(OK_LIMIT("30"), OK_LIMIT("30"));
    hc_trap_config_t tc = no_ring_config();
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    assert_true(mc.client.has_ping_body_limit);
    static uint8_t ring[30];
    assert_err(hc_trap_set_ring(&t, ring, mc.client.ping_body_limit), HC_OK);
    for (int i = 0; i < 10; i++)
        hc_trap_log(&t, "0123456789", 10);
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    assert_string_equal(last_request(&body), "POST /ping/" UUID " HTTP/1.1");
    assert_string_equal(body, "[hc: 89 bytes cut]\n90123456789"); /* 19 + 11 = 30 */
    assert_int_equal(strlen(body), 30);
}

static void test_ring_refused_once_output_was_logged(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    static uint8_t first[16], second[16];
    hc_trap_config_t tc = no_ring_config();
    tc.ring = first;
    tc.ring_size = sizeof first;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    hc_trap_log(&t, "kept\n", 5);
    assert_err(hc_trap_set_ring(&t, second, sizeof second), HC_ERR_ARG);
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    last_request(&body);
    assert_string_equal(body, "kept\n");  /* the first ring is still the one in use */
}

static void test_ring_bad_arguments(void **state)
{
    (void)state;
    setup(OK_LIMIT("10000"), OK_LIMIT("10000"));
    hc_trap_config_t tc = no_ring_config();
    tc.start_ping = false;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    assert_err(hc_trap_set_ring(NULL, NULL, 0), HC_ERR_ARG);
    assert_err(hc_trap_set_ring(&t, NULL, 8), HC_ERR_ARG);
    assert_int_equal(hc_trap_set_ring(&t, NULL, 0), HC_OK);  /* no body at all */
    hc_trap_log(&t, "dropped\n", 8);
    assert_int_equal(hc_trap_cut(&t), 8);
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    assert_string_equal(last_request(&body), "GET /ping/" UUID " HTTP/1.1");
    assert_string_equal(body, "");
}

static void test_create_on_both_pings(void **state)
{
    (void)state;
    setup("", "HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\nCreated");
    script[0].connect_result = HC_IO_REFUSED;  /* the start ping is lost */
    hc_trap_config_t tc;
    hc_trap_config_defaults(&tc);
    tc.slug = "new-job";
    tc.create = true;
    tc.use_rid = false;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_ERR_CONNECT);
    assert_err(hc_trap_close(&t, 0), HC_OK);
    const char *body;
    assert_string_equal(last_request(&body), "GET /ping/" KEY "/new-job?create=1 HTTP/1.1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_sized_after_the_start_ping),
        cmocka_unit_test(test_ring_refused_once_output_was_logged),
        cmocka_unit_test(test_ring_bad_arguments),
        cmocka_unit_test(test_create_on_both_pings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
