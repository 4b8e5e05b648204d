/* Target suite "json": every JSON body the real server sent, decoded into
 * the library's fixed structs through its public API and compared with
 * what Python's JSON parser read in the same body (tgt_fixtures.h): single
 * checks through hc_json_parse() and hc_decode_check(), lists through the
 * management API over the mock port (whole and a byte per read), error
 * bodies, other objects through the value functions; then malformed and
 * oversized input, and every case of the JSON conformance corpus
 * (tgt_conformance.h). Runs on the host and on every emulated CPU. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "tgt_conformance.h"
#include "tgt_fixtures.h"
#include "tgt_runner.h"
#include "tgt_support.h"
#include "unity.h"

#include "healthchecks/hc_api.h"
#include "healthchecks/hc_json.h"
#include "healthchecks/hc_objects.h"
#include "hc_request.h"

/* One element of any list; a device holds these in static memory too.
 * The corpus's scratch shares the space (the micro:bit has 16 KB). */
static union {
    hc_check_t check;
    hc_received_ping_t ping;
    hc_flip_t flip;
    hc_channel_t channel;
    hc_badge_t badge;
    hc_corpus_mem_t corpus;
} item;
static jsmntok_t tokens[80];
static hc_json_t doc;

/* JSON fixtures of @p kind seen by a group, to prove none was skipped. */
static size_t count_kind(tgt_body_kind_t kind)
{
    size_t n = 0;
    for (size_t i = 0; i < tgt_fixture_count; i++)
        n += tgt_fixtures[i].kind == kind;
    return n;
}

static const char *body_of(const tgt_fixture_t *f)
{
    return (const char *)f->data + f->body_at;
}

/* ------------------------------------------------------- a check's fields */

static void assert_check(const hc_check_t *c, const tgt_item_t *want)
{
    TEST_ASSERT_TRUE(HC_PRESENT(c, HC_CHECK_F_NAME));
    TEST_ASSERT_EQUAL_STRING(want->s1, c->name);
    TEST_ASSERT_EQUAL_STRING(want->s2, c->slug);
    TEST_ASSERT_EQUAL_INT64(want->n1, (int64_t)c->n_pings);
    TEST_ASSERT_EQUAL_INT64(want->n2, c->last_ping);
    TEST_ASSERT_EQUAL(want->n2 == 0, HC_IS_NULL(c, HC_CHECK_F_LAST_PING));
    TEST_ASSERT_EQUAL_UINT64(0, c->truncated);
    /* A read-write key gives the URLs (and the UUID, taken from the ping
     * URL on this server version); a read-only key gives unique_key. */
    if (HC_PRESENT(c, HC_CHECK_F_PING_URL)) {
        TEST_ASSERT_TRUE(HC_PRESENT(c, HC_CHECK_F_UUID));
        TEST_ASSERT_EQUAL_size_t(36, strlen(c->uuid));
        size_t url_len = strlen(c->ping_url);
        TEST_ASSERT_TRUE(url_len > 36);
        TEST_ASSERT_EQUAL_STRING(c->uuid, c->ping_url + url_len - 36);
    } else {
        TEST_ASSERT_TRUE(HC_PRESENT(c, HC_CHECK_F_UNIQUE_KEY));
        TEST_ASSERT_EQUAL_size_t(40, strlen(c->unique_key));
    }
}

static void test_every_check_object(void)
{
    size_t seen = 0;
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        if (f->kind != TGT_BODY_CHECK)
            continue;
        TEST_ASSERT_EQUAL_INT_MESSAGE(HC_OK, hc_json_parse(&doc, body_of(f), f->body_len, tokens, 80),
                                      f->name);
        TEST_ASSERT_EQUAL_INT_MESSAGE(HC_OK, hc_decode_check(&item.check, &doc, 0), f->name);
        assert_check(&item.check, &f->items[0]);
        seen++;
    }
    TEST_ASSERT_EQUAL_size_t(count_kind(TGT_BODY_CHECK), seen);
    TEST_ASSERT_TRUE(seen >= 15);
}

static void group_json_checks(void)
{
    RUN_TEST(test_every_check_object);
}

/* ------------------------------------------------------------------- lists */

static const tgt_fixture_t *listed;
static size_t n_listed;

static const char *ping_type_name(hc_ping_type_t type)
{
    switch (type) {
    case HC_PING_TYPE_SUCCESS: return "success";
    case HC_PING_TYPE_START: return "start";
    case HC_PING_TYPE_FAIL: return "fail";
    case HC_PING_TYPE_LOG: return "log";
    case HC_PING_TYPE_IGN: return "ign";
    default: return "?";
    }
}

/* Each element as it arrives, against what Python read at that place. */
static hc_err_t compare_element(void *ctx, const void *element)
{
    (void)ctx;
    TEST_ASSERT_TRUE_MESSAGE(n_listed < listed->n_items, listed->name);
    const tgt_item_t *want = &listed->items[n_listed++];
    const char *key = listed->list_key;
    if (strcmp(key, "checks") == 0) {
        assert_check(element, want);
    } else if (strcmp(key, "pings") == 0) {
        const hc_received_ping_t *p = element;
        TEST_ASSERT_EQUAL_STRING(want->s1, ping_type_name(p->type));
        TEST_ASSERT_EQUAL_STRING(want->s2, p->rid);
        TEST_ASSERT_EQUAL_INT64(want->n1, (int64_t)p->n);
        TEST_ASSERT_EQUAL_INT64(want->n2, p->date);
        TEST_ASSERT_EQUAL_UINT16(0, p->truncated);
    } else if (strcmp(key, "flips") == 0) {
        const hc_flip_t *fl = element;
        TEST_ASSERT_EQUAL_INT64(want->n1, fl->timestamp);
        TEST_ASSERT_EQUAL(want->n2 != 0, fl->up);
    } else if (strcmp(key, "channels") == 0) {
        const hc_channel_t *ch = element;
        TEST_ASSERT_EQUAL_STRING(want->s1, ch->id);
        TEST_ASSERT_EQUAL_STRING(want->s2, ch->name);
    } else if (strcmp(key, "badges") == 0) {
        const hc_badge_t *b = element;
        TEST_ASSERT_EQUAL_STRING(want->s1, b->tag);
        TEST_ASSERT_EQUAL_STRING(want->s2, b->svg);
        TEST_ASSERT_EQUAL_UINT8(0, b->truncated);
    } else {
        TEST_FAIL_MESSAGE(key);
    }
    return HC_OK;
}

/* Starts the endpoint that returns fixture @p f's list. */
static hc_err_t start_list(const tgt_fixture_t *f, hc_list_t *list)
{
    const char *key = f->list_key;
    if (strcmp(key, "checks") == 0)
        return hc_api_list_checks_begin(&tgt_api, NULL, list);
    if (strcmp(key, "pings") == 0)
        return hc_api_list_pings_begin(&tgt_api, TGT_UUID, list);
    if (strcmp(key, "flips") == 0)
        return hc_api_list_flips_begin(&tgt_api, TGT_UUID, NULL, list);
    if (strcmp(key, "channels") == 0)
        return hc_api_list_channels_begin(&tgt_api, list);
    if (strcmp(key, "badges") == 0)
        return hc_api_list_badges_begin(&tgt_api, list);
    TEST_FAIL_MESSAGE(key);
    return HC_ERR_ARG;
}

/* Every list fixture through the API, each response delivered @p max_read
 * bytes per read (0: as much as asked), blocking or polled. */
static void run_every_list(size_t max_read, bool blocking)
{
    size_t seen = 0;
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        if (f->kind != TGT_BODY_LIST)
            continue;
        hc_mock_conn_t script[1] = { tgt_answer(f) };
        script[0].max_read = max_read;
        tgt_setup(script, 1, 1);
        listed = f;
        n_listed = 0;
        hc_list_t list = { .items = &item, .capacity = 1, .each = compare_element };
        TEST_ASSERT_EQUAL_INT(HC_OK, start_list(f, &list));
        hc_err_t r = blocking ? hc_api_wait(&tgt_api) : tgt_api_poll_to_end();
        TEST_ASSERT_EQUAL_INT_MESSAGE(HC_OK, r, f->name);
        TEST_ASSERT_EQUAL_size_t_MESSAGE(f->n_items, n_listed, f->name);
        TEST_ASSERT_EQUAL_size_t(f->n_items, list.total);
        seen++;
    }
    TEST_ASSERT_EQUAL_size_t(count_kind(TGT_BODY_LIST), seen);
    TEST_ASSERT_TRUE(seen >= 15);
}

static void test_every_list_whole(void)
{
    run_every_list(0, true);
}

static void test_every_list_a_byte_per_read(void)
{
    run_every_list(1, false);
}

/* Without a callback the elements fill the caller's array; one that is
 * too small keeps the first ones and says how many there were. */
static void test_list_into_a_small_array(void)
{
    static hc_flip_t flips[3];
    const tgt_fixture_t *f = tgt_fixture("api_check_flips");
    hc_mock_conn_t script[1] = { tgt_answer(f) };
    tgt_setup(script, 1, 1);
    hc_list_t list = { .items = flips, .capacity = 3 };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_list_flips_begin(&tgt_api, TGT_UUID, NULL, &list));
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_wait(&tgt_api));
    TEST_ASSERT_EQUAL_size_t(3, list.count);
    TEST_ASSERT_EQUAL_size_t(f->n_items, list.total);
    TEST_ASSERT_TRUE(list.total > 3);
    for (size_t i = 0; i < 3; i++) {
        TEST_ASSERT_EQUAL_INT64(f->items[i].n1, flips[i].timestamp);
        TEST_ASSERT_EQUAL(f->items[i].n2 != 0, flips[i].up);
    }
}

static void group_json_lists(void)
{
    RUN_TEST(test_every_list_whole);
    RUN_TEST(test_every_list_a_byte_per_read);
    RUN_TEST(test_list_into_a_small_array);
}

/* ------------------------------------------------- errors and other bodies */

static void test_every_error_body(void)
{
    size_t seen = 0;
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        if (f->kind != TGT_BODY_ERROR)
            continue;
        hc_mock_conn_t script[1] = { tgt_answer(f) };
        tgt_setup(script, 1, 1);
        hc_list_t list = { .items = &item, .capacity = 1 };
        TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_list_checks_begin(&tgt_api, NULL, &list));
        TEST_ASSERT_EQUAL_INT_MESSAGE(hc_status_error(f->status), hc_api_wait(&tgt_api), f->name);
        TEST_ASSERT_TRUE(hc_status_error(f->status) != HC_OK);
        TEST_ASSERT_EQUAL_STRING_MESSAGE(f->error, hc_api_error(&tgt_api), f->name);
        TEST_ASSERT_EQUAL_size_t(0, list.count);
        seen++;
    }
    TEST_ASSERT_EQUAL_size_t(count_kind(TGT_BODY_ERROR), seen);
    TEST_ASSERT_TRUE(seen >= 10);
}

static void test_every_other_object(void)
{
    static char value[128];
    size_t seen = 0;
    for (size_t i = 0; i < tgt_fixture_count; i++) {
        const tgt_fixture_t *f = &tgt_fixtures[i];
        if (f->kind != TGT_BODY_OBJECT)
            continue;
        TEST_ASSERT_EQUAL_INT(HC_OK, hc_json_parse(&doc, body_of(f), f->body_len, tokens, 80));
        TEST_ASSERT_TRUE(f->n_items > 0);
        for (size_t k = 0; k < f->n_items; k++) {
            const tgt_item_t *want = &f->items[k];
            int at = hc_json_find(&doc, 0, want->s1);
            TEST_ASSERT_TRUE_MESSAGE(at > 0, want->s1);
            if (want->s2) {
                bool cut = true;
                TEST_ASSERT_EQUAL_INT(HC_OK, hc_json_string(&doc, at, value, sizeof value, &cut));
                TEST_ASSERT_FALSE(cut);
                TEST_ASSERT_EQUAL_STRING(want->s2, value);
            }
            if (want->n2 == 1) {
                int64_t v = -1;
                TEST_ASSERT_EQUAL_INT(HC_OK, hc_json_int(&doc, at, INT64_MIN, INT64_MAX, &v));
                TEST_ASSERT_EQUAL_INT64(want->n1, v);
            }
        }
        TEST_ASSERT_EQUAL_INT(-1, hc_json_find(&doc, 0, "no such member"));
        seen++;
    }
    TEST_ASSERT_EQUAL_size_t(count_kind(TGT_BODY_OBJECT), seen);
    TEST_ASSERT_TRUE(seen >= 1);
}

static void group_json_other(void)
{
    RUN_TEST(test_every_error_body);
    RUN_TEST(test_every_other_object);
}

/* ------------------------------------------------------------- bad input */

/* A check body cut anywhere, or with too few tokens for it, is refused,
 * and the refusal leaves the struct of an earlier decode alone. */
static void test_cut_or_oversized_check(void)
{
    const tgt_fixture_t *f = tgt_fixture("api_check_get");
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_json_parse(&doc, body_of(f), f->body_len, tokens, 80));
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_decode_check(&item.check, &doc, 0));
    for (size_t len = 0; len < f->body_len; len += 97)
        TEST_ASSERT_EQUAL_INT(HC_ERR_JSON, hc_json_parse(&doc, body_of(f), len, tokens, 80));
    TEST_ASSERT_EQUAL_INT(HC_ERR_JSON, hc_json_parse(&doc, body_of(f), f->body_len - 1, tokens, 80));
    TEST_ASSERT_EQUAL_INT(HC_ERR_JSON_TOO_LARGE,
                          hc_json_parse(&doc, body_of(f), f->body_len, tokens, 20));
    TEST_ASSERT_EQUAL_STRING(f->items[0].s1, item.check.name);
}

/* An element larger than the element buffer is an error of its own, never
 * skipped and never cut. */
static void test_element_larger_than_the_buffer(void)
{
    const tgt_fixture_t *f = tgt_fixture("api_checks_list");
    hc_mock_conn_t script[1] = { tgt_answer(f) };
    tgt_setup_mem(script, 1, 1, 512);
    listed = f;
    n_listed = 0;
    hc_list_t list = { .items = &item, .capacity = 1, .each = compare_element };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_list_checks_begin(&tgt_api, NULL, &list));
    TEST_ASSERT_EQUAL_INT(HC_ERR_JSON_TOO_LARGE, hc_api_wait(&tgt_api));
    TEST_ASSERT_EQUAL_size_t(0, n_listed);
}

/* A list whose connection drops halfway is not reported complete. */
static void test_list_cut_short(void)
{
    const tgt_fixture_t *f = tgt_fixture("api_check_pings");
    hc_mock_conn_t script[1] = { tgt_answer(f) };
    script[0].fail_after = true;
    script[0].fail_at = f->body_at + f->body_len / 2;
    tgt_setup(script, 1, 1);
    listed = f;
    n_listed = 0;
    hc_list_t list = { .items = &item, .capacity = 1, .each = compare_element };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_list_pings_begin(&tgt_api, TGT_UUID, &list));
    TEST_ASSERT_EQUAL_INT(HC_ERR_HTTP_TRUNCATED, hc_api_wait(&tgt_api));
    TEST_ASSERT_TRUE(n_listed > 0 && n_listed < f->n_items);
}

static void test_wrongly_typed_values(void)
{
    static const char *const bad[] = {
        "{\"name\": 5}", "{\"n_pings\": \"3\"}", "{\"n_pings\": -1}", "{\"n_pings\": 4294967296}",
        "{\"last_ping\": \"2026-11-26 13:25:15\"}", "{\"started\": 1}", "[]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        TEST_ASSERT_EQUAL_INT(HC_OK, hc_json_parse(&doc, bad[i], strlen(bad[i]), tokens, 80));
        TEST_ASSERT_EQUAL_INT_MESSAGE(HC_ERR_JSON, hc_decode_check(&item.check, &doc, 0), bad[i]);
    }
    static const char *const malformed[] = { "{\"a\": tru}", "{\"a\": 01}", "[1,]", "{\"a\" 1}", "" };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        TEST_ASSERT_EQUAL_INT_MESSAGE(HC_ERR_JSON,
                                      hc_json_parse(&doc, malformed[i], strlen(malformed[i]), tokens, 80),
                                      malformed[i]);
}

static void group_json_bad_input(void)
{
    RUN_TEST(test_cut_or_oversized_check);
    RUN_TEST(test_element_larger_than_the_buffer);
    RUN_TEST(test_list_cut_short);
    RUN_TEST(test_wrongly_typed_values);
}

/* ---------------------------------------------------- conformance corpus */

/* "corpus line <n>: <why>" into msg (cap bytes): no printf on a device. */
static const char *corpus_failure(char *msg, size_t cap, unsigned line, const char *why)
{
    char digits[10];
    size_t n = 0, k = 0;
    const char *lead = "corpus line ";
    while (*lead && n + 1 < cap)
        msg[n++] = *lead++;
    do
        digits[k++] = (char)('0' + line % 10u);
    while ((line /= 10u) != 0 && k < sizeof digits);
    while (k && n + 1 < cap)
        msg[n++] = digits[--k];
    for (const char *p = ": "; *p && n + 1 < cap; p++)
        msg[n++] = *p;
    while (*why && n + 1 < cap)
        msg[n++] = *why++;
    msg[n] = '\0';
    return msg;
}

static void test_conformance_corpus(void)
{
    size_t bad_strings = 0;
    TEST_ASSERT_EQUAL_INT(16, HC_JSON_MAX_DEPTH); /* the depth cases' bound */
    for (size_t i = 0; i < tgt_corpus_count; i++) {
        const tgt_corpus_case_t *c = &tgt_corpus[i];
        const char *why = hc_corpus_check(c->text, c->len, c->verdict,
                                          strcmp(c->cls, "depth") == 0, &item.corpus);
        if (why) {
            static char msg[96];
            TEST_FAIL_MESSAGE(corpus_failure(msg, sizeof msg, c->line, why));
        }
        bad_strings += c->verdict == HC_CORPUS_BAD_STRING;
    }
    TEST_ASSERT_TRUE(tgt_corpus_count >= 200);
    TEST_ASSERT_TRUE(bad_strings >= 20);
}

static void group_json_conformance(void)
{
    RUN_TEST(test_conformance_corpus);
}

int main(void)
{
    tgt_begin("suite_json");
    tgt_group("json_checks", group_json_checks);
    tgt_group("json_lists", group_json_lists);
    tgt_group("json_other", group_json_other);
    tgt_group("json_bad_input", group_json_bad_input);
    tgt_group("json_conformance", group_json_conformance);
    return tgt_end();
}
