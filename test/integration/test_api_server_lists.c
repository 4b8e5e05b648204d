/* The Management API's other lists and calls through the POSIX port
 * against the test server: a check's pings and their bodies, flips with
 * their filters, integrations, badges and the status endpoint. */
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
#include "api_server_env.h"

/* ------------------------------------------------------------ pings, flips */

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
    assert_true(p[2].duration_us < 5000000);
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

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
    const struct CMUnitTest tests[] = {
        T(test_pings_and_bodies),
        T(test_flips_filters_and_range_errors),
        T(test_channels),
        T(test_badges),
        T(test_status_needs_no_key),
    };
    return cmocka_run_group_tests_name("api against the test server: pings, flips, channels, badges", tests, group_setup, group_teardown);
}
