/* hc_check_spec: the create/update body written byte for byte with exactly
 * the fields set, and the local validation of what the server rejects. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_objects.h"

static void assert_body(const hc_check_spec_t *s, const char *want)
{
    char mem[2048];
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    assert_err(hc_check_spec_write(&b, s), HC_OK);
    if (b.len != strlen(want) || memcmp(mem, want, b.len) != 0)
        fail_msg("got  %.*s\nwant %s", (int)b.len, mem, want);
}

/* ----------------------------------------------------------------- writing */

static void test_write_nothing_set(void **state)
{
    (void)state;
    hc_check_spec_t s;
    memset(&s, 0, sizeof s);
    s.name = "ignored: its bit is not set";
    s.timeout = 60;
    assert_body(&s, "{}");
    assert_err(hc_check_spec_validate(&s), HC_OK);
}

static void test_write_every_field(void **state)
{
    (void)state;
    static const char *const unique[] = { "name", "slug", "tags", "timeout", "grace" };
    hc_check_spec_t s;
    memset(&s, 0, sizeof s);
    s.set = HC_SPEC_NAME | HC_SPEC_SLUG | HC_SPEC_TAGS | HC_SPEC_DESC | HC_SPEC_TIMEOUT |
            HC_SPEC_GRACE | HC_SPEC_SCHEDULE | HC_SPEC_TZ | HC_SPEC_MANUAL_RESUME | HC_SPEC_METHODS |
            HC_SPEC_CHANNELS | HC_SPEC_UNIQUE | HC_SPEC_SUBJECT | HC_SPEC_SUBJECT_FAIL |
            HC_SPEC_START_KW | HC_SPEC_SUCCESS_KW | HC_SPEC_FAILURE_KW | HC_SPEC_FILTER_SUBJECT |
            HC_SPEC_FILTER_BODY | HC_SPEC_FILTER_HTTP_BODY | HC_SPEC_FILTER_DEFAULT_FAIL;
    s.name = "Backups";
    s.slug = "backups";
    s.tags = "prod db";
    s.desc = "nightly";
    s.timeout = 3600;
    s.grace = 60;
    s.schedule = "15 5 * * *";
    s.tz = "Europe/Riga";
    s.manual_resume = true;
    s.methods = "POST";
    s.channels = "*";
    s.unique = unique;
    s.n_unique = 5;
    s.subject = "S";
    s.subject_fail = "F";
    s.start_kw = "go";
    s.success_kw = "ok";
    s.failure_kw = "err";
    s.filter_subject = true;
    s.filter_body = false;
    s.filter_http_body = true;
    s.filter_default_fail = false;
    assert_err(hc_check_spec_validate(&s), HC_OK);
    assert_body(&s, "{\"name\":\"Backups\",\"slug\":\"backups\",\"tags\":\"prod db\",\"desc\":\"nightly\","
                    "\"timeout\":3600,\"grace\":60,\"schedule\":\"15 5 * * *\",\"tz\":\"Europe/Riga\","
                    "\"manual_resume\":true,\"methods\":\"POST\",\"channels\":\"*\","
                    "\"unique\":[\"name\",\"slug\",\"tags\",\"timeout\",\"grace\"],"
                    "\"subject\":\"S\",\"subject_fail\":\"F\",\"start_kw\":\"go\",\"success_kw\":\"ok\","
                    "\"failure_kw\":\"err\",\"filter_subject\":true,\"filter_body\":false,"
                    "\"filter_http_body\":true,\"filter_default_fail\":false}");
}

static void test_write_only_set_fields(void **state)
{
    (void)state;
    hc_check_spec_t s;
    memset(&s, 0, sizeof s);
    s.set = HC_SPEC_GRACE | HC_SPEC_CHANNELS | HC_SPEC_FILTER_BODY;
    s.name = "not sent";
    s.grace = 120;
    s.channels = "";
    s.filter_body = false;
    assert_body(&s, "{\"grace\":120,\"channels\":\"\",\"filter_body\":false}");
    s.set = HC_SPEC_DESC;
    s.desc = "";
    assert_body(&s, "{\"desc\":\"\"}");
    s.set = HC_SPEC_UNIQUE;
    s.unique = NULL;
    s.n_unique = 0;
    assert_body(&s, "{\"unique\":[]}");
}

static void test_write_escapes(void **state)
{
    (void)state;
    hc_check_spec_t s;
    memset(&s, 0, sizeof s);
    s.set = HC_SPEC_NAME | HC_SPEC_DESC;
    s.name = "\"quoted\" \\ caf\xc3\xa9 \xf0\x9f\x9a\x80";
    s.desc = "line1\nline2\ttab\x01";
    assert_err(hc_check_spec_validate(&s), HC_OK);
    assert_body(&s, "{\"name\":\"\\\"quoted\\\" \\\\ caf\xc3\xa9 \xf0\x9f\x9a\x80\","
                    "\"desc\":\"line1\\u000aline2\\u0009tab\\u0001\"}");
}

static void test_write_errors(void **state)
{
    (void)state;
    char mem[16];
    hc_buf_t b;
    hc_check_spec_t s;
    memset(&s, 0, sizeof s);
    s.set = HC_SPEC_NAME;
    hc_buf_init(&b, mem, sizeof mem);
    assert_int_equal(hc_check_spec_write(&b, &s), HC_ERR_ARG);      /* NULL name */
    assert_int_equal(b.len, 0);                                      /* nothing written */
    s.set = HC_SPEC_UNIQUE;
    s.n_unique = 1;
    assert_int_equal(hc_check_spec_write(&b, &s), HC_ERR_ARG);      /* NULL array */
    static const char *const holes[] = { "name", NULL };
    s.unique = holes;
    s.n_unique = 2;
    assert_int_equal(hc_check_spec_write(&b, &s), HC_ERR_ARG);      /* NULL item */
    static const char *const hole_first[] = { NULL, "name" };
    s.unique = hole_first;
    assert_int_equal(hc_check_spec_write(&b, &s), HC_ERR_ARG);      /* NULL first item */
    assert_int_equal(b.len, 0);
    assert_err(hc_check_spec_write(NULL, &s), HC_ERR_ARG);
    assert_err(hc_check_spec_write(&b, NULL), HC_ERR_ARG);
    hc_check_spec_t fine;
    memset(&fine, 0, sizeof fine);
    fine.set = HC_SPEC_TIMEOUT;
    fine.timeout = 60;
    assert_err(hc_check_spec_write(NULL, &fine), HC_ERR_ARG);       /* a good spec, no buffer */
    fine.set = HC_SPEC_TIMEOUT | HC_SPEC_FILTER_DEFAULT_FAIL << 1;     /* a bit past the last field */
    assert_err(hc_check_spec_write(&b, &fine), HC_ERR_ARG);
    assert_int_equal(b.len, 0);
    /* too long for the buffer */
    s.set = HC_SPEC_NAME;
    s.name = "a name longer than sixteen bytes";
    assert_err(hc_check_spec_write(&b, &s), HC_ERR_BUFFER);
    assert_true(b.len <= sizeof mem);
    /* a buffer that overflowed before stays failed */
    s.name = "x";
    assert_err(hc_check_spec_write(&b, &s), HC_ERR_BUFFER);
}

/* Writing checks only that each set field can be written: the server
 * judges the values (hc_check_spec_validate() says what it would refuse),
 * and a channel list has no length limit of its own. */
static void test_write_leaves_values_to_the_server(void **state)
{
    (void)state;
    hc_check_spec_t s;
    memset(&s, 0, sizeof s);
    s.set = HC_SPEC_TIMEOUT;
    s.timeout = 1;
    assert_body(&s, "{\"timeout\":1}");
    assert_err(hc_check_spec_validate(&s), HC_ERR_RANGE);
    s.set = HC_SPEC_CHANNELS;
    s.channels = "a,b,c";
    assert_body(&s, "{\"channels\":\"a,b,c\"}");
    assert_err(hc_check_spec_validate(&s), HC_OK);
}

/* Each HC_SPEC_* bit alone sends its own field and nothing else. */
static void test_write_each_bit_alone(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "name", "slug", "tags", "desc", "timeout", "grace", "schedule", "tz", "manual_resume",
        "methods", "channels", "unique", "subject", "subject_fail", "start_kw", "success_kw",
        "failure_kw", "filter_subject", "filter_body", "filter_http_body", "filter_default_fail",
    };
    assert_int_equal(sizeof keys / sizeof *keys, 21);
    assert_int_equal(HC_SPEC_FILTER_DEFAULT_FAIL, 1 << 20);
    for (unsigned i = 0; i < 21; i++) {
        char mem[64];
        char want[40];
        hc_buf_t b;
        hc_check_spec_t s;
        memset(&s, 0, sizeof s);
        s.set = 1u << i;
        s.name = s.slug = s.tags = s.desc = s.schedule = s.tz = s.methods = s.channels = "";
        s.subject = s.subject_fail = s.start_kw = s.success_kw = s.failure_kw = "";
        s.timeout = s.grace = 60;
        hc_buf_init(&b, mem, sizeof mem);
        assert_err(hc_check_spec_validate(&s), HC_OK);
        assert_err(hc_check_spec_write(&b, &s), HC_OK);
        snprintf(want, sizeof want, "{\"%s\":", keys[i]);
        assert_true(b.len > strlen(want));
        assert_memory_equal(mem, want, strlen(want));
        assert_null(memchr(mem, ',', b.len));   /* one member only */
        assert_int_equal(mem[b.len - 1], '}');
    }
}

/* -------------------------------------------------------------- validation */

/* A string of n copies of the UTF-8 character c. */
static const char *repeat(char *buf, size_t cap, const char *c, size_t n)
{
    size_t len = strlen(c);
    assert_true(n * len < cap);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * len, c, len);
    buf[n * len] = '\0';
    return buf;
}

static hc_err_t validate_one(uint32_t bit, const char *value)
{
    hc_check_spec_t s;
    memset(&s, 0, sizeof s);
    s.set = bit;
    s.name = s.slug = s.tags = s.desc = s.schedule = s.tz = s.methods = s.channels = value;
    s.subject = s.subject_fail = s.start_kw = s.success_kw = s.failure_kw = value;
    return hc_check_spec_validate(&s);
}

static void test_validate_lengths_in_characters(void **state)
{
    (void)state;
    char buf[1024];
    static const uint32_t hundred[] = { HC_SPEC_NAME, HC_SPEC_SCHEDULE };
    static const uint32_t two_hundred[] = { HC_SPEC_SUBJECT, HC_SPEC_SUBJECT_FAIL, HC_SPEC_START_KW,
                                            HC_SPEC_SUCCESS_KW, HC_SPEC_FAILURE_KW };
    for (size_t i = 0; i < 2; i++) {
        assert_err(validate_one(hundred[i], repeat(buf, sizeof buf, "a", 100)), HC_OK);
        assert_err(validate_one(hundred[i], repeat(buf, sizeof buf, "a", 101)), HC_ERR_TOO_LONG);
        /* 100 three-byte characters are 300 bytes, and still 100 characters */
        assert_err(validate_one(hundred[i], repeat(buf, sizeof buf, "\xe2\x82\xac", 100)), HC_OK);
        assert_int_equal(validate_one(hundred[i], repeat(buf, sizeof buf, "\xe2\x82\xac", 101)),
                         HC_ERR_TOO_LONG);
    }
    for (size_t i = 0; i < 5; i++) {
        assert_err(validate_one(two_hundred[i], repeat(buf, sizeof buf, "k", 200)), HC_OK);
        assert_err(validate_one(two_hundred[i], repeat(buf, sizeof buf, "k", 201)), HC_ERR_TOO_LONG);
    }
    assert_err(validate_one(HC_SPEC_SLUG, repeat(buf, sizeof buf, "s", 100)), HC_OK);
    assert_err(validate_one(HC_SPEC_SLUG, repeat(buf, sizeof buf, "s", 101)), HC_ERR_TOO_LONG);
    /* no limit on tags, desc, tz, channels */
    assert_err(validate_one(HC_SPEC_DESC, repeat(buf, sizeof buf, "d", 1000)), HC_OK);
    assert_err(validate_one(HC_SPEC_TAGS, repeat(buf, sizeof buf, "t", 500)), HC_OK);
}

static void test_validate_slug(void **state)
{
    (void)state;
    assert_err(validate_one(HC_SPEC_SLUG, ""), HC_OK);
    assert_err(validate_one(HC_SPEC_SLUG, "db-backup_2"), HC_OK);
    assert_err(validate_one(HC_SPEC_SLUG, "abcdefghijklmnopqrstuvwxyz0123456789-_"), HC_OK);
    static const char *const bad[] = { "Backups", "db backup", "db/backup", "db.backup", "caf\xc3\xa9",
                                       "a+b", "%41" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_err(validate_one(HC_SPEC_SLUG, bad[i]), HC_ERR_ARG);
}

static void test_validate_methods(void **state)
{
    (void)state;
    assert_err(validate_one(HC_SPEC_METHODS, ""), HC_OK);
    assert_err(validate_one(HC_SPEC_METHODS, "POST"), HC_OK);
    assert_err(validate_one(HC_SPEC_METHODS, "post"), HC_ERR_ARG);
    assert_err(validate_one(HC_SPEC_METHODS, "GET"), HC_ERR_ARG);
    assert_err(validate_one(HC_SPEC_METHODS, "POST "), HC_ERR_ARG);
}

static void test_validate_seconds(void **state)
{
    (void)state;
    static const struct { uint32_t v; hc_err_t want; } cases[] = {
        { 0, HC_ERR_RANGE }, { 59, HC_ERR_RANGE }, { 60, HC_OK }, { 86400, HC_OK },
        { 31536000, HC_OK }, { 31536001, HC_ERR_RANGE }, { UINT32_MAX, HC_ERR_RANGE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hc_check_spec_t s;
        memset(&s, 0, sizeof s);
        s.set = HC_SPEC_TIMEOUT;
        s.timeout = cases[i].v;
        s.grace = 60;
        assert_int_equal(hc_check_spec_validate(&s), cases[i].want);
        s.set = HC_SPEC_GRACE;
        s.grace = cases[i].v;
        s.timeout = 0;
        assert_int_equal(hc_check_spec_validate(&s), cases[i].want);
    }
}

static void test_validate_unique(void **state)
{
    (void)state;
    hc_check_spec_t s;
    static const char *const good[] = { "grace", "name" };
    static const char *const bad[] = { "name", "desc" };
    static const char *const upper[] = { "Name" };
    memset(&s, 0, sizeof s);
    s.set = HC_SPEC_UNIQUE;
    s.unique = good;
    s.n_unique = 2;
    assert_err(hc_check_spec_validate(&s), HC_OK);
    s.unique = bad;
    assert_err(hc_check_spec_validate(&s), HC_ERR_ARG);
    s.unique = upper;
    s.n_unique = 1;
    assert_err(hc_check_spec_validate(&s), HC_ERR_ARG);
    s.unique = NULL;
    assert_err(hc_check_spec_validate(&s), HC_ERR_ARG);
    s.n_unique = 0;
    assert_err(hc_check_spec_validate(&s), HC_OK);
}

static void test_validate_arguments(void **state)
{
    (void)state;
    hc_check_spec_t s;
    memset(&s, 0, sizeof s);
    assert_err(hc_check_spec_validate(NULL), HC_ERR_ARG);
    s.set = 1u << 21;                                  /* not a field */
    assert_err(hc_check_spec_validate(&s), HC_ERR_ARG);
    s.set = HC_SPEC_TZ;                                /* set but NULL */
    assert_err(hc_check_spec_validate(&s), HC_ERR_ARG);
    /* strings must be UTF-8 */
    assert_err(validate_one(HC_SPEC_NAME, "caf\xe9"), HC_ERR_ARG);
    assert_err(validate_one(HC_SPEC_DESC, "\xc3"), HC_ERR_ARG);
    assert_err(validate_one(HC_SPEC_CHANNELS, "\xed\xa0\x80"), HC_ERR_ARG);
    /* cron syntax and time zones are the server's to judge */
    assert_err(validate_one(HC_SPEC_SCHEDULE, "not a cron"), HC_OK);
    assert_err(validate_one(HC_SPEC_TZ, "Mars/Olympus"), HC_OK);
    /* the first failing field decides */
    s.set = HC_SPEC_NAME | HC_SPEC_TIMEOUT;
    s.name = "ok";
    s.timeout = 1;
    assert_err(hc_check_spec_validate(&s), HC_ERR_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_nothing_set),
        cmocka_unit_test(test_write_every_field),
        cmocka_unit_test(test_write_only_set_fields),
        cmocka_unit_test(test_write_escapes),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_write_leaves_values_to_the_server),
        cmocka_unit_test(test_write_each_bit_alone),
        cmocka_unit_test(test_validate_lengths_in_characters),
        cmocka_unit_test(test_validate_slug),
        cmocka_unit_test(test_validate_methods),
        cmocka_unit_test(test_validate_seconds),
        cmocka_unit_test(test_validate_unique),
        cmocka_unit_test(test_validate_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
