/* Both faces of the lwIP port end to end: Debian's lwIP in this process,
 * attached to a TAP device in a private network namespace, talking to the
 * python test server on the Linux side of that device. Nothing leaves the
 * namespace. Exits 77 (skipped) when no namespace or TAP can be had. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hc_test_assert.h"
#include "lwip/sys.h"
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_ping.h"
#include "hc_lwip_face.h"
#include "hc_lwip_testnet.h"

#include "hc_test_server.h"
#include "hc_request.h"

static hc_test_server_t server;
static char closed_url[64];

typedef struct {
    hc_face_client_t fc;
    hc_ping_t ping;
} fixture_t;

static int control(const char *method, const char *path, const char *body, char *out, size_t len)
{
    return hc_test_server_control(&server, method, path, body, out, len);
}

static void server_config(const char *json)
{
    char out[2048];
    assert_int_equal(control("POST", "/_test/config", json, out, sizeof out), 200);
}

static void make_client(fixture_t *f, const char *ping_base, uint8_t attempts)
{
    hc_config_t cfg;
    hc_config_defaults(&cfg);
    cfg.ping_url = ping_base;
    cfg.api_url = server.api_url;
    cfg.api_key = HC_TEST_RW_KEY;
    cfg.user_agent = "hc-lwip-test";
    cfg.connect_timeout_ms = 3000;
    cfg.io_timeout_ms = 1000;
    cfg.request_timeout_ms = 5000;
    cfg.deadline_ms = 8000;
    cfg.max_attempts = attempts;
    cfg.backoff_ms = 50;
    cfg.backoff_max_ms = 100;
    assert_err(hc_face_client(&f->fc, &cfg), HC_OK);
    memset(&f->ping, 0, sizeof f->ping);
    f->ping.uuid = HC_TEST_CHECK_BACKUP;
}

static int setup_face(void **state, hc_face_t face)
{
    static fixture_t f;
    char out[4096];
    if (control("POST", "/_test/reset", NULL, out, sizeof out) != 200)
        return -1;
    hc_face_init(&f.fc, face);
    make_client(&f, server.ping_url, 1);
    *state = &f;
    return 0;
}

static int setup_sockets(void **state) { return setup_face(state, HC_FACE_SOCKETS); }
static int setup_raw_poll(void **state) { return setup_face(state, HC_FACE_RAW_POLL); }
static int setup_raw_blocking(void **state) { return setup_face(state, HC_FACE_RAW_BLOCKING); }

static int teardown(void **state)
{
    fixture_t *f = *state;
    hc_face_close(&f->fc);
    if (f->fc.face == HC_FACE_SOCKETS)
        assert_int_equal(f->fc.sock.fd, -1);
    else
        assert_null(f->fc.raw.pcb);
    return 0;
}

/* The server's record of what arrived, as JSON text. */
static void recorded(char *out, size_t len)
{
    assert_int_equal(control("GET", "/_test/requests", NULL, out, len), 200);
}

static void test_ping_delivered(void **state)
{
    fixture_t *f = *state;
    assert_err(hc_face_ping(&f->fc, &f->ping), HC_OK);
    assert_true(f->fc.result.delivered);
    assert_int_equal(f->fc.result.status, 200);
    assert_string_equal(f->fc.result.text, "OK");
    assert_true(f->fc.result.has_body_limit);
    static char log[16384];
    recorded(log, sizeof log);
    assert_non_null(strstr(log, "\"/ping/" HC_TEST_CHECK_BACKUP "\""));
    assert_non_null(strstr(log, "hc-lwip-test"));
}

static void test_start_and_success_with_rid(void **state)
{
    fixture_t *f = *state;
    char rid[37];
    hc_face_lock(&f->fc);
    assert_err(hc_rid_new(&f->fc.client, rid), HC_OK);
    hc_face_unlock(&f->fc);
    f->ping.rid = rid;
    f->ping.signal = HC_SIGNAL_START;
    assert_err(hc_face_ping(&f->fc, &f->ping), HC_OK);
    f->ping.signal = HC_SIGNAL_SUCCESS;
    static const char body[] = "done: 42 files";
    f->ping.body = (const uint8_t *)body;
    f->ping.body_len = sizeof body - 1;
    assert_err(hc_face_ping(&f->fc, &f->ping), HC_OK);
    static char log[16384];
    recorded(log, sizeof log);
    assert_non_null(strstr(log, "/ping/" HC_TEST_CHECK_BACKUP "/start"));
    assert_non_null(strstr(log, rid));
    assert_non_null(strstr(log, body));
}

typedef struct {
    size_t bytes;
    char first[256];
} sink_t;

static hc_err_t collect(void *ctx, const hc_http_response_t *resp, const uint8_t *data, size_t len)
{
    sink_t *s = ctx;
    (void)resp;
    size_t have = s->bytes < sizeof s->first - 1 ? s->bytes : sizeof s->first - 1;
    size_t take = len < sizeof s->first - 1 - have ? len : sizeof s->first - 1 - have;
    memcpy(s->first + have, data, take);
    s->bytes += len;
    return HC_OK;
}

/* GET /api/v3/checks/ with the API key; the list (several KB, more than
 * the work buffer) streams through the sink. */
static void list_checks(fixture_t *f, sink_t *sink)
{
    memset(sink, 0, sizeof *sink);
    hc_buf_t target;
    hc_face_lock(&f->fc);
    assert_err(hc_request_begin(&f->fc.client, &target, HC_BASE_API, "GET"), HC_OK);
    hc_buf_puts(&target, "/v3/checks/");
    hc_request_t req = { .send_api_key = true, .idempotent = true, .sink = collect,
                         .sink_ctx = sink };
    assert_err(hc_request_start(&f->fc.client, &target, &req), HC_OK);
    hc_face_unlock(&f->fc);
    assert_err(hc_face_finish(&f->fc), HC_OK);
}

static void test_management_get(void **state)
{
    fixture_t *f = *state;
    sink_t sink;
    list_checks(f, &sink);
    assert_int_equal(hc_client_status(&f->fc.client), 200);
    assert_true(sink.bytes > sizeof f->fc.work);
    assert_memory_equal(sink.first, "{\"checks\": [", 12);
    static char log[16384];
    recorded(log, sizeof log);
    assert_non_null(strstr(log, HC_TEST_RW_KEY));
}

static void test_chunked_responses(void **state)
{
    fixture_t *f = *state;
    server_config("{\"framing\": \"chunked\"}");
    assert_err(hc_face_ping(&f->fc, &f->ping), HC_OK);
    assert_string_equal(f->fc.result.text, "OK");
    sink_t sink;
    list_checks(f, &sink);
    assert_int_equal(hc_client_status(&f->fc.client), 200);
    assert_true(sink.bytes > sizeof f->fc.work);
    assert_non_null(strstr(sink.first, "Database Backup"));
}

static void test_server_reset(void **state)
{
    fixture_t *f = *state;
    server_config("{\"fail_next\": 1, \"fail_mode\": \"reset\"}");
    assert_int_equal(hc_face_ping(&f->fc, &f->ping), HC_ERR_IO); /* a reset, not a close */
    assert_false(f->fc.result.delivered);
}

static void test_server_silent(void **state)
{
    fixture_t *f = *state;
    server_config("{\"fail_next\": 1, \"fail_mode\": \"silent\"}");
    uint32_t t0 = sys_now();
    assert_err(hc_face_ping(&f->fc, &f->ping), HC_ERR_TIMEOUT);
    uint32_t took = sys_now() - t0;
    assert_true(took >= 1000); /* io_timeout_ms */
    assert_true(took < 3000);
}

static void test_retry_after_500(void **state)
{
    fixture_t *f = *state;
    make_client(f, server.ping_url, 3);
    server_config("{\"fail_next\": 2, \"fail_mode\": \"500\"}");
    assert_err(hc_face_ping(&f->fc, &f->ping), HC_OK);
    assert_true(f->fc.result.delivered);
    assert_int_equal(hc_client_attempts(&f->fc.client), 3);
}

static void test_connection_refused(void **state)
{
    fixture_t *f = *state;
    make_client(f, closed_url, 1);
    assert_err(hc_face_ping(&f->fc, &f->ping), HC_ERR_CONNECT);
}

static void test_unknown_check(void **state)
{
    fixture_t *f = *state;
    f->ping.uuid = HC_TEST_UNKNOWN_UUID;
    assert_err(hc_face_ping(&f->fc, &f->ping), HC_ERR_NOT_FOUND);
    assert_int_equal(f->fc.result.status, 404);
}

#define FACE_TESTS(setup)                                                          \
    cmocka_unit_test_setup_teardown(test_ping_delivered, setup, teardown),         \
    cmocka_unit_test_setup_teardown(test_start_and_success_with_rid, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_management_get, setup, teardown),         \
    cmocka_unit_test_setup_teardown(test_chunked_responses, setup, teardown),      \
    cmocka_unit_test_setup_teardown(test_server_reset, setup, teardown),           \
    cmocka_unit_test_setup_teardown(test_server_silent, setup, teardown),          \
    cmocka_unit_test_setup_teardown(test_retry_after_500, setup, teardown),        \
    cmocka_unit_test_setup_teardown(test_connection_refused, setup, teardown),     \
    cmocka_unit_test_setup_teardown(test_unknown_check, setup, teardown)

int main(void)
{
    char why[256];
    if (hc_lwip_test_tap_up(why, sizeof why) != 0) {
        printf("SKIP: %s\n", why);
        return 77;
    }
    /* Started from inside the namespace, the server lives there too. */
    if (hc_test_server_start(&server, HC_LWIP_TAP_HOST_IP, NULL) != 0) {
        fprintf(stderr, "the test server did not start in the namespace\n");
        return 1;
    }
    /* Nothing listens on the server's port + 1: Linux answers with a RST. */
    snprintf(closed_url, sizeof closed_url, "http://%s:%u/ping", HC_LWIP_TAP_HOST_IP,
             (unsigned)(server.port == 65535 ? 1 : server.port + 1));

    const struct CMUnitTest sockets[] = { FACE_TESTS(setup_sockets) };
    const struct CMUnitTest raw_poll[] = { FACE_TESTS(setup_raw_poll) };
    const struct CMUnitTest raw_blocking[] = { FACE_TESTS(setup_raw_blocking) };
    int failed = cmocka_run_group_tests_name("lwip sockets face over TAP", sockets, NULL, NULL);
    failed += cmocka_run_group_tests_name("lwip raw face, non-blocking driver, over TAP",
                                          raw_poll, NULL, NULL);
    failed += cmocka_run_group_tests_name("lwip raw face, blocking driver, over TAP",
                                          raw_blocking, NULL, NULL);
    hc_test_server_stop(&server);
    return failed;
}
