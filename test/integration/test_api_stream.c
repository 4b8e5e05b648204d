/* Streaming lists against the test server (--generate 1000): lists of 0, 1,
 * 1,000 and 1,005 checks with a 2 KB element buffer and 80 tokens, framed
 * by length, chunked and close-delimited, through the POSIX port (blocking
 * and non-blocking) and, from the server's captured bytes, through the mock
 * one byte at a time: every way gives the same elements. Also: array mode,
 * a callback's error, and the element sizes real server objects need. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_api.h"
#include "healthchecks/hc_ping.h"
#include "hc_port_mock.h"
#include "hc_port_posix.h"
#include "hc_test_server.h"
#include "hc_lex.h"

#define GENERATED 1000
#define ALL (HC_TEST_SEEDED_CHECKS + GENERATED)
#define ELEM 2048
#define TOKENS 80
#define RAW_CAP (4u << 20)

typedef struct env {
    hc_test_server_t server;
    hc_posix_t posix;
    hc_mock_t mock;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    hc_api_t api;
    uint8_t work[1024];
    char elem[ELEM];
    jsmntok_t tok[TOKENS];
    char host[64];
} env_t;

static env_t *env;

/* What one list call delivered: a digest of every decoded element. */
typedef struct seen {
    size_t n;
    unsigned stop_at;            /* 1-based element whose callback fails, or 0 */
    uint64_t hash[ALL + 1];
    char first_name[HC_NAME_MAX];
    char last_name[HC_NAME_MAX];
} seen_t;

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static hc_err_t see(void *ctx, const void *item)
{
    seen_t *s = ctx;
    const hc_check_t *c = item;
    if (s->n >= ALL + 1)
        return HC_ERR_BUFFER;
    s->hash[s->n++] = fnv1a(c, sizeof *c);  /* decoding zeroes the struct first */
    if (s->n == 1)
        memcpy(s->first_name, c->name, sizeof c->name);
    memcpy(s->last_name, c->name, sizeof c->name);
    if (s->stop_at && s->n == s->stop_at)
        return HC_ERR_RANGE;
    return HC_OK;
}

static void bind_posix(void)
{
    hc_posix_init(&env->posix);
    env->tp = hc_posix_transport(&env->posix);
    hc_config_defaults(&env->cfg);
    env->cfg.api_url = env->server.api_url;
    env->cfg.api_key = HC_TEST_RW_KEY;
    env->cfg.transport = &env->tp;
    env->cfg.work = env->work;
    env->cfg.work_size = sizeof env->work;
    env->cfg.backoff_ms = 20;
    assert_err(hc_client_init(&env->client, &env->cfg), HC_OK);
    hc_api_mem_t mem = { env->elem, sizeof env->elem, env->tok, TOKENS };
    assert_err(hc_api_init(&env->api, &env->client, &mem), HC_OK);
}

/* The mock answering with @p raw, one byte per recv. */
static void bind_mock(const char *raw, size_t len, hc_mock_conn_t *script)
{
    memset(script, 0, sizeof *script);
    script->response = (const uint8_t *)raw;
    script->response_len = len;
    script->max_read = 1;
    hc_mock_init(&env->mock, script, 1, NULL, 0);
    env->tp = hc_mock_transport(&env->mock);
    hc_config_defaults(&env->cfg);
    env->cfg.api_url = "http://hc.test/api";
    env->cfg.api_key = HC_TEST_RW_KEY;
    env->cfg.transport = &env->tp;
    env->cfg.work = env->work;
    env->cfg.work_size = sizeof env->work;
    assert_err(hc_client_init(&env->client, &env->cfg), HC_OK);
    hc_api_mem_t mem = { env->elem, sizeof env->elem, env->tok, TOKENS };
    assert_err(hc_api_init(&env->api, &env->client, &mem), HC_OK);
}

static int group_setup(void **state)
{
    (void)state;
    static const char *const args[] = { "--generate", "1000", NULL };
    env = calloc(1, sizeof *env);
    if (!env || hc_test_server_start(&env->server, "127.0.0.1", args) != 0)
        return -1;
    snprintf(env->host, sizeof env->host, "%s", env->server.base_url + strlen("http://"));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    hc_test_server_stop(&env->server);
    free(env);
    return 0;
}

static void set_framing(const char *framing)
{
    char body[64], resp[1024];
    snprintf(body, sizeof body, "{\"framing\": \"%s\"}", framing);
    assert_int_equal(hc_test_server_control(&env->server, "POST", "/_test/config", body, resp,
                                            sizeof resp), 200);
}

/* The queries, and the query string each sends. */
typedef struct query {
    const char *tag, *slug, *target;
    size_t count;
} query_t;

static const query_t queries[] = {
    { "no-such-tag", NULL, "/api/v3/checks/?tag=no-such-tag", 0 },
    { NULL, "gen-0500", "/api/v3/checks/?slug=gen-0500", 1 },
    { "generated", NULL, "/api/v3/checks/?tag=generated", GENERATED },
    { NULL, NULL, "/api/v3/checks/", ALL },
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

static hc_err_t start_query(const query_t *q, hc_list_t *out)
{
    const char *tags[1] = { q->tag };
    hc_check_query_t cq = { .tags = tags, .n_tags = q->tag ? 1 : 0, .slug = q->slug };
    return hc_api_list_checks_begin(&env->api, &cq, out);
}

static hc_err_t list_blocking(const query_t *q, seen_t *s)
{
    hc_check_t slot;
    hc_list_t out = { .items = &slot, .capacity = 1, .each = see, .ctx = s };
    assert_err(start_query(q, &out), HC_OK);
    hc_err_t r = hc_api_wait(&env->api);
    if (r == HC_OK) {
        assert_int_equal(out.total, s->n);
        assert_int_equal(out.count, 0);
    }
    return r;
}

static void assert_same(const seen_t *a, const seen_t *b, const char *what)
{
    if (a->n != b->n)
        fail_msg("%s: %zu elements, expected %zu", what, a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        if (a->hash[i] != b->hash[i])
            fail_msg("%s: element %zu differs", what, i);
    }
}

static seen_t *reference[N_QUERIES];

/* Length framing through the POSIX port: the reference results. */
static void test_lists_by_length(void **state)
{
    (void)state;
    set_framing("length");
    bind_posix();
    for (size_t i = 0; i < N_QUERIES; i++) {
        seen_t *s = reference[i] = calloc(1, sizeof *s);
        assert_non_null(s);
        assert_err(list_blocking(&queries[i], s), HC_OK);
        assert_int_equal(s->n, queries[i].count);
    }
    assert_string_equal(reference[1]->first_name, "gen-0500");
    assert_string_equal(reference[2]->first_name, "gen-0001");
    assert_string_equal(reference[2]->last_name, "gen-1000");
    assert_string_equal(reference[3]->first_name, HC_TEST_CHECK_BACKUP_NAME);
    assert_string_equal(reference[3]->last_name, "gen-1000");
    /* the generated checks of the full list are the tag list's */
    for (size_t k = 0; k < GENERATED; k++)
        assert_true(reference[3]->hash[HC_TEST_SEEDED_CHECKS + k] == reference[2]->hash[k]);
    hc_client_close(&env->client);
}

static void test_lists_chunked_and_close_delimited(void **state)
{
    (void)state;
    static const char *const framings[] = { "chunked", "close" };
    for (size_t f = 0; f < 2; f++) {
        set_framing(framings[f]);
        bind_posix();
        for (size_t i = 0; i < N_QUERIES; i++) {
            seen_t *s = calloc(1, sizeof *s);
            assert_non_null(s);
            assert_err(list_blocking(&queries[i], s), HC_OK);
            assert_same(s, reference[i], framings[f]);
            free(s);
        }
        hc_client_close(&env->client);
    }
    set_framing("length");
}

/* Non-blocking: hc_api_poll() until done, every framing, the full list. */
static void test_lists_polled(void **state)
{
    (void)state;
    static const char *const framings[] = { "length", "chunked", "close" };
    for (size_t f = 0; f < 3; f++) {
        set_framing(framings[f]);
        bind_posix();
        seen_t *s = calloc(1, sizeof *s);
        assert_non_null(s);
        hc_check_t slot;
        hc_list_t out = { .items = &slot, .capacity = 1, .each = see, .ctx = s };
        assert_err(start_query(&queries[3], &out), HC_OK);
        unsigned in_progress = 0;
        time_t give_up = time(NULL) + 20;
        hc_err_t r;
        while ((r = hc_api_poll(&env->api)) == HC_IN_PROGRESS) {
            in_progress++;
            assert_true(time(NULL) < give_up);
            if (in_progress % 64 == 0) {
                struct timespec nap = { 0, 100000 };
                nanosleep(&nap, NULL);
            }
        }
        assert_err(r, HC_OK);
        assert_true(in_progress > 0);
        assert_int_equal(out.total, ALL);
        assert_same(s, reference[3], framings[f]);
        free(s);
        hc_client_close(&env->client);
    }
    set_framing("length");
}

/* Array mode: capacity smaller than the list. */
static void test_array_mode(void **state)
{
    (void)state;
    set_framing("chunked");
    bind_posix();
    static hc_check_t items[10];
    static const size_t caps[] = { 1, 10 };
    for (size_t k = 0; k < 2; k++) {
        hc_list_t out = { .items = items, .capacity = caps[k] };
        assert_err(start_query(&queries[3], &out), HC_OK);
        assert_err(hc_api_wait(&env->api), HC_OK);
        assert_int_equal(out.count, caps[k]);
        assert_int_equal(out.total, ALL);
        for (size_t i = 0; i < caps[k]; i++)
            assert_true(fnv1a(&items[i], sizeof items[i]) == reference[3]->hash[i]);
    }
    /* more room than elements */
    hc_list_t out = { .items = items, .capacity = 10 };
    assert_err(start_query(&queries[1], &out), HC_OK);
    assert_err(hc_api_wait(&env->api), HC_OK);
    assert_int_equal(out.count, 1);
    assert_int_equal(out.total, 1);
    assert_string_equal(items[0].slug, "gen-0500");
    assert_string_equal(items[0].tags, "generated");
    assert_true(hc_is_uuid(items[0].uuid, true));
    hc_client_close(&env->client);
    set_framing("length");
}

static void test_callback_error_stops_the_list(void **state)
{
    (void)state;
    static const char *const framings[] = { "length", "chunked", "close" };
    for (size_t f = 0; f < 3; f++) {
        set_framing(framings[f]);
        bind_posix();
        seen_t *s = calloc(1, sizeof *s);
        assert_non_null(s);
        s->stop_at = 500;
        assert_err(list_blocking(&queries[2], s), HC_ERR_RANGE);
        assert_int_equal(s->n, 500);
        assert_int_equal(hc_client_attempts(&env->client), 1);
        /* the client is free for the next call at once */
        memset(s, 0, sizeof *s);
        assert_err(list_blocking(&queries[1], s), HC_OK);
        assert_int_equal(s->n, 1);
        free(s);
        hc_client_close(&env->client);
    }
    set_framing("length");
}

/* The server's exact response bytes for @p target (as framed now). */
static char *capture(const char *target, size_t *len)
{
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s\r\nX-Api-Key: " HC_TEST_RW_KEY
                     "\r\nConnection: close\r\n\r\n", target, env->host);
    char *raw = malloc(RAW_CAP);
    assert_non_null(raw);
    long got = hc_test_server_raw(&env->server, req, (size_t)n, raw, RAW_CAP);
    assert_true(got > 0);
    *len = (size_t)got;
    return raw;
}

/* The same bytes through the mock, one per recv: the same elements. */
static void test_captured_responses_byte_by_byte(void **state)
{
    (void)state;
    static const char *const framings[] = { "length", "chunked", "close" };
    for (size_t f = 0; f < 3; f++) {
        set_framing(framings[f]);
        for (size_t i = 0; i < N_QUERIES; i++) {
            if (i == 3 && f != 1)
                continue;  /* the full list once is enough: it is the slowest */
            size_t len;
            char *raw = capture(queries[i].target, &len);
            hc_mock_conn_t script;
            bind_mock(raw, len, &script);
            seen_t *s = calloc(1, sizeof *s);
            assert_non_null(s);
            assert_err(list_blocking(&queries[i], s), HC_OK);
            char what[64];
            snprintf(what, sizeof what, "%s, %zu elements, one byte a time", framings[f],
                     queries[i].count);
            assert_same(s, reference[i], what);
            assert_int_equal(env->mock.resp_pos, len);  /* every byte consumed */
            free(s);
            free(raw);
        }
    }
    set_framing("length");
}

/* ----------------------------------------------------- memory measured */

typedef struct measure {
    size_t max_elem;
    int max_tok;
} measure_t;

static hc_err_t measure_element(void *ctx, const char *name, size_t name_len,
                                const char *elem, size_t elem_len)
{
    measure_t *m = ctx;
    static jsmntok_t tok[4096];
    hc_json_t doc;
    (void)name_len;
    assert_err(hc_json_parse(&doc, elem, elem_len, tok, 4096), HC_OK);
    size_t need = name ? (size_t)(elem + elem_len - (name - 1)) : elem_len;
    m->max_elem = need > m->max_elem ? need : m->max_elem;
    m->max_tok = doc.n > m->max_tok ? doc.n : m->max_tok;
    return HC_OK;
}

/* Largest element and most tokens of the response to GET @p target
 * (length-framed). @p key NULL: a single object. */
static measure_t measure(const char *target, const char *key, hc_jstream_shape_t shape)
{
    measure_t m = { 0 };
    size_t len;
    char *raw = capture(target, &len);
    char *body = strstr(raw, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    size_t body_len = len - (size_t)(body - raw);
    assert_int_equal(strncmp(raw, "HTTP/1.1 200", 12), 0);
    if (key) {
        static char buf[65536];
        hc_jstream_t js;
        assert_err(hc_jstream_init(&js, key, shape, buf, sizeof buf, measure_element, &m), HC_OK);
        assert_err(hc_jstream_feed(&js, (const uint8_t *)body, body_len), HC_OK);
        assert_err(hc_jstream_finish(&js), HC_OK);
    } else {
        measure_element(&m, NULL, 0, body, body_len);
    }
    free(raw);
    return m;
}

static void test_measure_server_objects(void **state)
{
    (void)state;
    set_framing("length");
    bind_posix();
    /* some pings, so that the ping log and flips have realistic entries */
    static const hc_signal_t signals[] = { HC_SIGNAL_START, HC_SIGNAL_SUCCESS, HC_SIGNAL_FAIL,
                                           HC_SIGNAL_LOG };
    env->cfg.ping_url = env->server.ping_url;
    env->cfg.user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
                          "Gecko) Chrome/120.0.0.0 Safari/537.36";
    assert_err(hc_client_init(&env->client, &env->cfg), HC_OK);
    for (size_t i = 0; i < 4; i++) {
        hc_ping_t p = { .uuid = HC_TEST_CHECK_BACKUP, .signal = signals[i],
                        .rid = "cabd8d03-d637-46e9-b652-805655b43815",
                        .body = (const uint8_t *)"body", .body_len = 4 };
        hc_ping_result_t res;
        assert_err(hc_ping_send(&env->client, &p, &res), HC_OK);
    }
    static const struct {
        const char *target, *key;
        hc_jstream_shape_t shape;
    } cases[] = {
        { "/api/v3/checks/", "checks", HC_JSTREAM_ARRAY },
        { "/api/v1/checks/", "checks", HC_JSTREAM_ARRAY },
        { "/api/v3/checks/" HC_TEST_CHECK_CRON, NULL, 0 },
        { "/api/v3/checks/" HC_TEST_CHECK_BACKUP "/pings/", "pings", HC_JSTREAM_ARRAY },
        { "/api/v3/checks/" HC_TEST_CHECK_BACKUP "/flips/", "flips", HC_JSTREAM_ARRAY },
        { "/api/v3/channels/", "channels", HC_JSTREAM_ARRAY },
        { "/api/v3/badges/", "badges", HC_JSTREAM_MEMBERS },
    };
    measure_t all = { 0 };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        measure_t m = measure(cases[i].target, cases[i].key, cases[i].shape);
        print_message("  %-66s %4zu bytes, %2d tokens\n", cases[i].target, m.max_elem, m.max_tok);
        all.max_elem = m.max_elem > all.max_elem ? m.max_elem : all.max_elem;
        all.max_tok = m.max_tok > all.max_tok ? m.max_tok : all.max_tok;
    }
    print_message("  test server (v3 objects, %zu-byte site URL): largest element %zu bytes, "
                  "most tokens %d\n", strlen(env->server.base_url), all.max_elem, all.max_tok);
    assert_true(all.max_elem <= ELEM && all.max_tok <= TOKENS);
}

/* A check with every field at the server's limits does not fit 2 KB: the
 * call says so (HC_ERR_JSON_TOO_LARGE), and a larger buffer decodes it.
 * A write call whose echo does not fit still happened (its status says so). */
static void test_maximal_check(void **state)
{
    (void)state;
    set_framing("length");
    bind_posix();
    static char name[101], kw[5][201], desc[701];
    memset(name, 'N', 100);
    for (int i = 0; i < 5; i++)
        memset(kw[i], 'a' + i, 200);
    memset(desc, 'd', 700);
    hc_check_spec_t spec = {
        .set = HC_SPEC_NAME | HC_SPEC_SLUG | HC_SPEC_TAGS | HC_SPEC_DESC | HC_SPEC_SCHEDULE |
               HC_SPEC_TZ | HC_SPEC_CHANNELS | HC_SPEC_SUBJECT | HC_SPEC_SUBJECT_FAIL |
               HC_SPEC_START_KW | HC_SPEC_SUCCESS_KW | HC_SPEC_FAILURE_KW,
        .name = name,
        .slug = "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-"
                "abcdefghij-abcdefghij-abcdefghij-a",
        .tags = "production db backups nightly eu-west-1 critical",
        .desc = desc, .schedule = "15 5 * * 1-5", .tz = "America/Los_Angeles", .channels = "*",
        .subject = kw[0], .subject_fail = kw[1], .start_kw = kw[2], .success_kw = kw[3],
        .failure_kw = kw[4],
    };
    /* the request body alone is over 2 KB: refused before sending */
    assert_err(hc_api_create_check_begin(&env->api, &spec, NULL), HC_ERR_BUFFER);

    /* created with a larger element buffer */
    static char big[8192];
    static jsmntok_t big_tok[128];
    hc_api_mem_t mem = { big, sizeof big, big_tok, 128 };
    assert_err(hc_api_init(&env->api, &env->client, &mem), HC_OK);
    hc_check_t c;
    assert_err(hc_api_create_check_begin(&env->api, &spec, &c), HC_OK);
    assert_err(hc_api_wait(&env->api), HC_OK);
    assert_true(hc_api_created(&env->api));
    /* kept strings are cut to their fields, and flagged */
    assert_string_equal(c.name, name);
    assert_true(HC_TRUNCATED(&c, HC_CHECK_F_DESC));
    assert_true(HC_TRUNCATED(&c, HC_CHECK_F_SUBJECT));
    assert_false(HC_TRUNCATED(&c, HC_CHECK_F_NAME));
    assert_int_equal(strlen(c.subject), HC_KEYWORD_MAX - 1);
    char uuid[HC_UUID_MAX];
    memcpy(uuid, c.uuid, sizeof uuid);
    char target[128];
    snprintf(target, sizeof target, "/api/v3/checks/%s", uuid);
    measure_t m = measure(target, NULL, 0);
    print_message("  a check with every field at the server's limit (desc 700): %zu bytes, "
                  "%d tokens\n", m.max_elem, m.max_tok);
    assert_true(m.max_elem > ELEM);

    /* with 2 KB: listed and fetched, it is refused whole, never cut */
    bind_posix();
    assert_err(hc_api_get_check_begin(&env->api, uuid, &c), HC_OK);
    assert_err(hc_api_wait(&env->api), HC_ERR_JSON_TOO_LARGE);
    seen_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    assert_err(list_blocking(&queries[3], s), HC_ERR_JSON_TOO_LARGE);
    assert_int_equal(s->n, ALL);  /* the elements before it were delivered */
    free(s);
    /* a call on one check is carried out even when its echo does not fit */
    assert_err(hc_api_pause_check_begin(&env->api, uuid, NULL), HC_OK);
    assert_err(hc_api_wait(&env->api), HC_OK);  /* the echo is not wanted, so not read */
    assert_err(hc_api_delete_check_begin(&env->api, uuid, &c), HC_OK);
    assert_err(hc_api_wait(&env->api), HC_ERR_JSON_TOO_LARGE);  /* deleted, echo too big */
    assert_int_equal(hc_client_status(&env->client), 200);
    assert_err(hc_api_get_check_begin(&env->api, uuid, &c), HC_OK);
    assert_err(hc_api_wait(&env->api), HC_ERR_NOT_FOUND);
    hc_client_close(&env->client);
}

static int free_references(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_QUERIES; i++)
        free(reference[i]);
    return group_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists_by_length),
        cmocka_unit_test(test_lists_chunked_and_close_delimited),
        cmocka_unit_test(test_lists_polled),
        cmocka_unit_test(test_array_mode),
        cmocka_unit_test(test_callback_error_stops_the_list),
        cmocka_unit_test(test_captured_responses_byte_by_byte),
        cmocka_unit_test(test_measure_server_objects),
        cmocka_unit_test(test_maximal_check),
    };
    return cmocka_run_group_tests_name("api lists against the test server", tests, group_setup,
                                       free_references);
}
