/* The Management API's answers over the mock port: single objects, every
 * status mapping and the server's error text, malformed JSON of every kind
 * refused (never HC_OK with partial results), truncated transfers,
 * elements too large, and ping bodies. */
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

/* hc_api_created() is false for every call but a create, whatever the
 * status: a server answering 201 to a get, an update or a pause made no
 * check. (Found by fuzz_api_object.) */
static void test_created_only_by_a_create(void **state)
{
    (void)state;
    const char *obj = "{\"name\": \"x\"}";
    hc_mock_conn_t s[] = { json("201 Created", obj), json("201 Created", obj),
                           json("201 Created", obj), json("201 Created", obj) };
    setup(s, 4);
    hc_check_t c;
    hc_check_spec_t spec = { .set = HC_SPEC_NAME, .name = "x" };
    assert_err(wait_for(hc_api_get_check_begin(&fx.api, UUID, &c)), HC_OK);
    assert_false(hc_api_created(&fx.api));
    assert_err(wait_for(hc_api_update_check_begin(&fx.api, UUID, &spec, &c)), HC_OK);
    assert_false(hc_api_created(&fx.api));
    assert_err(wait_for(hc_api_pause_check_begin(&fx.api, UUID, NULL)), HC_OK);
    assert_false(hc_api_created(&fx.api));
    assert_err(wait_for(hc_api_create_check_begin(&fx.api, &spec, NULL)), HC_OK);
    assert_true(hc_api_created(&fx.api));
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
        /* JSON after blank space is still JSON */
        { NULL, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 29\r\n\r\n \r\n{\"error\": \"wrong api key\"}",
          1, HC_ERR_UNAUTHORIZED, "wrong api key", 1 },
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

/* What one call leaves behind (its error text, "created", an echo too
 * large for the element buffer) is not reported for the next call, be it
 * answered or refused before it starts. */
static void test_nothing_kept_from_the_previous_call(void **state)
{
    (void)state;
    hc_check_spec_t spec = { .set = HC_SPEC_NAME, .name = "x" };
    hc_check_t c;
    const char *obj = "{\"name\": \"x\"}";
    hc_mock_conn_t s[] = {
        json("409 Conflict", "check is not paused"), json("200 OK", obj),
        json("409 Conflict", "check is not paused"),
        json("201 Created", obj), json("201 Created", obj), json("404 Not Found", "{}"),
    };
    setup(s, 6);
    /* an error text, then an answered call */
    assert_err(wait_for(hc_api_resume_check_begin(&fx.api, UUID, NULL)), HC_ERR_CONFLICT);
    assert_string_equal(hc_api_error(&fx.api), "check is not paused");
    assert_err(wait_for(hc_api_get_check_begin(&fx.api, UUID, &c)), HC_OK);
    assert_string_equal(hc_api_error(&fx.api), "");
    /* an error text, then a refused call */
    assert_err(wait_for(hc_api_resume_check_begin(&fx.api, UUID, NULL)), HC_ERR_CONFLICT);
    assert_err(hc_api_get_check_begin(&fx.api, "bad", &c), HC_ERR_ARG);
    assert_string_equal(hc_api_error(&fx.api), "");
    /* created, then a refused call */
    assert_err(wait_for(hc_api_create_check_begin(&fx.api, &spec, NULL)), HC_OK);
    assert_true(hc_api_created(&fx.api));
    assert_err(hc_api_get_check_begin(&fx.api, "bad", &c), HC_ERR_ARG);
    assert_false(hc_api_created(&fx.api));
    /* created, then a call answered with an error */
    assert_err(wait_for(hc_api_create_check_begin(&fx.api, &spec, NULL)), HC_OK);
    assert_true(hc_api_created(&fx.api));
    assert_err(wait_for(hc_api_get_check_begin(&fx.api, UUID, &c)), HC_ERR_NOT_FOUND);
    assert_false(hc_api_created(&fx.api));
    assert_int_equal(fx.mock.next, 6);

    /* an echo too large, then one that fits */
    hc_mock_conn_t t[] = {
        json("200 OK", "{\"name\": \"a name far too long for the sixty-four bytes of the element buffer\"}"),
        json("200 OK", obj),
    };
    setup_mem(t, 2, 64, 8);
    assert_err(wait_for(hc_api_get_check_begin(&fx.api, UUID, &c)), HC_ERR_JSON_TOO_LARGE);
    assert_err(wait_for(hc_api_get_check_begin(&fx.api, UUID, &c)), HC_OK);
    assert_string_equal(c.name, "x");
}

/* Success is 200..299 and nothing else: a final 101 and a 300 are
 * errors, 299 is not. */
static void test_status_class_edges(void **state)
{
    (void)state;
    static const struct { const char *raw; hc_err_t err; } cases[] = {
        { "HTTP/1.1 101 Switching Protocols\r\n\r\n", HC_ERR_HTTP_STATUS },
        { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", HC_OK },
        { "HTTP/1.1 299 Fine\r\nContent-Length: 2\r\n\r\nhi", HC_OK },
        { "HTTP/1.1 300 Multiple Choices\r\nContent-Length: 2\r\n\r\nhi", HC_ERR_HTTP_STATUS },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hc_mock_conn_t s[] = { answer(cases[i].raw) };
        setup(s, 1);
        uint8_t buf[8];
        hc_bytes_t out = { .buf = buf, .cap = sizeof buf };
        hc_err_t r = wait_for(hc_api_get_ping_body_begin(&fx.api, UUID, 1, &out));
        if (r != cases[i].err)
            fail_msg("%.30s: %s", cases[i].raw, hc_strerror(r));
    }
    /* and a 299 is decoded like a 200, its body not kept as an error */
    hc_mock_conn_t t[] = { json("299 Fine", "{\"name\": \"x\"}") };
    setup(t, 1);
    hc_check_t c;
    memset(&c, 0, sizeof c);
    assert_err(wait_for(hc_api_get_check_begin(&fx.api, UUID, &c)), HC_OK);
    assert_string_equal(c.name, "x");
    assert_string_equal(hc_api_error(&fx.api), "");
}

/* The status endpoint's answer must begin with "OK", exactly as spelled;
 * a line end after it is fine. */
static void test_status_text(void **state)
{
    (void)state;
    static const struct { const char *body; hc_err_t err; } cases[] = {
        { "OK", HC_OK }, { "OK\n", HC_OK }, { "OK\r\n", HC_OK },
        { "Ok", HC_ERR_HTTP_STATUS }, { "O", HC_ERR_HTTP_STATUS }, { "", HC_ERR_HTTP_STATUS },
        { "KO", HC_ERR_HTTP_STATUS },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char raw[128];
        snprintf(raw, sizeof raw, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s",
                 strlen(cases[i].body), cases[i].body);
        hc_mock_conn_t s[] = { answer(raw) };
        setup(s, 1);
        hc_err_t r = wait_for(hc_api_status_begin(&fx.api));
        if (r != cases[i].err)
            fail_msg("\"%s\": %s", cases[i].body, hc_strerror(r));
    }
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_single_objects),
        cmocka_unit_test(test_created_follows_status),
        cmocka_unit_test(test_created_only_by_a_create),
        cmocka_unit_test(test_every_status_mapping),
        cmocka_unit_test(test_server_error_then_success),
        cmocka_unit_test(test_status_endpoint),
        cmocka_unit_test(test_nothing_kept_from_the_previous_call),
        cmocka_unit_test(test_status_class_edges),
        cmocka_unit_test(test_status_text),
        cmocka_unit_test(test_malformed_json_is_refused),
        cmocka_unit_test(test_truncated_transfers),
        cmocka_unit_test(test_elements_too_large),
        cmocka_unit_test(test_ping_body),
    };
    return cmocka_run_group_tests_name("management api: responses", tests, NULL, NULL);
}
