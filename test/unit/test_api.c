/* The Management API over the mock port: recorded v3.0.1 responses fed
 * whole, one byte at a time, through would-block storms, re-framed as
 * chunked and close-delimited bodies, all decoding identically; array and
 * callback list modes; every status mapping; malformed JSON of every kind
 * refused (never HC_OK with partial results); local validation that sends
 * nothing; and the memory an endpoint needs, measured. */
#define _GNU_SOURCE /* memmem */
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

#include "healthchecks/hc_api.h"
#include "healthchecks/hc_ping.h"
#include "hc_port_mock.h"

#define KEY "hcw_0123456789abcdef0123456789ab"
#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define MAX_ITEMS 32
#define POLL_LIMIT 5000000u

typedef struct fixture {
    hc_mock_t mock;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    hc_api_t api;
    uint8_t work[1024];
    char elem[4096];
    jsmntok_t tok[256];
    uint8_t capture[16384];
} fixture_t;

static fixture_t fx;

static void setup_mem(const hc_mock_conn_t *script, size_t n, size_t elem_size, unsigned n_tok)
{
    memset(&fx, 0, sizeof fx);
    hc_mock_init(&fx.mock, script, n, fx.capture, sizeof fx.capture);
    fx.tp = hc_mock_transport(&fx.mock);
    hc_config_defaults(&fx.cfg);
    fx.cfg.api_url = "http://hc.test/api";
    fx.cfg.api_key = KEY;
    fx.cfg.transport = &fx.tp;
    fx.cfg.work = fx.work;
    fx.cfg.work_size = sizeof fx.work;
    assert_err(hc_client_init(&fx.client, &fx.cfg), HC_OK);
    assert_true(elem_size <= sizeof fx.elem && n_tok <= 256);
    hc_api_mem_t mem = { fx.elem, elem_size, fx.tok, n_tok };
    assert_err(hc_api_init(&fx.api, &fx.client, &mem), HC_OK);
}

/* The memory the issue asks every endpoint to work with: 2 KB, 80 tokens. */
static void setup(const hc_mock_conn_t *script, size_t n) { setup_mem(script, n, 2048, 80); }

/* ------------------------------------------------------------- responses */

typedef enum framing { LENGTH, CHUNKED, CLOSE } framing_t;

/* A response in one of a few rotating slots (a script may hold several). */
static const char *response(const char *status, const char *body, framing_t framing)
{
    static char slots[6][12288];
    static unsigned next;
    char *r = slots[next++ % 6];
    size_t len = strlen(body), cap = sizeof slots[0];
    int k = snprintf(r, cap, "HTTP/1.1 %s\r\nContent-Type: application/json\r\n", status);
    if (framing == LENGTH) {
        k += snprintf(r + k, cap - (size_t)k, "Content-Length: %zu\r\n\r\n%s", len, body);
    } else if (framing == CLOSE) {
        k += snprintf(r + k, cap - (size_t)k, "Connection: close\r\n\r\n%s", body);
    } else {
        k += snprintf(r + k, cap - (size_t)k, "Transfer-Encoding: chunked\r\n\r\n");
        /* chunks of 1, 2, 3, ... bytes: every split point is met somewhere */
        for (size_t pos = 0, size = 1; pos < len; pos += size, size++) {
            if (size > len - pos)
                size = len - pos;
            k += snprintf(r + k, cap - (size_t)k, "%zx\r\n%.*s\r\n", size, (int)size, body + pos);
        }
        k += snprintf(r + k, cap - (size_t)k, "0\r\n\r\n");
    }
    assert_true((size_t)k < cap);
    return r;
}

static hc_mock_conn_t answer(const char *raw)
{
    hc_mock_conn_t c = { 0 };
    c.response = (const uint8_t *)raw;
    c.response_len = strlen(raw);
    return c;
}

static hc_mock_conn_t json(const char *status, const char *body)
{
    return answer(response(status, body, LENGTH));
}

/* The body of a recorded response (points into @p raw). */
static const char *body_of(const char *raw)
{
    const char *b = strstr(raw, "\r\n\r\n");
    assert_non_null(b);
    return b + 4;
}

/* ---------------------------------------------------------------- driving */

static hc_err_t wait_for(hc_err_t started)
{
    assert_err(started, HC_OK);
    return hc_api_wait(&fx.api);
}

/* Poll to the end; no poll may move the virtual clock (a poll that waited
 * would). Returns the result; *in_progress counts HC_IN_PROGRESS answers. */
static hc_err_t poll_for(hc_err_t started, unsigned *in_progress)
{
    assert_err(started, HC_OK);
    unsigned n = 0;
    hc_err_t r;
    do {
        uint32_t before = fx.mock.now;
        r = hc_api_poll(&fx.api);
        assert_int_equal(fx.mock.now, before);
        n++;
        assert_true(n < POLL_LIMIT);
    } while (r == HC_IN_PROGRESS);
    if (in_progress)
        *in_progress = n - 1;
    return r;
}

static void nothing_sent(void)
{
    assert_int_equal(fx.mock.next, 0);
    assert_int_equal(fx.mock.capture_len, 0);
}

/* ------------------------------------------------------------ list helpers */

typedef enum endpoint { EP_CHECKS, EP_PINGS, EP_FLIPS, EP_CHANNELS, EP_BADGES } endpoint_t;

static size_t item_size(endpoint_t ep)
{
    switch (ep) {
    case EP_CHECKS: return sizeof(hc_check_t);
    case EP_PINGS: return sizeof(hc_received_ping_t);
    case EP_FLIPS: return sizeof(hc_flip_t);
    case EP_CHANNELS: return sizeof(hc_channel_t);
    default: return sizeof(hc_badge_t);
    }
}

static hc_err_t start_list(endpoint_t ep, hc_list_t *out)
{
    switch (ep) {
    case EP_CHECKS: return hc_api_list_checks_begin(&fx.api, NULL, out);
    case EP_PINGS: return hc_api_list_pings_begin(&fx.api, UUID, out);
    case EP_FLIPS: return hc_api_list_flips_begin(&fx.api, UUID, NULL, out);
    case EP_CHANNELS: return hc_api_list_channels_begin(&fx.api, out);
    default: return hc_api_list_badges_begin(&fx.api, out);
    }
}

/* Callback mode: keeps a copy of every element (up to MAX_ITEMS), and can
 * stop the call with an error at element @c stop_at (1-based). */
typedef union any_item {
    hc_check_t check;
    hc_received_ping_t ping;
    hc_flip_t flip;
    hc_channel_t channel;
    hc_badge_t badge;
} any_item_t;

typedef struct kept {
    size_t size;
    size_t n;
    unsigned stop_at;
    hc_err_t stop_with;
    any_item_t items[MAX_ITEMS];
} kept_t;

static hc_err_t keep(void *ctx, const void *item)
{
    kept_t *k = ctx;
    k->n++;
    if (k->stop_at && k->n == k->stop_at)
        return k->stop_with;
    if (k->n <= MAX_ITEMS)
        memcpy(&k->items[k->n - 1], item, k->size);
    return HC_OK;
}

/* Both runs decoded the same elements, byte for byte. */
static bool same_items(const kept_t *a, const kept_t *b)
{
    if (a->n != b->n || a->size != b->size)
        return false;
    for (size_t i = 0; i < a->n && i < MAX_ITEMS; i++) {
        if (memcmp(&a->items[i], &b->items[i], a->size) != 0)
            return false;
    }
    return true;
}

typedef enum mode { WHOLE, BYTEWISE, STORMS, RECHUNKED, RECLOSED, N_MODES } mode_t_;

static const char *const mode_names[] = { "whole", "one byte a time", "storms (poll)",
                                          "chunked 1,2,3..", "close-delimited" };

/* Run list @p ep over @p raw (a whole response) delivered as @p mode, in
 * callback mode; the decoded elements go to @p k. */
static hc_err_t run_list(endpoint_t ep, const char *raw, mode_t_ mode, kept_t *k)
{
    const char *bytes = raw;
    if (mode == RECHUNKED || mode == RECLOSED)
        bytes = response("200 OK", body_of(raw), mode == RECHUNKED ? CHUNKED : CLOSE);
    hc_mock_conn_t s[1] = { answer(bytes) };
    if (mode == BYTEWISE || mode == RECHUNKED)
        s[0].max_read = 1;
    if (mode == STORMS || mode == RECLOSED) {
        s[0].max_read = 7;
        s[0].max_write = 3;
        s[0].storm = 3;
    }
    setup(s, 1);
    memset(k, 0, sizeof *k);
    k->size = item_size(ep);
    any_item_t slot;
    hc_list_t out = { .items = &slot, .capacity = 1, .each = keep, .ctx = k };
    hc_err_t r;
    if (mode == STORMS || mode == RECLOSED) {
        unsigned in_progress;
        r = poll_for(start_list(ep, &out), &in_progress);
        assert_true(in_progress > 0);
    } else {
        r = wait_for(start_list(ep, &out));
    }
    if (r == HC_OK) {
        assert_int_equal(out.total, k->n);
        assert_int_equal(out.count, 0);
    }
    return r;
}

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

/* ====================================================== single objects */

static void test_recorded_single_objects(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        bool created;
    } cases[] = {
        { "api_check_get.http", false }, { "api_check_get_readonly.http", false },
        { "api_check_get_by_unique_key.http", false }, { "api_check_get_cron.http", false },
        { "api_checks_create.http", true }, { "api_checks_create_cron.http", true },
        { "api_checks_create_unique_existing.http", false }, { "api_check_update.http", false },
        { "api_check_update_to_cron.http", false }, { "api_check_pause.http", false },
        { "api_check_resume.http", false }, { "api_check_delete.http", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *raw = hc_fixture_load(cases[i].file, &len);
        hc_check_t ref, got;
        for (mode_t_ m = WHOLE; m < N_MODES; m++) {
            const char *bytes = raw;
            if (m == RECHUNKED || m == RECLOSED)
                bytes = response(cases[i].created ? "201 Created" : "200 OK", body_of(raw),
                                 m == RECHUNKED ? CHUNKED : CLOSE);
            hc_mock_conn_t s[] = { answer(bytes) };
            s[0].max_read = m == WHOLE ? 0 : m == STORMS ? 5 : 1;
            s[0].storm = m == STORMS ? 4 : 0;
            setup(s, 1);
            hc_check_spec_t spec = { .set = HC_SPEC_NAME, .name = "n" };
            hc_check_t *out = m == WHOLE ? &ref : &got;
            /* create and update decode like a get; which call does not matter
             * to the decoding, but hc_api_created() must follow the status */
            hc_err_t started = cases[i].created ? hc_api_create_check_begin(&fx.api, &spec, out)
                                                : hc_api_get_check_begin(&fx.api, UUID, out);
            hc_err_t r = m == STORMS ? poll_for(started, NULL) : wait_for(started);
            if (r != HC_OK)
                fail_msg("%s %s: %s", cases[i].file, mode_names[m], hc_strerror(r));
            assert_int_equal(hc_api_created(&fx.api), cases[i].created);
            if (m != WHOLE)
                assert_memory_equal(&got, &ref, sizeof ref);
        }
        assert_true(ref.present != 0);
        free(raw);
    }
}

/* 201 against 200 on an upsert, the only way to tell them apart. */
static void test_created_follows_status(void **state)
{
    (void)state;
    static const char *const unique[] = { "name" };
    hc_check_spec_t spec = { .set = HC_SPEC_NAME | HC_SPEC_UNIQUE, .name = "x",
                             .unique = unique, .n_unique = 1 };
    const char *obj = "{\"name\": \"x\"}";
    hc_mock_conn_t s[] = { json("201 Created", obj), json("200 OK", obj),
                           json("400 Bad Request", "{\"error\": \"nope\"}") };
    setup(s, 3);
    assert_err(wait_for(hc_api_create_check_begin(&fx.api, &spec, NULL)), HC_OK);
    assert_true(hc_api_created(&fx.api));
    assert_err(wait_for(hc_api_create_check_begin(&fx.api, &spec, NULL)), HC_OK);
    assert_false(hc_api_created(&fx.api));
    assert_err(wait_for(hc_api_create_check_begin(&fx.api, &spec, NULL)), HC_ERR_BAD_REQUEST);
    assert_false(hc_api_created(&fx.api));
    /* the body went out from the element buffer, whole */
    const char *body = "{\"name\":\"x\",\"unique\":[\"name\"]}";
    assert_non_null(memmem(fx.capture, fx.mock.capture_len, body, strlen(body)));
}

/* ================================================== status and errors */

typedef struct error_case {
    const char *file;     /* a recorded response, or NULL: @c raw */
    const char *raw;
    unsigned repeat;      /* script entries with this response */
    hc_err_t err;
    const char *text;
    uint8_t attempts;
} error_case_t;

static void test_every_status_mapping(void **state)
{
    (void)state;
    const error_case_t cases[] = {
        { "api_checks_create_bad_timeout.http", NULL, 1, HC_ERR_BAD_REQUEST,
          "json validation error: timeout is too small", 1 },
        { "api_checks_create_bad_json.http", NULL, 1, HC_ERR_BAD_REQUEST,
          "could not parse request body", 1 },
        { "api_checks_create_bad_schedule.http", NULL, 1, HC_ERR_BAD_REQUEST,
          "json validation error: schedule is not a valid cron expression", 1 },
        { "api_checks_create_bad_channel.http", NULL, 1, HC_ERR_BAD_REQUEST,
          "invalid channel identifier: nope", 1 },
        { "api_check_flips_bad_param.http", NULL, 1, HC_ERR_BAD_REQUEST, "", 1 },
        { "api_checks_no_key.http", NULL, 1, HC_ERR_UNAUTHORIZED, "missing api key", 1 },
        { "api_checks_wrong_key.http", NULL, 1, HC_ERR_UNAUTHORIZED, "wrong api key", 1 },
        { "api_check_get_unknown.http", NULL, 1, HC_ERR_NOT_FOUND, "", 1 }, /* HTML page */
        { "api_check_resume_not_paused.http", NULL, 1, HC_ERR_CONFLICT, "check is not paused", 1 },
        { "api_check_pause_get_not_allowed.http", NULL, 1, HC_ERR_HTTP_STATUS, "", 1 },
        { NULL, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", 1, HC_ERR_FORBIDDEN, "", 1 },
        { NULL, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n", 1,
          HC_ERR_PAYLOAD_TOO_LARGE, "", 1 },
        { NULL, "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n", 3,
          HC_ERR_RATE_LIMITED, "", 3 },
        { NULL, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops\n", 3,
          HC_ERR_SERVER, "oops", 3 },
        { NULL, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", 3,
          HC_ERR_SERVER, "", 3 },
        { NULL, "HTTP/1.1 301 Moved Permanently\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n", 1,
          HC_ERR_HTTP_STATUS, "", 1 },
        { NULL, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 27\r\n\r\n{\"error\": \"wrong \\u0061pi\"}",
          1, HC_ERR_UNAUTHORIZED, "wrong api", 1 },
        { NULL, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 10\r\n\r\n{\"err\": 1}", 1,
          HC_ERR_UNAUTHORIZED, "{\"err\": 1}", 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const error_case_t *c = &cases[i];
        size_t len;
        char *raw = c->file ? hc_fixture_load(c->file, &len) : NULL;
        hc_mock_conn_t s[3];
        for (unsigned k = 0; k < 3; k++)
            s[k] = answer(raw ? raw : c->raw);
        /* lists, single objects and bodies all map statuses alike, and none
         * of them hands an error body to its decoder */
        for (int kind = 0; kind < 3; kind++) {
            setup(s, c->repeat);
            hc_err_t r;
            hc_check_t items[2];
            hc_list_t out = { .items = items, .capacity = 2 };
            uint8_t buf[4];
            hc_bytes_t bytes = { .buf = buf, .cap = sizeof buf };
            if (kind == 0)
                r = wait_for(hc_api_list_checks_begin(&fx.api, NULL, &out));
            else if (kind == 1)
                r = wait_for(hc_api_get_check_begin(&fx.api, UUID, &items[0]));
            else
                r = wait_for(hc_api_get_ping_body_begin(&fx.api, UUID, 1, &bytes));
            if (r != c->err)
                fail_msg("case %zu kind %d: %s, expected %s", i, kind, hc_strerror(r),
                         hc_strerror(c->err));
            assert_string_equal(hc_api_error(&fx.api), c->text);
            assert_int_equal(hc_client_attempts(&fx.client), c->attempts);
            assert_int_equal(fx.mock.next, c->repeat);
            assert_int_equal(out.count, 0);
            assert_int_equal(bytes.len, 0);
            assert_false(hc_api_created(&fx.api));
        }
        free(raw);
    }
}

static void test_server_error_then_success(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = {
        answer("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"),
        { .connect_result = HC_IO_REFUSED },
        json("200 OK", "{\"checks\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}"),
    };
    setup(s, 3);
    hc_check_t items[4];
    hc_list_t out = { .items = items, .capacity = 4 };
    assert_err(wait_for(hc_api_list_checks_begin(&fx.api, NULL, &out)), HC_OK);
    assert_int_equal(hc_client_attempts(&fx.client), 3);
    assert_int_equal(out.count, 2);
    assert_int_equal(out.total, 2);
    assert_string_equal(items[1].name, "b");
    assert_string_equal(hc_api_error(&fx.api), "");
}

static void test_status_endpoint(void **state)
{
    (void)state;
    size_t len;
    char *ok = hc_fixture_load("api_status.http", &len);
    hc_mock_conn_t s[] = {
        answer(ok),
        answer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nNOPE"),
        answer("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"),
    };
    setup(s, 3);
    fx.cfg.max_attempts = 1;
    assert_err(hc_client_init(&fx.client, &fx.cfg), HC_OK);
    assert_err(wait_for(hc_api_status_begin(&fx.api)), HC_OK);
    /* the status endpoint needs no key, so none is sent */
    const char *want = "GET /api/v3/status/ HTTP/1.1\r\nHost: hc.test\r\nConnection: close\r\n\r\n";
    assert_int_equal(fx.mock.capture_len, strlen(want));
    assert_memory_equal(fx.capture, want, strlen(want));
    assert_err(wait_for(hc_api_status_begin(&fx.api)), HC_ERR_HTTP_STATUS);
    assert_err(wait_for(hc_api_status_begin(&fx.api)), HC_ERR_SERVER);
    free(ok);
}

/* ================================================= malformed responses */

typedef struct bad_case {
    const char *what;
    const char *body;
    hc_err_t err;
} bad_case_t;

static char *nested(const char *prefix, unsigned depth, const char *suffix)
{
    static char buf[2][512];
    static unsigned next;
    char *b = buf[next++ % 2];
    size_t k = (size_t)snprintf(b, sizeof buf[0], "%s", prefix);
    for (unsigned i = 0; i < depth; i++)
        b[k++] = '[';
    for (unsigned i = 0; i < depth; i++)
        b[k++] = ']';
    snprintf(b + k, sizeof buf[0] - k, "%s", suffix);
    return b;
}

/* Run a list and a single-object call over @p body, whole and byte by byte. */
static void expect_refused(const char *what, const char *list_body, const char *object_body,
                           hc_err_t err, hc_err_t object_err)
{
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        if (list_body) {
            hc_mock_conn_t s[] = { json("200 OK", list_body) };
            s[0].max_read = bytewise ? 1 : 0;
            setup(s, 1);
            hc_check_t items[4];
            hc_list_t out = { .items = items, .capacity = 4 };
            hc_err_t r = wait_for(hc_api_list_checks_begin(&fx.api, NULL, &out));
            if (r != err)
                fail_msg("list, %s: %s, expected %s", what, hc_strerror(r), hc_strerror(err));
        }
        if (object_body) {
            hc_mock_conn_t s[] = { json("200 OK", object_body) };
            s[0].max_read = bytewise ? 1 : 0;
            setup(s, 1);
            hc_check_t c;
            hc_err_t r = wait_for(hc_api_get_check_begin(&fx.api, UUID, &c));
            if (r != object_err)
                fail_msg("object, %s: %s, expected %s", what, hc_strerror(r),
                         hc_strerror(object_err));
        }
    }
}

static void test_malformed_json_is_refused(void **state)
{
    (void)state;
    /* the member each case puts into a check object */
    static const bad_case_t members[] = {
        { "truncated", "\"name\": \"a", HC_ERR_JSON },
        { "string for a number", "\"grace\": \"1200\"", HC_ERR_JSON },
        { "number for a string", "\"name\": 5", HC_ERR_JSON },
        { "object for a string", "\"tags\": {}", HC_ERR_JSON },
        { "string for a bool", "\"started\": \"yes\"", HC_ERR_JSON },
        { "number for a status", "\"status\": 1", HC_ERR_JSON },
        { "not a time", "\"last_ping\": \"yesterday\"", HC_ERR_JSON },
        { "time without offset", "\"last_ping\": \"2020-03-23T10:19:32\"", HC_ERR_JSON },
        { "huge number", "\"grace\": 99999999999999999999999999", HC_ERR_JSON },
        { "over uint32", "\"n_pings\": 4294967296", HC_ERR_JSON },
        { "negative", "\"timeout\": -1", HC_ERR_JSON },
        { "fraction", "\"grace\": 1.5", HC_ERR_JSON },
        { "exponent overflow", "\"grace\": 1e999", HC_ERR_JSON },
        { "bad escape", "\"name\": \"a\\qb\"", HC_ERR_JSON },
        { "short \\u", "\"name\": \"\\u12\"", HC_ERR_JSON },
        { "\\x escape", "\"name\": \"\\x41\"", HC_ERR_JSON },
        { "lone high surrogate", "\"name\": \"\\ud800\"", HC_ERR_JSON },
        { "lone low surrogate", "\"name\": \"\\udc00\"", HC_ERR_JSON },
        { "high surrogate then letter", "\"name\": \"\\ud83d\\u0041\"", HC_ERR_JSON },
        { "escaped NUL", "\"name\": \"a\\u0000b\"", HC_ERR_JSON },
        { "raw control character", "\"name\": \"a\tb\"", HC_ERR_JSON },
        { "raw invalid UTF-8", "\"name\": \"a\xff\"", HC_ERR_JSON },
        { "overlong UTF-8", "\"name\": \"\xc0\xaf\"", HC_ERR_JSON },
        { "UTF-8 surrogate", "\"name\": \"\xed\xa0\x80\"", HC_ERR_JSON },
        { "bare word", "\"name\": nope", HC_ERR_JSON },
        { "trailing comma", "\"name\": \"a\",", HC_ERR_JSON },
        { "single quotes", "'name': 'a'", HC_ERR_JSON },
    };
    char list[512], object[512];
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++) {
        snprintf(list, sizeof list, "{\"checks\": [{\"name\": \"ok\"}, {%s}]}", members[i].body);
        snprintf(object, sizeof object, "{%s}", members[i].body);
        expect_refused(members[i].what, list, object, members[i].err, members[i].err);
    }

    /* deeper than HC_JSON_MAX_DEPTH (the lists need 3 levels) */
    expect_refused("too deep", nested("{\"checks\": [{\"x\": ", HC_JSON_MAX_DEPTH, "}]}"),
                   nested("{\"x\": ", HC_JSON_MAX_DEPTH, "}"), HC_ERR_JSON, HC_ERR_JSON);
    /* ...while unknown members nested to the limit are skipped */
    expect_refused("deep but allowed", nested("{\"checks\": [{\"x\": ", HC_JSON_MAX_DEPTH - 3, "}]}"),
                   nested("{\"x\": ", HC_JSON_MAX_DEPTH - 1, "}"), HC_OK, HC_OK);

    /* the shape around the list */
    static const bad_case_t shapes[] = {
        { "truncated list", "{\"checks\": [{\"name\": \"a\"}", HC_ERR_JSON },
        { "truncated wrapper", "{\"checks\": [{\"name\": \"a\"}]", HC_ERR_JSON },
        { "list is an object", "{\"checks\": {}}", HC_ERR_JSON },
        { "list is null", "{\"checks\": null}", HC_ERR_JSON },
        { "element is a number", "{\"checks\": [1]}", HC_ERR_JSON },
        { "element is a string", "{\"checks\": [\"a\"]}", HC_ERR_JSON },
        { "element is null", "{\"checks\": [null]}", HC_ERR_JSON },
        { "no list", "{\"pings\": []}", HC_ERR_JSON },
        { "empty body", "", HC_ERR_JSON },
        { "not JSON", "<html></html>", HC_ERR_JSON },
        { "list twice", "{\"checks\": [], \"checks\": []}", HC_ERR_JSON },
        { "trailing garbage", "{\"checks\": []} x", HC_ERR_JSON },
        { "two values", "{\"checks\": []}{}", HC_ERR_JSON },
        { "missing comma", "{\"checks\": [{} {}]}", HC_ERR_JSON },
        { "other members around", "{\"a\": [1, {\"b\": 2}], \"checks\": [{}], \"z\": null}", HC_OK },
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        expect_refused(shapes[i].what, shapes[i].body, NULL, shapes[i].err, HC_OK);
    expect_refused("object truncated", NULL, "{\"name\": \"a\"", HC_OK, HC_ERR_JSON);
    expect_refused("object is an array", NULL, "[]", HC_OK, HC_ERR_JSON);
    expect_refused("object twice", NULL, "{} {}", HC_OK, HC_ERR_JSON);
    expect_refused("object empty", NULL, "", HC_OK, HC_ERR_JSON);
}

/* The body ends early at the HTTP level: never a success. */
static void test_truncated_transfers(void **state)
{
    (void)state;
    const char *body = "{\"checks\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}";
    char raw[256];
    /* Content-Length promises more than arrives */
    snprintf(raw, sizeof raw, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%.30s",
             strlen(body), body);
    /* close-delimited: the close is the end, so the JSON must say it is cut */
    char closed[256];
    snprintf(closed, sizeof closed, "HTTP/1.1 200 OK\r\n\r\n%.30s", body);
    /* chunked, without its last chunk */
    char chunked[256];
    snprintf(chunked, sizeof chunked, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
             "1e\r\n%.30s\r\n", body);
    const char *raws[3] = { raw, closed, chunked };
    static const hc_err_t errs[3] = { HC_ERR_HTTP_TRUNCATED, HC_ERR_JSON, HC_ERR_HTTP_TRUNCATED };
    for (int i = 0; i < 3; i++) {
        hc_mock_conn_t s[] = { answer(raws[i]), answer(raws[i]), answer(raws[i]) };
        s[0].max_read = 1;
        setup(s, 3);
        hc_check_t items[4];
        hc_list_t out = { .items = items, .capacity = 4 };
        assert_err(wait_for(hc_api_list_checks_begin(&fx.api, NULL, &out)), errs[i]);
        assert_int_equal(out.count, 1);  /* delivered before the cut, but the call failed */
        /* the sink was fed, so the GET was not retried (it cannot take
         * elements back) */
        assert_int_equal(hc_client_attempts(&fx.client), 1);

        setup(s, 3);
        hc_check_t c;
        hc_err_t r = wait_for(hc_api_get_check_begin(&fx.api, UUID, &c));
        assert_true(r == HC_ERR_HTTP_TRUNCATED || r == HC_ERR_JSON);
    }
}

static void test_elements_too_large(void **state)
{
    (void)state;
    static char body[8192], object[8192];
    char desc[2100];
    memset(desc, 'd', sizeof desc - 1);
    desc[sizeof desc - 1] = '\0';
    /* an element longer than the 2 KB element buffer */
    snprintf(body, sizeof body, "{\"checks\": [{\"name\": \"a\"}, {\"desc\": \"%s\"}]}", desc);
    snprintf(object, sizeof object, "{\"desc\": \"%s\"}", desc);
    expect_refused("element > buffer", body, object, HC_ERR_JSON_TOO_LARGE, HC_ERR_JSON_TOO_LARGE);

    /* an element of more than 80 tokens */
    size_t k = (size_t)snprintf(body, sizeof body, "{\"checks\": [{");
    size_t o = (size_t)snprintf(object, sizeof object, "{");
    for (int i = 0; i < 40; i++) {
        k += (size_t)snprintf(body + k, sizeof body - k, "%s\"m%d\": %d", i ? ", " : "", i, i);
        o += (size_t)snprintf(object + o, sizeof object - o, "%s\"m%d\": %d", i ? ", " : "", i, i);
    }
    snprintf(body + k, sizeof body - k, "}]}");
    snprintf(object + o, sizeof object - o, "}");
    expect_refused("81 tokens", body, object, HC_ERR_JSON_TOO_LARGE, HC_ERR_JSON_TOO_LARGE);

    /* a badge whose tag plus element does not fit (the name shares the buffer) */
    char tag[1100];
    memset(tag, 't', sizeof tag - 1);
    tag[sizeof tag - 1] = '\0';
    snprintf(body, sizeof body, "{\"badges\": {\"%s\": {\"svg\": \"%.1000s\"}}}", tag, desc);
    hc_mock_conn_t s[] = { json("200 OK", body) };
    setup(s, 1);
    hc_badge_t b;
    hc_list_t out = { .items = &b, .capacity = 1 };
    assert_err(wait_for(hc_api_list_badges_begin(&fx.api, &out)), HC_ERR_JSON_TOO_LARGE);
}

/* ============================================================ ping bodies */

/* A ping body streamed to a callback; it can fail once @c stop_at bytes
 * have arrived. */
typedef struct streamed {
    uint8_t data[64];
    size_t len;
    unsigned calls;
    size_t stop_at;
    hc_err_t stop_with;
} streamed_t;

static hc_err_t collect_bytes(void *ctx, const uint8_t *data, size_t len)
{
    streamed_t *st = ctx;
    assert_true(st->len + len <= sizeof st->data);
    memcpy(st->data + st->len, data, len);
    st->len += len;
    st->calls++;
    return st->stop_at && st->len >= st->stop_at ? st->stop_with : HC_OK;
}

static void test_ping_body(void **state)
{
    (void)state;
    size_t len;
    char *raw = hc_fixture_load("api_check_ping_body.http", &len);  /* "slug body" */
    char *missing = hc_fixture_load("api_check_ping_body_missing.http", &len);

    for (mode_t_ m = WHOLE; m < N_MODES; m++) {
        const char *bytes = raw;
        if (m == RECHUNKED || m == RECLOSED)
            bytes = response("200 OK", "slug body", m == RECHUNKED ? CHUNKED : CLOSE);
        hc_mock_conn_t s[] = { answer(bytes) };
        s[0].max_read = m == WHOLE ? 0 : 1;
        s[0].storm = m == STORMS ? 2 : 0;
        setup(s, 1);
        uint8_t buf[10];
        memset(buf, '#', sizeof buf);
        hc_bytes_t out = { .buf = buf, .cap = 9 };  /* exactly the body */
        hc_err_t started = hc_api_get_ping_body_begin(&fx.api, UUID, 18, &out);
        assert_err(m == STORMS ? poll_for(started, NULL) : wait_for(started), HC_OK);
        assert_int_equal(out.len, 9);
        assert_memory_equal(buf, "slug body#", 10);

        /* one byte too small: refused, nothing written past the buffer */
        setup(s, 1);
        memset(buf, '#', sizeof buf);
        out = (hc_bytes_t){ .buf = buf, .cap = 8 };
        assert_err(wait_for(hc_api_get_ping_body_begin(&fx.api, UUID, 18, &out)), HC_ERR_BODY_TOO_LARGE);
        assert_int_equal(buf[8], '#');
        assert_true(out.len <= 8);

        /* streamed to a callback, in as many pieces as it arrived */
        setup(s, 1);
        streamed_t st = { 0 };
        out = (hc_bytes_t){ .each = collect_bytes, .ctx = &st };
        assert_err(wait_for(hc_api_get_ping_body_begin(&fx.api, UUID, 18, &out)), HC_OK);
        assert_int_equal(st.len, 9);
        assert_int_equal(out.len, 9);
        assert_memory_equal(st.data, "slug body", 9);
        if (m == BYTEWISE)
            assert_int_equal(st.calls, 9);
    }

    /* the callback's error stops the transfer */
    hc_mock_conn_t s[] = { answer(raw) };
    s[0].max_read = 1;
    setup(s, 1);
    streamed_t st = { .stop_at = 4, .stop_with = HC_ERR_TOO_LONG };
    hc_bytes_t out = { .each = collect_bytes, .ctx = &st };
    assert_err(wait_for(hc_api_get_ping_body_begin(&fx.api, UUID, 18, &out)), HC_ERR_TOO_LONG);
    assert_int_equal(st.len, 4);
    assert_int_equal(st.calls, 4);

    /* missing: 404 whatever the buffer (the 179-byte page is no body) */
    for (size_t cap = 0; cap <= 200; cap += 100) {
        hc_mock_conn_t s2[] = { answer(missing) };
        setup(s2, 1);
        uint8_t buf[200];
        out = (hc_bytes_t){ .buf = buf, .cap = cap };
        assert_err(wait_for(hc_api_get_ping_body_begin(&fx.api, UUID, 9999, &out)), HC_ERR_NOT_FOUND);
        assert_int_equal(out.len, 0);
    }

    /* an empty body is a body of 0 bytes */
    hc_mock_conn_t s3[] = { answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") };
    setup(s3, 1);
    uint8_t one[1];
    out = (hc_bytes_t){ .buf = one, .cap = 1 };
    assert_err(wait_for(hc_api_get_ping_body_begin(&fx.api, UUID, 1, &out)), HC_OK);
    assert_int_equal(out.len, 0);

    setup(s3, 1);
    assert_err(hc_api_get_ping_body_begin(&fx.api, UUID, 1, NULL), HC_ERR_ARG);
    out = (hc_bytes_t){ .buf = NULL, .cap = 5 };
    assert_err(hc_api_get_ping_body_begin(&fx.api, UUID, 1, &out), HC_ERR_ARG);
    nothing_sent();
    free(raw);
    free(missing);
}

/* ====================================================== non-blocking form */

static void test_poll_never_blocks_every_endpoint(void **state)
{
    (void)state;
    size_t len;
    char *list = hc_fixture_load("api_checks_list.http", &len);
    char *one = hc_fixture_load("api_check_get.http", &len);
    char *created = hc_fixture_load("api_checks_create.http", &len);
    char *body = hc_fixture_load("api_check_ping_body.http", &len);
    char *flips = hc_fixture_load("api_check_flips.http", &len);
    char *chans = hc_fixture_load("api_channels.http", &len);
    char *badges = hc_fixture_load("api_badges.http", &len);
    char *pings = hc_fixture_load("api_check_pings.http", &len);
    char *status = hc_fixture_load("api_status.http", &len);
    const char *raws[] = { list, one, created, one, one, one, one, pings, body, flips, chans,
                           badges, status };
    hc_check_t items[8], c;
    hc_list_t out = { .items = items, .capacity = 8 };
    uint8_t buf[16];
    hc_bytes_t bytes = { .buf = buf, .cap = sizeof buf };
    hc_check_spec_t spec = { .set = HC_SPEC_NAME | HC_SPEC_DESC, .name = "n", .desc = "d" };
    for (int ep = 0; ep < 13; ep++) {
        hc_mock_conn_t s[] = { answer(raws[ep]) };
        s[0].max_read = 3;
        s[0].max_write = 2;
        s[0].storm = 5;
        s[0].connect_ms = 50;
        s[0].response_delay_ms = 100;
        setup(s, 1);
        hc_err_t started;
        switch (ep) {
        case 0: started = hc_api_list_checks_begin(&fx.api, NULL, &out); break;
        case 1: started = hc_api_get_check_begin(&fx.api, UUID, &c); break;
        case 2: started = hc_api_create_check_begin(&fx.api, &spec, &c); break;
        case 3: started = hc_api_update_check_begin(&fx.api, UUID, &spec, &c); break;
        case 4: started = hc_api_pause_check_begin(&fx.api, UUID, &c); break;
        case 5: started = hc_api_resume_check_begin(&fx.api, UUID, &c); break;
        case 6: started = hc_api_delete_check_begin(&fx.api, UUID, &c); break;
        case 7: started = hc_api_list_pings_begin(&fx.api, UUID, &out); break;
        case 8: started = hc_api_get_ping_body_begin(&fx.api, UUID, 18, &bytes); break;
        case 9: started = hc_api_list_flips_begin(&fx.api, UUID, NULL, &out); break;
        case 10: started = hc_api_list_channels_begin(&fx.api, &out); break;
        case 11: started = hc_api_list_badges_begin(&fx.api, &out); break;
        default: started = hc_api_status_begin(&fx.api); break;
        }
        /* the virtual clock only moves when the test moves it */
        unsigned polls = 0, in_progress = 0;
        hc_err_t r;
        assert_err(started, HC_OK);
        do {
            uint32_t before = fx.mock.now;
            r = hc_api_poll(&fx.api);
            assert_int_equal(fx.mock.now, before);
            if (r == HC_IN_PROGRESS) {
                in_progress++;
                fx.mock.now += 1;  /* a main loop's tick */
            }
            assert_true(++polls < POLL_LIMIT);
        } while (r == HC_IN_PROGRESS);
        if (r != HC_OK)
            fail_msg("endpoint %d: %s", ep, hc_strerror(r));
        assert_true(in_progress >= 150);  /* connect 50 ms + answer 100 ms of ticks */
        assert_err(hc_api_poll(&fx.api), HC_OK);
    }
    assert_int_equal(out.total, 4);  /* the badges, the last list */
    free(list); free(one); free(created); free(body); free(flips); free(chans);
    free(badges); free(pings); free(status);
}

/* ========================================================= blocking form */

/* Each blocking hc_api_<endpoint>() sends what its _begin form sends and
 * returns the call's end result, as begin + hc_api_wait() would. */
static void test_blocking_form_of_every_endpoint(void **state)
{
    (void)state;
    static const char *const files[] = {
        "api_checks_list.http", "api_check_get.http", "api_checks_create.http",
        "api_check_get.http", "api_check_get.http", "api_check_get.http", "api_check_get.http",
        "api_check_pings.http", "api_check_ping_body.http", "api_check_flips.http",
        "api_channels.http", "api_badges.http", "api_status.http",
    };
    static const char *const lines[] = {
        "GET /api/v3/checks/ ", "GET /api/v3/checks/" UUID " ", "POST /api/v3/checks/ ",
        "POST /api/v3/checks/" UUID " ", "POST /api/v3/checks/" UUID "/pause ",
        "POST /api/v3/checks/" UUID "/resume ", "DELETE /api/v3/checks/" UUID " ",
        "GET /api/v3/checks/" UUID "/pings/ ", "GET /api/v3/checks/" UUID "/pings/18/body ",
        "GET /api/v3/checks/" UUID "/flips/ ", "GET /api/v3/channels/ ", "GET /api/v3/badges/ ",
        "GET /api/v3/status/ ",
    };
    hc_check_t items[8], c;
    hc_list_t out = { .items = items, .capacity = 8 };
    uint8_t buf[16];
    hc_bytes_t bytes = { .buf = buf, .cap = sizeof buf };
    hc_check_spec_t spec = { .set = HC_SPEC_NAME, .name = "n" };
    for (int ep = 0; ep < 13; ep++) {
        size_t len;
        char *raw = hc_fixture_load(files[ep], &len);
        hc_mock_conn_t s[] = { answer(raw) };
        setup(s, 1);
        hc_err_t r;
        switch (ep) {
        case 0: r = hc_api_list_checks(&fx.api, NULL, &out); break;
        case 1: r = hc_api_get_check(&fx.api, UUID, &c); break;
        case 2: r = hc_api_create_check(&fx.api, &spec, &c); break;
        case 3: r = hc_api_update_check(&fx.api, UUID, &spec, &c); break;
        case 4: r = hc_api_pause_check(&fx.api, UUID, &c); break;
        case 5: r = hc_api_resume_check(&fx.api, UUID, &c); break;
        case 6: r = hc_api_delete_check(&fx.api, UUID, &c); break;
        case 7: r = hc_api_list_pings(&fx.api, UUID, &out); break;
        case 8: r = hc_api_get_ping_body(&fx.api, UUID, 18, &bytes); break;
        case 9: r = hc_api_list_flips(&fx.api, UUID, NULL, &out); break;
        case 10: r = hc_api_list_channels(&fx.api, &out); break;
        case 11: r = hc_api_list_badges(&fx.api, &out); break;
        default: r = hc_api_status(&fx.api); break;
        }
        if (r != HC_OK)
            fail_msg("endpoint %d: %s", ep, hc_strerror(r));
        /* sent and answered before it returned, not in a later poll */
        assert_true(fx.mock.capture_len > strlen(lines[ep]));
        if (memcmp(fx.capture, lines[ep], strlen(lines[ep])) != 0)
            fail_msg("endpoint %d sent %.40s", ep, (const char *)fx.capture);
        assert_err(hc_api_poll(&fx.api), HC_OK);
        free(raw);
    }
}

/* A blocking call refused before it starts returns the refusal at once,
 * sends nothing, and leaves a call still running alone (begin + wait
 * would have run that call to its end instead). */
static void test_blocking_form_refused(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { json("200 OK", "{}") };
    s[0].response_delay_ms = 100;
    setup(s, 1);
    hc_check_t c;
    assert_err(hc_api_get_check(&fx.api, "nope", &c), HC_ERR_ARG);
    nothing_sent();
    assert_err(hc_api_pause_check_begin(&fx.api, UUID, NULL), HC_OK);
    assert_err(hc_api_get_check(&fx.api, UUID, &c), HC_ERR_BUSY);
    assert_err(hc_api_poll(&fx.api), HC_IN_PROGRESS);
    assert_err(hc_api_wait(&fx.api), HC_OK);
}

/* ================================================== local validation */

static void test_local_validation_sends_nothing(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { json("200 OK", "{}") };
    setup(s, 1);
    hc_check_t c;
    hc_check_t items[2];
    hc_list_t out = { .items = items, .capacity = 2 };
    static const char *const unique[] = { "name" };
    static const char *const bad_unique[] = { "desc" };
    char name101[102];
    memset(name101, 'x', 101);
    name101[101] = '\0';
    char kw201[202];
    memset(kw201, 'k', 201);
    kw201[201] = '\0';

    assert_err(hc_api_get_check_begin(&fx.api, "45C9D87E-C6E4-42C7-BA1E-921CFC827121", &c), HC_ERR_ARG);
    assert_err(hc_api_get_check_begin(&fx.api, "45c9d87e-c6e4-42c7-ba1e-921cfc82712", &c), HC_ERR_ARG);
    assert_err(hc_api_get_check_begin(&fx.api, "df14bf3280973f9c90f7bffc8188edf411f5785", &c), HC_ERR_ARG);
    assert_err(hc_api_get_check_begin(&fx.api, "DF14BF3280973F9C90F7BFFC8188EDF411F57858", &c), HC_ERR_ARG);
    assert_err(hc_api_get_check_begin(&fx.api, "45c9d87e-c6e4-42c7-ba1e-921cfc827121/x", &c), HC_ERR_ARG);
    assert_err(hc_api_get_check_begin(&fx.api, UUID, NULL), HC_ERR_ARG);
    assert_err(hc_api_pause_check_begin(&fx.api, "df14bf3280973f9c90f7bffc8188edf411f57858", NULL), HC_ERR_ARG);
    assert_err(hc_api_resume_check_begin(&fx.api, NULL, NULL), HC_ERR_ARG);
    assert_err(hc_api_list_pings_begin(&fx.api, "nope", &out), HC_ERR_ARG);
    assert_err(hc_api_list_flips_begin(&fx.api, "nope", NULL, &out), HC_ERR_ARG);
    assert_err(hc_api_get_ping_body_begin(&fx.api, "nope", 1, &(hc_bytes_t){ .cap = 0 }), HC_ERR_ARG);

    const char *tags[] = { "ok", NULL };
    hc_check_query_t q = { .tags = tags, .n_tags = 2 };
    assert_err(hc_api_list_checks_begin(&fx.api, &q, &out), HC_ERR_ARG);

    const hc_flip_query_t flips[] = {
        { .has_seconds = true, .seconds = 31536001 },
        { .has_start = true, .start = -1 },
        { .has_end = true, .end = 10000000001LL },
    };
    for (int i = 0; i < 3; i++)
        assert_err(hc_api_list_flips_begin(&fx.api, UUID, &flips[i], &out), HC_ERR_RANGE);

    const struct { hc_check_spec_t spec; hc_err_t err; bool update_only; } specs[] = {
        { { .set = HC_SPEC_NAME | HC_SPEC_UNIQUE, .name = "x", .unique = unique, .n_unique = 1 },
          HC_ERR_ARG, true },
        { { .set = HC_SPEC_TIMEOUT, .timeout = 59 }, HC_ERR_RANGE, false },
        { { .set = HC_SPEC_GRACE, .grace = 31536001 }, HC_ERR_RANGE, false },
        { { .set = HC_SPEC_NAME, .name = name101 }, HC_ERR_TOO_LONG, false },
        { { .set = HC_SPEC_SUBJECT, .subject = kw201 }, HC_ERR_TOO_LONG, false },
        { { .set = HC_SPEC_SLUG, .slug = "Bad-Slug" }, HC_ERR_ARG, false },
        { { .set = HC_SPEC_SLUG, .slug = "a b" }, HC_ERR_ARG, false },
        { { .set = HC_SPEC_METHODS, .methods = "GET" }, HC_ERR_ARG, false },
        { { .set = HC_SPEC_NAME, .name = NULL }, HC_ERR_ARG, false },
        { { .set = HC_SPEC_NAME, .name = "\xff" }, HC_ERR_ARG, false },
        { { .set = HC_SPEC_UNIQUE, .unique = bad_unique, .n_unique = 1 }, HC_ERR_ARG, false },
        { { .set = 1u << 30 }, HC_ERR_ARG, false },
    };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        if (!specs[i].update_only)
            assert_err(hc_api_create_check_begin(&fx.api, &specs[i].spec, NULL), specs[i].err);
        assert_err(hc_api_update_check_begin(&fx.api, UUID, &specs[i].spec, NULL), specs[i].err);
    }
    hc_check_spec_t ok = { .set = HC_SPEC_NAME, .name = "x" };
    assert_err(hc_api_update_check_begin(&fx.api, "not-a-uuid", &ok, NULL), HC_ERR_ARG);
    assert_err(hc_api_update_check_begin(&fx.api, NULL, &ok, NULL), HC_ERR_ARG);
    assert_err(hc_api_create_check_begin(&fx.api, NULL, NULL), HC_ERR_ARG);
    assert_err(hc_api_list_checks_begin(NULL, NULL, &out), HC_ERR_ARG);
    assert_err(hc_api_poll(NULL), HC_ERR_ARG);
    assert_err(hc_api_wait(NULL), HC_ERR_ARG);
    nothing_sent();

    /* a refused call is not reported as the previous call's success */
    assert_err(wait_for(hc_api_get_check_begin(&fx.api, UUID, &c)), HC_OK);
    assert_err(hc_api_list_checks_begin(&fx.api, &q, &out), HC_ERR_ARG);
    assert_true(hc_api_wait(&fx.api) != HC_OK);
    assert_true(hc_api_poll(&fx.api) != HC_OK);
    assert_err(hc_api_update_check_begin(&fx.api, UUID, &specs[1].spec, NULL), HC_ERR_RANGE);
    assert_err(hc_api_wait(&fx.api), HC_ERR_RANGE);
    assert_int_equal(fx.mock.next, 1);
}

/* A body too large for the element buffer is refused before sending. */
static void test_request_body_too_large(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { json("200 OK", "{}") };
    setup_mem(s, 1, 64, 8);
    hc_check_spec_t spec = { .set = HC_SPEC_DESC,
                             .desc = "a description longer than sixty-four bytes, which is "
                                     "the element buffer here" };
    assert_err(hc_api_create_check_begin(&fx.api, &spec, NULL), HC_ERR_BUFFER);
    nothing_sent();
    /* a target longer than the work buffer */
    setup(s, 1);
    static char tag[2048];
    memset(tag, 't', sizeof tag - 1);
    const char *tags[] = { tag };
    hc_check_query_t q = { .tags = tags, .n_tags = 1 };
    hc_check_t c;
    hc_list_t out = { .items = &c, .capacity = 1 };
    assert_err(hc_api_list_checks_begin(&fx.api, &q, &out), HC_ERR_BUFFER);
    nothing_sent();
    assert_true(hc_api_wait(&fx.api) != HC_OK);
}

/* While a call runs, another is refused (HC_ERR_BUSY) and the running one
 * is untouched: its element buffer is not overwritten by the refused
 * call's request body. */
static void test_busy_leaves_the_running_call_alone(void **state)
{
    (void)state;
    static kept_t ref, got;
    size_t len;
    char *raw = hc_fixture_load("api_checks_list.http", &len);
    assert_err(run_list(EP_CHECKS, raw, WHOLE, &ref), HC_OK);

    hc_mock_conn_t s[] = { answer(raw) };
    s[0].max_read = 1;
    setup(s, 1);
    memset(&got, 0, sizeof got);
    got.size = sizeof(hc_check_t);
    hc_check_t slot;
    hc_list_t out = { .items = &slot, .capacity = 1, .each = keep, .ctx = &got };
    assert_err(hc_api_list_checks_begin(&fx.api, NULL, &out), HC_OK);
    /* into the first element's bytes */
    unsigned polls = 0;
    while (fx.mock.resp_pos < len - 5000 && polls++ < 100000)
        assert_err(hc_api_poll(&fx.api), HC_IN_PROGRESS);
    assert_true(fx.mock.resp_pos >= len - 5000);

    hc_check_spec_t spec = { .set = HC_SPEC_NAME | HC_SPEC_DESC, .name = "zzzzzzzzzzzz",
                             .desc = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" };
    hc_check_t c;
    assert_err(hc_api_create_check_begin(&fx.api, &spec, &c), HC_ERR_BUSY);
    assert_err(hc_api_update_check_begin(&fx.api, UUID, &spec, &c), HC_ERR_BUSY);
    assert_err(hc_api_get_check_begin(&fx.api, UUID, &c), HC_ERR_BUSY);
    assert_err(hc_api_status_begin(&fx.api), HC_ERR_BUSY);
    /* a refusal for a bad argument does not end the running call either */
    assert_err(hc_api_get_check_begin(&fx.api, "bad", &c), HC_ERR_ARG);
    assert_err(hc_api_poll(&fx.api), HC_IN_PROGRESS);

    assert_err(hc_api_wait(&fx.api), HC_OK);
    assert_true(same_items(&got, &ref));
    assert_int_equal(fx.mock.next, 1);
    free(raw);
}

static void test_init_arguments(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { json("200 OK", "{}") };
    setup(s, 1);
    hc_api_t api;
    hc_api_mem_t mem = { fx.elem, 64, fx.tok, 8 };
    assert_err(hc_api_init(&api, &fx.client, &mem), HC_OK);
    mem.elem_size = 63;
    assert_err(hc_api_init(&api, &fx.client, &mem), HC_ERR_ARG);
    mem = (hc_api_mem_t){ fx.elem, 64, fx.tok, 7 };
    assert_err(hc_api_init(&api, &fx.client, &mem), HC_ERR_ARG);
    mem = (hc_api_mem_t){ NULL, 64, fx.tok, 8 };
    assert_err(hc_api_init(&api, &fx.client, &mem), HC_ERR_ARG);
    mem = (hc_api_mem_t){ fx.elem, 64, NULL, 8 };
    assert_err(hc_api_init(&api, &fx.client, &mem), HC_ERR_ARG);
    mem = (hc_api_mem_t){ fx.elem, 64, fx.tok, 8 };
    assert_err(hc_api_init(NULL, &fx.client, &mem), HC_ERR_ARG);
    assert_err(hc_api_init(&api, NULL, &mem), HC_ERR_ARG);
    assert_err(hc_api_init(&api, &fx.client, NULL), HC_ERR_ARG);
    for (uint8_t v = 0; v <= 4; v++) {
        fx.client.cfg.api_version = v;
        assert_err(hc_api_init(&api, &fx.client, &mem), v >= 1 && v <= 3 ? HC_OK : HC_ERR_ARG);
    }
}

/* Requests under v1 and v2 carry their version. */
static void test_version_in_every_target(void **state)
{
    (void)state;
    for (uint8_t v = 1; v <= 3; v++) {
        hc_mock_conn_t s[] = { json("200 OK", "{\"flips\": []}") };
        setup(s, 1);
        fx.client.cfg.api_version = v;
        hc_flip_t f;
        hc_list_t out = { .items = &f, .capacity = 1 };
        hc_flip_query_t q = { .has_end = true, .end = 5 };
        assert_err(wait_for(hc_api_list_flips_begin(
                       &fx.api, "df14bf3280973f9c90f7bffc8188edf411f57858", &q, &out)),
                   HC_OK);
        char want[128];
        snprintf(want, sizeof want,
                 "GET /api/v%u/checks/df14bf3280973f9c90f7bffc8188edf411f57858/flips/?end=5 HTTP/1.1\r\n",
                 v);
        assert_memory_equal(fx.capture, want, strlen(want));
    }
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
        cmocka_unit_test(test_recorded_single_objects),
        cmocka_unit_test(test_created_follows_status),
        cmocka_unit_test(test_every_status_mapping),
        cmocka_unit_test(test_server_error_then_success),
        cmocka_unit_test(test_status_endpoint),
        cmocka_unit_test(test_malformed_json_is_refused),
        cmocka_unit_test(test_truncated_transfers),
        cmocka_unit_test(test_elements_too_large),
        cmocka_unit_test(test_ping_body),
        cmocka_unit_test(test_poll_never_blocks_every_endpoint),
        cmocka_unit_test(test_blocking_form_of_every_endpoint),
        cmocka_unit_test(test_blocking_form_refused),
        cmocka_unit_test(test_local_validation_sends_nothing),
        cmocka_unit_test(test_request_body_too_large),
        cmocka_unit_test(test_busy_leaves_the_running_call_alone),
        cmocka_unit_test(test_init_arguments),
        cmocka_unit_test(test_version_in_every_target),
        cmocka_unit_test(test_measure_memory_needed),
    };
    return cmocka_run_group_tests_name("management api over the mock", tests, NULL, NULL);
}
