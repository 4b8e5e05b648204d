/* The Management API against the test server where access and the server
 * decide: read-only, foreign, wrong and missing keys; the server's
 * validation errors and the local validation that sends nothing; API
 * versions 1-3 and an old server; retries, the non-blocking form and
 * keep-alive; a version the server does not serve. */
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
    int failed = cmocka_run_group_tests_name("api against the test server: access, versions, retries", tests,
                                             group_setup, group_teardown);
    return failed + cmocka_run_group_tests_name("api, v3-only server", alone, NULL, NULL);
}
