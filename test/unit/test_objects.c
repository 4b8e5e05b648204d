/* hc_objects decoders: every field of the recorded check, ping, flip,
 * channel and badge bodies of a real v3.0.1 server; read-only objects;
 * uuid from ping_url; v1 "started"; presence, null and truncation bits;
 * wrong types. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "hc_fixture.h"

#include "healthchecks/hc_jstream.h"
#include "healthchecks/hc_objects.h"

/* Tokens enough for any check the fixtures hold, with room for the fields
 * newer servers add. */
#define TOKENS 96

#define T_0526_131515 1795699515 /* 2026-11-26T13:25:15+00:00 */
#define T_0526_131513 1795699513 /* 2026-11-26T13:25:13+00:00 */

/* ------------------------------------------------------------ helpers */

static uint64_t bits(const int *fields, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= (uint64_t)1 << fields[i];
    return m;
}
#define BITS(...) bits((const int[]){ __VA_ARGS__ }, sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

/* Decode a whole single-object body as a check. */
static hc_err_t check_from(const char *text, size_t len, hc_check_t *c)
{
    jsmntok_t tok[TOKENS];
    hc_json_t doc;
    hc_err_t err = hc_json_parse(&doc, text, len, tok, TOKENS);
    return err != HC_OK ? err : hc_decode_check(c, &doc, 0);
}

static hc_err_t check_from_str(const char *text, hc_check_t *c)
{
    return check_from(text, strlen(text), c);
}

static hc_check_t *check_fixture(const char *name)
{
    size_t len;
    char *body = hc_fixture_load_body(name, &len);
    hc_check_t *c = malloc(sizeof *c);
    assert_non_null(c);
    assert_err(check_from(body, len, c), HC_OK);
    free(body);
    return c;
}

/* Every list element decoded into an array (list tests). */
typedef struct {
    int kind;           /* 0 check, 1 ping, 2 flip, 3 channel, 4 badge */
    size_t count;
    size_t max_tokens;
    size_t max_bytes;
    hc_check_t checks[8];
    hc_received_ping_t pings[20];
    hc_flip_t flips[8];
    hc_channel_t channels[2];
    hc_badge_t badges[4];
} list_t;

static hc_err_t on_element(void *ctx, const char *name, size_t name_len, const char *elem,
                           size_t len)
{
    list_t *l = ctx;
    jsmntok_t tok[TOKENS];
    hc_json_t doc;
    hc_err_t err = hc_json_parse(&doc, elem, len, tok, TOKENS);
    if (err != HC_OK)
        return err;
    if ((size_t)doc.n > l->max_tokens)
        l->max_tokens = (size_t)doc.n;
    if (len > l->max_bytes)
        l->max_bytes = len;
    switch (l->kind) {
    case 0:
        assert_true(l->count < 8);
        err = hc_decode_check(&l->checks[l->count], &doc, 0);
        break;
    case 1:
        assert_true(l->count < 20);
        err = hc_decode_received_ping(&l->pings[l->count], &doc, 0);
        break;
    case 2:
        assert_true(l->count < 8);
        err = hc_decode_flip(&l->flips[l->count], &doc, 0);
        break;
    case 3:
        assert_true(l->count < 2);
        err = hc_decode_channel(&l->channels[l->count], &doc, 0);
        break;
    default:
        assert_true(l->count < 4);
        err = hc_decode_badge(&l->badges[l->count], name, name_len, &doc, 0);
        break;
    }
    l->count++;
    return err;
}

static list_t *list_fixture(const char *name, const char *key, hc_jstream_shape_t shape, int kind)
{
    static char elem[2048];
    size_t len;
    char *body = hc_fixture_load_body(name, &len);
    list_t *l = calloc(1, sizeof *l);
    hc_jstream_t js;
    assert_non_null(l);
    l->kind = kind;
    assert_err(hc_jstream_init(&js, key, shape, elem, sizeof elem, on_element, l), HC_OK);
    assert_err(hc_jstream_feed(&js, (const uint8_t *)body, len), HC_OK);
    assert_err(hc_jstream_finish(&js), HC_OK);
    free(body);
    return l;
}

/* ------------------------------------------------------------------ checks */

static void test_check_get_every_field(void **state)
{
    (void)state;
    hc_check_t *c = check_fixture("api_check_get.http");
    assert_string_equal(c->name, "Backups");
    assert_string_equal(c->slug, "backups");
    assert_string_equal(c->tags, "prod db");
    assert_string_equal(c->desc, "nightly backup");
    assert_int_equal(c->grace, 120);
    assert_int_equal(c->n_pings, 18);
    assert_int_equal(c->status, HC_STATUS_UP);
    assert_false(c->started);
    assert_int_equal(c->last_ping, T_0526_131515);
    assert_int_equal(c->next_ping, T_0526_131515 + 3600);
    assert_false(c->manual_resume);
    assert_string_equal(c->methods, "");
    assert_string_equal(c->subject, "");
    assert_string_equal(c->subject_fail, "");
    assert_string_equal(c->start_kw, "");
    assert_string_equal(c->success_kw, "");
    assert_string_equal(c->failure_kw, "");
    assert_false(c->filter_subject);
    assert_false(c->filter_body);
    assert_string_equal(c->ping_url, "http://127.0.0.1:8000/ping/45c9d87e-c6e4-42c7-ba1e-921cfc827121");
    assert_string_equal(c->update_url,
                        "http://127.0.0.1:8000/api/v3/checks/45c9d87e-c6e4-42c7-ba1e-921cfc827121");
    assert_string_equal(c->pause_url,
                        "http://127.0.0.1:8000/api/v3/checks/45c9d87e-c6e4-42c7-ba1e-921cfc827121/pause");
    assert_string_equal(c->resume_url,
                        "http://127.0.0.1:8000/api/v3/checks/45c9d87e-c6e4-42c7-ba1e-921cfc827121/resume");
    assert_string_equal(c->channels, "c586f7b2-14f5-457a-8712-3377b09aab32");
    assert_int_equal(c->timeout, 3600);
    /* v3.0.1 sends no uuid: it comes from the tail of ping_url */
    assert_string_equal(c->uuid, "45c9d87e-c6e4-42c7-ba1e-921cfc827121");
    assert_true(c->present == BITS(HC_CHECK_F_NAME, HC_CHECK_F_SLUG, HC_CHECK_F_TAGS, HC_CHECK_F_DESC,
                                   HC_CHECK_F_GRACE, HC_CHECK_F_N_PINGS, HC_CHECK_F_STATUS,
                                   HC_CHECK_F_STARTED, HC_CHECK_F_LAST_PING, HC_CHECK_F_NEXT_PING,
                                   HC_CHECK_F_MANUAL_RESUME, HC_CHECK_F_METHODS, HC_CHECK_F_SUBJECT,
                                   HC_CHECK_F_SUBJECT_FAIL, HC_CHECK_F_START_KW, HC_CHECK_F_SUCCESS_KW,
                                   HC_CHECK_F_FAILURE_KW, HC_CHECK_F_FILTER_SUBJECT,
                                   HC_CHECK_F_FILTER_BODY, HC_CHECK_F_UUID, HC_CHECK_F_PING_URL,
                                   HC_CHECK_F_UPDATE_URL, HC_CHECK_F_PAUSE_URL, HC_CHECK_F_RESUME_URL,
                                   HC_CHECK_F_CHANNELS, HC_CHECK_F_TIMEOUT));
    assert_true(c->nulls == 0);
    assert_true(c->truncated == 0);
    /* absent fields are zero/empty */
    assert_false(HC_PRESENT(c, HC_CHECK_F_SCHEDULE));
    assert_string_equal(c->schedule, "");
    assert_string_equal(c->tz, "");
    assert_string_equal(c->unique_key, "");
    assert_string_equal(c->badge_url, "");
    assert_int_equal(c->last_duration, 0);
    free(c);
}

static void test_check_readonly(void **state)
{
    (void)state;
    hc_check_t *c = check_fixture("api_check_get_readonly.http");
    assert_string_equal(c->name, "Backups");
    assert_string_equal(c->unique_key, "df14bf3280973f9c90f7bffc8188edf411f57858");
    assert_true(HC_PRESENT(c, HC_CHECK_F_UNIQUE_KEY));
    /* no uuid, and no URL to take one from */
    assert_false(HC_PRESENT(c, HC_CHECK_F_UUID));
    assert_string_equal(c->uuid, "");
    assert_false(HC_PRESENT(c, HC_CHECK_F_PING_URL));
    assert_false(HC_PRESENT(c, HC_CHECK_F_UPDATE_URL));
    assert_false(HC_PRESENT(c, HC_CHECK_F_PAUSE_URL));
    assert_false(HC_PRESENT(c, HC_CHECK_F_RESUME_URL));
    assert_false(HC_PRESENT(c, HC_CHECK_F_CHANNELS));
    assert_int_equal(c->timeout, 3600);
    assert_int_equal(c->grace, 120);
    free(c);
}

static void test_check_cron(void **state)
{
    (void)state;
    hc_check_t *c = check_fixture("api_check_get_cron.http");
    assert_string_equal(c->name, "Nightly");
    assert_string_equal(c->schedule, "15 3 * * *");
    assert_string_equal(c->tz, "Europe/Riga");
    assert_true(HC_PRESENT(c, HC_CHECK_F_SCHEDULE));
    assert_true(HC_PRESENT(c, HC_CHECK_F_TZ));
    assert_false(HC_PRESENT(c, HC_CHECK_F_TIMEOUT));
    /* "last_duration": 0 is present with value 0 */
    assert_true(HC_PRESENT(c, HC_CHECK_F_LAST_DURATION));
    assert_int_equal(c->last_duration, 0);
    /* "channels": "" is present and empty */
    assert_true(HC_PRESENT(c, HC_CHECK_F_CHANNELS));
    assert_string_equal(c->channels, "");
    assert_int_equal(c->next_ping, 1795742100); /* 2026-11-27T01:15:00+00:00 */
    assert_string_equal(c->uuid, "d29deba8-39c6-497f-84ab-aae78a43cb90");
    free(c);
}

static void test_check_list_v3(void **state)
{
    (void)state;
    list_t *l = list_fixture("api_checks_list.http", "checks", HC_JSTREAM_ARRAY, 0);
    assert_int_equal(l->count, 7);
    assert_string_equal(l->checks[0].name, "Backups");
    assert_string_equal(l->checks[1].name, "Nightly");
    /* a check never pinged: last_ping and next_ping are null */
    hc_check_t *c = &l->checks[2];
    assert_string_equal(c->name, "Body key");
    assert_int_equal(c->status, HC_STATUS_NEW);
    assert_true(HC_PRESENT(c, HC_CHECK_F_LAST_PING));
    assert_true(HC_IS_NULL(c, HC_CHECK_F_LAST_PING));
    assert_true(HC_IS_NULL(c, HC_CHECK_F_NEXT_PING));
    assert_int_equal(c->last_ping, 0);
    assert_true(c->nulls == BITS(HC_CHECK_F_LAST_PING, HC_CHECK_F_NEXT_PING));
    /* v2+: a running check keeps its status and sets "started" */
    c = &l->checks[4];
    assert_string_equal(c->name, "auto-created-2");
    assert_int_equal(c->status, HC_STATUS_NEW);
    assert_true(c->started);
    assert_string_equal(l->checks[6].name, "dup2");
    assert_string_equal(l->checks[6].slug, "dup");
    free(l);
}

static void test_check_list_v1_started(void **state)
{
    (void)state;
    list_t *l = list_fixture("api_v1_checks_list.http", "checks", HC_JSTREAM_ARRAY, 0);
    assert_int_equal(l->count, 6);
    hc_check_t *c = &l->checks[3];
    assert_string_equal(c->name, "auto-created-2");
    assert_int_equal(c->status, HC_STATUS_STARTED);
    assert_true(c->started);
    assert_true(HC_IS_NULL(c, HC_CHECK_F_LAST_PING));
    assert_false(HC_IS_NULL(c, HC_CHECK_F_NEXT_PING));
    assert_int_equal(c->next_ping, T_0526_131515);
    assert_string_equal(c->uuid, "3852da5a-8da3-42b9-a9a6-88eae1cabba1");
    assert_string_equal(c->update_url, "http://127.0.0.1:8000/api/v1/checks/3852da5a-8da3-42b9-a9a6-88eae1cabba1");
    free(l);
}

static void test_check_readonly_list(void **state)
{
    (void)state;
    list_t *l = list_fixture("api_checks_list_readonly.http", "checks", HC_JSTREAM_ARRAY, 0);
    assert_int_equal(l->count, 7);
    for (size_t i = 0; i < l->count; i++) {
        assert_int_equal(strlen(l->checks[i].unique_key), 40);
        assert_false(HC_PRESENT(&l->checks[i], HC_CHECK_F_UUID));
    }
    free(l);
}

/* The API document's example: a newer server's fields. */
static void test_check_newer_server(void **state)
{
    (void)state;
    static const char text[] =
        "{\"name\": \"Database Backup\", \"slug\": \"database-backup\", \"tags\": \"production db\","
        " \"desc\": \"Runs ~/db-backup.sh\", \"grace\": 1200, \"n_pings\": 7, \"status\": \"down\","
        " \"started\": false, \"last_ping\": \"2020-03-23T10:19:32+00:00\", \"next_ping\": null,"
        " \"manual_resume\": false, \"methods\": \"POST\", \"subject\": \"s\", \"subject_fail\": \"sf\","
        " \"start_kw\": \"START\", \"success_kw\": \"SUCCESS\", \"failure_kw\": \"ERROR\","
        " \"filter_subject\": true, \"filter_body\": false, \"filter_http_body\": true,"
        " \"filter_default_fail\": true,"
        " \"badge_url\": \"https://healthchecks.example/b/2/7d3ab93d-836e-4505-bbda-fcbd5e07adf9.svg\","
        " \"last_duration\": 42, \"uuid\": \"803f680d-e89b-492b-82ef-2be7b774a92d\","
        " \"ping_url\": \"https://hc-ping.com/00000000-0000-0000-0000-000000000000\","
        " \"update_url\": \"u\", \"pause_url\": \"p\", \"resume_url\": \"r\","
        " \"channels\": \"1bdea468-03bf-47b8-ab27-29a9dd0e4b94,51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c\","
        " \"schedule\": \"15 5 * * *\", \"tz\": \"UTC\", \"new_field\": {\"name\": 5, \"x\": [1, 2]}}";
    hc_check_t c;
    assert_err(check_from_str(text, &c), HC_OK);
    assert_string_equal(c.name, "Database Backup");   /* a nested "name" does not count */
    assert_int_equal(c.status, HC_STATUS_DOWN);
    assert_int_equal(c.last_ping, 1584958772);
    assert_true(HC_IS_NULL(&c, HC_CHECK_F_NEXT_PING));
    assert_string_equal(c.methods, "POST");
    assert_string_equal(c.subject, "s");
    assert_string_equal(c.subject_fail, "sf");
    assert_string_equal(c.start_kw, "START");
    assert_string_equal(c.success_kw, "SUCCESS");
    assert_string_equal(c.failure_kw, "ERROR");
    assert_true(c.filter_subject);
    assert_false(c.filter_body);
    assert_true(c.filter_http_body);
    assert_true(c.filter_default_fail);
    assert_string_equal(c.badge_url, "https://healthchecks.example/b/2/7d3ab93d-836e-4505-bbda-fcbd5e07adf9.svg");
    assert_int_equal(c.last_duration, 42);
    /* the server's uuid wins over the ping URL's tail */
    assert_string_equal(c.uuid, "803f680d-e89b-492b-82ef-2be7b774a92d");
    assert_string_equal(c.channels,
                        "1bdea468-03bf-47b8-ab27-29a9dd0e4b94,51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c");
    assert_string_equal(c.schedule, "15 5 * * *");
    assert_string_equal(c.tz, "UTC");
    assert_true(c.present == (((uint64_t)1 << HC_CHECK_F__COUNT) - 1) - BITS(HC_CHECK_F_UNIQUE_KEY, HC_CHECK_F_TIMEOUT));
}

static void test_check_uuid_only_from_a_uuid_tail(void **state)
{
    (void)state;
    hc_check_t c;
    assert_err(check_from_str("{\"ping_url\": \"https://hc-ping.com/key/my-slug\"}", &c), HC_OK);
    assert_false(HC_PRESENT(&c, HC_CHECK_F_UUID));
    assert_err(check_from_str("{\"ping_url\": \"https://hc-ping.com/803f680d-e89b-492b-82ef-2be7b774a92\"}", &c), HC_OK);
    assert_false(HC_PRESENT(&c, HC_CHECK_F_UUID));
    assert_err(check_from_str("{\"ping_url\": \"https://hc-ping.com/803f680d-e89b-492b-82ef-2be7b774a92dd\"}", &c), HC_OK);
    assert_false(HC_PRESENT(&c, HC_CHECK_F_UUID));
    assert_err(check_from_str("{\"ping_url\": \"803f680d-e89b-492b-82ef-2be7b774a92d\"}", &c), HC_OK);
    assert_false(HC_PRESENT(&c, HC_CHECK_F_UUID));
    assert_err(check_from_str("{\"ping_url\": \"/803f680d+e89b-492b-82ef-2be7b774a92d\"}", &c), HC_OK);
    assert_false(HC_PRESENT(&c, HC_CHECK_F_UUID));
    assert_err(check_from_str("{\"ping_url\": null}", &c), HC_OK);
    assert_false(HC_PRESENT(&c, HC_CHECK_F_UUID));
    assert_err(check_from_str("{\"ping_url\": \"/803F680D-E89B-492B-82EF-2BE7B774A92D\"}", &c), HC_OK);
    assert_string_equal(c.uuid, "803F680D-E89B-492B-82EF-2BE7B774A92D");
}

static void test_check_uuid_not_from_truncated_url(void **state)
{
    (void)state;
    char text[HC_URL_MAX + 100];
    hc_check_t c;
    /* a URL too long for ping_url: its tail is lost, so no uuid is made up */
    int n = snprintf(text, sizeof text, "{\"ping_url\": \"https://");
    for (int i = 0; i < HC_URL_MAX; i++)
        text[n++] = 'h';
    snprintf(text + n, sizeof text - (size_t)n, "/803f680d-e89b-492b-82ef-2be7b774a92d\"}");
    assert_err(check_from_str(text, &c), HC_OK);
    assert_true(HC_TRUNCATED(&c, HC_CHECK_F_PING_URL));
    assert_false(HC_PRESENT(&c, HC_CHECK_F_UUID));
    assert_int_equal(strlen(c.ping_url), HC_URL_MAX - 1);
}

/* Nor when the cut falls right after a uuid-shaped path segment: the
 * URL went on, so that segment is not its tail. */
static void test_check_uuid_not_from_a_cut_that_ends_like_one(void **state)
{
    (void)state;
    static const char uuid[] = "803f680d-e89b-492b-82ef-2be7b774a92d";
    char text[HC_URL_MAX + 100];
    hc_check_t c;
    int n = snprintf(text, sizeof text, "{\"ping_url\": \"https://");
    int host = HC_URL_MAX - 1 - (int)strlen("https://") - 1 - (int)strlen(uuid);
    for (int i = 0; i < host; i++)
        text[n++] = 'h';
    snprintf(text + n, sizeof text - (size_t)n, "/%s/more\"}", uuid);
    assert_err(check_from_str(text, &c), HC_OK);
    assert_true(HC_TRUNCATED(&c, HC_CHECK_F_PING_URL));
    assert_int_equal(strlen(c.ping_url), HC_URL_MAX - 1);
    assert_string_equal(strrchr(c.ping_url, '/') + 1, uuid);
    assert_false(HC_PRESENT(&c, HC_CHECK_F_UUID));
    assert_string_equal(c.uuid, "");
}

/* Members the decoder does not know are skipped whole, whatever their
 * values hold, and the known ones after them still land. */
static void test_check_unknown_members_skipped_whole(void **state)
{
    (void)state;
    hc_check_t c;
    assert_int_equal(check_from_str("{\"extra\": [1, 2], \"name\": \"x\", \"more\": [3],"
                                    " \"deep\": {\"a\": [4, {\"b\": 5}]}, \"slug\": \"s\","
                                    " \"empty\": [], \"desc\": \"d\"}", &c), HC_OK);
    assert_string_equal(c.name, "x");
    assert_string_equal(c.slug, "s");
    assert_string_equal(c.desc, "d");
}

static void test_check_truncation_flags(void **state)
{
    (void)state;
    char text[2048];
    char desc[HC_DESC_MAX + 10];
    char kw[HC_KEYWORD_MAX + 1];
    hc_check_t c;
    /* desc one byte too long; keyword exactly at its limit */
    memset(desc, 'd', HC_DESC_MAX);
    desc[HC_DESC_MAX] = '\0';
    memset(kw, 'k', HC_KEYWORD_MAX - 1);
    kw[HC_KEYWORD_MAX - 1] = '\0';
    snprintf(text, sizeof text, "{\"desc\": \"%s\", \"start_kw\": \"%s\", \"tags\": \"t\"}", desc, kw);
    assert_err(check_from_str(text, &c), HC_OK);
    assert_int_equal(strlen(c.desc), HC_DESC_MAX - 1);
    assert_true(HC_TRUNCATED(&c, HC_CHECK_F_DESC));
    assert_string_equal(c.start_kw, kw);
    assert_false(HC_TRUNCATED(&c, HC_CHECK_F_START_KW));
    assert_true(c.truncated == BITS(HC_CHECK_F_DESC));

    /* a name of 2-byte characters is cut on a character boundary */
    char name[3 * HC_NAME_MAX];
    size_t n = 0;
    for (int i = 0; i < HC_NAME_MAX; i++) {
        name[n++] = '\xc3';
        name[n++] = '\xa9';
    }
    name[n] = '\0';
    snprintf(text, sizeof text, "{\"name\": \"x%s\"}", name);
    assert_err(check_from_str(text, &c), HC_OK);
    assert_true(HC_TRUNCATED(&c, HC_CHECK_F_NAME));
    size_t kept = strlen(c.name);
    assert_true(kept <= HC_NAME_MAX - 1 && kept >= HC_NAME_MAX - 2);
    assert_int_equal((kept - 1) % 2, 0);                 /* "x" then whole "é"s */
    assert_true((unsigned char)c.name[kept - 1] == 0xa9);
}

static void test_check_escaped_strings(void **state)
{
    (void)state;
    hc_check_t c;
    /* Python's json.dumps writes non-ASCII as \u escapes */
    assert_int_equal(check_from_str("{\"name\": \"Caf\\u00e9 \\ud83d\\ude80 \\\"x\\\"\", "
                                    "\"desc\": \"a\\nb\\tc\"}", &c), HC_OK);
    assert_string_equal(c.name, "Caf\xc3\xa9 \xf0\x9f\x9a\x80 \"x\"");
    assert_string_equal(c.desc, "a\nb\tc");
    assert_err(check_from_str("{\"name\": \"\\ud83d\"}", &c), HC_ERR_JSON);
    assert_err(check_from_str("{\"name\": \"\\udc00\\ud83d\"}", &c), HC_ERR_JSON);
}

static void test_check_nulls_everywhere(void **state)
{
    (void)state;
    hc_check_t c;
    assert_int_equal(check_from_str("{\"name\": null, \"grace\": null, \"status\": null, \"started\": null,"
                                    " \"last_ping\": null, \"tz\": null}", &c), HC_OK);
    assert_true(c.present == BITS(HC_CHECK_F_NAME, HC_CHECK_F_GRACE, HC_CHECK_F_STATUS,
                                  HC_CHECK_F_STARTED, HC_CHECK_F_LAST_PING, HC_CHECK_F_TZ));
    assert_true(c.nulls == c.present);
    assert_string_equal(c.name, "");
    assert_int_equal(c.grace, 0);
    assert_int_equal(c.status, HC_STATUS_UNKNOWN);
}

static void test_check_duplicate_member_replaces(void **state)
{
    (void)state;
    hc_check_t c;
    assert_int_equal(check_from_str("{\"next_ping\": null, \"next_ping\": \"1970-01-01T00:01:00Z\","
                                    " \"desc\": \"first, longer\", \"desc\": \"2nd\"}", &c), HC_OK);
    assert_false(HC_IS_NULL(&c, HC_CHECK_F_NEXT_PING));
    assert_int_equal(c.next_ping, 60);
    assert_string_equal(c.desc, "2nd");
    assert_int_equal(c.desc[4], '\0'); /* nothing of the first value left */
}

/* Members are found by their whole name in any order: the first field
 * after the search wrapped around, and a name that is only the start of
 * a field's. */
static void test_check_members_in_any_order(void **state)
{
    (void)state;
    hc_check_t c;
    assert_int_equal(check_from_str("{\"slug\": \"s\", \"name\": \"n\"}", &c), HC_OK);
    assert_string_equal(c.name, "n");
    assert_string_equal(c.slug, "s");
    assert_int_equal(check_from_str("{\"n\": \"short\", \"nam\": \"er\"}", &c), HC_OK);
    assert_string_equal(c.name, "");
    assert_false(HC_PRESENT(&c, HC_CHECK_F_NAME));
}

static void test_check_unknown_status(void **state)
{
    (void)state;
    hc_check_t c;
    assert_err(check_from_str("{\"status\": \"sleeping\"}", &c), HC_OK);
    assert_int_equal(c.status, HC_STATUS_UNKNOWN);
    assert_true(HC_PRESENT(&c, HC_CHECK_F_STATUS));
    assert_err(check_from_str("{\"status\": \"a-very-long-status-name\"}", &c), HC_OK);
    assert_int_equal(c.status, HC_STATUS_UNKNOWN);
    static const struct { const char *s; hc_check_status_t st; } all[] = {
        { "new", HC_STATUS_NEW }, { "up", HC_STATUS_UP }, { "grace", HC_STATUS_GRACE },
        { "down", HC_STATUS_DOWN }, { "paused", HC_STATUS_PAUSED }, { "started", HC_STATUS_STARTED },
        { "UP", HC_STATUS_UNKNOWN }, { "", HC_STATUS_UNKNOWN },
    };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        char text[64];
        snprintf(text, sizeof text, "{\"status\": \"%s\"}", all[i].s);
        assert_err(check_from_str(text, &c), HC_OK);
        assert_int_equal(c.status, all[i].st);
    }
}

static void test_check_wrong_types(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"name\": 5}", "{\"name\": true}", "{\"name\": [\"a\"]}", "{\"name\": {}}",
        "{\"grace\": \"120\"}", "{\"grace\": -1}", "{\"grace\": 1.5}", "{\"grace\": 1e2}",
        "{\"n_pings\": 4294967296}", "{\"timeout\": 99999999999999999999999}",
        "{\"started\": \"false\"}", "{\"started\": 0}", "{\"manual_resume\": 1}",
        "{\"last_ping\": \"yesterday\"}", "{\"last_ping\": 1584958772}",
        "{\"next_ping\": \"2020-03-23T10:19:32\"}", "{\"status\": 1}", "{\"status\": [\"up\"]}",
        "{\"tz\": {\"name\": \"UTC\"}}", "{\"filter_body\": null, \"filter_subject\": \"yes\"}",
        "[]", "\"check\"", "42", "null",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        hc_check_t c;
        if (check_from_str(bad[i], &c) != HC_ERR_JSON)
            fail_msg("accepted %s", bad[i]);
    }
}

static void test_check_decode_arguments(void **state)
{
    (void)state;
    jsmntok_t tok[8];
    hc_json_t doc;
    hc_check_t c;
    const char *text = "{\"a\": {\"name\": \"x\"}}";
    assert_err(hc_json_parse(&doc, text, strlen(text), tok, 8), HC_OK);
    assert_err(hc_decode_check(&c, &doc, 2), HC_OK); /* a nested object */
    assert_string_equal(c.name, "x");
    assert_err(hc_decode_check(&c, &doc, 1), HC_ERR_JSON); /* a member name */
    assert_err(hc_decode_check(&c, &doc, -1), HC_ERR_JSON);
    assert_err(hc_decode_check(&c, &doc, 99), HC_ERR_JSON);
    assert_err(hc_decode_check(&c, NULL, 0), HC_ERR_JSON);

    /* no token before the first or at the end counts, even where memory
     * around the element holds an empty object's token */
    jsmntok_t around[10];
    assert_err(hc_json_parse(&doc, text, strlen(text), around + 1, 8), HC_OK);
    assert_int_equal(doc.n, 5);
    around[0] = around[1 + 2];
    around[0].size = 0;
    around[1 + 5] = around[0];
    assert_err(hc_decode_check(&c, &doc, -1), HC_ERR_JSON);
    assert_err(hc_decode_check(&c, &doc, 5), HC_ERR_JSON);
}

/* ------------------------------------------------------------------- pings */

static void test_pings_every_field(void **state)
{
    (void)state;
    list_t *l = list_fixture("api_check_pings.http", "pings", HC_JSTREAM_ARRAY, 1);
    assert_int_equal(l->count, 18);
    hc_received_ping_t *p = &l->pings[0];
    assert_int_equal(p->type, HC_PING_TYPE_SUCCESS);
    assert_int_equal(p->date, T_0526_131515);
    assert_int_equal(p->date_us, 457477);                /* .457477: kept whole */
    assert_int_equal(p->n, 18);
    assert_string_equal(p->scheme, "http");
    assert_string_equal(p->remote_addr, "127.0.0.1");
    assert_string_equal(p->method, "POST");
    assert_string_equal(p->ua, "hcpeer-verify/1.0");
    assert_true(HC_IS_NULL(p, HC_PING_F_RID));
    assert_string_equal(p->rid, "");
    assert_string_equal(p->body_url,
                        "http://127.0.0.1:8000/api/v3/checks/45c9d87e-c6e4-42c7-ba1e-921cfc827121/pings/18/body");
    assert_false(HC_PRESENT(p, HC_PING_F_DURATION));
    assert_true(p->present == (((1u << HC_PING_F__COUNT) - 1) & ~(1u << HC_PING_F_DURATION)));
    assert_true(p->nulls == (1u << HC_PING_F_RID));
    assert_int_equal(p->truncated, 0);

    p = &l->pings[1];
    assert_int_equal(p->type, HC_PING_TYPE_FAIL);
    assert_true(HC_IS_NULL(p, HC_PING_F_BODY_URL));
    assert_string_equal(p->method, "GET");
    p = &l->pings[2];
    assert_int_equal(p->type, HC_PING_TYPE_LOG);
    p = &l->pings[3];
    assert_int_equal(p->n, 15);
    assert_true(HC_PRESENT(p, HC_PING_F_DURATION));
    assert_int_equal(p->duration_us, 34016);             /* 0.034016 s */
    p = &l->pings[4];
    assert_int_equal(p->type, HC_PING_TYPE_START);
    p = &l->pings[8];
    assert_int_equal(p->n, 10);
    assert_string_equal(p->rid, "cabd8d03-d637-46e9-b652-805655b43815");
    assert_false(HC_IS_NULL(p, HC_PING_F_RID));
    assert_int_equal(p->duration_us, 1143493);           /* 1.143493 s */
    assert_int_equal(l->pings[13].duration_us, 42492);   /* 0.042492 s */
    assert_string_equal(l->pings[16].method, "HEAD");
    assert_int_equal(l->pings[17].n, 1);
    assert_int_equal(l->pings[17].date, T_0526_131513);
    free(l);
}

static void test_ping_types_and_errors(void **state)
{
    (void)state;
    static const struct { const char *json; hc_ping_type_t type; } ok[] = {
        { "{\"type\": \"ign\"}", HC_PING_TYPE_IGN }, { "{\"type\": \"start\"}", HC_PING_TYPE_START },
        { "{\"type\": \"new-kind\"}", HC_PING_TYPE_UNKNOWN },
    };
    jsmntok_t tok[16];
    hc_json_t doc;
    hc_received_ping_t p;
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        assert_err(hc_json_parse(&doc, ok[i].json, strlen(ok[i].json), tok, 16), HC_OK);
        assert_err(hc_decode_received_ping(&p, &doc, 0), HC_OK);
        assert_int_equal(p.type, ok[i].type);
    }
    const char *zero = "{\"duration\": 0}"; /* a run can take no time at all */
    assert_err(hc_json_parse(&doc, zero, strlen(zero), tok, 16), HC_OK);
    p.duration_us = 7;
    assert_err(hc_decode_received_ping(&p, &doc, 0), HC_OK);
    assert_true(p.duration_us == 0);
    assert_true(HC_PRESENT(&p, HC_PING_F_DURATION));
    const char *dur = "{\"duration\": 2.896736, \"remote_addr\": null}";
    assert_err(hc_json_parse(&doc, dur, strlen(dur), tok, 16), HC_OK);
    assert_err(hc_decode_received_ping(&p, &doc, 0), HC_OK);
    assert_int_equal(p.duration_us, 2896736);
    assert_true(HC_IS_NULL(&p, HC_PING_F_REMOTE_ADDR));
    /* Microseconds are kept as the server sent them; a repeated date
     * replaces the earlier one, microseconds included. */
    const char *precise = "{\"date\": \"2020-06-09T14:51:06.1130739+00:00\", "
                          "\"duration\": 9223372036854.775807}";
    assert_err(hc_json_parse(&doc, precise, strlen(precise), tok, 16), HC_OK);
    assert_err(hc_decode_received_ping(&p, &doc, 0), HC_OK);
    assert_int_equal(p.date, 1591714266);
    assert_int_equal(p.date_us, 113073);
    assert_true(p.duration_us == 9223372036854775807u);
    const char *twice = "{\"date\": \"2020-06-09T14:51:06.5Z\", \"date\": null}";
    assert_err(hc_json_parse(&doc, twice, strlen(twice), tok, 16), HC_OK);
    assert_err(hc_decode_received_ping(&p, &doc, 0), HC_OK);
    assert_true(HC_IS_NULL(&p, HC_PING_F_DATE));
    assert_int_equal(p.date, 0);
    assert_int_equal(p.date_us, 0);
    static const char *const bad[] = {
        "{\"duration\": \"1.5\"}", "{\"duration\": -1}", "{\"duration\": 9223372036855}",
        "{\"n\": -1}", "{\"n\": 1.5}", "{\"type\": 1}", "{\"date\": \"2020\"}", "{\"ua\": 5}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_err(hc_json_parse(&doc, bad[i], strlen(bad[i]), tok, 16), HC_OK);
        if (hc_decode_received_ping(&p, &doc, 0) != HC_ERR_JSON)
            fail_msg("accepted %s", bad[i]);
    }
}

/* ------------------------------------------------------------------- flips */

static void test_flips_object_and_bare(void **state)
{
    (void)state;
    list_t *l = list_fixture("api_check_flips.http", "flips", HC_JSTREAM_ARRAY_OR_BARE, 2);
    assert_int_equal(l->count, 7);
    assert_int_equal(l->flips[0].timestamp, T_0526_131515);
    assert_true(l->flips[0].up);
    assert_false(l->flips[1].up);
    assert_int_equal(l->flips[3].timestamp, T_0526_131513);
    assert_false(l->flips[3].up);
    assert_true(l->flips[6].up);
    assert_int_equal(l->flips[0].present, (1u << HC_FLIP_F_TIMESTAMP) | (1u << HC_FLIP_F_UP));
    free(l);

    /* the same flips as a bare array, as older docs show */
    static const char bare[] = "[{\"timestamp\": \"2020-03-23T10:18:23+00:00\", \"up\": 1},"
                               " {\"timestamp\": \"2020-03-23T10:19:23+00:00\", \"up\": false}]";
    static char elem[256];
    list_t *b = calloc(1, sizeof *b);
    hc_jstream_t js;
    assert_non_null(b);
    b->kind = 2;
    assert_int_equal(hc_jstream_init(&js, "flips", HC_JSTREAM_ARRAY_OR_BARE, elem, sizeof elem,
                                     on_element, b), HC_OK);
    assert_err(hc_jstream_feed(&js, (const uint8_t *)bare, strlen(bare)), HC_OK);
    assert_err(hc_jstream_finish(&js), HC_OK);
    assert_int_equal(b->count, 2);
    assert_int_equal(b->flips[0].timestamp, 1584958703);
    assert_true(b->flips[0].up);
    assert_int_equal(b->flips[1].timestamp, 1584958763);
    assert_false(b->flips[1].up);
    free(b);
}

static void test_flip_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"up\": 2}", "{\"up\": -1}", "{\"up\": \"1\"}", "{\"up\": 1.0}", "{\"timestamp\": 1584958703}",
        "{\"timestamp\": \"2020-02-30T00:00:00Z\"}",
    };
    jsmntok_t tok[8];
    hc_json_t doc;
    hc_flip_t f;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_err(hc_json_parse(&doc, bad[i], strlen(bad[i]), tok, 8), HC_OK);
        if (hc_decode_flip(&f, &doc, 0) != HC_ERR_JSON)
            fail_msg("accepted %s", bad[i]);
    }
}

/* ---------------------------------------------------------- channels, badges */

static void test_channels(void **state)
{
    (void)state;
    list_t *l = list_fixture("api_channels.http", "channels", HC_JSTREAM_ARRAY, 3);
    assert_int_equal(l->count, 1);
    assert_string_equal(l->channels[0].id, "c586f7b2-14f5-457a-8712-3377b09aab32");
    assert_string_equal(l->channels[0].name, "hcpeer email");
    assert_string_equal(l->channels[0].kind, "email");
    assert_int_equal(l->channels[0].present, 7);
    assert_int_equal(l->channels[0].truncated, 0);
    free(l);
}

static void test_badges(void **state)
{
    (void)state;
    list_t *l = list_fixture("api_badges.http", "badges", HC_JSTREAM_MEMBERS, 4);
    assert_int_equal(l->count, 4);
    hc_badge_t *b = &l->badges[0];
    assert_string_equal(b->tag, "*");
    assert_string_equal(b->svg, "http://127.0.0.1:8000/badge/hcadmin/MMKzH7Jx-2.svg");
    assert_string_equal(b->svg3, "http://127.0.0.1:8000/badge/hcadmin/MMKzH7Jx.svg");
    assert_string_equal(b->json, "http://127.0.0.1:8000/badge/hcadmin/MMKzH7Jx-2.json");
    assert_string_equal(b->json3, "http://127.0.0.1:8000/badge/hcadmin/MMKzH7Jx.json");
    assert_string_equal(b->shields, "http://127.0.0.1:8000/badge/hcadmin/MMKzH7Jx-2.shields");
    assert_string_equal(b->shields3, "http://127.0.0.1:8000/badge/hcadmin/MMKzH7Jx.shields");
    assert_int_equal(b->present, (1u << HC_BADGE_F__COUNT) - 1);
    assert_int_equal(b->truncated, 0);
    b = &l->badges[1];
    assert_string_equal(b->tag, "prod");
    assert_string_equal(b->svg, "http://127.0.0.1:8000/badge/hcadmin/mlG9c-3r-2/prod.svg");
    assert_string_equal(b->shields3, "http://127.0.0.1:8000/badge/hcadmin/mlG9c-3r/prod.shields");
    assert_string_equal(l->badges[2].tag, "cron");
    assert_string_equal(l->badges[3].tag, "db");
    assert_string_equal(l->badges[3].json, "http://127.0.0.1:8000/badge/hcadmin/Zb1Wgafu-2/db.json");
    free(l);
}

static void test_badge_tags(void **state)
{
    (void)state;
    jsmntok_t tok[8];
    hc_json_t doc;
    hc_badge_t b;
    char tag[HC_BADGE_TAG_MAX + 8];
    assert_err(hc_json_parse(&doc, "{\"svg\": \"s\"}", 12, tok, 8), HC_OK);
    assert_err(hc_decode_badge(&b, "caf\\u00e9", 9, &doc, 0), HC_OK);
    assert_string_equal(b.tag, "caf\xc3\xa9");
    assert_string_equal(b.svg, "s");
    assert_int_equal(b.present, (1u << HC_BADGE_F_TAG) | (1u << HC_BADGE_F_SVG));
    memset(tag, 't', sizeof tag);
    assert_err(hc_decode_badge(&b, tag, sizeof tag, &doc, 0), HC_OK);
    assert_true(HC_TRUNCATED(&b, HC_BADGE_F_TAG));
    assert_int_equal(strlen(b.tag), HC_BADGE_TAG_MAX - 1);
    assert_err(hc_decode_badge(&b, "\\ud800", 6, &doc, 0), HC_ERR_JSON);
}

/* A tag that cannot be decoded is reported before a bad object: the tag
 * comes first. */
static void test_badge_tag_error_first(void **state)
{
    (void)state;
    hc_badge_t b;
    assert_err(hc_decode_badge(&b, NULL, 3, NULL, 0), HC_ERR_ARG);
    assert_err(hc_decode_badge(&b, "\\ud800", 6, NULL, 0), HC_ERR_JSON);
    assert_err(hc_decode_badge(&b, "ok", 2, NULL, 0), HC_ERR_JSON);
    assert_err(hc_decode_badge(&b, NULL, 0, NULL, 0), HC_ERR_JSON);
}

/* ------------------------------------------------------------ measurements */

/* The buffers the recorded bodies need: every check fits TOKENS tokens
 * and a 2 KB element buffer with room to spare. */
static void test_element_budget(void **state)
{
    (void)state;
    list_t *l = list_fixture("api_checks_list.http", "checks", HC_JSTREAM_ARRAY, 0);
    assert_int_equal(l->max_tokens, 1 + 2 * 27);   /* the cron check's 27 members */
    assert_true(l->max_bytes < 1024);
    free(l);
    l = list_fixture("api_check_pings.http", "pings", HC_JSTREAM_ARRAY, 1);
    assert_int_equal(l->max_tokens, 1 + 2 * 10);
    free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_get_every_field),
        cmocka_unit_test(test_check_readonly),
        cmocka_unit_test(test_check_cron),
        cmocka_unit_test(test_check_list_v3),
        cmocka_unit_test(test_check_list_v1_started),
        cmocka_unit_test(test_check_readonly_list),
        cmocka_unit_test(test_check_newer_server),
        cmocka_unit_test(test_check_uuid_only_from_a_uuid_tail),
        cmocka_unit_test(test_check_uuid_not_from_truncated_url),
        cmocka_unit_test(test_check_uuid_not_from_a_cut_that_ends_like_one),
        cmocka_unit_test(test_check_unknown_members_skipped_whole),
        cmocka_unit_test(test_check_truncation_flags),
        cmocka_unit_test(test_check_escaped_strings),
        cmocka_unit_test(test_check_nulls_everywhere),
        cmocka_unit_test(test_check_duplicate_member_replaces),
        cmocka_unit_test(test_check_members_in_any_order),
        cmocka_unit_test(test_check_unknown_status),
        cmocka_unit_test(test_check_wrong_types),
        cmocka_unit_test(test_check_decode_arguments),
        cmocka_unit_test(test_pings_every_field),
        cmocka_unit_test(test_ping_types_and_errors),
        cmocka_unit_test(test_flips_object_and_bare),
        cmocka_unit_test(test_flip_errors),
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_badges),
        cmocka_unit_test(test_badge_tags),
        cmocka_unit_test(test_badge_tag_error_first),
        cmocka_unit_test(test_element_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
