/* hc_jstream: splitting streamed list bodies into elements — the recorded
 * server bodies, generated lists of 0, 1 and 1,000 elements fed whole, a
 * byte at a time and in random pieces, the three shapes, and every way a
 * body can be wrong. */
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

#define ELEM_BUF 2048

/* ------------------------------------------------------------ helpers */

/* Everything the callback saw: "name=elem\n" per element. */
typedef struct {
    char *log;
    size_t len;
    size_t cap;
    size_t count;
    size_t max_elem;
    hc_err_t fail_with;   /* returned from element number fail_at */
    size_t fail_at;
} record_t;

static void record_init(record_t *r)
{
    memset(r, 0, sizeof *r);
    r->cap = 1 << 20;
    r->log = malloc(r->cap);
    assert_non_null(r->log);
    r->fail_at = (size_t)-1;
}

static void record_free(record_t *r)
{
    free(r->log);
}

static void record_put(record_t *r, const char *p, size_t n)
{
    assert_true(n <= r->cap - r->len);
    memcpy(r->log + r->len, p, n);
    r->len += n;
}

static hc_err_t on_element(void *ctx, const char *name, size_t name_len, const char *elem,
                           size_t elem_len)
{
    record_t *r = ctx;
    if (name)
        record_put(r, name, name_len);
    else
        assert_int_equal(name_len, 0);
    record_put(r, "=", 1);
    record_put(r, elem, elem_len);
    record_put(r, "\n", 1);
    if (elem_len > r->max_elem)
        r->max_elem = elem_len;
    return r->count++ == r->fail_at ? r->fail_with : HC_OK;
}

enum mode { WHOLE, BYTES, RANDOM };

/* Feed body in the given pieces, then finish. The body is copied to an
 * exactly sized heap block, so a sanitizer build catches any overread. */
static hc_err_t run(const char *key, hc_jstream_shape_t shape, const char *body, size_t len,
                    enum mode mode, unsigned seed, size_t buf_size, record_t *r)
{
    hc_jstream_t js;
    char *buf = malloc(buf_size);
    uint8_t *copy = malloc(len ? len : 1);
    hc_err_t err;
    size_t pos = 0;
    assert_non_null(buf);
    assert_non_null(copy);
    memcpy(copy, body, len);
    assert_err(hc_jstream_init(&js, key, shape, buf, buf_size, on_element, r), HC_OK);
    err = HC_OK;
    while (pos < len && err == HC_OK) {
        size_t n = len - pos;
        if (mode == BYTES) {
            n = 1;
        } else if (mode == RANDOM) {
            seed = seed * 1103515245u + 12345u;
            size_t want = 1 + (seed >> 16) % 97u;
            if (want < n)
                n = want;
        }
        err = hc_jstream_feed(&js, copy + pos, n);
        pos += n;
    }
    if (err == HC_OK)
        err = hc_jstream_finish(&js);
    else
        assert_int_equal(hc_jstream_finish(&js), err); /* sticky */
    free(copy);
    free(buf);
    return err;
}

static hc_err_t run_str(const char *key, hc_jstream_shape_t shape, const char *body,
                        record_t *r)
{
    return run(key, shape, body, strlen(body), WHOLE, 0, ELEM_BUF, r);
}

/* The same calls whichever way the body is cut. */
static void check_all_modes(const char *key, hc_jstream_shape_t shape, const char *body,
                            size_t len, size_t expect_count)
{
    record_t whole, bytes, rnd;
    record_init(&whole);
    record_init(&bytes);
    assert_err(run(key, shape, body, len, WHOLE, 0, ELEM_BUF, &whole), HC_OK);
    assert_err(run(key, shape, body, len, BYTES, 0, ELEM_BUF, &bytes), HC_OK);
    assert_int_equal(whole.count, expect_count);
    assert_int_equal(bytes.count, expect_count);
    assert_int_equal(bytes.len, whole.len);
    assert_memory_equal(bytes.log, whole.log, whole.len);
    for (unsigned seed = 1; seed <= 5; seed++) {
        record_init(&rnd);
        assert_err(run(key, shape, body, len, RANDOM, seed, ELEM_BUF, &rnd), HC_OK);
        assert_int_equal(rnd.count, expect_count);
        assert_int_equal(rnd.len, whole.len);
        assert_memory_equal(rnd.log, whole.log, whole.len);
        record_free(&rnd);
    }
    record_free(&whole);
    record_free(&bytes);
}

/* {"checks": [ e0, e1, ... ]} with elements that contain every tricky
 * character a splitter must not trip over. */
static char *make_list(size_t n, size_t *len)
{
    size_t cap = 64 + n * 160;
    char *s = malloc(cap);
    size_t pos;
    assert_non_null(s);
    pos = (size_t)snprintf(s, cap, "{\"checks\": [");
    for (size_t i = 0; i < n; i++) {
        pos += (size_t)snprintf(s + pos, cap - pos,
                                "%s\n  {\"n\": %zu, \"name\": \"check-%zu ]}[{,\\\"\\\\\", "
                                "\"tags\": [\"a\", {\"b\": null}], \"x\": -1.5e3, \"t\": true}",
                                i ? "," : "", i, i);
    }
    pos += (size_t)snprintf(s + pos, cap - pos, "\n]}\n");
    assert_true(pos < cap);
    *len = pos;
    return s;
}

/* ------------------------------------------------------ recorded bodies */

static void test_fixture_checks(void **state)
{
    (void)state;
    size_t len;
    char *body = hc_fixture_load_body("api_checks_list.http", &len);
    check_all_modes("checks", HC_JSTREAM_ARRAY, body, len, 7);
    free(body);
    body = hc_fixture_load_body("api_v1_checks_list.http", &len);
    check_all_modes("checks", HC_JSTREAM_ARRAY, body, len, 6);
    free(body);
    body = hc_fixture_load_body("api_checks_list_empty.http", &len);
    check_all_modes("checks", HC_JSTREAM_ARRAY, body, len, 0);
    free(body);
}

static void test_fixture_pings_flips_channels(void **state)
{
    (void)state;
    size_t len;
    char *body = hc_fixture_load_body("api_check_pings.http", &len);
    check_all_modes("pings", HC_JSTREAM_ARRAY, body, len, 18);
    free(body);
    body = hc_fixture_load_body("api_check_flips.http", &len);
    check_all_modes("flips", HC_JSTREAM_ARRAY_OR_BARE, body, len, 7);
    free(body);
    body = hc_fixture_load_body("api_channels.http", &len);
    check_all_modes("channels", HC_JSTREAM_ARRAY, body, len, 1);
    free(body);
}

static void test_fixture_elements_are_exact(void **state)
{
    (void)state;
    size_t len;
    char *body = hc_fixture_load_body("api_channels.http", &len);
    record_t r;
    record_init(&r);
    assert_err(run("channels", HC_JSTREAM_ARRAY, body, len, BYTES, 0, ELEM_BUF, &r), HC_OK);
    const char *want = "={\"id\": \"c586f7b2-14f5-457a-8712-3377b09aab32\", "
                       "\"name\": \"hcpeer email\", \"kind\": \"email\"}\n";
    assert_int_equal(r.len, strlen(want));
    assert_memory_equal(r.log, want, r.len);
    record_free(&r);
    free(body);
}

static void test_fixture_badges_members(void **state)
{
    (void)state;
    size_t len;
    char *body = hc_fixture_load_body("api_badges.http", &len);
    record_t r;
    check_all_modes("badges", HC_JSTREAM_MEMBERS, body, len, 4);
    record_init(&r);
    assert_err(run("badges", HC_JSTREAM_MEMBERS, body, len, WHOLE, 0, ELEM_BUF, &r), HC_OK);
    assert_true(strncmp(r.log, "*={\"svg\": \"http://127.0.0.1:8000/badge/hcadmin/MMKzH7Jx-2.svg\"", 62) == 0);
    assert_non_null(strstr(r.log, "\nprod={\"svg\": "));
    assert_non_null(strstr(r.log, "\ncron={\"svg\": "));
    assert_non_null(strstr(r.log, "\ndb={\"svg\": "));
    assert_non_null(strstr(r.log, "/db.shields\"}\n"));
    record_free(&r);
    free(body);
}

/* -------------------------------------------------------- generated lists */

static void test_generated_lists(void **state)
{
    (void)state;
    static const size_t sizes[] = { 0, 1, 1000 };
    for (size_t k = 0; k < 3; k++) {
        size_t len;
        char *body = make_list(sizes[k], &len);
        check_all_modes("checks", HC_JSTREAM_ARRAY, body, len, sizes[k]);
        free(body);
    }
}

static void test_generated_list_content(void **state)
{
    (void)state;
    size_t len;
    char *body = make_list(1000, &len);
    record_t r;
    char want[200];
    record_init(&r);
    assert_err(run("checks", HC_JSTREAM_ARRAY, body, len, RANDOM, 7, ELEM_BUF, &r), HC_OK);
    assert_int_equal(r.count, 1000);
    /* element 999, byte for byte, with its inner whitespace kept */
    snprintf(want, sizeof want,
             "={\"n\": 999, \"name\": \"check-999 ]}[{,\\\"\\\\\", \"tags\": [\"a\", "
             "{\"b\": null}], \"x\": -1.5e3, \"t\": true}\n");
    assert_true(r.len > strlen(want));
    assert_memory_equal(r.log + r.len - strlen(want), want, strlen(want));
    record_free(&r);
    free(body);
}

/* ------------------------------------------------------------------ shapes */

static void test_bare_array(void **state)
{
    (void)state;
    record_t r;
    record_init(&r);
    assert_int_equal(run_str("flips", HC_JSTREAM_ARRAY_OR_BARE,
                             " [{\"timestamp\": \"2020-03-23T10:18:23+00:00\", \"up\": 1},"
                             "{\"up\": 0}] ", &r), HC_OK);
    assert_int_equal(r.count, 2);
    const char *want = "={\"timestamp\": \"2020-03-23T10:18:23+00:00\", \"up\": 1}\n={\"up\": 0}\n";
    assert_int_equal(r.len, strlen(want));
    assert_memory_equal(r.log, want, r.len);
    record_free(&r);

    record_init(&r);
    assert_err(run_str("flips", HC_JSTREAM_ARRAY_OR_BARE, "[]", &r), HC_OK);
    assert_int_equal(r.count, 0);
    record_free(&r);

    /* a bare array where the wrapper is required */
    record_init(&r);
    assert_err(run_str("checks", HC_JSTREAM_ARRAY, "[{}]", &r), HC_ERR_JSON);
    assert_int_equal(r.count, 0);
    record_free(&r);
}

static void test_scalar_elements(void **state)
{
    (void)state;
    record_t r;
    record_init(&r);
    assert_int_equal(run_str("k", HC_JSTREAM_ARRAY,
                             "{\"k\":[1,\"x\" , true,null,[2, [3]],-0.5e1,{}]}", &r), HC_OK);
    const char *want = "=1\n=\"x\"\n=true\n=null\n=[2, [3]]\n=-0.5e1\n={}\n";
    assert_int_equal(r.count, 7);
    assert_int_equal(r.len, strlen(want));
    assert_memory_equal(r.log, want, r.len);
    record_free(&r);
}

static void test_other_members_skipped(void **state)
{
    (void)state;
    record_t r;
    record_init(&r);
    assert_int_equal(run_str("checks", HC_JSTREAM_ARRAY,
                             "{\"checks_x\": [{\"no\": 1}], \"check\": [{}], \"meta\": {\"checks\": [{\"no\": 2}]},"
                             " \"checks\": [{\"yes\": 1}], \"after\": [1, {\"checks\": []}], \"n\": 5}",
                             &r), HC_OK);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.len, strlen("={\"yes\": 1}\n"));
    assert_memory_equal(r.log, "={\"yes\": 1}\n", r.len);
    record_free(&r);
}

static void test_members_with_escaped_names(void **state)
{
    (void)state;
    record_t r;
    record_init(&r);
    assert_int_equal(run_str("badges", HC_JSTREAM_MEMBERS,
                             "{\"badges\": {\"a\\\"b\" : {\"svg\": \"1\"}, \"\\u00e9\":{}, \"\": 3}}", &r),
                     HC_OK);
    const char *want = "a\\\"b={\"svg\": \"1\"}\n\\u00e9={}\n=3\n";
    assert_int_equal(r.count, 3);
    assert_int_equal(r.len, strlen(want));
    assert_memory_equal(r.log, want, r.len);
    record_free(&r);

    record_init(&r);
    assert_err(run_str("badges", HC_JSTREAM_MEMBERS, "{\"badges\": {}}", &r), HC_OK);
    assert_int_equal(r.count, 0);
    record_free(&r);
}

/* ------------------------------------------------------------------ errors */

static void test_element_too_large(void **state)
{
    (void)state;
    record_t r;
    const char *body = "{\"checks\": [{\"a\": 1}, {\"name\": \"0123456789\"}, {\"b\": 2}]}";
    size_t big = strlen("{\"name\": \"0123456789\"}");
    /* exactly the size of the largest element fits */
    record_init(&r);
    assert_err(run("checks", HC_JSTREAM_ARRAY, body, strlen(body), BYTES, 0, big, &r), HC_OK);
    assert_int_equal(r.count, 3);
    assert_int_equal(r.max_elem, big);
    record_free(&r);
    /* one byte less: an error, and the element is not skipped */
    for (int mode = WHOLE; mode <= RANDOM; mode++) {
        record_init(&r);
        assert_int_equal(run("checks", HC_JSTREAM_ARRAY, body, strlen(body), (enum mode)mode, 3,
                             big - 1, &r), HC_ERR_JSON_TOO_LARGE);
        assert_int_equal(r.count, 1);
        record_free(&r);
    }
}

static void test_element_too_large_members(void **state)
{
    (void)state;
    record_t r;
    const char *body = "{\"badges\": {\"long-tag-name\": {}}}";
    /* the member name counts against the buffer too */
    record_init(&r);
    assert_int_equal(run("badges", HC_JSTREAM_MEMBERS, body, strlen(body), WHOLE, 0, 19, &r),
                     HC_OK);
    record_free(&r);
    record_init(&r);
    assert_int_equal(run("badges", HC_JSTREAM_MEMBERS, body, strlen(body), WHOLE, 0, 18, &r),
                     HC_ERR_JSON_TOO_LARGE);
    assert_int_equal(r.count, 0);
    record_free(&r);
}

static void test_every_truncation_is_an_error(void **state)
{
    (void)state;
    size_t len;
    char *body = hc_fixture_load_body("api_check_pings.http", &len);
    /* cut anywhere before the final closing brace, the result is never
     * complete, however many elements were delivered */
    assert_int_equal(body[len - 1], '}');
    for (size_t cut = 0; cut <= len; cut++) {
        record_t r;
        record_init(&r);
        hc_err_t err = run("pings", HC_JSTREAM_ARRAY, body, cut, WHOLE, 0, ELEM_BUF, &r);
        if (cut == len)
            assert_err(err, HC_OK);
        else if (err != HC_ERR_JSON)
            fail_msg("cut at %zu of %zu gave %d", cut, len, (int)err);
        record_free(&r);
    }
    free(body);
}

static void test_malformed_bodies(void **state)
{
    (void)state;
    static const struct { const char *body; size_t elements_before; } cases[] = {
        { "", 0 },
        { "   ", 0 },
        { "{", 0 },
        { "{}", 0 },                                       /* no list at all */
        { "{\"checks\": []", 0 },                          /* wrapper never closed */
        { "{\"checks\": [{}, {}", 2 },                     /* list never closed */
        { "{\"checks\": [{}, {]}", 1 },
        { "{\"checks\": [{},]}", 1 },
        { "{\"checks\": [{} {}]}", 1 },
        { "{\"checks\": {}}", 0 },                         /* not an array */
        { "{\"checks\": null}", 0 },
        { "{\"checks\": \"[]\"}", 0 },
        { "{\"checks\": [], \"checks\": []}", 0 },        /* a second list */
        { "{\"checks\": [{\"a\": tru}]}", 0 },
        { "{\"checks\": [{\"a\": 01}]}", 0 },
        { "{\"checks\": [{\"a\": \"\\x\"}]}", 0 },          /* invalid escape */
        { "{\"checks\": [{\"a\": \"\\u12\"}]}", 0 },        /* short \u */
        { "{\"checks\": [{\"a\": \"line\nbreak\"}]}", 0 }, /* raw control character */
        { "{\"checks\": [{}]} {}", 1 },                    /* trailing value */
        { "{\"checks\": [{}]} x", 1 },
        { "[{}]", 0 },                                     /* bare, not allowed here */
        { "\"checks\"", 0 },
        { "42", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (int mode = WHOLE; mode <= BYTES; mode++) {
            record_t r;
            record_init(&r);
            hc_err_t err = run("checks", HC_JSTREAM_ARRAY, cases[i].body, strlen(cases[i].body),
                               (enum mode)mode, 0, ELEM_BUF, &r);
            if (err != HC_ERR_JSON)
                fail_msg("case %zu (%s): %d", i, cases[i].body, (int)err);
            if (r.count != cases[i].elements_before)
                fail_msg("case %zu: %zu elements", i, r.count);
            record_free(&r);
        }
    }
}

static void test_members_wrong_type(void **state)
{
    (void)state;
    record_t r;
    record_init(&r);
    assert_err(run_str("badges", HC_JSTREAM_MEMBERS, "{\"badges\": [{}]}", &r), HC_ERR_JSON);
    assert_err(run_str("badges", HC_JSTREAM_MEMBERS, "[{}]", &r), HC_ERR_JSON);
    assert_int_equal(r.count, 0);
    record_free(&r);
}

/* {"k": [ d-2 nested arrays ]}: total depth d. */
static hc_err_t run_depth(int depth, record_t *r)
{
    char body[256];
    size_t n = (size_t)snprintf(body, sizeof body, "{\"k\": ");
    for (int i = 1; i < depth; i++)
        body[n++] = '[';
    for (int i = 1; i < depth; i++)
        body[n++] = ']';
    body[n++] = '}';
    return run("k", HC_JSTREAM_ARRAY, body, n, BYTES, 0, ELEM_BUF, r);
}

static void test_nesting_bound(void **state)
{
    (void)state;
    record_t r;
    record_init(&r);
    assert_err(run_depth(HC_JSON_MAX_DEPTH, &r), HC_OK);
    assert_int_equal(r.count, HC_JSON_MAX_DEPTH > 2 ? 1 : 0);
    record_free(&r);
    record_init(&r);
    assert_err(run_depth(HC_JSON_MAX_DEPTH + 1, &r), HC_ERR_JSON);
    assert_int_equal(r.count, 0);
    assert_err(run_depth(100, &r), HC_ERR_JSON);
    record_free(&r);
}

static void test_callback_error_stops_and_sticks(void **state)
{
    (void)state;
    record_t r;
    size_t len;
    char *body = make_list(10, &len);
    record_init(&r);
    r.fail_at = 3;
    r.fail_with = HC_ERR_BUFFER;
    assert_int_equal(run("checks", HC_JSTREAM_ARRAY, body, len, BYTES, 0, ELEM_BUF, &r),
                     HC_ERR_BUFFER);
    assert_int_equal(r.count, 4);
    record_free(&r);
    free(body);
}

static void test_restart_after_init(void **state)
{
    (void)state;
    hc_jstream_t js;
    char buf[32];
    record_t r;
    record_init(&r);
    assert_err(hc_jstream_init(&js, "k", HC_JSTREAM_ARRAY, buf, sizeof buf, on_element, &r), HC_OK);
    assert_err(hc_jstream_feed(&js, (const uint8_t *)"{\"k\": [{}, x", 12), HC_ERR_JSON);
    assert_err(hc_jstream_init(&js, "k", HC_JSTREAM_ARRAY, buf, sizeof buf, on_element, &r), HC_OK);
    assert_err(hc_jstream_feed(&js, (const uint8_t *)"{\"k\": [{}]}", 11), HC_OK);
    assert_err(hc_jstream_finish(&js), HC_OK);
    assert_int_equal(r.count, 2);
    record_free(&r);
}

static void test_init_arguments(void **state)
{
    (void)state;
    hc_jstream_t js;
    char buf[8];
    char longkey[300];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    assert_err(hc_jstream_init(NULL, "k", HC_JSTREAM_ARRAY, buf, 8, on_element, NULL), HC_ERR_ARG);
    assert_err(hc_jstream_init(&js, NULL, HC_JSTREAM_ARRAY, buf, 8, on_element, NULL), HC_ERR_ARG);
    assert_err(hc_jstream_init(&js, "k", HC_JSTREAM_ARRAY, NULL, 8, on_element, NULL), HC_ERR_ARG);
    assert_err(hc_jstream_init(&js, "k", HC_JSTREAM_ARRAY, buf, 0, on_element, NULL), HC_ERR_ARG);
    assert_err(hc_jstream_init(&js, "k", HC_JSTREAM_ARRAY, buf, 8, NULL, NULL), HC_ERR_ARG);
    assert_err(hc_jstream_init(&js, "k", (hc_jstream_shape_t)7, buf, 8, on_element, NULL), HC_ERR_ARG);
    assert_err(hc_jstream_init(&js, longkey, HC_JSTREAM_ARRAY, buf, 8, on_element, NULL), HC_ERR_ARG);
}

/* The documented limit on the key is exact: 255 bytes is a key that finds
 * its list, 256 is refused. */
static void test_key_length_limit(void **state)
{
    (void)state;
    static char key[257];
    static char body[300];
    record_t r;
    hc_jstream_t js;
    char buf[8];
    memset(key, 'k', 255);
    key[255] = '\0';
    size_t len = (size_t)snprintf(body, sizeof body, "{\"%s\": [7]}", key);
    for (int mode = WHOLE; mode <= BYTES; mode++) {
        record_init(&r);
        assert_err(run(key, HC_JSTREAM_ARRAY, body, len, (enum mode)mode, 0, ELEM_BUF, &r),
                   HC_OK);
        assert_int_equal(r.count, 1);
        assert_int_equal(r.len, strlen("=7\n"));
        assert_memory_equal(r.log, "=7\n", r.len);
        record_free(&r);
    }
    /* one byte short of the key in the body: not the list */
    record_init(&r);
    assert_err(run(key, HC_JSTREAM_ARRAY, body + 1, len - 1, WHOLE, 0, ELEM_BUF, &r),
               HC_ERR_JSON);
    assert_int_equal(r.count, 0);
    record_free(&r);
    memset(key, 'k', 256);
    key[256] = '\0';
    assert_err(hc_jstream_init(&js, key, HC_JSTREAM_ARRAY, buf, sizeof buf, on_element, NULL),
               HC_ERR_ARG);
}

/* hc_jstream_element_ascii() answers for the element in hand only: a
 * non-ASCII or escaped string earlier in the body (in the wrapper or in
 * an earlier element) does not colour the later ones. */
typedef struct {
    const hc_jstream_t *js;
    char ascii[16];
    size_t count;
} ascii_log_t;

static hc_err_t on_element_ascii(void *ctx, const char *name, size_t name_len,
                                 const char *elem, size_t elem_len)
{
    ascii_log_t *a = ctx;
    (void)name;
    (void)name_len;
    (void)elem;
    (void)elem_len;
    assert_true(a->count < sizeof a->ascii - 1);
    a->ascii[a->count++] = hc_jstream_element_ascii(a->js) ? 'y' : 'n';
    return HC_OK;
}

static void ascii_run(const char *key, hc_jstream_shape_t shape, const char *body,
                      const char *want)
{
    size_t len = strlen(body);
    for (int mode = WHOLE; mode <= BYTES; mode++) {
        hc_jstream_t js;
        char buf[64];
        ascii_log_t a;
        memset(&a, 0, sizeof a);
        a.js = &js;
        assert_err(hc_jstream_init(&js, key, shape, buf, sizeof buf, on_element_ascii, &a),
                   HC_OK);
        if (mode == WHOLE) {
            assert_err(hc_jstream_feed(&js, (const uint8_t *)body, len), HC_OK);
        } else {
            for (size_t i = 0; i < len; i++)
                assert_err(hc_jstream_feed(&js, (const uint8_t *)body + i, 1), HC_OK);
        }
        assert_err(hc_jstream_finish(&js), HC_OK);
        assert_string_equal(a.ascii, want);
    }
}

static void test_element_ascii_is_per_element(void **state)
{
    (void)state;
    ascii_run("checks", HC_JSTREAM_ARRAY,
              "{\"note\": \"caf\xc3\xa9\", \"checks\": [{\"a\": \"x\"}, {\"b\": \"\xc3\xa9\"}, "
              "{\"c\": \"y\"}, {\"d\": \"\\n\"}, 1, \"\\u0041\", \"z\"]}",
              "ynynyny");
    ascii_run("flips", HC_JSTREAM_ARRAY_OR_BARE,
              "[{\"a\": \"\xc3\xa9\"}, {\"a\": \"e\"}, \"\\t\", null]", "nyny");
    ascii_run("badges", HC_JSTREAM_MEMBERS,
              "{\"badges\": {\"\\u00e9\": {}, \"b\": {\"s\": \"x\"}, \"c\": \"\xc3\xa9\", \"d\": 2}}",
              "nyny");
}

/* A body whose top-level value is not an object (a bare list where the
 * shape wants the wrapper, a string, a number, a literal) is refused at its
 * first byte, so a caller can stop reading it at once; nothing is
 * delivered. */
static void test_not_an_object_refused_at_first_byte(void **state)
{
    (void)state;
    static const char *firsts[] = { "[", "\"", "4", "-", "t", "n" };
    static const hc_jstream_shape_t shapes[] = { HC_JSTREAM_ARRAY, HC_JSTREAM_MEMBERS };
    for (size_t s = 0; s < 2; s++) {
        for (size_t i = 0; i < sizeof firsts / sizeof *firsts; i++) {
            hc_jstream_t js;
            char buf[16];
            record_t r;
            record_init(&r);
            assert_err(hc_jstream_init(&js, "checks", shapes[s], buf, sizeof buf, on_element, &r),
                       HC_OK);
            assert_err(hc_jstream_feed(&js, (const uint8_t *)" ", 1), HC_OK);
            assert_err(hc_jstream_feed(&js, (const uint8_t *)firsts[i], 1), HC_ERR_JSON);
            assert_err(hc_jstream_feed(&js, (const uint8_t *)"{}]", 3), HC_ERR_JSON);
            assert_err(hc_jstream_finish(&js), HC_ERR_JSON);
            assert_int_equal(r.count, 0);
            record_free(&r);
        }
    }
}

/* No bytes at no address is no input, not a mistake: it changes nothing,
 * before the body, inside it, and after an error (still that error). */
static void test_feed_nothing(void **state)
{
    (void)state;
    hc_jstream_t js;
    char buf[16];
    record_t r;
    record_init(&r);
    assert_err(hc_jstream_init(&js, "k", HC_JSTREAM_ARRAY, buf, sizeof buf, on_element, &r), HC_OK);
    assert_err(hc_jstream_feed(&js, NULL, 0), HC_OK);
    assert_err(hc_jstream_feed(&js, (const uint8_t *)"{\"k\": [1", 8), HC_OK);
    assert_err(hc_jstream_feed(&js, NULL, 0), HC_OK);
    assert_err(hc_jstream_feed(&js, (const uint8_t *)"]}", 2), HC_OK);
    assert_err(hc_jstream_feed(&js, NULL, 0), HC_OK);
    assert_err(hc_jstream_finish(&js), HC_OK);
    assert_int_equal(r.count, 1);
    assert_memory_equal(r.log, "=1\n", 3);

    assert_err(hc_jstream_init(&js, "k", HC_JSTREAM_ARRAY, buf, sizeof buf, on_element, &r), HC_OK);
    assert_err(hc_jstream_feed(&js, (const uint8_t *)"{\"k\": x", 7), HC_ERR_JSON);
    assert_err(hc_jstream_feed(&js, NULL, 0), HC_ERR_JSON);
    assert_int_equal(r.count, 1);
    record_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_checks),
        cmocka_unit_test(test_fixture_pings_flips_channels),
        cmocka_unit_test(test_fixture_elements_are_exact),
        cmocka_unit_test(test_fixture_badges_members),
        cmocka_unit_test(test_generated_lists),
        cmocka_unit_test(test_generated_list_content),
        cmocka_unit_test(test_bare_array),
        cmocka_unit_test(test_scalar_elements),
        cmocka_unit_test(test_other_members_skipped),
        cmocka_unit_test(test_members_with_escaped_names),
        cmocka_unit_test(test_element_too_large),
        cmocka_unit_test(test_element_too_large_members),
        cmocka_unit_test(test_every_truncation_is_an_error),
        cmocka_unit_test(test_malformed_bodies),
        cmocka_unit_test(test_members_wrong_type),
        cmocka_unit_test(test_nesting_bound),
        cmocka_unit_test(test_callback_error_stops_and_sticks),
        cmocka_unit_test(test_restart_after_init),
        cmocka_unit_test(test_init_arguments),
        cmocka_unit_test(test_key_length_limit),
        cmocka_unit_test(test_element_ascii_is_per_element),
        cmocka_unit_test(test_not_an_object_refused_at_first_byte),
        cmocka_unit_test(test_feed_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
