/* The Management API's calls on checks through the POSIX port against the
 * test server: list (with filters), get by UUID and unique key, create and
 * upsert, update, pause, resume and delete; for each the exact request the
 * server recorded and every decoded field against its known state. */
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
#include "hc_lex.h"

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
    };
    return cmocka_run_group_tests_name("api against the test server: checks", tests, group_setup, group_teardown);
}
