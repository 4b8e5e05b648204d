/* The HTTP engine's response harness; see http_env.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "http_env.h"

/* The sink's context: the outcome it fills, and the exchange it checks. */
typedef struct sink_ctx {
    outcome_t *o;
    const spec_t *spec;
    const hc_http_t *h;
} sink_ctx_t;

static hc_err_t collect(void *ctx, const hc_http_response_t *resp, const uint8_t *data, size_t len)
{
    sink_ctx_t *s = ctx;
    assert_ptr_equal(resp, &s->h->resp);
    assert_true(hc_http_headers_done(s->h));
    assert_true(len > 0);
    assert_true(s->o->body_len + len <= BODY_CAP);
    memcpy(s->o->body + s->o->body_len, data, len);
    s->o->body_len += len;
    s->o->sink_calls++;
    return s->spec->sink_err;
}

static hc_err_t feed_copy(hc_http_t *h, const uint8_t *data, size_t len, size_t *used)
{
    uint8_t *piece = malloc(len ? len : 1);
    memcpy(piece, data, len);
    hc_err_t r = hc_http_feed(h, piece, len, used);
    free(piece);
    return r;
}

/* Feeds @p data in pieces: bytewise, or [0,split) + empty + [split,len). */
void run(const spec_t *spec, const uint8_t *data, size_t len, size_t split,
                bool bytewise, outcome_t *o)
{
    hc_http_t h;
    sink_ctx_t ctx = { o, spec, &h };
    hc_err_t r = HC_IN_PROGRESS;
    size_t pos = 0, used;

    memset(o, 0, offsetof(outcome_t, body));
    hc_http_start(&h, NULL, 0, NULL, 0, spec->head_request, spec->max_body,
                  spec->no_sink ? NULL : collect, &ctx);
    while (pos < len) {
        size_t end = bytewise ? pos + 1 : (pos < split ? split : len);
        r = feed_copy(&h, data + pos, end - pos, &used);
        assert_true(used <= end - pos);
        if (r == HC_IN_PROGRESS || r == HC_OK)
            assert_int_equal(used, end - pos);
        o->consumed += used;
        pos = end;
        if (r != HC_IN_PROGRESS && r != HC_OK)
            break;
        if (split && pos == split) {
            r = feed_copy(&h, data + pos, 0, &used);
            assert_int_equal(used, 0);
        }
    }
    if (len == 0)
        r = feed_copy(&h, data, 0, &used);
    o->before_eof = r;
    if (r != HC_IN_PROGRESS && r != HC_OK) {
        /* a dead exchange repeats its error and takes nothing more */
        static const uint8_t more[1] = { 'x' };
        assert_int_equal(feed_copy(&h, more, 1, &used), r);
        assert_int_equal(used, 0);
        assert_int_equal(hc_http_feed_eof(&h), r);
    }
    if (r == HC_IN_PROGRESS)
        r = hc_http_feed_eof(&h);
    o->result = r;
    assert_int_equal(hc_http_feed_eof(&h), r);
    if (r == HC_OK) {
        size_t dummy;
        static const uint8_t none[1] = { 0 };
        assert_err(hc_http_feed(&h, none, 0, &dummy), HC_OK);
    }
    o->headers_done = hc_http_headers_done(&h);
    o->resp = h.resp;
}

void assert_same(const outcome_t *a, const outcome_t *b, const spec_t *spec)
{
    assert_int_equal(a->before_eof, b->before_eof);
    assert_int_equal(a->result, b->result);
    assert_int_equal(a->headers_done, b->headers_done);
    assert_int_equal(a->resp.status, b->resp.status);
    assert_int_equal(a->resp.http_minor, b->resp.http_minor);
    assert_int_equal(a->resp.keep_alive, b->resp.keep_alive);
    assert_int_equal(a->resp.has_content_length, b->resp.has_content_length);
    assert_int_equal(a->resp.content_length, b->resp.content_length);
    assert_int_equal(a->resp.chunked, b->resp.chunked);
    assert_int_equal(a->resp.has_ping_body_limit, b->resp.has_ping_body_limit);
    assert_int_equal(a->resp.ping_body_limit, b->resp.ping_body_limit);
    assert_int_equal(a->resp.content_type_truncated, b->resp.content_type_truncated);
    assert_int_equal(a->resp.location_truncated, b->resp.location_truncated);
    assert_string_equal(a->resp.content_type, b->resp.content_type);
    assert_string_equal(a->resp.location, b->resp.location);
    if (spec->sink_err) {
        /* the sink saw one piece, whatever its size, then the exchange died */
        assert_int_equal(a->sink_calls, 1);
        assert_int_equal(b->sink_calls, 1);
        return;
    }
    assert_int_equal(a->consumed, b->consumed);
    assert_int_equal(a->body_len, b->body_len);
    assert_memory_equal(a->body, b->body, a->body_len);
}

outcome_t ref_outcome, cur_outcome;

/* Whole, bytewise and every two-piece split must agree; returns the
 * outcome of the whole feed. */
const outcome_t *check_bytes(const spec_t *spec, const uint8_t *data, size_t len)
{
    run(spec, data, len, 0, false, &ref_outcome);
    run(spec, data, len, 0, true, &cur_outcome);
    assert_same(&ref_outcome, &cur_outcome, spec);
    /* very long inputs are split at a stride, plus every point near the end */
    size_t step = len > 4096 ? 37 : 1;
    for (size_t k = 1; k < len; k += (len - k < 300 ? 1 : step)) {
        run(spec, data, len, k, false, &cur_outcome);
        assert_same(&ref_outcome, &cur_outcome, spec);
    }
    return &ref_outcome;
}

const outcome_t *check_spec(const spec_t *spec, const char *text)
{
    return check_bytes(spec, (const uint8_t *)text, strlen(text));
}

const outcome_t *check(const char *text)
{
    static const spec_t plain = { 0 };
    return check_spec(&plain, text);
}

void assert_body(const outcome_t *o, const char *body)
{
    assert_int_equal(o->body_len, strlen(body));
    assert_memory_equal(o->body, body, o->body_len);
}
