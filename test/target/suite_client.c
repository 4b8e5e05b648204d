/* Target suite "client": the client over port/mock as a firmware uses it.
 * Pings, blocking and non-blocking, with the exact bytes they send and
 * every recorded ping response's outcome; transport faults and retries in
 * virtual time; a checks list, blocking and non-blocking; base URLs and
 * query strings as they reach the request line; the run wrapper's output
 * ring and what its final ping sends. Runs on the host and on every
 * emulated CPU. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "tgt_fixtures.h"
#include "tgt_runner.h"
#include "tgt_support.h"
#include "unity.h"

#include "healthchecks/hc_api.h"
#include "healthchecks/hc_ping.h"
#include "healthchecks/hc_trap.h"

#define RID "0b9e2a4c-5d6f-4a1b-8c2d-3e4f5a6b7c8d"

static hc_ping_result_t result;
static hc_mock_conn_t script[4];

static void answer_with(const char *fixture_name)
{
    memset(script, 0, sizeof script);
    script[0] = tgt_answer(tgt_fixture(fixture_name));
    tgt_setup(script, 1, 1);
}

/* ------------------------------------------------------------- blocking */

static void test_ping_sends_exactly_this(void)
{
    answer_with("ping_uuid_success_get");
    const hc_ping_t ping = { .uuid = TGT_UUID };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_ping_send(&tgt_mc.client, &ping, &result));
    TEST_ASSERT_EQUAL_STRING("GET /ping/" TGT_UUID " HTTP/1.1\r\n"
                             "Host: hc.test\r\n"
                             "Connection: close\r\n"
                             "\r\n",
                             tgt_sent());
    TEST_ASSERT_EQUAL_STRING("hc.test", tgt_mc.mock.last_host);
    TEST_ASSERT_EQUAL_UINT16(80, tgt_mc.mock.last_port);
    TEST_ASSERT_TRUE(result.delivered);
    TEST_ASSERT_FALSE(result.created);
    TEST_ASSERT_EQUAL_UINT16(200, result.status);
    TEST_ASSERT_EQUAL_STRING("OK", result.text);
    TEST_ASSERT_TRUE(result.has_body_limit);
    TEST_ASSERT_EQUAL_UINT32(10000, result.body_limit);
}

static void test_slug_ping_with_body_rid_and_create(void)
{
    answer_with("ping_slug_create_start");
    static const char body[] = "backup started: 3 volumes";
    const hc_ping_t ping = { .slug = "db-backup_2", .signal = HC_SIGNAL_START, .rid = RID, .create = true,
                             .body = (const uint8_t *)body, .body_len = sizeof body - 1 };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_ping_send(&tgt_mc.client, &ping, &result));
    TEST_ASSERT_EQUAL_STRING("POST /ping/" TGT_PING_KEY "/db-backup_2/start?rid=" RID "&create=1 HTTP/1.1\r\n"
                             "Host: hc.test\r\n"
                             "Content-Type: text/plain; charset=utf-8\r\n"
                             "Content-Length: 25\r\n"
                             "Connection: close\r\n"
                             "\r\n"
                             "backup started: 3 volumes",
                             tgt_sent());
    TEST_ASSERT_TRUE(result.delivered);
    TEST_ASSERT_TRUE(result.created);
    TEST_ASSERT_EQUAL_size_t(25, result.body_sent);
}

static void test_exit_status_ping(void)
{
    answer_with("ping_uuid_exitstatus_1");
    const hc_ping_t ping = { .uuid = TGT_UUID, .signal = HC_SIGNAL_EXIT, .exit_status = 255 };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_ping_send(&tgt_mc.client, &ping, &result));
    TEST_ASSERT_EQUAL_STRING("GET /ping/" TGT_UUID "/255 HTTP/1.1\r\n"
                             "Host: hc.test\r\n"
                             "Connection: close\r\n"
                             "\r\n",
                             tgt_sent());
    TEST_ASSERT_TRUE(result.delivered);
}

/* Every recorded answer to a ping gives the outcome its status means; only
 * a 2xx counts as delivered. */
static void test_every_recorded_ping_answer(void)
{
    size_t seen = 0;
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        if (strncmp(f->name, "ping_", 5) != 0 || strcmp(f->method, "HEAD") == 0)
            continue;
        answer_with(f->name);
        const hc_ping_t ping = { .uuid = TGT_UUID };
        hc_err_t want = hc_status_error(f->status);
        TEST_ASSERT_EQUAL_INT_MESSAGE(want, hc_ping_send(&tgt_mc.client, &ping, &result), f->name);
        TEST_ASSERT_EQUAL(want == HC_OK, result.delivered);
        TEST_ASSERT_EQUAL_UINT16(f->status, result.status);
        TEST_ASSERT_EQUAL_size_t(1, tgt_mc.mock.next);  /* no retry for any of these */
        seen++;
    }
    TEST_ASSERT_TRUE(seen >= 30);
}

static void test_pings_refused_before_sending(void)
{
    static const struct {
        hc_ping_t ping;
        hc_err_t err;
    } bad[] = {
        { { .uuid = "45C9D87E-C6E4-42C7-BA1E-921CFC827121" }, HC_ERR_ARG },
        { { .uuid = TGT_UUID "0" }, HC_ERR_ARG },
        { { .slug = "Db" }, HC_ERR_ARG },
        { { .slug = "db\r\nHost: evil" }, HC_ERR_ARG },
        { { .uuid = TGT_UUID, .rid = "not-a-uuid" }, HC_ERR_ARG },
        { { .uuid = TGT_UUID, .create = true }, HC_ERR_ARG },
        { { .uuid = TGT_UUID, .signal = HC_SIGNAL_EXIT, .exit_status = 256 }, HC_ERR_RANGE },
        { { .uuid = TGT_UUID, .method = HC_METHOD_HEAD, .body = (const uint8_t *)"x", .body_len = 1 },
          HC_ERR_ARG },
        { { 0 }, HC_ERR_ARG },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        answer_with("ping_uuid_success_get");
        TEST_ASSERT_EQUAL_INT(bad[i].err, hc_ping_send(&tgt_mc.client, &bad[i].ping, &result));
        TEST_ASSERT_FALSE(result.delivered);
        TEST_ASSERT_EQUAL_size_t(0, tgt_mc.mock.next);  /* never connected */
        TEST_ASSERT_EQUAL_size_t(0, tgt_mc.mock.capture_len);
    }
}

static void group_ping_blocking(void)
{
    RUN_TEST(test_ping_sends_exactly_this);
    RUN_TEST(test_slug_ping_with_body_rid_and_create);
    RUN_TEST(test_exit_status_ping);
    RUN_TEST(test_every_recorded_ping_answer);
    RUN_TEST(test_pings_refused_before_sending);
}

/* --------------------------------------------------------- non-blocking */

/* Polls the ping to its end without moving the clock unless @p tick. */
static hc_err_t poll_ping(bool tick, unsigned *polls)
{
    for (unsigned i = 0; i < TGT_POLL_LIMIT; i++) {
        hc_err_t r = hc_ping_poll(&tgt_mc.client, &result);
        if (r != HC_IN_PROGRESS) {
            *polls = i + 1;
            return r;
        }
        if (tick)
            tgt_mc.mock.now++;
    }
    TEST_FAIL_MESSAGE("the ping did not end");
    return HC_ERR_TIMEOUT;
}

/* A byte per read, three per write, would-block storms: the same bytes,
 * the same result, and the poll never waited (the virtual clock, which
 * moves only when a call waits, stands still). */
static void test_ping_polled_through_storms(void)
{
    memset(script, 0, sizeof script);
    script[0] = tgt_answer(tgt_fixture("ping_uuid_success_get"));
    script[0].max_read = 1;
    script[0].max_write = 3;
    script[0].storm = 2;
    tgt_setup(script, 1, 1);
    const hc_ping_t ping = { .uuid = TGT_UUID, .signal = HC_SIGNAL_FAIL };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_ping_begin(&tgt_mc.client, &ping));
    unsigned polls = 0;
    TEST_ASSERT_EQUAL_INT(HC_OK, poll_ping(false, &polls));
    TEST_ASSERT_TRUE(polls > 1);
    TEST_ASSERT_EQUAL_STRING("GET /ping/" TGT_UUID "/fail HTTP/1.1\r\n"
                             "Host: hc.test\r\n"
                             "Connection: close\r\n"
                             "\r\n",
                             tgt_sent());
    TEST_ASSERT_TRUE(result.delivered);
    TEST_ASSERT_EQUAL_STRING("OK", result.text);
    TEST_ASSERT_TRUE(tgt_mc.mock.n_would_block > 0);
    TEST_ASSERT_EQUAL_UINT32(0, tgt_mc.mock.now);
    TEST_ASSERT_EQUAL_UINT32(0, tgt_mc.mock.n_sleeps);
}

/* A refused connection is retried after the back-off, which the poll
 * waits out by returning, never by sleeping. */
static void test_ping_polled_through_a_retry(void)
{
    memset(script, 0, sizeof script);
    script[0].connect_result = HC_IO_REFUSED;
    script[1] = tgt_answer(tgt_fixture("ping_uuid_log"));
    tgt_setup(script, 2, 0);
    const hc_ping_t ping = { .uuid = TGT_UUID, .signal = HC_SIGNAL_LOG };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_ping_begin(&tgt_mc.client, &ping));
    TEST_ASSERT_EQUAL_INT(HC_ERR_BUSY, hc_ping_begin(&tgt_mc.client, &ping));
    unsigned polls = 0;
    TEST_ASSERT_EQUAL_INT(HC_OK, poll_ping(true, &polls));
    TEST_ASSERT_EQUAL_UINT8(2, hc_client_attempts(&tgt_mc.client));
    TEST_ASSERT_EQUAL_UINT32(0, tgt_mc.mock.n_sleeps);
    TEST_ASSERT_TRUE(tgt_mc.mock.now >= 250);  /* the back-off, jitter included */
    TEST_ASSERT_TRUE(result.delivered);
}

static void group_ping_nonblocking(void)
{
    RUN_TEST(test_ping_polled_through_storms);
    RUN_TEST(test_ping_polled_through_a_retry);
}

/* ---------------------------------------------------------------- faults */

static void test_refused_then_answered(void)
{
    memset(script, 0, sizeof script);
    script[0].connect_result = HC_IO_REFUSED;
    script[1] = tgt_answer(tgt_fixture("ping_uuid_success_get"));
    tgt_setup(script, 2, 0);
    const hc_ping_t ping = { .uuid = TGT_UUID };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_ping_send(&tgt_mc.client, &ping, &result));
    TEST_ASSERT_EQUAL_UINT8(2, hc_client_attempts(&tgt_mc.client));
    TEST_ASSERT_EQUAL_UINT32(1, tgt_mc.mock.n_connects);
    TEST_ASSERT_TRUE(tgt_mc.mock.slept_ms > 0);
}

static void test_name_never_resolves(void)
{
    memset(script, 0, sizeof script);
    for (size_t i = 0; i < 3; i++)
        script[i].connect_result = HC_IO_DNS;
    tgt_setup(script, 3, 0);
    const hc_ping_t ping = { .uuid = TGT_UUID };
    TEST_ASSERT_EQUAL_INT(HC_ERR_DNS, hc_ping_send(&tgt_mc.client, &ping, &result));
    TEST_ASSERT_EQUAL_UINT8(3, hc_client_attempts(&tgt_mc.client));
    TEST_ASSERT_FALSE(result.delivered);
    TEST_ASSERT_EQUAL_UINT16(0, result.status);
}

/* A server that never answers costs the deadline, no more (virtual time). */
static void test_silent_server_hits_the_deadline(void)
{
    memset(script, 0, sizeof script);
    for (size_t i = 0; i < 3; i++)
        script[i].silent = true;
    tgt_setup(script, 3, 0);
    const hc_ping_t ping = { .uuid = TGT_UUID };
    TEST_ASSERT_EQUAL_INT(HC_ERR_TIMEOUT, hc_ping_send(&tgt_mc.client, &ping, &result));
    TEST_ASSERT_TRUE(tgt_mc.mock.now >= tgt_mc.cfg.io_timeout_ms);
    TEST_ASSERT_TRUE(tgt_mc.mock.now <= tgt_mc.cfg.deadline_ms);
    TEST_ASSERT_FALSE(result.delivered);
}

/* A reset in the middle of the response is retried on a new connection. */
static void test_reset_mid_response(void)
{
    memset(script, 0, sizeof script);
    script[0] = tgt_answer(tgt_fixture("ping_uuid_success_get"));
    script[0].fail_after = true;
    script[0].fail_at = 40;
    script[0].fail_result = HC_IO_ERROR;
    script[1] = tgt_answer(tgt_fixture("ping_uuid_success_get"));
    tgt_setup(script, 2, 0);
    const hc_ping_t ping = { .uuid = TGT_UUID };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_ping_send(&tgt_mc.client, &ping, &result));
    TEST_ASSERT_EQUAL_UINT32(2, tgt_mc.mock.n_connects);
    TEST_ASSERT_TRUE(result.delivered);
}

static void group_faults(void)
{
    RUN_TEST(test_refused_then_answered);
    RUN_TEST(test_name_never_resolves);
    RUN_TEST(test_silent_server_hits_the_deadline);
    RUN_TEST(test_reset_mid_response);
}

/* ------------------------------------------------------------ checks list */

static hc_check_t check;
static size_t n_checks;
static const tgt_fixture_t *list_fixture;

static hc_err_t count_check(void *ctx, const void *element)
{
    const hc_check_t *c = element;
    (void)ctx;
    TEST_ASSERT_TRUE(n_checks < list_fixture->n_items);
    TEST_ASSERT_EQUAL_STRING(list_fixture->items[n_checks].s1, c->name);
    n_checks++;
    return HC_OK;
}

static void start_checks_list(size_t max_read, uint32_t storm)
{
    list_fixture = tgt_fixture("api_checks_list");
    memset(script, 0, sizeof script);
    script[0] = tgt_answer(list_fixture);
    script[0].max_read = max_read;
    script[0].storm = storm;
    tgt_setup(script, 1, 1);
    n_checks = 0;
}

static void test_checks_list_blocking(void)
{
    start_checks_list(0, 0);
    static const char *const tags[] = { "prod db", "a&b" };
    const hc_check_query_t query = { .tags = tags, .n_tags = 2, .slug = "backups" };
    hc_list_t list = { .items = &check, .capacity = 1, .each = count_check };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_list_checks(&tgt_api, &query, &list));
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_wait(&tgt_api));
    TEST_ASSERT_EQUAL_STRING("GET /api/v3/checks/?tag=prod%20db&tag=a%26b&slug=backups HTTP/1.1\r\n"
                             "Host: hc.test\r\n"
                             "X-Api-Key: " TGT_API_KEY "\r\n"
                             "Connection: close\r\n"
                             "\r\n",
                             tgt_sent());
    TEST_ASSERT_EQUAL_size_t(7, n_checks);
    TEST_ASSERT_EQUAL_size_t(7, list.total);
    TEST_ASSERT_EQUAL_UINT16(200, hc_client_status(&tgt_mc.client));
}

static void test_checks_list_polled(void)
{
    start_checks_list(5, 1);
    hc_list_t list = { .items = &check, .capacity = 1, .each = count_check };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_list_checks(&tgt_api, NULL, &list));
    TEST_ASSERT_EQUAL_INT(HC_IN_PROGRESS, hc_api_poll(&tgt_api));
    TEST_ASSERT_EQUAL_INT(HC_OK, tgt_api_poll_to_end());
    TEST_ASSERT_EQUAL_size_t(7, n_checks);
    TEST_ASSERT_EQUAL_UINT32(0, tgt_mc.mock.n_sleeps);
    /* the last element is what each() saw last */
    TEST_ASSERT_EQUAL_STRING(list_fixture->items[6].s1, check.name);
}

/* The API's own refusals send nothing. */
static void test_checks_list_refused(void)
{
    start_checks_list(0, 0);
    static const char *const tags[] = { NULL };
    const hc_check_query_t query = { .tags = tags, .n_tags = 1 };
    hc_list_t list = { .items = &check, .capacity = 1 };
    TEST_ASSERT_EQUAL_INT(HC_ERR_ARG, hc_api_list_checks(&tgt_api, &query, &list));
    TEST_ASSERT_EQUAL_INT(HC_ERR_ARG, hc_api_list_pings(&tgt_api, "nope", &list));
    TEST_ASSERT_EQUAL_size_t(0, tgt_mc.mock.next);
}

static void group_checks_list(void)
{
    RUN_TEST(test_checks_list_blocking);
    RUN_TEST(test_checks_list_polled);
    RUN_TEST(test_checks_list_refused);
}

/* ---------------------------------------------------- URLs as they are sent */

static void reconfigure(const char *ping_url, const char *api_url)
{
    tgt_mc.cfg.ping_url = ping_url;
    tgt_mc.cfg.api_url = api_url;
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_client_init(&tgt_mc.client, &tgt_mc.cfg));
}

static void test_ping_url_with_port_and_prefix(void)
{
    answer_with("ping_uuid_success_get");
    reconfigure("http://hc.example.org:8000/base/ping/", "http://hc.test/api");
    const hc_ping_t ping = { .uuid = TGT_UUID, .signal = HC_SIGNAL_START };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_ping_send(&tgt_mc.client, &ping, &result));
    TEST_ASSERT_EQUAL_STRING("GET /base/ping/" TGT_UUID "/start HTTP/1.1\r\n"
                             "Host: hc.example.org:8000\r\n"
                             "Connection: close\r\n"
                             "\r\n",
                             tgt_sent());
    TEST_ASSERT_EQUAL_STRING("hc.example.org", tgt_mc.mock.last_host);
    TEST_ASSERT_EQUAL_UINT16(8000, tgt_mc.mock.last_port);
}

static void test_ipv6_api_url_and_flip_query(void)
{
    static hc_flip_t flip;
    answer_with("api_check_flips");
    reconfigure("http://hc.test/ping", "http://[fd00::1]:8080/hc/api");
    const hc_flip_query_t query = { .has_seconds = true, .seconds = 31536000, .has_start = true,
                                    .start = 1, .has_end = true, .end = 10000000000 };
    hc_list_t list = { .items = &flip, .capacity = 1 };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_list_flips(&tgt_api, TGT_UUID, &query, &list));
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_wait(&tgt_api));
    TEST_ASSERT_EQUAL_STRING("GET /hc/api/v3/checks/" TGT_UUID
                             "/flips/?seconds=31536000&start=1&end=10000000000 HTTP/1.1\r\n"
                             "Host: [fd00::1]:8080\r\n"
                             "X-Api-Key: " TGT_API_KEY "\r\n"
                             "Connection: close\r\n"
                             "\r\n",
                             tgt_sent());
    TEST_ASSERT_EQUAL_STRING("fd00::1", tgt_mc.mock.last_host);
}

static void test_urls_refused_before_connecting(void)
{
    answer_with("ping_uuid_success_get");
    const hc_ping_t ping = { .uuid = TGT_UUID };
    reconfigure("https://hc-ping.com", "http://hc.test/api");  /* no TLS transport */
    TEST_ASSERT_EQUAL_INT(HC_ERR_NO_TLS, hc_ping_send(&tgt_mc.client, &ping, &result));
    reconfigure("http://hc.test/ping?x=1", "http://hc.test/api");
    TEST_ASSERT_EQUAL_INT(HC_ERR_URL, hc_ping_send(&tgt_mc.client, &ping, &result));
    TEST_ASSERT_EQUAL_size_t(0, tgt_mc.mock.next);
}

static void group_urls_sent(void)
{
    RUN_TEST(test_ping_url_with_port_and_prefix);
    RUN_TEST(test_ipv6_api_url_and_flip_query);
    RUN_TEST(test_urls_refused_before_connecting);
}

/* --------------------------------------------------------------- run wrapper */

#define OK_LIMIT_40 "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nPing-Body-Limit: 40\r\n\r\nOK"
static const char ok_limit_40[] = OK_LIMIT_40;
static uint8_t ring[64];
static hc_trap_t trap;

static hc_mock_conn_t answer_text(const char *response)
{
    hc_mock_conn_t c;
    memset(&c, 0, sizeof c);
    c.response = (const uint8_t *)response;
    c.response_len = strlen(response);
    return c;
}

static hc_trap_config_t trap_config(void)
{
    hc_trap_config_t tc;
    hc_trap_config_defaults(&tc);
    tc.uuid = TGT_UUID;
    tc.ring = ring;
    tc.ring_size = sizeof ring;
    return tc;
}

/* The request line of the n-th request (0-based) in the capture, copied
 * NUL-terminated, and where that request's body begins (the last
 * request's body ends the capture, so it is NUL-terminated too). */
static const char *request_line(unsigned n, const char **body)
{
    static char line[128];
    const char *p = tgt_sent();
    for (unsigned i = 0; i <= n; i++) {
        const char *head_end = strstr(p, "\r\n\r\n");
        TEST_ASSERT_NOT_NULL(head_end);
        if (i == n) {
            size_t len = (size_t)(strstr(p, "\r\n") - p);
            TEST_ASSERT_TRUE(len < sizeof line);
            memcpy(line, p, len);
            line[len] = '\0';
            if (body)
                *body = head_end + 4;
            return line;
        }
        /* Skip this request's body, as its Content-Length says. */
        size_t body_len = 0;
        const char *cl = strstr(p, "Content-Length: ");
        if (cl && cl < head_end)
            for (cl += 16; *cl >= '0' && *cl <= '9'; cl++)
                body_len = body_len * 10 + (size_t)(*cl - '0');
        p = head_end + 4 + body_len;
    }
    TEST_FAIL_MESSAGE("no such request");
    return NULL;
}

/* The ring keeps the last bytes, the final ping carries them behind a
 * marker counting what was cut, sized to the limit the start ping learned,
 * and both pings carry the same fresh run id. */
static void test_trap_sends_the_tail(void)
{
    memset(script, 0, sizeof script);
    script[0] = answer_text(ok_limit_40);
    script[1] = answer_text(ok_limit_40);
    tgt_setup(script, 2, 1);
    const hc_trap_config_t tc = trap_config();
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_trap_begin(&trap, &tgt_mc.client, &tc));
    for (unsigned i = 0; i < 10; i++)
        hc_trap_log(&trap, "0123456789", 10);
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_trap_end(&trap, 3));
    /* The ring dropped 36 bytes; the body, cut to the server's 40, drops 79. */
    TEST_ASSERT_EQUAL_UINT64(36, hc_trap_cut(&trap));
    TEST_ASSERT_EQUAL_size_t(2, tgt_mc.mock.next);

    static char start[128];
    strcpy(start, request_line(0, NULL));
    const char *body = NULL;
    const char *end = request_line(1, &body);
    /* "GET /ping/<uuid>/start?rid=<rid> HTTP/1.1", "POST /ping/<uuid>/3?rid=<rid> HTTP/1.1" */
    const char *rid = strstr(start, "?rid=");
    TEST_ASSERT_NOT_NULL(rid);
    rid += 5;
    static char rid_text[37];
    memcpy(rid_text, rid, 36);
    rid_text[36] = '\0';
    TEST_ASSERT_TRUE(hc_is_uuid(rid_text, true));
    TEST_ASSERT_EQUAL_CHAR('4', rid_text[14]);
    TEST_ASSERT_EQUAL_MEMORY("GET /ping/" TGT_UUID "/start?rid=", start, strlen("GET /ping/" TGT_UUID "/start?rid="));
    TEST_ASSERT_EQUAL_MEMORY("POST /ping/" TGT_UUID "/3?rid=", end, strlen("POST /ping/" TGT_UUID "/3?rid="));
    TEST_ASSERT_NOT_NULL(strstr(end, rid_text));
    TEST_ASSERT_EQUAL_STRING("[hc: 79 bytes cut]\n901234567890123456789", body);
}

/* A start ping that fails does not stop the run; the final ping still goes. */
static void test_trap_start_ping_fails(void)
{
    memset(script, 0, sizeof script);
    script[0].connect_result = HC_IO_DNS;
    script[1] = answer_text(ok_limit_40);
    tgt_setup(script, 2, 1);
    const hc_trap_config_t tc = trap_config();
    TEST_ASSERT_EQUAL_INT(HC_ERR_DNS, hc_trap_begin(&trap, &tgt_mc.client, &tc));
    hc_trap_log(&trap, "done\n", 5);
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_trap_end(&trap, 0));
    const char *body = NULL;
    const char *line = request_line(0, &body);
    TEST_ASSERT_EQUAL_MEMORY("POST /ping/" TGT_UUID "?rid=", line, strlen("POST /ping/" TGT_UUID "?rid="));
    TEST_ASSERT_EQUAL_STRING("done\n", body);
}

/* The non-blocking form, for a job that could not be run: /fail. */
static void test_trap_polled(void)
{
    memset(script, 0, sizeof script);
    script[0] = answer_text(ok_limit_40);
    script[0].max_read = 2;
    script[1] = answer_text(ok_limit_40);
    script[1].storm = 3;
    tgt_setup(script, 2, 1);
    const hc_trap_config_t tc = trap_config();
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_trap_begin_async(&trap, &tgt_mc.client, &tc));
    TEST_ASSERT_EQUAL_INT(HC_ERR_BUSY, hc_trap_end_async(&trap, 0));
    hc_err_t r = HC_IN_PROGRESS;
    for (unsigned i = 0; i < TGT_POLL_LIMIT && r == HC_IN_PROGRESS; i++)
        r = hc_trap_poll(&trap);
    TEST_ASSERT_EQUAL_INT(HC_OK, r);
    hc_trap_log(&trap, "no such file\n", 13);
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_trap_end_async(&trap, HC_TRAP_EXEC_FAILED));
    r = HC_IN_PROGRESS;
    for (unsigned i = 0; i < TGT_POLL_LIMIT && r == HC_IN_PROGRESS; i++)
        r = hc_trap_poll(&trap);
    TEST_ASSERT_EQUAL_INT(HC_OK, r);
    const char *body = NULL;
    const char *end = request_line(1, &body);
    TEST_ASSERT_EQUAL_MEMORY("POST /ping/" TGT_UUID "/fail?rid=", end, strlen("POST /ping/" TGT_UUID "/fail?rid="));
    TEST_ASSERT_EQUAL_STRING("no such file\n", body);
    TEST_ASSERT_EQUAL_UINT32(0, tgt_mc.mock.n_sleeps);
}

/* An outcome mapped to nothing sends nothing. */
static void test_trap_sends_nothing(void)
{
    memset(script, 0, sizeof script);
    script[0] = answer_text(ok_limit_40);
    tgt_setup(script, 1, 1);
    hc_trap_config_t tc = trap_config();
    tc.on_success = HC_TRAP_NOTHING;
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_trap_begin(&trap, &tgt_mc.client, &tc));
    hc_trap_log(&trap, "x", 1);
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_trap_end(&trap, 0));
    TEST_ASSERT_EQUAL_size_t(1, tgt_mc.mock.next);
}

static void group_trap(void)
{
    RUN_TEST(test_trap_sends_the_tail);
    RUN_TEST(test_trap_start_ping_fails);
    RUN_TEST(test_trap_polled);
    RUN_TEST(test_trap_sends_nothing);
}

int main(void)
{
    tgt_begin("suite_client");
    tgt_group("ping_blocking", group_ping_blocking);
    tgt_group("ping_nonblocking", group_ping_nonblocking);
    tgt_group("faults", group_faults);
    tgt_group("checks_list", group_checks_list);
    tgt_group("urls_sent", group_urls_sent);
    tgt_group("trap", group_trap);
    return tgt_end();
}
