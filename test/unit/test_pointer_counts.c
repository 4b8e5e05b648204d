/* Every pointer + count pair of the public API, given a NULL pointer with
 * a count above zero: a function that returns a result refuses it
 * (HC_ERR_ARG, or the code its contract names); a void function does what
 * its contract says for it (a builder marks its buffer overflowed, a log
 * takes nothing). In every case nothing is sent, nothing is read through
 * the NULL pointer (ASan and UBSan would say), and nothing changes but
 * what the contract names: the client, the mock, the API session, the run
 * and every buffer are compared byte for byte with a snapshot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_api.h"
#include "healthchecks/hc_jwrite.h"
#include "healthchecks/hc_trap.h"
#include "hc_port_mock.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define COUNT 3u  /* the count paired with every NULL */

/* Everything a call could touch. The structs point into it, so a byte
 * snapshot of the whole compares pointers as well as contents. */
typedef struct world {
    hc_mock_t mock;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    hc_api_t api;
    hc_trap_t trap;
    hc_trap_config_t trap_cfg;
    uint8_t work[1024];
    char elem[2048];
    jsmntok_t tok[64];
    uint8_t capture[2048];
    uint8_t ring[64];
    char scratch[64];         /* where builders write */
    hc_check_t check;
    hc_badge_t badge;
} world_t;

static world_t w, before;

static const hc_mock_conn_t script[] = {
    { .response = (const uint8_t *)"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK",
      .response_len = 40 },
};

static void fresh_world(void)
{
    memset(&w, 0, sizeof w);
    hc_mock_init(&w.mock, script, 1, w.capture, sizeof w.capture);
    w.tp = hc_mock_transport(&w.mock);
    hc_config_defaults(&w.cfg);
    w.cfg.ping_url = "http://hc.test/ping";
    w.cfg.api_url = "http://hc.test/api";
    w.cfg.api_key = "key";
    w.cfg.transport = &w.tp;
    w.cfg.work = w.work;
    w.cfg.work_size = sizeof w.work;
    assert_err(hc_client_init(&w.client, &w.cfg), HC_OK);
    hc_api_mem_t mem = { w.elem, sizeof w.elem, w.tok, 64 };
    assert_err(hc_api_init(&w.api, &w.client, &mem), HC_OK);
    hc_trap_config_defaults(&w.trap_cfg);
    w.trap_cfg.uuid = UUID;
    w.trap_cfg.start_ping = false;
    w.trap_cfg.ring = w.ring;
    w.trap_cfg.ring_size = sizeof w.ring;
    assert_err(hc_trap_open(&w.trap, &w.client, &w.trap_cfg), HC_OK);
    memset(w.scratch, 0x5a, sizeof w.scratch);
    memcpy(&before, &w, sizeof w);
}

/* ------------------------------------------------------------- the calls */

static hc_err_t client_init_headers(void)
{
    hc_config_t cfg = w.cfg;
    cfg.extra_headers = NULL;
    cfg.n_extra_headers = COUNT;
    return hc_client_init(&w.client, &cfg);
}

static hc_err_t client_init_work(void)
{
    hc_config_t cfg = w.cfg;
    cfg.work = NULL;
    return hc_client_init(&w.client, &cfg);
}

static hc_err_t http_check_headers(void)
{
    return hc_http_check_headers(NULL, COUNT);
}

static hc_err_t http_finish_head_extra(void)
{
    hc_buf_t b;
    hc_http_head_t head = { .host = "h", .default_port = true, .n_extra = COUNT };
    hc_buf_init(&b, w.scratch, sizeof w.scratch);
    hc_err_t err = hc_http_finish_head(&b, &head);
    assert_false(hc_buf_ok(&b));  /* and so it can never be sent */
    memcpy(w.scratch, before.scratch, sizeof w.scratch);  /* its own buffer: may hold a start */
    return err;
}

/* void: a NULL head or body counts as empty. Nothing of it is sent, and
 * the exchange reads a response as any other. */
static hc_err_t http_start_head_or_body(void)
{
    static const uint8_t head[] = "GET / HTTP/1.1\r\n\r\n";
    static const uint8_t ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    for (int which = 0; which < 2; which++) {
        hc_http_t h;
        const uint8_t *out;
        size_t used = 99;
        if (which == 0)
            hc_http_start(&h, NULL, COUNT, NULL, 0, false, 0, NULL, NULL);
        else
            hc_http_start(&h, head, sizeof head - 1, NULL, COUNT, false, 0, NULL, NULL);
        size_t n = hc_http_next_out(&h, &out);
        assert_int_equal(n, which == 0 ? 0 : sizeof head - 1);
        if (n)
            hc_http_mark_sent(&h, n);
        assert_int_equal(hc_http_next_out(&h, &out), 0);
        assert_null(out);
        assert_err(hc_http_feed(&h, ok, sizeof ok - 1, &used), HC_OK);
        assert_int_equal(used, sizeof ok - 1);
    }
    return HC_OK;
}

static hc_err_t http_feed(void)
{
    static const uint8_t head[] = "GET / HTTP/1.1\r\n\r\n";
    static const uint8_t ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    hc_http_t h, h_before;
    size_t used = 99;
    hc_http_start(&h, head, sizeof head - 1, NULL, 0, false, 0, NULL, NULL);
    memcpy(&h_before, &h, sizeof h);
    hc_err_t err = hc_http_feed(&h, NULL, COUNT, &used);
    assert_int_equal(used, 0);
    assert_memory_equal(&h, &h_before, sizeof h);
    /* the exchange goes on */
    assert_err(hc_http_feed(&h, ok, sizeof ok - 1, &used), HC_OK);
    return err;
}

static hc_err_t api_init_elem(void)
{
    hc_api_mem_t mem = { NULL, sizeof w.elem, w.tok, 64 };
    return hc_api_init(&w.api, &w.client, &mem);
}

static hc_err_t api_init_tok(void)
{
    hc_api_mem_t mem = { w.elem, sizeof w.elem, NULL, 64 };
    return hc_api_init(&w.api, &w.client, &mem);
}

static hc_err_t api_list_checks_tags(void)
{
    hc_check_t items[2];
    hc_list_t out = { .items = items, .capacity = 2 };
    hc_check_query_t q = { .tags = NULL, .n_tags = COUNT };
    return hc_api_list_checks(&w.api, &q, &out);
}

static hc_err_t api_list_checks_begin_tags(void)
{
    hc_check_t items[2];
    hc_list_t out = { .items = items, .capacity = 2 };
    hc_check_query_t q = { .tags = NULL, .n_tags = COUNT };
    return hc_api_list_checks_begin(&w.api, &q, &out);
}

static hc_list_t null_items = { .items = NULL, .capacity = COUNT };

static hc_err_t api_list_checks_items(void)
{
    return hc_api_list_checks(&w.api, NULL, &null_items);
}

static hc_err_t api_list_pings_items(void)
{
    return hc_api_list_pings(&w.api, UUID, &null_items);
}

static hc_err_t api_list_flips_items(void)
{
    return hc_api_list_flips(&w.api, UUID, NULL, &null_items);
}

static hc_err_t api_list_channels_items(void)
{
    return hc_api_list_channels(&w.api, &null_items);
}

static hc_err_t api_list_badges_items(void)
{
    return hc_api_list_badges(&w.api, &null_items);
}

static hc_err_t api_ping_body_buf(void)
{
    hc_bytes_t out = { .buf = NULL, .cap = COUNT };
    return hc_api_get_ping_body(&w.api, UUID, 1, &out);
}

static hc_check_spec_t null_unique = { .set = HC_SPEC_UNIQUE, .unique = NULL, .n_unique = COUNT };

static hc_err_t api_create_unique(void)
{
    return hc_api_create_check(&w.api, &null_unique, &w.check);
}

static hc_err_t spec_validate_unique(void)
{
    return hc_check_spec_validate(&null_unique);
}

static hc_err_t spec_write_unique(void)
{
    hc_buf_t b;
    hc_buf_init(&b, w.scratch, sizeof w.scratch);
    hc_err_t err = hc_check_spec_write(&b, &null_unique);
    assert_int_equal(b.len, 0);
    return err;
}

static const hc_ping_t null_body = { .uuid = UUID, .body = NULL, .body_len = COUNT };

static hc_err_t ping_send_body(void)
{
    hc_ping_result_t res;
    hc_err_t err = hc_ping_send(&w.client, &null_body, &res);
    assert_false(res.delivered);
    assert_int_equal(res.body_sent, 0);
    return err;
}

static hc_err_t ping_send_begin_body(void)
{
    return hc_ping_send_begin(&w.client, &null_body);
}

static hc_err_t ping_validate_body(void)
{
    return hc_ping_validate(&w.client, &null_body);
}

static hc_err_t trap_open_ring(void)
{
    hc_trap_config_t cfg = w.trap_cfg;
    cfg.ring = NULL;
    return hc_trap_open(&w.trap, &w.client, &cfg);
}

static hc_err_t trap_open_begin_ring(void)
{
    hc_trap_config_t cfg = w.trap_cfg;
    cfg.ring = NULL;
    return hc_trap_open_begin(&w.trap, &w.client, &cfg);
}

static hc_err_t trap_set_ring(void)
{
    return hc_trap_set_ring(&w.trap, NULL, COUNT);
}

/* void: takes nothing (the run's counts stay as they were) */
static hc_err_t trap_log(void)
{
    hc_trap_log(&w.trap, NULL, COUNT);
    assert_int_equal(hc_trap_cut(&w.trap), 0);
    return HC_OK;
}

/* void builders: the buffer is marked overflowed (its content is
 * incomplete, so it is never sent) and nothing is written. */
static hc_err_t overflowed(const hc_buf_t *b, size_t len_before)
{
    assert_false(hc_buf_ok(b));
    assert_int_equal(b->len, len_before);
    return HC_ERR_BUFFER;
}

static hc_err_t buf_put(void)
{
    hc_buf_t b;
    hc_buf_init(&b, w.scratch, sizeof w.scratch);
    hc_buf_put(&b, NULL, COUNT);
    return overflowed(&b, 0);
}

static hc_err_t buf_put_pct(void)
{
    hc_buf_t b;
    hc_buf_init(&b, w.scratch, sizeof w.scratch);
    hc_buf_put_pct(&b, NULL, COUNT);
    return overflowed(&b, 0);
}

/* void: no memory means no capacity */
static hc_err_t buf_init(void)
{
    hc_buf_t b;
    hc_buf_init(&b, NULL, COUNT);
    assert_int_equal(b.cap, 0);
    hc_buf_putc(&b, 'x');
    return overflowed(&b, 0);
}

static hc_err_t jwrite_quoted(void)
{
    hc_buf_t b;
    hc_buf_init(&b, w.scratch, sizeof w.scratch);
    hc_jwrite_quoted(&b, NULL, COUNT);
    assert_false(hc_buf_ok(&b));
    return HC_ERR_BUFFER;
}

static hc_err_t jwrite_strings(void)
{
    hc_buf_t b;
    hc_jwrite_t jw;
    hc_buf_init(&b, w.scratch, sizeof w.scratch);
    hc_jwrite_begin(&jw, &b);
    hc_jwrite_strings(&jw, "unique", NULL, COUNT);
    assert_false(hc_buf_ok(&b));
    memcpy(w.scratch, before.scratch, sizeof w.scratch);  /* "{" and the key were written */
    return HC_ERR_BUFFER;
}

static hc_err_t no_element(void *ctx, const char *name, size_t name_len, const char *elem,
                           size_t elem_len)
{
    (void)ctx, (void)name, (void)name_len, (void)elem, (void)elem_len;
    fail_msg("no element can arrive");
    return HC_OK;
}

static hc_err_t jstream_init_buf(void)
{
    hc_jstream_t js;
    return hc_jstream_init(&js, "checks", HC_JSTREAM_ARRAY, NULL, COUNT, no_element, NULL);
}

static hc_err_t jstream_feed(void)
{
    hc_jstream_t js, js_before;
    assert_err(hc_jstream_init(&js, "checks", HC_JSTREAM_ARRAY, w.scratch, sizeof w.scratch,
                               no_element, NULL),
               HC_OK);
    memcpy(&js_before, &js, sizeof js);
    hc_err_t err = hc_jstream_feed(&js, NULL, COUNT);
    assert_memory_equal(&js, &js_before, sizeof js);
    /* not sticky: the stream goes on */
    assert_err(hc_jstream_feed(&js, (const uint8_t *)"{\"checks\":[]}", 13), HC_OK);
    assert_err(hc_jstream_finish(&js), HC_OK);
    return err;
}

static hc_err_t json_parse_text(void)
{
    hc_json_t doc;
    return hc_json_parse(&doc, NULL, COUNT, w.tok, 64);
}

static hc_err_t json_parse_tokens(void)
{
    hc_json_t doc;
    return hc_json_parse(&doc, "{}", 2, NULL, COUNT);
}

static hc_err_t json_unescape_raw(void)
{
    return hc_json_unescape(NULL, COUNT, w.scratch, sizeof w.scratch, NULL);
}

static hc_err_t json_unescape_out(void)
{
    return hc_json_unescape("abc", 3, NULL, COUNT, NULL);
}

static hc_err_t json_string_out(void)
{
    hc_json_t doc;
    jsmntok_t tok[2];
    assert_err(hc_json_parse(&doc, "\"abc\"", 5, tok, 2), HC_OK);
    return hc_json_string(&doc, 0, NULL, COUNT, NULL);
}

static hc_err_t json_parse_time(void)
{
    int64_t t = 7;
    hc_err_t err = hc_json_parse_time(NULL, 25, &t);
    assert_int_equal(t, 7);
    return err;
}

static hc_err_t json_parse_time_us(void)
{
    int64_t t = 7;
    uint32_t us = 7;
    hc_err_t err = hc_json_parse_time_us(NULL, 25, &t, &us);
    assert_int_equal(t, 7);
    assert_int_equal(us, 7);
    return err;
}

/* bool: not well-formed, and the count is left alone */
static hc_err_t json_utf8_check(void)
{
    size_t chars = 7;
    assert_false(hc_json_utf8_check(NULL, COUNT, &chars));
    assert_int_equal(chars, 7);
    return HC_ERR_ARG;
}

static hc_err_t decode_badge_tag(void)
{
    hc_json_t doc;
    jsmntok_t tok[4];
    assert_err(hc_json_parse(&doc, "{}", 2, tok, 4), HC_OK);
    hc_err_t err = hc_decode_badge(&w.badge, NULL, COUNT, &doc, 0);
    memcpy(&w.badge, &before.badge, sizeof w.badge);  /* "unspecified on error" */
    return err;
}

/* void: no script and no capture; the next connect is refused */
static hc_err_t mock_init(void)
{
    hc_mock_t m;
    hc_mock_init(&m, NULL, COUNT, NULL, COUNT);
    assert_int_equal(m.n_script, 0);
    assert_int_equal(m.capture_cap, 0);
    hc_transport_t t = hc_mock_transport(&m);
    assert_int_equal(t.connect(t.ctx, "h", 80, 0), HC_IO_REFUSED);
    return HC_ERR_ARG;
}

/* ------------------------------------------------------------- the table */

/* What a refusal may change besides the caller's own output. */
typedef enum effect {
    NONE,         /* nothing */
    API_RESULT,   /* the session remembers the refusal (hc_api_poll() reports it) */
} effect_t;

typedef struct pair_case {
    const char *function;
    const char *pair;
    hc_err_t want;          /* HC_ERR_BUFFER: a builder's overflow flag */
    effect_t effect;
    hc_err_t (*call)(void);
} pair_case_t;

static const pair_case_t cases[] = {
    { "hc_client_init", "cfg.extra_headers / n_extra_headers", HC_ERR_ARG, NONE, client_init_headers },
    { "hc_client_init", "cfg.work / work_size", HC_ERR_ARG, NONE, client_init_work },
    { "hc_http_check_headers", "headers / n", HC_ERR_ARG, NONE, http_check_headers },
    { "hc_http_finish_head", "h.extra / n_extra", HC_ERR_ARG, NONE, http_finish_head_extra },
    { "hc_http_start (void)", "head / head_len, body / body_len: empty", HC_OK, NONE, http_start_head_or_body },
    { "hc_http_feed", "data / len", HC_ERR_ARG, NONE, http_feed },
    { "hc_api_init", "mem.elem / elem_size", HC_ERR_ARG, NONE, api_init_elem },
    { "hc_api_init", "mem.tok / n_tok", HC_ERR_ARG, NONE, api_init_tok },
    { "hc_api_list_checks", "query.tags / n_tags", HC_ERR_ARG, API_RESULT, api_list_checks_tags },
    { "hc_api_list_checks_begin", "query.tags / n_tags", HC_ERR_ARG, API_RESULT, api_list_checks_begin_tags },
    { "hc_api_list_checks", "out.items / capacity", HC_ERR_ARG, API_RESULT, api_list_checks_items },
    { "hc_api_list_pings", "out.items / capacity", HC_ERR_ARG, API_RESULT, api_list_pings_items },
    { "hc_api_list_flips", "out.items / capacity", HC_ERR_ARG, API_RESULT, api_list_flips_items },
    { "hc_api_list_channels", "out.items / capacity", HC_ERR_ARG, API_RESULT, api_list_channels_items },
    { "hc_api_list_badges", "out.items / capacity", HC_ERR_ARG, API_RESULT, api_list_badges_items },
    { "hc_api_get_ping_body", "out.buf / cap", HC_ERR_ARG, API_RESULT, api_ping_body_buf },
    { "hc_api_create_check", "spec.unique / n_unique", HC_ERR_ARG, API_RESULT, api_create_unique },
    { "hc_check_spec_validate", "spec.unique / n_unique", HC_ERR_ARG, NONE, spec_validate_unique },
    { "hc_check_spec_write", "spec.unique / n_unique", HC_ERR_ARG, NONE, spec_write_unique },
    { "hc_ping_send", "p.body / body_len", HC_ERR_ARG, NONE, ping_send_body },
    { "hc_ping_send_begin", "p.body / body_len", HC_ERR_ARG, NONE, ping_send_begin_body },
    { "hc_ping_validate", "p.body / body_len", HC_ERR_ARG, NONE, ping_validate_body },
    { "hc_trap_open", "cfg.ring / ring_size", HC_ERR_ARG, NONE, trap_open_ring },
    { "hc_trap_open_begin", "cfg.ring / ring_size", HC_ERR_ARG, NONE, trap_open_begin_ring },
    { "hc_trap_set_ring", "ring / size", HC_ERR_ARG, NONE, trap_set_ring },
    { "hc_trap_log (void)", "data / len: takes nothing", HC_OK, NONE, trap_log },
    { "hc_buf_put (void)", "p / n: overflow", HC_ERR_BUFFER, NONE, buf_put },
    { "hc_buf_put_pct (void)", "s / n: overflow", HC_ERR_BUFFER, NONE, buf_put_pct },
    { "hc_buf_init (void)", "mem / cap: capacity 0", HC_ERR_BUFFER, NONE, buf_init },
    { "hc_jwrite_quoted (void)", "s / n: overflow", HC_ERR_BUFFER, NONE, jwrite_quoted },
    { "hc_jwrite_strings (void)", "items / n: overflow", HC_ERR_BUFFER, NONE, jwrite_strings },
    { "hc_jstream_init", "buf / cap", HC_ERR_ARG, NONE, jstream_init_buf },
    { "hc_jstream_feed", "data / len", HC_ERR_ARG, NONE, jstream_feed },
    { "hc_json_parse", "js / len", HC_ERR_ARG, NONE, json_parse_text },
    { "hc_json_parse", "tok / max_tok", HC_ERR_ARG, NONE, json_parse_tokens },
    { "hc_json_unescape", "raw / len", HC_ERR_ARG, NONE, json_unescape_raw },
    { "hc_json_unescape", "out / cap", HC_ERR_ARG, NONE, json_unescape_out },
    { "hc_json_string", "out / cap", HC_ERR_ARG, NONE, json_string_out },
    { "hc_json_parse_time", "s / len", HC_ERR_ARG, NONE, json_parse_time },
    { "hc_json_parse_time_us", "s / len", HC_ERR_ARG, NONE, json_parse_time_us },
    { "hc_json_utf8_check (bool)", "s / len: false", HC_ERR_ARG, NONE, json_utf8_check },
    { "hc_decode_badge", "tag_raw / tag_len", HC_ERR_ARG, NONE, decode_badge_tag },
    { "hc_mock_init (void)", "script / n, capture / capture_cap: none", HC_ERR_ARG, NONE, mock_init },
};

static void test_null_with_a_count(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const pair_case_t *c = &cases[i];
        const char *shows = c->want == HC_ERR_BUFFER ? "buffer overflowed"
                          : c->want == HC_OK ? "no-op" : hc_strerror(c->want);
        print_message("%-28s %-42s %s\n", c->function, c->pair, shows);
        fresh_world();
        assert_err(c->call(), c->want);
        assert_int_equal(w.mock.next, 0);        /* no connection */
        assert_int_equal(w.mock.capture_len, 0); /* no byte sent */
        if (c->effect == API_RESULT) {
            assert_err(hc_api_poll(&w.api), c->want);
            before.api.result = c->want;
        }
        assert_memory_equal(&w, &before, sizeof w);
    }
}

/* The list call UBSan caught: n_tags > 0 with tags NULL read through NULL.
 * A NULL entry among the tags is refused the same way. */
static void test_list_checks_null_tag_entry(void **state)
{
    (void)state;
    fresh_world();
    hc_check_t items[2];
    hc_list_t out = { .items = items, .capacity = 2 };
    const char *const tags[] = { "prod", NULL };
    hc_check_query_t q = { .tags = tags, .n_tags = 2 };
    assert_err(hc_api_list_checks(&w.api, &q, &out), HC_ERR_ARG);
    assert_int_equal(w.mock.capture_len, 0);
    before.api.result = HC_ERR_ARG;
    assert_memory_equal(&w, &before, sizeof w);
}

/* A NULL string inside a string array is missing content too: the
 * builder overflows rather than read it. */
static void test_jwrite_strings_null_entry(void **state)
{
    (void)state;
    char mem[64];
    hc_buf_t b;
    hc_jwrite_t jw;
    const char *const items[] = { "name", NULL };
    hc_buf_init(&b, mem, sizeof mem);
    hc_jwrite_begin(&jw, &b);
    hc_jwrite_strings(&jw, "unique", items, 2);
    assert_false(hc_buf_ok(&b));
    /* whereas the same array without its NULL writes whole */
    hc_buf_init(&b, mem, sizeof mem);
    hc_jwrite_begin(&jw, &b);
    hc_jwrite_strings(&jw, "unique", items, 1);
    hc_jwrite_end(&jw);
    assert_true(hc_buf_ok(&b));
    assert_int_equal(b.len, strlen("{\"unique\":[\"name\"]}"));
    assert_memory_equal(mem, "{\"unique\":[\"name\"]}", b.len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_with_a_count),
        cmocka_unit_test(test_list_checks_null_tag_entry),
        cmocka_unit_test(test_jwrite_strings_null_entry),
    };
    return cmocka_run_group_tests_name("pointer + count pairs", tests, NULL, NULL);
}
