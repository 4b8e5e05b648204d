/* Pings through the POSIX port against the test server: the exact request
 * the server received for each signal, target and option, every outcome
 * mapping, the learned body limit, framings, retries and IPv6. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_ping.h"
#include "hc_port_posix.h"
#include "hc_test_server.h"

#define UUID HC_TEST_CHECK_BACKUP
#define RID "cabd8d03-d637-46e9-b652-805655b43815"
#define UA "hc-test/1.0"

typedef struct env {
    hc_test_server_t server;
    hc_posix_t posix;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    uint8_t work[512];
    char host_header[64];
} env_t;

static env_t *start(const char *host, const char *const *args)
{
    env_t *e = calloc(1, sizeof *e);
    assert_non_null(e);
    assert_int_equal(hc_test_server_start(&e->server, host, args), 0);
    hc_posix_init(&e->posix);
    e->tp = hc_posix_transport(&e->posix);
    hc_config_defaults(&e->cfg);
    e->cfg.ping_url = e->server.ping_url;
    e->cfg.ping_key = HC_TEST_PING_KEY;
    e->cfg.user_agent = UA;
    e->cfg.transport = &e->tp;
    e->cfg.work = e->work;
    e->cfg.work_size = sizeof e->work;
    e->cfg.backoff_ms = 20;
    assert_err(hc_client_init(&e->client, &e->cfg), HC_OK);
    snprintf(e->host_header, sizeof e->host_header, "%s",
             e->server.base_url + strlen("http://"));
    return e;
}

static void stop(env_t *e)
{
    hc_client_close(&e->client);
    hc_test_server_stop(&e->server);
    free(e);
}

/* The whole request the server recorded as its n-th. */
static const char *recorded(env_t *e, unsigned n)
{
    static char buf[65536];
    assert_true(hc_test_server_request(&e->server, n, buf, sizeof buf) >= 0);
    return buf;
}

/* What a request with this line and body must look like on the wire. */
static const char *expected(env_t *e, const char *line, const char *body)
{
    static char buf[65536];
    if (body)
        snprintf(buf, sizeof buf,
                 "%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: " UA "\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
                 "Connection: close\r\n\r\n%s",
                 line, e->host_header, strlen(body), body);
    else
        snprintf(buf, sizeof buf,
                 "%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: " UA "\r\nConnection: close\r\n\r\n",
                 line, e->host_header);
    return buf;
}

/* ------------------------------------------------ signals × targets × options */

typedef struct ping_case {
    hc_ping_t ping;
    const char *line;   /* request line without " HTTP/1.1" */
    const char *body;
    uint16_t status;
} ping_case_t;

static void run_cases(env_t *e, const ping_case_t *cases, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        hc_ping_t p = cases[k].ping;
        if (cases[k].body) {
            p.body = (const uint8_t *)cases[k].body;
            p.body_len = strlen(cases[k].body);
        }
        hc_ping_result_t res;
        hc_err_t err = hc_ping_send(&e->client, &p, &res);
        if (err != HC_OK)
            print_error("case %zu (%s): %s\n", k, cases[k].line, hc_strerror(err));
        assert_err(err, HC_OK);
        assert_true(res.delivered);
        assert_int_equal(res.status, cases[k].status);
        assert_int_equal(hc_test_server_request_count(&e->server), k + 1);
        assert_string_equal(recorded(e, (unsigned)k + 1), expected(e, cases[k].line, cases[k].body));
    }
}

static void test_every_signal_target_and_option(void **state)
{
    (void)state;
    env_t *e = start("127.0.0.1", NULL);
    const ping_case_t cases[] = {
        { { .uuid = UUID }, "GET /ping/" UUID, NULL, 200 },
        { { .uuid = UUID, .signal = HC_SIGNAL_START, .rid = RID }, "GET /ping/" UUID "/start?rid=" RID, NULL, 200 },
        { { .uuid = UUID, .rid = RID }, "GET /ping/" UUID "?rid=" RID, NULL, 200 },
        { { .uuid = UUID, .signal = HC_SIGNAL_FAIL }, "GET /ping/" UUID "/fail", NULL, 200 },
        { { .uuid = UUID, .signal = HC_SIGNAL_LOG }, "POST /ping/" UUID "/log", "a log line", 200 },
        { { .uuid = UUID, .signal = HC_SIGNAL_EXIT, .exit_status = 0 }, "GET /ping/" UUID "/0", NULL, 200 },
        { { .uuid = UUID, .signal = HC_SIGNAL_EXIT, .exit_status = 255 }, "GET /ping/" UUID "/255", NULL, 200 },
        { { .uuid = UUID, .method = HC_METHOD_POST }, "POST /ping/" UUID, "", 200 },
        { { .uuid = UUID, .method = HC_METHOD_HEAD }, "HEAD /ping/" UUID, NULL, 200 },
        { { .slug = "database-backup" }, "GET /ping/" HC_TEST_PING_KEY "/database-backup", NULL, 200 },
        { { .slug = "database-backup", .signal = HC_SIGNAL_START, .rid = RID },
          "GET /ping/" HC_TEST_PING_KEY "/database-backup/start?rid=" RID, NULL, 200 },
        { { .slug = "database-backup", .signal = HC_SIGNAL_FAIL },
          "POST /ping/" HC_TEST_PING_KEY "/database-backup/fail", "it broke", 200 },
        { { .slug = "database-backup", .signal = HC_SIGNAL_LOG },
          "GET /ping/" HC_TEST_PING_KEY "/database-backup/log", NULL, 200 },
        { { .slug = "database-backup", .signal = HC_SIGNAL_EXIT, .exit_status = 2 },
          "GET /ping/" HC_TEST_PING_KEY "/database-backup/2", NULL, 200 },
        { { .slug = "made-by-test", .create = true, .rid = RID, .signal = HC_SIGNAL_START },
          "GET /ping/" HC_TEST_PING_KEY "/made-by-test/start?rid=" RID "&create=1", NULL, 201 },
        { { .slug = "made-by-test", .create = true },
          "GET /ping/" HC_TEST_PING_KEY "/made-by-test?create=1", NULL, 200 },
    };
    run_cases(e, cases, sizeof cases / sizeof cases[0]);
    stop(e);
}

static void test_create_reports_created_once(void **state)
{
    (void)state;
    env_t *e = start("127.0.0.1", NULL);
    hc_ping_t p = { .slug = "brand-new", .create = true };
    hc_ping_result_t res;
    assert_err(hc_ping_send(&e->client, &p, &res), HC_OK);
    assert_true(res.created);
    assert_string_equal(res.text, "Created");
    assert_err(hc_ping_send(&e->client, &p, &res), HC_OK);
    assert_false(res.created);
    stop(e);
}

/* ------------------------------------------------------------- outcomes */

static void expect_outcome(env_t *e, hc_ping_t p, hc_err_t err, uint16_t status)
{
    hc_ping_result_t res;
    assert_int_equal(hc_ping_send(&e->client, &p, &res), err);
    assert_false(res.delivered);
    assert_int_equal(res.status, status);
}

static void test_error_mapping(void **state)
{
    (void)state;
    env_t *e = start("127.0.0.1", NULL);
    expect_outcome(e, (hc_ping_t){ .uuid = HC_TEST_UNKNOWN_UUID }, HC_ERR_NOT_FOUND, 404);
    expect_outcome(e, (hc_ping_t){ .slug = "no-such-slug" }, HC_ERR_NOT_FOUND, 404);
    expect_outcome(e, (hc_ping_t){ .slug = HC_TEST_DUP_SLUG }, HC_ERR_CONFLICT, 409);
    assert_string_equal(hc_client_text(&e->client), "ambiguous slug");
    e->client.cfg.ping_key = HC_TEST_OTHER_PING_KEY "x";
    expect_outcome(e, (hc_ping_t){ .slug = "database-backup" }, HC_ERR_NOT_FOUND, 404);
    stop(e);
}

static void test_hosted_ok_not_found_is_not_delivered(void **state)
{
    (void)state;
    const char *const args[] = { "--hosted", NULL };
    env_t *e = start("127.0.0.1", args);
    expect_outcome(e, (hc_ping_t){ .uuid = HC_TEST_UNKNOWN_UUID }, HC_ERR_NOT_FOUND, 200);
    assert_string_equal(hc_client_text(&e->client), "OK (not found)");
    stop(e);
}

static void test_rate_limited(void **state)
{
    (void)state;
    const char *const args[] = { "--rate-limit", "2", NULL };
    env_t *e = start("127.0.0.1", args);
    e->client.cfg.max_attempts = 1;
    hc_ping_t p = { .slug = "database-backup" };
    assert_err(hc_ping_send(&e->client, &p, NULL), HC_OK);
    assert_err(hc_ping_send(&e->client, &p, NULL), HC_OK);
    expect_outcome(e, p, HC_ERR_RATE_LIMITED, 429);
    stop(e);
}

static void test_refused_locally_sends_nothing(void **state)
{
    (void)state;
    env_t *e = start("127.0.0.1", NULL);
    hc_ping_t bad[] = {
        { .uuid = UUID, .signal = HC_SIGNAL_EXIT, .exit_status = 256 },
        { .uuid = UUID, .rid = "not-a-uuid" },
        { .slug = "Database-Backup" },
        { .slug = "a\r\nX-Evil: 1" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        assert_int_not_equal(hc_ping_send(&e->client, &bad[k], NULL), HC_OK);
    e->client.cfg.user_agent = "ua\r\nX-Evil: 1";
    assert_err(hc_ping_send(&e->client, &(hc_ping_t){ .uuid = UUID }, NULL), HC_ERR_UNSAFE_CHAR);
    assert_int_equal(hc_test_server_request_count(&e->server), 0);
    stop(e);
}

/* ---------------------------------------------------------- body limit */

static void test_body_limit_learned_and_tail_sent(void **state)
{
    (void)state;
    const char *const args[] = { "--ping-body-limit", "16", NULL };
    env_t *e = start("127.0.0.1", args);
    hc_ping_result_t res;
    hc_ping_t start_ping = { .uuid = UUID, .signal = HC_SIGNAL_START };
    assert_err(hc_ping_send(&e->client, &start_ping, &res), HC_OK);
    assert_true(res.has_body_limit);
    assert_int_equal(res.body_limit, 16);

    const char *log = "line 1\nline 2\nline 3\nthe end\n";
    hc_ping_t done = { .uuid = UUID, .body = (const uint8_t *)log, .body_len = strlen(log),
                       .body_tail = true };
    assert_err(hc_ping_send(&e->client, &done, &res), HC_OK);
    assert_int_equal(res.body_sent, 16);
    assert_string_equal(recorded(e, 2), expected(e, "POST /ping/" UUID, "\nline 3\nthe end\n"));
    stop(e);
}

/* ------------------------------------- framings, IPv6, keep-alive, retries */

static void ping_ok_with(const char *const *args, const char *host)
{
    env_t *e = start(host, args);
    hc_ping_result_t res;
    assert_err(hc_ping_send(&e->client, &(hc_ping_t){ .uuid = UUID }, &res), HC_OK);
    assert_string_equal(res.text, "OK");
    assert_int_equal(res.body_limit, HC_TEST_PING_BODY_LIMIT);
    stop(e);
}

static void test_framings_and_ipv6(void **state)
{
    (void)state;
    const char *const chunked[] = { "--framing", "chunked", NULL };
    const char *const closed[] = { "--framing", "close", NULL };
    ping_ok_with(NULL, "127.0.0.1");
    ping_ok_with(chunked, "127.0.0.1");
    ping_ok_with(closed, "127.0.0.1");
    ping_ok_with(NULL, "::1");
}

static void test_keep_alive_reuses_one_connection(void **state)
{
    (void)state;
    env_t *e = start("127.0.0.1", NULL);
    e->client.cfg.keep_alive = true;
    for (int i = 0; i < 3; i++)
        assert_err(hc_ping_send(&e->client, &(hc_ping_t){ .uuid = UUID }, NULL), HC_OK);
    char resp[4096];
    assert_int_equal(hc_test_server_control(&e->server, "GET", "/_test/requests", NULL,
                                            resp, sizeof resp), 200);
    assert_int_equal(hc_test_server_request_count(&e->server), 3);
    assert_null(strstr(recorded(e, 3), "Connection: close"));
    stop(e);
}

static void test_retries_after_server_errors_and_drops(void **state)
{
    (void)state;
    env_t *e = start("127.0.0.1", NULL);
    char resp[256];
    assert_int_equal(hc_test_server_control(&e->server, "POST", "/_test/config",
                                            "{\"fail_next\": 2, \"fail_mode\": \"500\"}",
                                            resp, sizeof resp), 200);
    hc_ping_result_t res;
    assert_err(hc_ping_send(&e->client, &(hc_ping_t){ .uuid = UUID }, &res), HC_OK);
    assert_int_equal(hc_client_attempts(&e->client), 3);

    assert_int_equal(hc_test_server_control(&e->server, "POST", "/_test/config",
                                            "{\"fail_next\": 1, \"fail_mode\": \"drop\"}",
                                            resp, sizeof resp), 200);
    assert_err(hc_ping_send(&e->client, &(hc_ping_t){ .uuid = UUID }, &res), HC_OK);
    assert_int_equal(hc_client_attempts(&e->client), 2);

    assert_int_equal(hc_test_server_control(&e->server, "POST", "/_test/config",
                                            "{\"fail_next\": 5, \"fail_mode\": \"500\"}",
                                            resp, sizeof resp), 200);
    assert_err(hc_ping_send(&e->client, &(hc_ping_t){ .uuid = UUID }, &res), HC_ERR_SERVER);
    assert_int_equal(res.status, 500);
    assert_int_equal(hc_client_attempts(&e->client), 3);
    stop(e);
}

static void test_nonblocking_ping(void **state)
{
    (void)state;
    env_t *e = start("127.0.0.1", NULL);
    hc_ping_t p = { .uuid = UUID, .signal = HC_SIGNAL_LOG, .body = (const uint8_t *)"nb",
                    .body_len = 2 };
    assert_err(hc_ping_send_begin(&e->client, &p), HC_OK);
    hc_ping_result_t res;
    hc_err_t r = HC_IN_PROGRESS;
    uint32_t t0 = e->tp.now_ms(e->tp.ctx);
    while (r == HC_IN_PROGRESS && e->tp.now_ms(e->tp.ctx) - t0 < 10000)
        r = hc_ping_poll(&e->client, &res);
    assert_err(r, HC_OK);
    assert_string_equal(recorded(e, 1), expected(e, "POST /ping/" UUID "/log", "nb"));
    stop(e);
}

static void test_silent_server_hits_the_deadline(void **state)
{
    (void)state;
    const char *const args[] = { "--delay-ms", "3000", NULL };
    env_t *e = start("127.0.0.1", args);
    e->client.cfg.max_attempts = 1;
    e->client.cfg.io_timeout_ms = 300;
    uint32_t t0 = e->tp.now_ms(e->tp.ctx);
    assert_err(hc_ping_send(&e->client, &(hc_ping_t){ .uuid = UUID }, NULL), HC_ERR_TIMEOUT);
    uint32_t took = e->tp.now_ms(e->tp.ctx) - t0;
    assert_true(took >= 300);
    assert_true(took < 3000); /* gave up long before the server answered */
    stop(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_signal_target_and_option),
        cmocka_unit_test(test_create_reports_created_once),
        cmocka_unit_test(test_error_mapping),
        cmocka_unit_test(test_hosted_ok_not_found_is_not_delivered),
        cmocka_unit_test(test_rate_limited),
        cmocka_unit_test(test_refused_locally_sends_nothing),
        cmocka_unit_test(test_body_limit_learned_and_tail_sent),
        cmocka_unit_test(test_framings_and_ipv6),
        cmocka_unit_test(test_keep_alive_reuses_one_connection),
        cmocka_unit_test(test_retries_after_server_errors_and_drops),
        cmocka_unit_test(test_nonblocking_ping),
        cmocka_unit_test(test_silent_server_hits_the_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
