/* The Management API's lists over the mock port: recorded v3.0.1
 * responses fed whole, one byte at a time, through would-block storms,
 * re-framed as chunked and close-delimited bodies, all decoding
 * identically; array and callback modes; and the memory an element takes,
 * measured. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "hc_fixture.h"
#include "api_env.h"

/* ================================================================ lists */

typedef struct list_case {
    const char *file;
    endpoint_t ep;
    size_t total;
} list_case_t;

static const list_case_t list_cases[] = {
    { "api_checks_list.http", EP_CHECKS, 7 },
    { "api_checks_list_readonly.http", EP_CHECKS, 7 },
    { "api_checks_list_tag.http", EP_CHECKS, 1 },
    { "api_checks_list_tags_and.http", EP_CHECKS, 1 },
    { "api_checks_list_slug.http", EP_CHECKS, 1 },
    { "api_checks_list_empty.http", EP_CHECKS, 0 },
    { "api_v1_checks_list.http", EP_CHECKS, 6 },
    { "api_v2_checks_list.http", EP_CHECKS, 6 },
    { "api_check_pings.http", EP_PINGS, 18 },
    { "api_check_flips.http", EP_FLIPS, 7 },
    { "api_check_flips_seconds.http", EP_FLIPS, 7 },
    { "api_check_flips_start_end.http", EP_FLIPS, 7 },
    { "api_check_flips_readonly_ukey.http", EP_FLIPS, 7 },
    { "api_channels.http", EP_CHANNELS, 1 },
    { "api_badges.http", EP_BADGES, 4 },
    { "api_badges_readonly.http", EP_BADGES, 4 },
};

static void test_recorded_lists_decode_identically_however_delivered(void **state)
{
    (void)state;
    static kept_t ref, got;
    for (size_t i = 0; i < sizeof list_cases / sizeof list_cases[0]; i++) {
        const list_case_t *c = &list_cases[i];
        size_t len;
        char *raw = hc_fixture_load(c->file, &len);
        assert_err(run_list(c->ep, raw, WHOLE, &ref), HC_OK);
        assert_int_equal(ref.n, c->total);
        for (mode_t_ m = BYTEWISE; m < N_MODES; m++) {
            hc_err_t r = run_list(c->ep, raw, m, &got);
            if (r != HC_OK || !same_items(&got, &ref))
                fail_msg("%s delivered %s: %s, %zu items", c->file, mode_names[m],
                         hc_strerror(r), got.n);
        }
        free(raw);
    }
}

static void test_recorded_values(void **state)
{
    (void)state;
    static kept_t k;
    size_t len;
    char *raw = hc_fixture_load("api_checks_list.http", &len);
    assert_err(run_list(EP_CHECKS, raw, BYTEWISE, &k), HC_OK);
    const hc_check_t *c = &k.items[0].check;
    assert_string_equal(c->name, "Backups");
    assert_string_equal(c->tags, "prod db");
    assert_int_equal(c->grace, 120);
    assert_int_equal(c->n_pings, 18);
    assert_int_equal(c->status, HC_STATUS_UP);
    assert_int_equal(c->last_ping, 1795699515);  /* 2026-11-26T13:25:15+00:00 */
    assert_int_equal(c->next_ping, 1795699515 + 3600);
    /* v3.0.1 sends no uuid: it comes from the tail of ping_url */
    assert_string_equal(c->uuid, UUID);
    assert_true(HC_PRESENT(c, HC_CHECK_F_UUID));
    assert_false(HC_PRESENT(c, HC_CHECK_F_BADGE_URL));
    assert_int_equal(c->timeout, 3600);
    c = &k.items[1].check;
    assert_string_equal(c->schedule, "15 3 * * *");
    assert_string_equal(c->tz, "Europe/Riga");
    assert_true(HC_PRESENT(c, HC_CHECK_F_LAST_DURATION));
    assert_int_equal(c->last_duration, 0);
    c = &k.items[2].check;
    assert_true(HC_IS_NULL(c, HC_CHECK_F_LAST_PING));
    c = &k.items[4].check;
    assert_true(c->started);
    free(raw);

    raw = hc_fixture_load("api_check_flips.http", &len);
    assert_err(run_list(EP_FLIPS, raw, BYTEWISE, &k), HC_OK);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(k.items[i].flip.up, i % 2 == 0);
    free(raw);

    raw = hc_fixture_load("api_badges.http", &len);
    assert_err(run_list(EP_BADGES, raw, BYTEWISE, &k), HC_OK);
    static const char *const tags[] = { "*", "prod", "cron", "db" };
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(k.items[i].badge.tag, tags[i]);
    assert_string_equal(k.items[1].badge.json3,
                        "http://127.0.0.1:8000/badge/hcadmin/mlG9c-3r/prod.json");
    free(raw);
}

/* A bare array of flips (older docs) is accepted too; not for checks. */
static void test_bare_flips_array(void **state)
{
    (void)state;
    const char *body = "[{\"timestamp\": \"2020-03-23T10:18:23+00:00\", \"up\": 1}, "
                       "{\"timestamp\": \"2020-03-23T10:19:23+00:00\", \"up\": false}]";
    hc_mock_conn_t s[] = { json("200 OK", body) };
    setup(s, 1);
    hc_flip_t f[2];
    hc_list_t out = { .items = f, .capacity = 2 };
    assert_err(wait_for(hc_api_list_flips_begin(&fx.api, UUID, NULL, &out)), HC_OK);
    assert_int_equal(out.count, 2);
    assert_true(f[0].up);
    assert_false(f[1].up);
    assert_int_equal(f[0].timestamp, 1584958703);

    hc_mock_conn_t s2[] = { json("200 OK", "[]") };
    setup(s2, 1);
    hc_check_t c;
    hc_list_t co = { .items = &c, .capacity = 1 };
    assert_err(wait_for(hc_api_list_checks_begin(&fx.api, NULL, &co)), HC_ERR_JSON);
}

static void test_array_mode_capacity_and_total(void **state)
{
    (void)state;
    static kept_t ref;
    size_t len;
    char *raw = hc_fixture_load("api_checks_list.http", &len);
    assert_err(run_list(EP_CHECKS, raw, WHOLE, &ref), HC_OK);

    for (size_t cap = 1; cap <= 9; cap++) {
        hc_mock_conn_t s[] = { answer(raw) };
        s[0].max_read = 1;
        setup(s, 1);
        hc_check_t items[9];
        memset(items, 0, sizeof items);
        hc_list_t out = { .items = items, .capacity = cap, .count = 99, .total = 99 };
        assert_err(wait_for(hc_api_list_checks_begin(&fx.api, NULL, &out)), HC_OK);
        size_t want = cap < 7 ? cap : 7;
        assert_int_equal(out.count, want);
        assert_int_equal(out.total, 7);
        for (size_t i = 0; i < want; i++)
            assert_memory_equal(&items[i], &ref.items[i].check, sizeof items[i]);
        for (size_t i = want; i < cap; i++)
            assert_int_equal(items[i].present, 0);  /* never written */
    }

    /* a list call needs somewhere to put its elements */
    hc_mock_conn_t s[] = { answer(raw) };
    setup(s, 1);
    hc_check_t one;
    hc_list_t none = { .items = &one, .capacity = 0 };
    assert_err(hc_api_list_checks_begin(&fx.api, NULL, &none), HC_ERR_ARG);
    hc_list_t null_items = { .items = NULL, .capacity = 3 };
    assert_err(hc_api_list_checks_begin(&fx.api, NULL, &null_items), HC_ERR_ARG);
    assert_err(hc_api_list_checks_begin(&fx.api, NULL, NULL), HC_ERR_ARG);
    nothing_sent();
    free(raw);
}

static void test_callback_error_stops_the_call(void **state)
{
    (void)state;
    static kept_t k;
    size_t len;
    char *raw = hc_fixture_load("api_check_pings.http", &len);
    for (unsigned stop = 1; stop <= 18; stop += 17) {
        hc_mock_conn_t s[] = { answer(raw) };
        s[0].max_read = 1;
        setup(s, 1);
        memset(&k, 0, sizeof k);
        k.size = sizeof(hc_received_ping_t);
        k.stop_at = stop;
        k.stop_with = HC_ERR_RANGE;
        hc_received_ping_t slot;
        hc_list_t out = { .items = &slot, .capacity = 1, .each = keep, .ctx = &k };
        assert_err(wait_for(hc_api_list_pings_begin(&fx.api, UUID, &out)), HC_ERR_RANGE);
        assert_int_equal(k.n, stop);               /* no element after the error */
        assert_err(hc_api_poll(&fx.api), HC_ERR_RANGE);  /* and the result stays */
        assert_err(hc_api_wait(&fx.api), HC_ERR_RANGE);
        assert_int_equal(hc_client_attempts(&fx.client), 1);  /* not retried */
    }
    free(raw);
}

/* ================================================= what memory it takes */

typedef struct measure {
    size_t max_elem;   /* bytes of the largest element (with its name for badges) */
    int max_tok;       /* tokens of the element with the most */
    const char *worst;
} measure_t;

static hc_err_t measure_element(void *ctx, const char *name, size_t name_len,
                                const char *elem, size_t elem_len)
{
    measure_t *m = ctx;
    (void)name_len;
    static jsmntok_t tok[1024];
    hc_json_t doc;
    assert_err(hc_json_parse(&doc, elem, elem_len, tok, 1024), HC_OK);
    /* in members mode the name sits in the buffer before the value */
    size_t need = name ? (size_t)(elem + elem_len - (name - 1)) : elem_len;
    if (need > m->max_elem)
        m->max_elem = need;
    if (doc.n > m->max_tok)
        m->max_tok = doc.n;
    return HC_OK;
}

static void measure_body(const char *body, size_t len, const char *key, hc_jstream_shape_t shape,
                         measure_t *m)
{
    if (!key) {  /* a single object: collected whole */
        static jsmntok_t tok[1024];
        hc_json_t doc;
        assert_err(hc_json_parse(&doc, body, len, tok, 1024), HC_OK);
        if (len > m->max_elem)
            m->max_elem = len;
        if (doc.n > m->max_tok)
            m->max_tok = doc.n;
        return;
    }
    static char buf[65536];
    hc_jstream_t js;
    assert_err(hc_jstream_init(&js, key, shape, buf, sizeof buf, measure_element, m), HC_OK);
    assert_err(hc_jstream_feed(&js, (const uint8_t *)body, len), HC_OK);
    assert_err(hc_jstream_finish(&js), HC_OK);
}

/* The API document's example check (v3, read-write key) and its
 * read-only form: what a real hosted check looks like. */
static const char doc_example[] =
    "{\"name\": \"Database Backup\", \"slug\": \"database-backup\", \"tags\": \"production db\", "
    "\"desc\": \"Runs ~/db-backup.sh\", \"grace\": 1200, \"n_pings\": 7, \"status\": \"down\", "
    "\"started\": false, \"last_ping\": \"2020-03-23T10:19:32+00:00\", \"next_ping\": null, "
    "\"manual_resume\": false, \"methods\": \"\", \"subject\": \"\", \"subject_fail\": \"\", "
    "\"start_kw\": \"START\", \"success_kw\": \"SUCCESS\", \"failure_kw\": \"ERROR\", "
    "\"filter_subject\": true, \"filter_body\": false, \"filter_http_body\": false, "
    "\"filter_default_fail\": false, "
    "\"badge_url\": \"https://healthchecks.example/b/2/7d3ab93d-836e-4505-bbda-fcbd5e07adf9.svg\", "
    "\"uuid\": \"803f680d-e89b-492b-82ef-2be7b774a92d\", "
    "\"ping_url\": \"https://hc-ping.com/803f680d-e89b-492b-82ef-2be7b774a92d\", "
    "\"update_url\": \"https://healthchecks.io/api/v3/checks/803f680d-e89b-492b-82ef-2be7b774a92d\", "
    "\"pause_url\": \"https://healthchecks.io/api/v3/checks/803f680d-e89b-492b-82ef-2be7b774a92d/pause\", "
    "\"resume_url\": \"https://healthchecks.io/api/v3/checks/803f680d-e89b-492b-82ef-2be7b774a92d/resume\", "
    "\"channels\": \"1bdea468-03bf-47b8-ab27-29a9dd0e4b94,51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c\", "
    "\"schedule\": \"15 5 * * *\", \"tz\": \"UTC\"}";

static void test_measure_memory_needed(void **state)
{
    (void)state;
    static const struct { const char *file, *key; hc_jstream_shape_t shape; } bodies[] = {
        { "api_checks_list.http", "checks", HC_JSTREAM_ARRAY },
        { "api_checks_list_readonly.http", "checks", HC_JSTREAM_ARRAY },
        { "api_v1_checks_list.http", "checks", HC_JSTREAM_ARRAY },
        { "api_v2_checks_list.http", "checks", HC_JSTREAM_ARRAY },
        { "api_check_pings.http", "pings", HC_JSTREAM_ARRAY },
        { "api_check_flips.http", "flips", HC_JSTREAM_ARRAY_OR_BARE },
        { "api_channels.http", "channels", HC_JSTREAM_ARRAY },
        { "api_badges.http", "badges", HC_JSTREAM_MEMBERS },
        { "api_check_get.http", NULL, 0 },
        { "api_check_get_cron.http", NULL, 0 },
        { "api_checks_create.http", NULL, 0 },
        { "api_check_update_to_cron.http", NULL, 0 },
    };
    measure_t all = { 0 };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        size_t len;
        char *raw = hc_fixture_load(bodies[i].file, &len);
        const char *body = body_of(raw);
        measure_t m = { 0 };
        measure_body(body, len - (size_t)(body - raw), bodies[i].key, bodies[i].shape, &m);
        print_message("  %-32s largest element %4zu bytes, %2d tokens\n", bodies[i].file,
                      m.max_elem, m.max_tok);
        if (m.max_elem > all.max_elem) {
            all.max_elem = m.max_elem;
            all.worst = bodies[i].file;
        }
        all.max_tok = m.max_tok > all.max_tok ? m.max_tok : all.max_tok;
        free(raw);
    }
    measure_t ex = { 0 };
    measure_body(doc_example, strlen(doc_example), NULL, 0, &ex);
    print_message("  %-32s element %4zu bytes, %2d tokens\n", "API document example", ex.max_elem,
                  ex.max_tok);
    print_message("  recorded v3.0.1 responses: largest element %zu bytes (%s), most tokens %d\n",
                  all.max_elem, all.worst, all.max_tok);
    print_message("  sizeof hc_api_t %zu, hc_client_t %zu, hc_check_t %zu, hc_received_ping_t %zu, "
                  "hc_flip_t %zu, hc_channel_t %zu, hc_badge_t %zu, hc_jstream_t %zu, "
                  "jsmntok_t %zu\n",
                  sizeof(hc_api_t), sizeof(hc_client_t), sizeof(hc_check_t),
                  sizeof(hc_received_ping_t), sizeof(hc_flip_t), sizeof(hc_channel_t),
                  sizeof(hc_badge_t), sizeof(hc_jstream_t), sizeof(jsmntok_t));

    /* The documented 2 KB and 80 tokens cover them; the measured minimum
     * is exactly the boundary: one byte or token less is refused. */
    assert_true(all.max_elem <= 2048 && all.max_tok <= 80);
    assert_true(ex.max_elem <= 2048 && ex.max_tok <= 80);
    size_t need = ex.max_elem;
    unsigned ntok = (unsigned)ex.max_tok;
    for (int shrink = 0; shrink < 3; shrink++) {
        hc_mock_conn_t s[] = { json("200 OK", doc_example) };
        setup_mem(s, 1, need - (shrink == 1), ntok - (shrink == 2));
        hc_check_t c;
        hc_err_t r = wait_for(hc_api_get_check_begin(&fx.api, UUID, &c));
        assert_err(r, shrink ? HC_ERR_JSON_TOO_LARGE : HC_OK);
        if (!shrink) {
            assert_string_equal(c.uuid, "803f680d-e89b-492b-82ef-2be7b774a92d");
            assert_int_equal(c.truncated, 0);
            assert_int_equal(c.status, HC_STATUS_DOWN);
        }
    }
    /* as a list element (the wrapper does not count) */
    char list[4096];
    snprintf(list, sizeof list, "{\"checks\": [%s, %s]}", doc_example, doc_example);
    for (int shrink = 0; shrink < 3; shrink++) {
        hc_mock_conn_t s[] = { json("200 OK", list) };
        s[0].max_read = 1;
        setup_mem(s, 1, need - (shrink == 1), ntok - (shrink == 2));
        hc_check_t c;
        hc_list_t out = { .items = &c, .capacity = 1 };
        assert_err(wait_for(hc_api_list_checks_begin(&fx.api, NULL, &out)),
                   shrink ? HC_ERR_JSON_TOO_LARGE : HC_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_lists_decode_identically_however_delivered),
        cmocka_unit_test(test_recorded_values),
        cmocka_unit_test(test_bare_flips_array),
        cmocka_unit_test(test_array_mode_capacity_and_total),
        cmocka_unit_test(test_callback_error_stops_the_call),
        cmocka_unit_test(test_measure_memory_needed),
    };
    return cmocka_run_group_tests_name("management api: lists", tests, NULL, NULL);
}
