/* The Management API through the POSIX port against the test server: for
 * every endpoint the exact request the server recorded and every decoded
 * field against the server's known state; read-only, foreign and wrong
 * keys; validation errors; API versions 1-3; an old server; retries; and
 * local validation that sends nothing. */
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
#include "hc_port_posix.h"
#include "hc_test_server.h"
#include "hc_lex.h"

#define UA "hc-api-test/1.0"
#define BACKUP HC_TEST_CHECK_BACKUP
#define CRON HC_TEST_CHECK_CRON
#define RID "cabd8d03-d637-46e9-b652-805655b43815"
#define BADGE_KEY "6a5b7b1e-3f0a-4c59-9a43-4c7d5e1f0b21" /* the project's, in the server */
/* uuid5(check uuid, "badge"): the server's per-check badge key */
#define BACKUP_BADGE "797128bf-e34b-5a1f-a610-c935a6366150"
#define BOTH_CHANNELS HC_TEST_CHANNEL_SLACK "," HC_TEST_CHANNEL_EMAIL /* sorted */

#define BIT(f) (1ull << (f))
#define ALL_CHECK_FIELDS (BIT(HC_CHECK_F__COUNT) - 1u)
#define RW_ONLY (BIT(HC_CHECK_F_UUID) | BIT(HC_CHECK_F_PING_URL) | BIT(HC_CHECK_F_UPDATE_URL) | \
                 BIT(HC_CHECK_F_PAUSE_URL) | BIT(HC_CHECK_F_RESUME_URL) | BIT(HC_CHECK_F_CHANNELS))
#define SIMPLE_RW (ALL_CHECK_FIELDS & ~(BIT(HC_CHECK_F_LAST_DURATION) | BIT(HC_CHECK_F_UNIQUE_KEY) | \
                                        BIT(HC_CHECK_F_SCHEDULE) | BIT(HC_CHECK_F_TZ)))
#define CRON_RW (ALL_CHECK_FIELDS & ~(BIT(HC_CHECK_F_LAST_DURATION) | BIT(HC_CHECK_F_UNIQUE_KEY) | \
                                      BIT(HC_CHECK_F_TIMEOUT)))
#define SIMPLE_RO ((SIMPLE_RW & ~RW_ONLY) | BIT(HC_CHECK_F_UNIQUE_KEY))
#define NEVER_PINGED (BIT(HC_CHECK_F_LAST_PING) | BIT(HC_CHECK_F_NEXT_PING))

typedef struct env {
    hc_test_server_t server;
    hc_posix_t posix;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    hc_api_t api;
    uint8_t work[1024];
    char elem[2048];
    jsmntok_t tok[80];
    char host[64];             /* the Host header's value */
    char site[128];            /* base URL, as the server writes it into objects */
    unsigned seen;             /* requests recorded before the current call */
} env_t;

/* (Re)bind client and API to @p key and @p version. */
static void connect_as(env_t *e, const char *key, uint8_t version)
{
    hc_posix_init(&e->posix);
    e->tp = hc_posix_transport(&e->posix);
    hc_config_defaults(&e->cfg);
    e->cfg.ping_url = e->server.ping_url;
    e->cfg.api_url = e->server.api_url;
    e->cfg.api_key = key;
    e->cfg.user_agent = UA;
    e->cfg.transport = &e->tp;
    e->cfg.work = e->work;
    e->cfg.work_size = sizeof e->work;
    e->cfg.backoff_ms = 20;
    e->cfg.backoff_max_ms = 40;
    e->cfg.api_version = version;
    assert_err(hc_client_init(&e->client, &e->cfg), HC_OK);
    hc_api_mem_t mem = { e->elem, sizeof e->elem, e->tok, sizeof e->tok / sizeof e->tok[0] };
    assert_err(hc_api_init(&e->api, &e->client, &mem), HC_OK);
}

static int start_server(void **state, const char *const *args)
{
    env_t *e = calloc(1, sizeof *e);
    if (!e || hc_test_server_start(&e->server, "127.0.0.1", args) != 0) {
        free(e);
        return -1;
    }
    snprintf(e->host, sizeof e->host, "%s", e->server.base_url + strlen("http://"));
    snprintf(e->site, sizeof e->site, "%s", e->server.base_url);
    *state = e;
    return 0;
}

static int group_setup(void **state) { return start_server(state, NULL); }

static int group_teardown(void **state)
{
    env_t *e = *state;
    hc_test_server_stop(&e->server);
    free(e);
    return 0;
}

/* Every test starts from the seeded state, a fresh client and no records. */
static int test_setup(void **state)
{
    env_t *e = *state;
    char resp[512];
    if (hc_test_server_control(&e->server, "POST", "/_test/reset", NULL, resp, sizeof resp) != 200)
        return -1;
    connect_as(e, HC_TEST_RW_KEY, 3);
    e->seen = 0;
    return 0;
}

static int test_teardown(void **state)
{
    env_t *e = *state;
    hc_client_close(&e->client);
    return 0;
}

static void configure(env_t *e, const char *json)
{
    char resp[1024];
    assert_int_equal(hc_test_server_control(&e->server, "POST", "/_test/config", json, resp,
                                            sizeof resp), 200);
}

/* Start a call (which must start) and block until it ends. */
static hc_err_t run(env_t *e, hc_err_t started)
{
    assert_err(started, HC_OK);
    return hc_api_wait(&e->api);
}

/* The call just made sent exactly one request, and it was these bytes. */
static void expect_request(env_t *e, const char *line, const char *key, const char *body)
{
    static char want[8192], got[65536];
    unsigned n = hc_test_server_request_count(&e->server);
    assert_int_equal(n, e->seen + 1);
    e->seen = n;
    int k = snprintf(want, sizeof want, "%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: " UA "\r\n",
                     line, e->host);
    if (key)
        k += snprintf(want + k, sizeof want - (size_t)k, "X-Api-Key: %s\r\n", key);
    if (body)
        k += snprintf(want + k, sizeof want - (size_t)k,
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n", strlen(body));
    snprintf(want + k, sizeof want - (size_t)k, "Connection: close\r\n\r\n%s", body ? body : "");
    assert_true(hc_test_server_request(&e->server, n, got, sizeof got) >= 0);
    assert_string_equal(got, want);
}

static void expect_rw(env_t *e, const char *line) { expect_request(e, line, HC_TEST_RW_KEY, NULL); }

static void expect_nothing_sent(env_t *e)
{
    assert_int_equal(hc_test_server_request_count(&e->server), e->seen);
}

/* The server's URL for @p check under API @p version, plus @p tail. */
static const char *api_url(env_t *e, unsigned version, const char *check, const char *tail)
{
    static char buf[4][256];
    static unsigned next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/api/v%u/checks/%s%s", e->site, version, check, tail);
    return b;
}

static const char *site_url(env_t *e, const char *path)
{
    static char buf[4][256];
    static unsigned next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s%s", e->site, path);
    return b;
}

static void assert_no_text_fields_set(const hc_check_t *c)
{
    assert_string_equal(c->methods, "");
    assert_string_equal(c->subject, "");
    assert_string_equal(c->subject_fail, "");
    assert_string_equal(c->start_kw, "");
    assert_string_equal(c->success_kw, "");
    assert_string_equal(c->failure_kw, "");
    assert_false(c->manual_resume);
    assert_false(c->filter_subject);
    assert_false(c->filter_body);
    assert_false(c->filter_http_body);
    assert_false(c->filter_default_fail);
    assert_int_equal(c->truncated, 0);
}

/* The seeded "Database Backup" as a read-write key sees it (never pinged). */
static void assert_backup(env_t *e, const hc_check_t *c, unsigned version)
{
    assert_int_equal(c->present, SIMPLE_RW);
    assert_int_equal(c->nulls, NEVER_PINGED);
    assert_string_equal(c->name, HC_TEST_CHECK_BACKUP_NAME);
    assert_string_equal(c->slug, HC_TEST_CHECK_BACKUP_SLUG);
    assert_string_equal(c->tags, HC_TEST_CHECK_BACKUP_TAGS);
    assert_string_equal(c->desc, "Runs ~/db-backup.sh");
    assert_int_equal(c->grace, 1200);
    assert_int_equal(c->n_pings, 0);
    assert_int_equal(c->status, HC_STATUS_NEW);
    assert_false(c->started);
    assert_int_equal(c->last_ping, 0);
    assert_int_equal(c->next_ping, 0);
    assert_no_text_fields_set(c);
    assert_string_equal(c->badge_url, site_url(e, "/b/2/" BACKUP_BADGE ".svg"));
    assert_string_equal(c->uuid, BACKUP);
    assert_string_equal(c->unique_key, "");
    assert_string_equal(c->ping_url, site_url(e, "/ping/" BACKUP));
    assert_string_equal(c->update_url, api_url(e, version, BACKUP, ""));
    assert_string_equal(c->pause_url, api_url(e, version, BACKUP, "/pause"));
    assert_string_equal(c->resume_url, api_url(e, version, BACKUP, "/resume"));
    assert_string_equal(c->channels, BOTH_CHANNELS);
    assert_int_equal(c->timeout, 86400);
    assert_string_equal(c->schedule, "");
    assert_string_equal(c->tz, "");
}

static void assert_cron(env_t *e, const hc_check_t *c)
{
    assert_int_equal(c->present, CRON_RW);
    assert_int_equal(c->nulls, NEVER_PINGED);
    assert_string_equal(c->name, "Nightly Report");
    assert_string_equal(c->slug, HC_TEST_CHECK_CRON_SLUG);
    assert_string_equal(c->tags, "cron reports");
    assert_string_equal(c->desc, "");
    assert_int_equal(c->grace, 300);
    assert_int_equal(c->n_pings, 0);
    assert_int_equal(c->status, HC_STATUS_NEW);
    assert_false(c->started);
    assert_no_text_fields_set(c);
    assert_string_equal(c->badge_url, site_url(e, "/b/2/ef7ac574-12ad-50b8-82e0-4e01e45fc956.svg"));
    assert_string_equal(c->uuid, CRON);
    assert_string_equal(c->update_url, api_url(e, 3, CRON, ""));
    assert_string_equal(c->channels, HC_TEST_CHANNEL_EMAIL);
    assert_int_equal(c->timeout, 0);
    assert_string_equal(c->schedule, HC_TEST_CHECK_CRON_SCHEDULE);
    assert_string_equal(c->tz, HC_TEST_CHECK_CRON_TZ);
}

/* A seeded check with defaults but for its name, slug, tags and status. */
static void assert_plain(const hc_check_t *c, const char *uuid, const char *name,
                         const char *slug, const char *tags, hc_check_status_t status)
{
    assert_int_equal(c->present, SIMPLE_RW);
    assert_string_equal(c->uuid, uuid);
    assert_string_equal(c->name, name);
    assert_string_equal(c->slug, slug);
    assert_string_equal(c->tags, tags);
    assert_int_equal(c->status, status);
    assert_int_equal(c->grace, 3600);
    assert_int_equal(c->timeout, 86400);
    assert_string_equal(c->channels, "");
    assert_no_text_fields_set(c);
}

/* ---------------------------------------------------------------- checks */

static void test_list_checks(void **state)
{
    env_t *e = *state;
    hc_check_t items[8];
    hc_list_t out = { .items = items, .capacity = 8 };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/");
    assert_int_equal(out.count, HC_TEST_SEEDED_CHECKS);
    assert_int_equal(out.total, HC_TEST_SEEDED_CHECKS);
    assert_backup(e, &items[0], 3);
    assert_cron(e, &items[1]);
    assert_plain(&items[2], HC_TEST_CHECK_DUP1, "dup one", "dup", "", HC_STATUS_NEW);
    assert_plain(&items[3], HC_TEST_CHECK_DUP2, "dup two", "dup", "", HC_STATUS_NEW);
    assert_plain(&items[4], HC_TEST_CHECK_PAUSED, "Paused Job", HC_TEST_CHECK_PAUSED_SLUG,
                 "production", HC_STATUS_PAUSED);
}

static void test_list_checks_filters(void **state)
{
    env_t *e = *state;
    hc_check_t items[8];
    hc_list_t out = { .items = items, .capacity = 8 };

    const char *prod[] = { "production" };
    hc_check_query_t q = { .tags = prod, .n_tags = 1 };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, &q, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/?tag=production");
    assert_int_equal(out.count, 2);
    assert_string_equal(items[0].uuid, BACKUP);
    assert_string_equal(items[1].uuid, HC_TEST_CHECK_PAUSED);

    const char *prod_db[] = { "production", "db" };  /* every tag must match */
    q = (hc_check_query_t){ .tags = prod_db, .n_tags = 2 };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, &q, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/?tag=production&tag=db");
    assert_int_equal(out.count, 1);
    assert_backup(e, &items[0], 3);

    q = (hc_check_query_t){ .slug = HC_TEST_DUP_SLUG };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, &q, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/?slug=dup");
    assert_int_equal(out.count, 2);
    assert_string_equal(items[0].uuid, HC_TEST_CHECK_DUP1);
    assert_string_equal(items[1].uuid, HC_TEST_CHECK_DUP2);

    q = (hc_check_query_t){ .tags = prod, .n_tags = 1, .slug = HC_TEST_CHECK_PAUSED_SLUG };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, &q, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/?tag=production&slug=paused-job");
    assert_int_equal(out.count, 1);
    assert_string_equal(items[0].uuid, HC_TEST_CHECK_PAUSED);

    /* Reserved characters are percent-encoded, so the server sees the tag
     * as one value: "a b&c=d" is two words, which no check has as one tag. */
    const char *odd[] = { "a b&c=d" };
    q = (hc_check_query_t){ .tags = odd, .n_tags = 1 };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, &q, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/?tag=a%20b%26c%3Dd");
    assert_int_equal(out.count, 0);
    assert_int_equal(out.total, 0);

    /* ...while "b&c=d" alone, once a check carries it, finds that check
     * (had "&" or "=" gone out raw, the server would have seen tag "b"). */
    hc_check_spec_t spec = { .set = HC_SPEC_TAGS, .tags = "x b&c=d" };
    assert_err(run(e, hc_api_update_check_begin(&e->api, CRON, &spec, NULL)), HC_OK);
    expect_request(e, "POST /api/v3/checks/" CRON, HC_TEST_RW_KEY, "{\"tags\":\"x b&c=d\"}");
    const char *amp[] = { "b&c=d" };
    q = (hc_check_query_t){ .tags = amp, .n_tags = 1, .slug = "nightly-report" };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, &q, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/?tag=b%26c%3Dd&slug=nightly-report");
    assert_int_equal(out.count, 1);
    assert_string_equal(items[0].tags, "x b&c=d");
}

static void test_get_check_by_uuid_and_unique_key(void **state)
{
    env_t *e = *state;
    hc_check_t c;
    memset(&c, 0xa5, sizeof c);  /* every field is overwritten */
    assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" BACKUP);
    assert_backup(e, &c, 3);

    assert_err(run(e, hc_api_get_check_begin(&e->api, CRON, &c)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" CRON);
    assert_cron(e, &c);

    /* A read-write key may use the unique_key too; it still gets the uuid. */
    assert_err(run(e, hc_api_get_check_begin(&e->api, HC_TEST_CHECK_BACKUP_UNIQUE_KEY, &c)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" HC_TEST_CHECK_BACKUP_UNIQUE_KEY);
    assert_backup(e, &c, 3);

    assert_err(run(e, hc_api_get_check_begin(&e->api, HC_TEST_UNKNOWN_UUID, &c)), HC_ERR_NOT_FOUND);
    expect_rw(e, "GET /api/v3/checks/" HC_TEST_UNKNOWN_UUID);
    assert_int_equal(hc_client_status(&e->client), 404);
}

static void test_create_and_upsert(void **state)
{
    env_t *e = *state;
    hc_check_t c;
    hc_check_spec_t spec = {
        .set = HC_SPEC_NAME | HC_SPEC_SLUG | HC_SPEC_TAGS | HC_SPEC_DESC | HC_SPEC_TIMEOUT |
               HC_SPEC_GRACE | HC_SPEC_MANUAL_RESUME | HC_SPEC_METHODS | HC_SPEC_CHANNELS |
               HC_SPEC_SUCCESS_KW | HC_SPEC_FILTER_BODY,
        .name = "API \"test\" \xc3\xa9", .slug = "api-test", .tags = "t1 t2",
        .desc = "line 1\nline 2\t\\", .timeout = 3600, .grace = 120, .manual_resume = true,
        .methods = "POST", .channels = "*", .success_kw = "DONE", .filter_body = true,
    };
    assert_err(run(e, hc_api_create_check_begin(&e->api, &spec, &c)), HC_OK);
    expect_request(e, "POST /api/v3/checks/", HC_TEST_RW_KEY,
                   "{\"name\":\"API \\\"test\\\" \xc3\xa9\",\"slug\":\"api-test\",\"tags\":\"t1 t2\","
                   "\"desc\":\"line 1\\u000aline 2\\u0009\\\\\",\"timeout\":3600,\"grace\":120,"
                   "\"manual_resume\":true,\"methods\":\"POST\",\"channels\":\"*\","
                   "\"success_kw\":\"DONE\",\"filter_body\":true}");
    assert_int_equal(hc_client_status(&e->client), 201);
    assert_true(hc_api_created(&e->api));
    assert_string_equal(c.name, "API \"test\" \xc3\xa9");
    assert_string_equal(c.slug, "api-test");
    assert_string_equal(c.tags, "t1 t2");
    assert_string_equal(c.desc, "line 1\nline 2\t\\");
    assert_int_equal(c.timeout, 3600);
    assert_int_equal(c.grace, 120);
    assert_true(c.manual_resume);
    assert_string_equal(c.methods, "POST");
    assert_string_equal(c.channels, BOTH_CHANNELS);
    assert_string_equal(c.success_kw, "DONE");
    assert_true(c.filter_body);
    assert_false(c.filter_subject);
    assert_int_equal(c.status, HC_STATUS_NEW);
    assert_true(hc_is_uuid(c.uuid, true));
    char uuid[HC_UUID_MAX];
    memcpy(uuid, c.uuid, sizeof uuid);

    /* Upsert that finds the check: 200, same check, only grace changed. */
    static const char *const by_name[] = { "name" };
    hc_check_spec_t upsert = {
        .set = HC_SPEC_NAME | HC_SPEC_GRACE | HC_SPEC_UNIQUE,
        .name = "API \"test\" \xc3\xa9", .grace = 600, .unique = by_name, .n_unique = 1,
    };
    assert_err(run(e, hc_api_create_check_begin(&e->api, &upsert, &c)), HC_OK);
    expect_request(e, "POST /api/v3/checks/", HC_TEST_RW_KEY,
                   "{\"name\":\"API \\\"test\\\" \xc3\xa9\",\"grace\":600,\"unique\":[\"name\"]}");
    assert_int_equal(hc_client_status(&e->client), 200);
    assert_false(hc_api_created(&e->api));
    assert_string_equal(c.uuid, uuid);
    assert_int_equal(c.grace, 600);
    assert_int_equal(c.timeout, 3600);
    assert_string_equal(c.tags, "t1 t2");

    /* Upsert that finds nothing: a new check (201); out may be NULL. */
    upsert.name = "another";
    assert_err(run(e, hc_api_create_check_begin(&e->api, &upsert, NULL)), HC_OK);
    expect_request(e, "POST /api/v3/checks/", HC_TEST_RW_KEY,
                   "{\"name\":\"another\",\"grace\":600,\"unique\":[\"name\"]}");
    assert_true(hc_api_created(&e->api));

    hc_check_t items[8];
    hc_list_t out = { .items = items, .capacity = 8 };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_OK);
    assert_int_equal(out.total, HC_TEST_SEEDED_CHECKS + 2);
    assert_string_equal(items[6].name, "another");
    assert_int_equal(items[6].timeout, 86400);  /* server default */
}

static void test_update_sends_exactly_the_fields_set(void **state)
{
    env_t *e = *state;
    hc_check_t c;
    hc_check_spec_t spec = { .set = HC_SPEC_NAME | HC_SPEC_DESC, .name = "Renamed", .desc = "" };
    assert_err(run(e, hc_api_update_check_begin(&e->api, BACKUP, &spec, &c)), HC_OK);
    expect_request(e, "POST /api/v3/checks/" BACKUP, HC_TEST_RW_KEY,
                   "{\"name\":\"Renamed\",\"desc\":\"\"}");
    assert_false(hc_api_created(&e->api));
    assert_string_equal(c.name, "Renamed");
    assert_string_equal(c.desc, "");
    /* v3: the slug is independent of the name; all else unchanged */
    assert_string_equal(c.slug, HC_TEST_CHECK_BACKUP_SLUG);
    assert_string_equal(c.tags, HC_TEST_CHECK_BACKUP_TAGS);
    assert_int_equal(c.grace, 1200);
    assert_int_equal(c.timeout, 86400);
    assert_string_equal(c.channels, BOTH_CHANNELS);

    /* No fields at all: "{}" changes nothing. */
    spec = (hc_check_spec_t){ 0 };
    assert_err(run(e, hc_api_update_check_begin(&e->api, BACKUP, &spec, &c)), HC_OK);
    expect_request(e, "POST /api/v3/checks/" BACKUP, HC_TEST_RW_KEY, "{}");
    assert_string_equal(c.name, "Renamed");

    /* To a cron schedule, no channels, every boolean and keyword. */
    spec = (hc_check_spec_t){
        .set = HC_SPEC_SCHEDULE | HC_SPEC_TZ | HC_SPEC_CHANNELS | HC_SPEC_SUBJECT |
               HC_SPEC_SUBJECT_FAIL | HC_SPEC_START_KW | HC_SPEC_FAILURE_KW |
               HC_SPEC_FILTER_SUBJECT | HC_SPEC_FILTER_HTTP_BODY | HC_SPEC_FILTER_DEFAULT_FAIL |
               HC_SPEC_MANUAL_RESUME,
        .schedule = "*/5 * * * *", .tz = "Europe/Riga", .channels = "", .subject = "S",
        .subject_fail = "SF", .start_kw = "GO", .failure_kw = "ERR", .filter_subject = true,
        .filter_http_body = true, .filter_default_fail = true, .manual_resume = false,
    };
    assert_err(run(e, hc_api_update_check_begin(&e->api, BACKUP, &spec, &c)), HC_OK);
    expect_request(e, "POST /api/v3/checks/" BACKUP, HC_TEST_RW_KEY,
                   "{\"schedule\":\"*/5 * * * *\",\"tz\":\"Europe/Riga\",\"manual_resume\":false,"
                   "\"channels\":\"\",\"subject\":\"S\",\"subject_fail\":\"SF\",\"start_kw\":\"GO\","
                   "\"failure_kw\":\"ERR\",\"filter_subject\":true,\"filter_http_body\":true,"
                   "\"filter_default_fail\":true}");
    assert_int_equal(c.present, CRON_RW);
    assert_string_equal(c.schedule, "*/5 * * * *");
    assert_string_equal(c.tz, "Europe/Riga");
    assert_int_equal(c.timeout, 0);
    assert_string_equal(c.channels, "");
    assert_string_equal(c.subject, "S");
    assert_string_equal(c.subject_fail, "SF");
    assert_string_equal(c.start_kw, "GO");
    assert_string_equal(c.failure_kw, "ERR");
    assert_true(c.filter_subject && c.filter_http_body && c.filter_default_fail);
    assert_false(c.filter_body);
    assert_string_equal(c.name, "Renamed");
    assert_int_equal(c.grace, 1200);
}

static void test_pause_resume_and_conflict(void **state)
{
    env_t *e = *state;
    hc_check_t c;
    assert_err(run(e, hc_api_pause_check_begin(&e->api, BACKUP, &c)), HC_OK);
    expect_request(e, "POST /api/v3/checks/" BACKUP "/pause", HC_TEST_RW_KEY, "");
    assert_int_equal(c.status, HC_STATUS_PAUSED);
    assert_string_equal(c.uuid, BACKUP);

    assert_err(run(e, hc_api_resume_check_begin(&e->api, BACKUP, &c)), HC_OK);
    expect_request(e, "POST /api/v3/checks/" BACKUP "/resume", HC_TEST_RW_KEY, "");
    assert_int_equal(c.status, HC_STATUS_NEW);
    assert_string_equal(hc_api_error(&e->api), "");

    assert_err(run(e, hc_api_resume_check_begin(&e->api, BACKUP, NULL)), HC_ERR_CONFLICT);
    expect_request(e, "POST /api/v3/checks/" BACKUP "/resume", HC_TEST_RW_KEY, "");
    assert_int_equal(hc_client_status(&e->client), 409);
    assert_string_equal(hc_api_error(&e->api), "check is not paused");

    /* The seeded paused check resumes; the error text of before is gone. */
    assert_err(run(e, hc_api_resume_check_begin(&e->api, HC_TEST_CHECK_PAUSED, NULL)), HC_OK);
    expect_request(e, "POST /api/v3/checks/" HC_TEST_CHECK_PAUSED "/resume", HC_TEST_RW_KEY, "");
    assert_string_equal(hc_api_error(&e->api), "");

    assert_err(run(e, hc_api_pause_check_begin(&e->api, HC_TEST_UNKNOWN_UUID, NULL)), HC_ERR_NOT_FOUND);
    expect_request(e, "POST /api/v3/checks/" HC_TEST_UNKNOWN_UUID "/pause", HC_TEST_RW_KEY, "");
}

static void test_delete(void **state)
{
    env_t *e = *state;
    hc_check_t c;
    assert_err(run(e, hc_api_delete_check_begin(&e->api, BACKUP, &c)), HC_OK);
    expect_rw(e, "DELETE /api/v3/checks/" BACKUP);
    assert_backup(e, &c, 3);  /* the deleted check, as it was */

    assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_ERR_NOT_FOUND);
    expect_rw(e, "GET /api/v3/checks/" BACKUP);
    assert_err(run(e, hc_api_delete_check_begin(&e->api, BACKUP, NULL)), HC_ERR_NOT_FOUND);
    expect_rw(e, "DELETE /api/v3/checks/" BACKUP);
}

/* ------------------------------------------------------------ pings, flips */

static void ping(env_t *e, hc_signal_t signal, const char *rid, const char *body)
{
    hc_ping_t p = { .uuid = BACKUP, .signal = signal, .rid = rid };
    if (body) {
        p.body = (const uint8_t *)body;
        p.body_len = strlen(body);
    }
    hc_ping_result_t res;
    assert_err(hc_ping_send(&e->client, &p, &res), HC_OK);
    e->seen++;
}

typedef struct collected {
    uint8_t data[64];
    size_t len;
    unsigned calls;
} collected_t;

static hc_err_t collect(void *ctx, const uint8_t *data, size_t len)
{
    collected_t *c = ctx;
    assert_true(c->len + len <= sizeof c->data);
    memcpy(c->data + c->len, data, len);
    c->len += len;
    c->calls++;
    return HC_OK;
}

static void test_pings_and_bodies(void **state)
{
    env_t *e = *state;
    int64_t t0 = (int64_t)time(NULL);
    ping(e, HC_SIGNAL_START, RID, NULL);
    ping(e, HC_SIGNAL_SUCCESS, RID, "hello body");
    ping(e, HC_SIGNAL_LOG, NULL, "log line");
    ping(e, HC_SIGNAL_FAIL, NULL, NULL);
    int64_t t1 = (int64_t)time(NULL);

    hc_received_ping_t p[8];
    hc_list_t out = { .items = p, .capacity = 8 };
    assert_err(run(e, hc_api_list_pings_begin(&e->api, BACKUP, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/pings/");
    assert_int_equal(out.count, 4);
    assert_int_equal(out.total, 4);
    static const hc_ping_type_t types[] = { HC_PING_TYPE_FAIL, HC_PING_TYPE_LOG,
                                            HC_PING_TYPE_SUCCESS, HC_PING_TYPE_START };
    static const char *const methods[] = { "GET", "POST", "POST", "GET" };
    const uint16_t all = (uint16_t)((1u << HC_PING_F__COUNT) - 1u);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(p[i].type, types[i]);
        assert_int_equal(p[i].n, 4 - i);  /* newest first */
        assert_true(p[i].date >= t0 - 1 && p[i].date <= t1 + 1);
        assert_string_equal(p[i].scheme, "http");
        assert_string_equal(p[i].remote_addr, "127.0.0.1");
        assert_string_equal(p[i].method, methods[i]);
        assert_string_equal(p[i].ua, UA);
        assert_int_equal(p[i].truncated, 0);
    }
    /* only the success closes the start with the same rid: a duration */
    assert_int_equal(p[2].present, all);
    assert_true(p[2].duration_ms < 5000);
    assert_string_equal(p[2].rid, RID);
    assert_string_equal(p[3].rid, RID);
    assert_int_equal(p[3].present, all & ~(1u << HC_PING_F_DURATION));
    assert_int_equal(p[0].nulls, (1u << HC_PING_F_RID) | (1u << HC_PING_F_BODY_URL));
    assert_int_equal(p[1].nulls, 1u << HC_PING_F_RID);
    assert_int_equal(p[2].nulls, 0);
    assert_int_equal(p[3].nulls, 1u << HC_PING_F_BODY_URL);
    assert_string_equal(p[2].body_url, api_url(e, 3, BACKUP, "/pings/2/body"));
    assert_string_equal(p[1].body_url, api_url(e, 3, BACKUP, "/pings/3/body"));
    assert_string_equal(p[0].body_url, "");

    /* bodies: into a buffer */
    uint8_t buf[16];
    hc_bytes_t bytes = { .buf = buf, .cap = sizeof buf };
    assert_err(run(e, hc_api_get_ping_body_begin(&e->api, BACKUP, 2, &bytes)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/pings/2/body");
    assert_int_equal(bytes.len, 10);
    assert_memory_equal(buf, "hello body", 10);

    /* exactly the body's size fits; one byte less is refused, not cut */
    bytes = (hc_bytes_t){ .buf = buf, .cap = 8 };
    assert_err(run(e, hc_api_get_ping_body_begin(&e->api, BACKUP, 3, &bytes)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/pings/3/body");
    assert_int_equal(bytes.len, 8);
    assert_memory_equal(buf, "log line", 8);
    bytes = (hc_bytes_t){ .buf = buf, .cap = 9 };
    assert_err(run(e, hc_api_get_ping_body_begin(&e->api, BACKUP, 2, &bytes)), HC_ERR_BODY_TOO_LARGE);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/pings/2/body");

    /* streamed to a callback */
    collected_t got = { 0 };
    bytes = (hc_bytes_t){ .each = collect, .ctx = &got };
    assert_err(run(e, hc_api_get_ping_body_begin(&e->api, BACKUP, 2, &bytes)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/pings/2/body");
    assert_int_equal(got.len, 10);
    assert_int_equal(bytes.len, 10);
    assert_memory_equal(got.data, "hello body", 10);

    /* a ping without a body, and one that does not exist: 404, even when
     * the (HTML) 404 page is larger than the caller's buffer */
    bytes = (hc_bytes_t){ .buf = buf, .cap = 4 };
    assert_err(run(e, hc_api_get_ping_body_begin(&e->api, BACKUP, 1, &bytes)), HC_ERR_NOT_FOUND);
    assert_string_equal(hc_api_error(&e->api), ""); /* an HTML error page is no message */
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/pings/1/body");
    assert_int_equal(bytes.len, 0);
    assert_err(run(e, hc_api_get_ping_body_begin(&e->api, BACKUP, 9999, &bytes)), HC_ERR_NOT_FOUND);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/pings/9999/body");
    got = (collected_t){ 0 };
    bytes = (hc_bytes_t){ .each = collect, .ctx = &got };
    assert_err(run(e, hc_api_get_ping_body_begin(&e->api, BACKUP, 9999, &bytes)), HC_ERR_NOT_FOUND);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/pings/9999/body");
    assert_int_equal(got.calls, 0);  /* an error page is not the body */

    /* a check that has no pings */
    assert_err(run(e, hc_api_list_pings_begin(&e->api, CRON, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" CRON "/pings/");
    assert_int_equal(out.count, 0);
    assert_int_equal(out.total, 0);
}

static void test_flips_filters_and_range_errors(void **state)
{
    env_t *e = *state;
    int64_t t0 = (int64_t)time(NULL);
    ping(e, HC_SIGNAL_SUCCESS, NULL, NULL);  /* new -> up */
    ping(e, HC_SIGNAL_FAIL, NULL, NULL);     /* up -> down */
    int64_t t1 = (int64_t)time(NULL);

    hc_flip_t f[4];
    hc_list_t out = { .items = f, .capacity = 4 };
    assert_err(run(e, hc_api_list_flips_begin(&e->api, BACKUP, NULL, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/flips/");
    assert_int_equal(out.count, 2);
    assert_false(f[0].up);  /* newest first */
    assert_true(f[1].up);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(f[i].present, 3);
        assert_int_equal(f[i].nulls, 0);
        assert_true(f[i].timestamp >= t0 - 1 && f[i].timestamp <= t1 + 1);
    }

    hc_flip_query_t q = { .has_seconds = true, .seconds = 3600 };
    assert_err(run(e, hc_api_list_flips_begin(&e->api, BACKUP, &q, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/flips/?seconds=3600");
    assert_int_equal(out.count, 2);

    char line[256];
    q = (hc_flip_query_t){ .has_start = true, .start = t0 - 10, .has_end = true, .end = t1 + 10 };
    assert_err(run(e, hc_api_list_flips_begin(&e->api, BACKUP, &q, &out)), HC_OK);
    snprintf(line, sizeof line, "GET /api/v3/checks/" BACKUP "/flips/?start=%lld&end=%lld",
             (long long)(t0 - 10), (long long)(t1 + 10));
    expect_rw(e, line);
    assert_int_equal(out.count, 2);

    q = (hc_flip_query_t){ .has_start = true, .start = t1 + 10 };
    assert_err(run(e, hc_api_list_flips_begin(&e->api, BACKUP, &q, &out)), HC_OK);
    snprintf(line, sizeof line, "GET /api/v3/checks/" BACKUP "/flips/?start=%lld",
             (long long)(t1 + 10));
    expect_rw(e, line);
    assert_int_equal(out.count, 0);

    /* the extremes the server accepts are sent */
    q = (hc_flip_query_t){ .has_seconds = true, .seconds = 31536000, .has_start = true,
                           .start = 0, .has_end = true, .end = 10000000000LL };
    assert_err(run(e, hc_api_list_flips_begin(&e->api, BACKUP, &q, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" BACKUP "/flips/?seconds=31536000&start=0&end=10000000000");
    assert_int_equal(out.count, 2);

    /* out of range: refused here, nothing sent */
    const hc_flip_query_t bad[] = {
        { .has_seconds = true, .seconds = 31536001 },
        { .has_start = true, .start = -1 },
        { .has_end = true, .end = 10000000001LL },
        { .has_end = true, .end = -1 },
        { .has_start = true, .start = 10000000001LL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_err(hc_api_list_flips_begin(&e->api, BACKUP, &bad[i], &out), HC_ERR_RANGE);
    expect_nothing_sent(e);

    /* by unique_key, with the read-only key */
    connect_as(e, HC_TEST_RO_KEY, 3);
    assert_err(run(e, hc_api_list_flips_begin(&e->api, HC_TEST_CHECK_BACKUP_UNIQUE_KEY, NULL, &out)),
               HC_OK);
    expect_request(e, "GET /api/v3/checks/" HC_TEST_CHECK_BACKUP_UNIQUE_KEY "/flips/",
                   HC_TEST_RO_KEY, NULL);
    assert_int_equal(out.count, 2);
    assert_false(f[0].up);
}

/* ------------------------------------------------ channels, badges, status */

static void test_channels(void **state)
{
    env_t *e = *state;
    hc_channel_t ch[4];
    hc_list_t out = { .items = ch, .capacity = 4 };
    assert_err(run(e, hc_api_list_channels_begin(&e->api, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/channels/");
    assert_int_equal(out.count, 2);
    assert_int_equal(out.total, 2);
    assert_string_equal(ch[0].id, HC_TEST_CHANNEL_EMAIL);
    assert_string_equal(ch[0].name, "Ops email");
    assert_string_equal(ch[0].kind, "email");
    assert_string_equal(ch[1].id, HC_TEST_CHANNEL_SLACK);
    assert_string_equal(ch[1].name, "Slack alerts");
    assert_string_equal(ch[1].kind, "slack");
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(ch[i].present, 7);
        assert_int_equal(ch[i].nulls, 0);
        assert_int_equal(ch[i].truncated, 0);
    }
}

static void test_badges(void **state)
{
    env_t *e = *state;
    /* signatures: HMAC of the server's badge secret, as it computes them */
    static const struct { const char *tag, *sig; } want[] = {
        { "*", "uDGdwwfQ" }, { "production", "X92WBrcX" }, { "db", "bc05LO9B" },
        { "cron", "_gyrSUY4" }, { "reports", "1xvgOgug" },
    };
    hc_badge_t b[8];
    hc_list_t out = { .items = b, .capacity = 8 };
    assert_err(run(e, hc_api_list_badges_begin(&e->api, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/badges/");
    assert_int_equal(out.count, 5);
    for (unsigned i = 0; i < 5; i++) {
        char where[64], url[256];
        bool all = strcmp(want[i].tag, "*") == 0;
        assert_string_equal(b[i].tag, want[i].tag);
        assert_int_equal(b[i].present, 0x7f);
        assert_int_equal(b[i].truncated, 0);
        static const char *const fmts[] = { "svg", "json", "shields" };
        const char *got[6] = { b[i].svg, b[i].svg3, b[i].json, b[i].json3, b[i].shields,
                               b[i].shields3 };
        for (unsigned k = 0; k < 6; k++) {
            const char *states = k % 2 ? "" : "-2";
            if (all)
                snprintf(where, sizeof where, "%s%s", want[i].sig, states);
            else
                snprintf(where, sizeof where, "%s%s/%s", want[i].sig, states, want[i].tag);
            snprintf(url, sizeof url, "%s/badge/" BADGE_KEY "/%s.%s", e->site, where, fmts[k / 2]);
            assert_string_equal(got[k], url);
        }
    }

    /* the read-only key may list badges too */
    connect_as(e, HC_TEST_RO_KEY, 3);
    assert_err(run(e, hc_api_list_badges_begin(&e->api, &out)), HC_OK);
    expect_request(e, "GET /api/v3/badges/", HC_TEST_RO_KEY, NULL);
    assert_int_equal(out.count, 5);
}

static void test_status_needs_no_key(void **state)
{
    env_t *e = *state;
    assert_err(run(e, hc_api_status_begin(&e->api)), HC_OK);
    expect_request(e, "GET /api/v3/status/", NULL, NULL);
    connect_as(e, NULL, 3);
    assert_err(run(e, hc_api_status_begin(&e->api)), HC_OK);
    expect_request(e, "GET /api/v3/status/", NULL, NULL);
}

/* ----------------------------------------------------------------- keys */

static void test_read_only_key(void **state)
{
    env_t *e = *state;
    connect_as(e, HC_TEST_RO_KEY, 3);
    hc_check_t items[8];
    hc_list_t out = { .items = items, .capacity = 8 };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_OK);
    expect_request(e, "GET /api/v3/checks/", HC_TEST_RO_KEY, NULL);
    assert_int_equal(out.count, HC_TEST_SEEDED_CHECKS);
    for (size_t i = 0; i < out.count; i++) {
        assert_string_equal(items[i].uuid, "");
        assert_string_equal(items[i].ping_url, "");
        assert_string_equal(items[i].update_url, "");
        assert_string_equal(items[i].channels, "");
        assert_int_equal(strlen(items[i].unique_key), 40);
        assert_false(HC_PRESENT(&items[i], HC_CHECK_F_UUID));
        assert_true(HC_PRESENT(&items[i], HC_CHECK_F_UNIQUE_KEY));
    }
    assert_int_equal(items[0].present, SIMPLE_RO);
    assert_string_equal(items[0].unique_key, HC_TEST_CHECK_BACKUP_UNIQUE_KEY);
    assert_string_equal(items[0].name, HC_TEST_CHECK_BACKUP_NAME);
    assert_string_equal(items[1].unique_key, HC_TEST_CHECK_CRON_UNIQUE_KEY);

    hc_check_t c;
    assert_err(run(e, hc_api_get_check_begin(&e->api, HC_TEST_CHECK_CRON_UNIQUE_KEY, &c)), HC_OK);
    expect_request(e, "GET /api/v3/checks/" HC_TEST_CHECK_CRON_UNIQUE_KEY, HC_TEST_RO_KEY, NULL);
    assert_string_equal(c.unique_key, HC_TEST_CHECK_CRON_UNIQUE_KEY);
    assert_string_equal(c.schedule, HC_TEST_CHECK_CRON_SCHEDULE);
    assert_string_equal(c.uuid, "");

    /* every write endpoint (and pings, channels) refuses a read-only key */
    hc_check_spec_t spec = { .set = HC_SPEC_NAME, .name = "x" };
    hc_received_ping_t pings[2];
    hc_channel_t chans[2];
    hc_list_t pl = { .items = pings, .capacity = 2 }, cl = { .items = chans, .capacity = 2 };
    uint8_t buf[8];
    hc_bytes_t bytes = { .buf = buf, .cap = sizeof buf };
    assert_err(run(e, hc_api_create_check_begin(&e->api, &spec, NULL)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "POST /api/v3/checks/", HC_TEST_RO_KEY, "{\"name\":\"x\"}");
    assert_string_equal(hc_api_error(&e->api), "wrong api key");
    assert_err(run(e, hc_api_update_check_begin(&e->api, BACKUP, &spec, NULL)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "POST /api/v3/checks/" BACKUP, HC_TEST_RO_KEY, "{\"name\":\"x\"}");
    assert_err(run(e, hc_api_pause_check_begin(&e->api, BACKUP, NULL)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "POST /api/v3/checks/" BACKUP "/pause", HC_TEST_RO_KEY, "");
    assert_err(run(e, hc_api_resume_check_begin(&e->api, HC_TEST_CHECK_PAUSED, NULL)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "POST /api/v3/checks/" HC_TEST_CHECK_PAUSED "/resume", HC_TEST_RO_KEY, "");
    assert_err(run(e, hc_api_delete_check_begin(&e->api, BACKUP, NULL)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "DELETE /api/v3/checks/" BACKUP, HC_TEST_RO_KEY, NULL);
    assert_err(run(e, hc_api_list_pings_begin(&e->api, BACKUP, &pl)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "GET /api/v3/checks/" BACKUP "/pings/", HC_TEST_RO_KEY, NULL);
    assert_err(run(e, hc_api_get_ping_body_begin(&e->api, BACKUP, 1, &bytes)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "GET /api/v3/checks/" BACKUP "/pings/1/body", HC_TEST_RO_KEY, NULL);
    assert_err(run(e, hc_api_list_channels_begin(&e->api, &cl)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "GET /api/v3/channels/", HC_TEST_RO_KEY, NULL);
    assert_string_equal(hc_api_error(&e->api), "wrong api key");

    /* nothing changed */
    connect_as(e, HC_TEST_RW_KEY, 3);
    assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_OK);
    assert_backup(e, &c, 3);
}

static void test_other_projects_check_is_forbidden(void **state)
{
    env_t *e = *state;
    const char *other = HC_TEST_CHECK_OTHER;
    hc_check_t c;
    hc_check_spec_t spec = { .set = HC_SPEC_GRACE, .grace = 60 };
    hc_flip_t flips[2];
    hc_received_ping_t pings[2];
    hc_list_t fl = { .items = flips, .capacity = 2 }, pl = { .items = pings, .capacity = 2 };

    assert_err(run(e, hc_api_get_check_begin(&e->api, other, &c)), HC_ERR_FORBIDDEN);
    expect_rw(e, "GET /api/v3/checks/" HC_TEST_CHECK_OTHER);
    assert_int_equal(hc_client_status(&e->client), 403);
    assert_string_equal(hc_api_error(&e->api), "");  /* 403 has an empty body */
    assert_err(run(e, hc_api_update_check_begin(&e->api, other, &spec, &c)), HC_ERR_FORBIDDEN);
    expect_request(e, "POST /api/v3/checks/" HC_TEST_CHECK_OTHER, HC_TEST_RW_KEY, "{\"grace\":60}");
    assert_err(run(e, hc_api_pause_check_begin(&e->api, other, NULL)), HC_ERR_FORBIDDEN);
    expect_request(e, "POST /api/v3/checks/" HC_TEST_CHECK_OTHER "/pause", HC_TEST_RW_KEY, "");
    assert_err(run(e, hc_api_delete_check_begin(&e->api, other, NULL)), HC_ERR_FORBIDDEN);
    expect_rw(e, "DELETE /api/v3/checks/" HC_TEST_CHECK_OTHER);
    assert_err(run(e, hc_api_list_flips_begin(&e->api, other, NULL, &fl)), HC_ERR_FORBIDDEN);
    expect_rw(e, "GET /api/v3/checks/" HC_TEST_CHECK_OTHER "/flips/");
    assert_err(run(e, hc_api_list_pings_begin(&e->api, other, &pl)), HC_ERR_FORBIDDEN);
    expect_rw(e, "GET /api/v3/checks/" HC_TEST_CHECK_OTHER "/pings/");
    assert_int_equal(fl.count, 0);
    assert_int_equal(pl.count, 0);

    /* its own project's key may */
    connect_as(e, HC_TEST_OTHER_RW_KEY, 3);
    assert_err(run(e, hc_api_get_check_begin(&e->api, other, &c)), HC_OK);
    expect_request(e, "GET /api/v3/checks/" HC_TEST_CHECK_OTHER, HC_TEST_OTHER_RW_KEY, NULL);
    assert_string_equal(c.name, "Other Project Check");
}

static void test_wrong_and_missing_key(void **state)
{
    env_t *e = *state;
    hc_check_t items[2];
    hc_list_t out = { .items = items, .capacity = 2 };
    const char *wrong = "hcw_ffffffffffffffffffffffffffff";
    connect_as(e, wrong, 3);
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "GET /api/v3/checks/", wrong, NULL);
    assert_int_equal(hc_client_status(&e->client), 401);
    assert_string_equal(hc_api_error(&e->api), "wrong api key");
    assert_int_equal(out.count, 0);

    connect_as(e, NULL, 3);
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "GET /api/v3/checks/", NULL, NULL);
    assert_string_equal(hc_api_error(&e->api), "missing api key");

    hc_check_t c;
    assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_ERR_UNAUTHORIZED);
    expect_request(e, "GET /api/v3/checks/" BACKUP, NULL, NULL);
    assert_string_equal(hc_api_error(&e->api), "missing api key");
}

/* ------------------------------------------------ the server's validation */

static void test_server_validation_errors(void **state)
{
    env_t *e = *state;
    static const struct {
        hc_check_spec_t spec;
        const char *body, *text;
    } cases[] = {
        { { .set = HC_SPEC_SCHEDULE, .schedule = "not a schedule" },
          "{\"schedule\":\"not a schedule\"}",
          "json validation error: schedule is not a valid cron or OnCalendar expression" },
        { { .set = HC_SPEC_TZ, .tz = "Mars/Olympus_Mons" }, "{\"tz\":\"Mars/Olympus_Mons\"}",
          "json validation error: tz is not a valid timezone" },
        { { .set = HC_SPEC_CHANNELS, .channels = "no-such-channel" },
          "{\"channels\":\"no-such-channel\"}", "invalid channel identifier: no-such-channel" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_err(run(e, hc_api_create_check_begin(&e->api, &cases[i].spec, NULL)),
                   HC_ERR_BAD_REQUEST);
        expect_request(e, "POST /api/v3/checks/", HC_TEST_RW_KEY, cases[i].body);
        assert_int_equal(hc_client_status(&e->client), 400);
        assert_string_equal(hc_api_error(&e->api), cases[i].text);
        assert_false(hc_api_created(&e->api));
    }
    hc_check_t items[8];
    hc_list_t out = { .items = items, .capacity = 8 };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_OK);
    assert_int_equal(out.total, HC_TEST_SEEDED_CHECKS);  /* nothing was created */
    assert_string_equal(hc_api_error(&e->api), "");
}

/* Refused before anything is sent. */
static void test_local_validation_sends_nothing(void **state)
{
    env_t *e = *state;
    hc_check_t c;
    hc_check_t items[2];
    hc_list_t out = { .items = items, .capacity = 2 };
    static const char *const by_name[] = { "name" };
    char long_name[102];
    memset(long_name, 'n', 101);
    long_name[101] = '\0';
    static const char *const bad_ids[] = {
        "45C9D87E-C6E4-42C7-BA1E-921CFC827121",  /* uppercase */
        "45c9d87e-c6e4-42c7-ba1e-921cfc82712",   /* short */
        "45c9d87e-c6e4-42c7-ba1e-921cfc8271210", /* long */
        "45c9d87e_c6e4-42c7-ba1e-921cfc827121",
        "../checks",
        "",
    };
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        assert_err(hc_api_get_check_begin(&e->api, bad_ids[i], &c), HC_ERR_ARG);
        assert_err(hc_api_pause_check_begin(&e->api, bad_ids[i], NULL), HC_ERR_ARG);
        assert_err(hc_api_delete_check_begin(&e->api, bad_ids[i], NULL), HC_ERR_ARG);
    }
    /* a unique_key only where the API takes one */
    assert_err(hc_api_delete_check_begin(&e->api, HC_TEST_CHECK_BACKUP_UNIQUE_KEY, NULL), HC_ERR_ARG);
    assert_err(hc_api_list_pings_begin(&e->api, HC_TEST_CHECK_BACKUP_UNIQUE_KEY, &out), HC_ERR_ARG);
    assert_err(hc_api_get_check_begin(&e->api, NULL, &c), HC_ERR_ARG);

    hc_check_spec_t unique = { .set = HC_SPEC_NAME | HC_SPEC_UNIQUE, .name = "x",
                               .unique = by_name, .n_unique = 1 };
    assert_err(hc_api_update_check_begin(&e->api, BACKUP, &unique, NULL), HC_ERR_ARG);
    hc_check_spec_t t59 = { .set = HC_SPEC_TIMEOUT, .timeout = 59 };
    assert_err(hc_api_create_check_begin(&e->api, &t59, NULL), HC_ERR_RANGE);
    assert_err(hc_api_update_check_begin(&e->api, BACKUP, &t59, NULL), HC_ERR_RANGE);
    hc_check_spec_t name101 = { .set = HC_SPEC_NAME, .name = long_name };
    assert_err(hc_api_create_check_begin(&e->api, &name101, NULL), HC_ERR_TOO_LONG);
    hc_check_spec_t slug = { .set = HC_SPEC_SLUG, .slug = "Bad Slug" };
    assert_err(hc_api_update_check_begin(&e->api, BACKUP, &slug, NULL), HC_ERR_ARG);
    assert_err(hc_api_update_check_begin(&e->api, NULL, &slug, NULL), HC_ERR_ARG);
    expect_nothing_sent(e);

    /* the longest name allowed goes out */
    long_name[100] = '\0';
    name101.name = long_name;
    assert_err(run(e, hc_api_update_check_begin(&e->api, BACKUP, &name101, &c)), HC_OK);
    assert_int_equal(hc_test_server_request_count(&e->server), 1);
    assert_string_equal(c.name, long_name);
}

/* ------------------------------------------------------------- versions */

static void test_api_v1_started_and_name_to_slug(void **state)
{
    env_t *e = *state;
    hc_check_t c;
    ping(e, HC_SIGNAL_START, NULL, NULL);
    for (uint8_t v = 1; v <= 3; v++) {
        char line[128];
        connect_as(e, HC_TEST_RW_KEY, v);
        assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_OK);
        snprintf(line, sizeof line, "GET /api/v%u/checks/" BACKUP, v);
        expect_rw(e, line);
        /* v1 reports a running check as "started"; v2+ keep the status */
        assert_int_equal(c.status, v == 1 ? HC_STATUS_STARTED : HC_STATUS_NEW);
        assert_true(c.started);
        assert_true(c.next_ping > 0);
        assert_false(HC_IS_NULL(&c, HC_CHECK_F_NEXT_PING));
        assert_string_equal(c.update_url, api_url(e, v, BACKUP, ""));
        assert_string_equal(c.pause_url, api_url(e, v, BACKUP, "/pause"));
        assert_string_equal(c.resume_url, api_url(e, v, BACKUP, "/resume"));
    }

    /* v1 and v2 rewrite the slug from a new name; v3 leaves it alone */
    static const char *const slugs[] = { "", "new-name-one", "new-name-two", "new-name-two" };
    static const char *const names[] = { "", "New Name One", "New Name Two!", "New Name Three" };
    for (uint8_t v = 1; v <= 3; v++) {
        char line[128], body[64];
        connect_as(e, HC_TEST_RW_KEY, v);
        hc_check_spec_t spec = { .set = HC_SPEC_NAME, .name = names[v] };
        assert_err(run(e, hc_api_update_check_begin(&e->api, CRON, &spec, &c)), HC_OK);
        snprintf(line, sizeof line, "POST /api/v%u/checks/" CRON, v);
        snprintf(body, sizeof body, "{\"name\":\"%s\"}", names[v]);
        expect_request(e, line, HC_TEST_RW_KEY, body);
        assert_string_equal(c.name, names[v]);
        assert_string_equal(c.slug, slugs[v]);
        assert_string_equal(c.update_url, api_url(e, v, CRON, ""));
    }

    /* and lists under each version carry that version's URLs */
    hc_check_t items[8];
    hc_list_t out = { .items = items, .capacity = 8 };
    connect_as(e, HC_TEST_RW_KEY, 1);
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_OK);
    expect_rw(e, "GET /api/v1/checks/");
    assert_int_equal(out.count, HC_TEST_SEEDED_CHECKS);
    assert_string_equal(items[0].update_url, api_url(e, 1, BACKUP, ""));
    assert_int_equal(items[0].status, HC_STATUS_STARTED);
}

static void test_old_server_uuid_from_ping_url(void **state)
{
    env_t *e = *state;
    configure(e, "{\"old_server\": true}");
    hc_check_t c;
    assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/" BACKUP);
    assert_string_equal(c.uuid, BACKUP);
    assert_true(HC_PRESENT(&c, HC_CHECK_F_UUID));
    assert_int_equal(c.present, SIMPLE_RW & ~(BIT(HC_CHECK_F_BADGE_URL) |
                                              BIT(HC_CHECK_F_FILTER_HTTP_BODY) |
                                              BIT(HC_CHECK_F_FILTER_DEFAULT_FAIL)));
    assert_string_equal(c.ping_url, site_url(e, "/ping/" BACKUP));

    hc_check_t items[8];
    hc_list_t out = { .items = items, .capacity = 8 };
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_OK);
    expect_rw(e, "GET /api/v3/checks/");
    assert_string_equal(items[1].uuid, CRON);
    assert_string_equal(items[4].uuid, HC_TEST_CHECK_PAUSED);
}

/* --------------------------------------------------------------- retries */

static void test_server_errors_and_retries(void **state)
{
    env_t *e = *state;
    hc_check_t items[8];
    hc_list_t out = { .items = items, .capacity = 8 };

    /* two 500s, then the answer: the GET is retried */
    configure(e, "{\"fail_next\": 2, \"fail_mode\": \"500\"}");
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_OK);
    assert_int_equal(hc_client_attempts(&e->client), 3);
    assert_int_equal(hc_test_server_request_count(&e->server), 3);
    assert_int_equal(out.count, HC_TEST_SEEDED_CHECKS);
    assert_int_equal(out.total, HC_TEST_SEEDED_CHECKS);  /* not counted twice */

    /* 500 on every attempt */
    configure(e, "{\"fail_next\": 3, \"fail_mode\": \"500\"}");
    assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_ERR_SERVER);
    assert_int_equal(hc_client_attempts(&e->client), 3);
    assert_int_equal(hc_client_status(&e->client), 500);
    assert_int_equal(out.count, 0);

    /* a dropped connection, then the answer */
    configure(e, "{\"fail_next\": 1, \"fail_mode\": \"drop\"}");
    hc_check_t c;
    assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_OK);
    assert_int_equal(hc_client_attempts(&e->client), 2);
    assert_backup(e, &c, 3);

    /* pausing twice is harmless, so pause is retried */
    configure(e, "{\"fail_next\": 1, \"fail_mode\": \"500\"}");
    assert_err(run(e, hc_api_pause_check_begin(&e->api, BACKUP, &c)), HC_OK);
    assert_int_equal(hc_client_attempts(&e->client), 2);
    assert_int_equal(c.status, HC_STATUS_PAUSED);

    /* a create is not resent once it was sent: a 500 ends it */
    unsigned before = hc_test_server_request_count(&e->server);
    configure(e, "{\"fail_next\": 1, \"fail_mode\": \"500\"}");
    hc_check_spec_t spec = { .set = HC_SPEC_NAME, .name = "once" };
    assert_err(run(e, hc_api_create_check_begin(&e->api, &spec, NULL)), HC_ERR_SERVER);
    assert_int_equal(hc_client_attempts(&e->client), 1);
    assert_int_equal(hc_test_server_request_count(&e->server), before + 1);
    assert_false(hc_api_created(&e->api));
}

/* The non-blocking form over real sockets: a slow server, polls that
 * return at once. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_nonblocking_poll(void **state)
{
    env_t *e = *state;
    configure(e, "{\"delay_ms\": 300}");
    hc_check_t items[8];
    hc_list_t out = { .items = items, .capacity = 8 };
    assert_err(hc_api_list_checks_begin(&e->api, NULL, &out), HC_OK);
    unsigned in_progress = 0;
    double longest = 0, t_end = now_s() + 10;
    hc_err_t r;
    do {
        double t = now_s();
        r = hc_api_poll(&e->api);
        double took = now_s() - t;
        longest = took > longest ? took : longest;
        if (r == HC_IN_PROGRESS) {
            in_progress++;
            struct timespec pause = { 0, 1000000 };
            nanosleep(&pause, NULL);
        }
        assert_true(now_s() < t_end);
    } while (r == HC_IN_PROGRESS);
    assert_err(r, HC_OK);
    assert_true(in_progress >= 10);   /* the server waited 300 ms */
    assert_true(longest < 0.25);      /* no poll waited for it */
    assert_int_equal(out.count, HC_TEST_SEEDED_CHECKS);
    assert_backup(e, &items[0], 3);
    assert_err(hc_api_poll(&e->api), HC_OK);  /* the result stays */
    assert_err(hc_api_wait(&e->api), HC_OK);
}

/* One kept-alive connection for a run of calls: every response must be
 * consumed exactly, or the next call on the connection would break. */
static void test_keep_alive_sequence(void **state)
{
    env_t *e = *state;
    static const char *const framings[] = { "{\"framing\": \"length\"}",
                                            "{\"framing\": \"chunked\"}" };
    for (int f = 0; f < 2; f++) {
        configure(e, framings[f]);
        e->cfg.keep_alive = true;
        assert_err(hc_client_init(&e->client, &e->cfg), HC_OK);
        hc_api_mem_t mem = { e->elem, sizeof e->elem, e->tok, sizeof e->tok / sizeof e->tok[0] };
        assert_err(hc_api_init(&e->api, &e->client, &mem), HC_OK);
        unsigned before = hc_test_server_request_count(&e->server);
        hc_check_t items[8], c;
        hc_list_t out = { .items = items, .capacity = 8 };
        hc_flip_t flips[4];
        hc_list_t fl = { .items = flips, .capacity = 4 };
        uint8_t buf[8];
        hc_bytes_t bytes = { .buf = buf, .cap = sizeof buf };
        for (int round = 0; round < 2; round++) {
            assert_err(run(e, hc_api_list_checks_begin(&e->api, NULL, &out)), HC_OK);
            assert_int_equal(out.count, HC_TEST_SEEDED_CHECKS);
            assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_OK);
            assert_string_equal(c.uuid, BACKUP);
            assert_err(run(e, hc_api_resume_check_begin(&e->api, BACKUP, NULL)), HC_ERR_CONFLICT);
            assert_string_equal(hc_api_error(&e->api), "check is not paused");
            assert_err(run(e, hc_api_get_ping_body_begin(&e->api, BACKUP, 1, &bytes)), HC_ERR_NOT_FOUND);
            assert_err(run(e, hc_api_list_flips_begin(&e->api, BACKUP, NULL, &fl)), HC_OK);
            assert_err(run(e, hc_api_status_begin(&e->api)), HC_OK);
            assert_true(e->client.reused);  /* on the connection of the first call */
        }
        assert_int_equal(hc_test_server_request_count(&e->server), before + 12);
        char got[4096];
        assert_true(hc_test_server_request(&e->server, before + 12, got, sizeof got) > 0);
        assert_null(strstr(got, "Connection: close"));
        hc_client_close(&e->client);
    }
    e->seen = hc_test_server_request_count(&e->server);
}

/* A server that serves API v3 only: v1 gets the HTML 404 page. */
static void test_version_not_served(void **state)
{
    (void)state;
    void *s = NULL;
    static const char *const args[] = { "--api-versions", "3", NULL };
    assert_int_equal(start_server(&s, args), 0);
    env_t *e = s;
    connect_as(e, HC_TEST_RW_KEY, 1);
    hc_check_t c;
    assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_ERR_NOT_FOUND);
    expect_rw(e, "GET /api/v1/checks/" BACKUP);
    connect_as(e, HC_TEST_RW_KEY, 3);
    assert_err(run(e, hc_api_get_check_begin(&e->api, BACKUP, &c)), HC_OK);
    hc_client_close(&e->client);
    group_teardown(&s);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
    const struct CMUnitTest tests[] = {
        T(test_list_checks),
        T(test_list_checks_filters),
        T(test_get_check_by_uuid_and_unique_key),
        T(test_create_and_upsert),
        T(test_update_sends_exactly_the_fields_set),
        T(test_pause_resume_and_conflict),
        T(test_delete),
        T(test_pings_and_bodies),
        T(test_flips_filters_and_range_errors),
        T(test_channels),
        T(test_badges),
        T(test_status_needs_no_key),
        T(test_read_only_key),
        T(test_other_projects_check_is_forbidden),
        T(test_wrong_and_missing_key),
        T(test_server_validation_errors),
        T(test_local_validation_sends_nothing),
        T(test_api_v1_started_and_name_to_slug),
        T(test_old_server_uuid_from_ping_url),
        T(test_server_errors_and_retries),
        T(test_nonblocking_poll),
        T(test_keep_alive_sequence),
    };
    const struct CMUnitTest alone[] = {
        cmocka_unit_test(test_version_not_served),
    };
    int failed = cmocka_run_group_tests_name("api against the test server", tests,
                                             group_setup, group_teardown);
    return failed + cmocka_run_group_tests_name("api, v3-only server", alone, NULL, NULL);
}
