/* Calling the Management API over the mock port: the non-blocking form
 * never waits, each blocking form starts and waits, local validation sends
 * nothing, a busy client leaves the running call alone, and every target
 * carries the API version. */
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
#include "api_env.h"

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

/* ================================================== bounds and shapes */

/* The flips query's bounds are inclusive (seconds 0..31536000, start and
 * end 0..10000000000), one past either end is refused, and a value whose
 * has_ flag is clear is neither checked nor sent. */
static void test_flip_query_bounds(void **state)
{
    (void)state;
    static const struct {
        hc_flip_query_t q;
        hc_err_t err;
        const char *query;  /* sent after "flips/" */
    } cases[] = {
        { { .has_seconds = true, .seconds = 0 }, HC_OK, "?seconds=0" },
        { { .has_seconds = true, .seconds = 31536000 }, HC_OK, "?seconds=31536000" },
        { { .has_seconds = true, .seconds = 31536001 }, HC_ERR_RANGE, NULL },
        { { .has_start = true, .start = 0 }, HC_OK, "?start=0" },
        { { .has_start = true, .start = 10000000000LL }, HC_OK, "?start=10000000000" },
        { { .has_start = true, .start = -1 }, HC_ERR_RANGE, NULL },
        { { .has_start = true, .start = 10000000001LL }, HC_ERR_RANGE, NULL },
        { { .has_end = true, .end = 0 }, HC_OK, "?end=0" },
        { { .has_end = true, .end = 10000000000LL }, HC_OK, "?end=10000000000" },
        { { .has_end = true, .end = -1 }, HC_ERR_RANGE, NULL },
        { { .has_end = true, .end = 10000000001LL }, HC_ERR_RANGE, NULL },
        { { .seconds = UINT32_MAX, .start = -1, .end = INT64_MAX }, HC_OK, "" },
        { { .has_seconds = true, .seconds = 60, .has_start = true, .start = 1, .has_end = true,
            .end = 2 }, HC_OK, "?seconds=60&start=1&end=2" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hc_mock_conn_t s[] = { json("200 OK", "{\"flips\": []}") };
        setup(s, 1);
        hc_flip_t f;
        hc_list_t out = { .items = &f, .capacity = 1 };
        hc_err_t r = hc_api_list_flips_begin(&fx.api, UUID, &cases[i].q, &out);
        if (r != cases[i].err)
            fail_msg("case %zu: %s", i, hc_strerror(r));
        if (r != HC_OK) {
            nothing_sent();
            assert_err(hc_api_wait(&fx.api), cases[i].err);
            continue;
        }
        assert_err(wait_for(r), HC_OK);
        char want[128];
        snprintf(want, sizeof want, "GET /api/v3/checks/" UUID "/flips/%s HTTP/1.1\r\n",
                 cases[i].query);
        if (fx.mock.capture_len < strlen(want) || memcmp(fx.capture, want, strlen(want)) != 0)
            fail_msg("case %zu sent %.80s", i, (const char *)fx.capture);
    }
}

/* An identifier is a lowercase UUID or, where read-only keys may be used,
 * exactly 40 lowercase hex digits: every character counts, the first and
 * whatever follows the 40th too. A missing one is refused, also where a
 * unique key would do. */
static void test_identifier_shapes(void **state)
{
    (void)state;
    static const struct { const char *id; bool ok; } ids[] = {
        { "df14bf3280973f9c90f7bffc8188edf411f57858", true },
        { "gf14bf3280973f9c90f7bffc8188edf411f57858", false },
        { "df14bf3280973f9c90f7bffc8188edf411f5785g", false },
        { "df14bf3280973f9c90f7bffc8188edf411f57858x", false },
        { "df14bf3280973f9c90f7bffc8188edf411f57858/", false },
        { "df14bf3280973f9c90f7bffc8188edf411f578580", false },
        { UUID, true },
        { NULL, false },
    };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        for (int call = 0; call < 2; call++) {
            hc_mock_conn_t s[] = { json("200 OK", "{\"flips\": []}") };
            setup(s, 1);
            hc_check_t c;
            hc_flip_t f;
            hc_list_t out = { .items = &f, .capacity = 1 };
            hc_err_t r = call ? hc_api_list_flips_begin(&fx.api, ids[i].id, NULL, &out)
                              : hc_api_get_check_begin(&fx.api, ids[i].id, &c);
            if (r != (ids[i].ok ? HC_OK : HC_ERR_ARG))
                fail_msg("%s, call %d: %s", ids[i].id ? ids[i].id : "NULL", call, hc_strerror(r));
            if (!ids[i].ok)
                nothing_sent();
        }
    }
    /* a call refused without a session refuses plainly */
    hc_check_t c;
    hc_list_t out = { .items = &c, .capacity = 1 };
    hc_check_spec_t spec = { .set = HC_SPEC_NAME, .name = "x" };
    assert_err(hc_api_get_check_begin(NULL, UUID, NULL), HC_ERR_ARG);
    assert_err(hc_api_get_check_begin(NULL, NULL, &c), HC_ERR_ARG);
    assert_err(hc_api_list_flips_begin(NULL, "nope", NULL, &out), HC_ERR_ARG);
    assert_err(hc_api_list_pings_begin(NULL, NULL, &out), HC_ERR_ARG);
    assert_err(hc_api_update_check_begin(NULL, NULL, &spec, NULL), HC_ERR_ARG);
    assert_err(hc_api_create_check_begin(NULL, NULL, NULL), HC_ERR_ARG);
    assert_err(hc_api_get_ping_body_begin(NULL, UUID, 1, NULL), HC_ERR_ARG);
}

/* The checks query: a slug alone needs no tags array, and only the
 * n_tags entries are read (an entry past them is not looked at). */
static void test_check_query_shapes(void **state)
{
    (void)state;
    static const char *const tags[] = { "a b", "c", NULL };
    static const struct { hc_check_query_t q; const char *query; } cases[] = {
        { { .slug = "s" }, "?slug=s" },
        { { .tags = tags, .n_tags = 2 }, "?tag=a%20b&tag=c" },
        { { .tags = tags, .n_tags = 1, .slug = "x-y" }, "?tag=a%20b&slug=x-y" },
        { { .tags = NULL, .n_tags = 0 }, "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hc_mock_conn_t s[] = { json("200 OK", "{\"checks\": []}") };
        setup(s, 1);
        hc_check_t c;
        hc_list_t out = { .items = &c, .capacity = 1 };
        assert_err(wait_for(hc_api_list_checks_begin(&fx.api, &cases[i].q, &out)), HC_OK);
        char want[128];
        snprintf(want, sizeof want, "GET /api/v3/checks/%s HTTP/1.1\r\n", cases[i].query);
        if (fx.mock.capture_len < strlen(want) || memcmp(fx.capture, want, strlen(want)) != 0)
            fail_msg("case %zu sent %.80s", i, (const char *)fx.capture);
    }
}

static hc_err_t count_bytes(void *ctx, const uint8_t *data, size_t len)
{
    (void)data;
    *(size_t *)ctx += len;
    return HC_OK;
}

/* A ping body streamed to a callback needs no buffer, whatever cap says. */
static void test_ping_body_streamed_without_buffer(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") };
    setup(s, 1);
    size_t seen = 0;
    hc_bytes_t bytes = { .buf = NULL, .cap = 16, .each = count_bytes, .ctx = &seen };
    assert_err(wait_for(hc_api_get_ping_body_begin(&fx.api, UUID, 3, &bytes)), HC_OK);
    assert_int_equal(seen, 5);
    assert_int_equal(bytes.len, 5);
    bytes = (hc_bytes_t){ .buf = NULL, .cap = 16 };
    assert_err(hc_api_get_ping_body_begin(&fx.api, UUID, 3, &bytes), HC_ERR_ARG);
}

/* Pause and resume are POSTs without a body: they say Content-Length: 0
 * and send nothing after the head; get and delete say nothing of a body. */
static void test_bodiless_posts_say_length_zero(void **state)
{
    (void)state;
    for (int op = 0; op < 4; op++) {
        hc_mock_conn_t s[] = { json("200 OK", "{\"name\": \"x\"}") };
        setup(s, 1);
        hc_check_t c;
        hc_err_t r = op == 0 ? hc_api_pause_check_begin(&fx.api, UUID, &c)
                   : op == 1 ? hc_api_resume_check_begin(&fx.api, UUID, &c)
                   : op == 2 ? hc_api_get_check_begin(&fx.api, UUID, &c)
                             : hc_api_delete_check_begin(&fx.api, UUID, &c);
        assert_err(wait_for(r), HC_OK);
        const char *sent = (const char *)fx.capture;
        size_t n = fx.mock.capture_len;
        assert_true(n > 4 && memcmp(sent + n - 4, "\r\n\r\n", 4) == 0);  /* the head only */
        bool says_zero = memmem(sent, n, "\r\nContent-Length: 0\r\n", 21) != NULL;
        assert_int_equal(says_zero, op < 2);
        assert_null(memmem(sent, n, "Content-Length: 1", 17));
    }
}

/* An update with a bad spec and a bad UUID reports the spec's error: the
 * value checks come first, whatever the identifier. */
static void test_update_spec_error_first(void **state)
{
    (void)state;
    hc_mock_conn_t s[] = { json("200 OK", "{}") };
    setup(s, 1);
    hc_check_spec_t spec = { .set = HC_SPEC_TIMEOUT, .timeout = 59 };
    assert_err(hc_api_update_check_begin(&fx.api, "not-a-uuid", &spec, NULL), HC_ERR_RANGE);
    spec = (hc_check_spec_t){ .set = HC_SPEC_NAME, .name = "\xc0\x80" };
    assert_err(hc_api_update_check_begin(&fx.api, "not-a-uuid", &spec, NULL), HC_ERR_ARG);
    nothing_sent();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poll_never_blocks_every_endpoint),
        cmocka_unit_test(test_blocking_form_of_every_endpoint),
        cmocka_unit_test(test_blocking_form_refused),
        cmocka_unit_test(test_local_validation_sends_nothing),
        cmocka_unit_test(test_request_body_too_large),
        cmocka_unit_test(test_busy_leaves_the_running_call_alone),
        cmocka_unit_test(test_init_arguments),
        cmocka_unit_test(test_version_in_every_target),
        cmocka_unit_test(test_flip_query_bounds),
        cmocka_unit_test(test_identifier_shapes),
        cmocka_unit_test(test_check_query_shapes),
        cmocka_unit_test(test_ping_body_streamed_without_buffer),
        cmocka_unit_test(test_bodiless_posts_say_length_zero),
        cmocka_unit_test(test_update_spec_error_first),
    };
    return cmocka_run_group_tests_name("management api: calls", tests, NULL, NULL);
}
