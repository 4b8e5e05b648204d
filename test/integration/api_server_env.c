/* What the Management API tests against the test server share; see
 * api_server_env.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "api_server_env.h"

/* (Re)bind client and API to @p key and @p version. */
void connect_as(env_t *e, const char *key, uint8_t version)
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

int start_server(void **state, const char *const *args)
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

int group_setup(void **state) { return start_server(state, NULL); }

int group_teardown(void **state)
{
    env_t *e = *state;
    hc_test_server_stop(&e->server);
    free(e);
    return 0;
}

/* Every test starts from the seeded state, a fresh client and no records. */
int test_setup(void **state)
{
    env_t *e = *state;
    char resp[512];
    if (hc_test_server_control(&e->server, "POST", "/_test/reset", NULL, resp, sizeof resp) != 200)
        return -1;
    connect_as(e, HC_TEST_RW_KEY, 3);
    e->seen = 0;
    return 0;
}

int test_teardown(void **state)
{
    env_t *e = *state;
    hc_client_close(&e->client);
    return 0;
}

void configure(env_t *e, const char *json)
{
    char resp[1024];
    assert_int_equal(hc_test_server_control(&e->server, "POST", "/_test/config", json, resp,
                                            sizeof resp), 200);
}

/* Start a call (which must start) and block until it ends. */
hc_err_t run(env_t *e, hc_err_t started)
{
    assert_err(started, HC_OK);
    return hc_api_wait(&e->api);
}

/* The call just made sent exactly one request, and it was these bytes. */
void expect_request(env_t *e, const char *line, const char *key, const char *body)
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

void expect_rw(env_t *e, const char *line) { expect_request(e, line, HC_TEST_RW_KEY, NULL); }

void expect_nothing_sent(env_t *e)
{
    assert_int_equal(hc_test_server_request_count(&e->server), e->seen);
}

/* The server's URL for @p check under API @p version, plus @p tail. */
const char *api_url(env_t *e, unsigned version, const char *check, const char *tail)
{
    static char buf[4][256];
    static unsigned next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/api/v%u/checks/%s%s", e->site, version, check, tail);
    return b;
}

const char *site_url(env_t *e, const char *path)
{
    static char buf[4][256];
    static unsigned next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s%s", e->site, path);
    return b;
}

void assert_no_text_fields_set(const hc_check_t *c)
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
void assert_backup(env_t *e, const hc_check_t *c, unsigned version)
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

void assert_cron(env_t *e, const hc_check_t *c)
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
void assert_plain(const hc_check_t *c, const char *uuid, const char *name,
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

void ping(env_t *e, hc_signal_t signal, const char *rid, const char *body)
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
