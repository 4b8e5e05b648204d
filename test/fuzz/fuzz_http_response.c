/* Fuzz target: the sans-I/O HTTP/1.1 response parser (hc_http.h).
 *
 * The input is the server's bytes. It is fed whole, one byte at a time, and
 * in pieces whose sizes are read from the input itself (backwards from its
 * last byte), each piece in its own exactly sized heap block; then EOF.
 * Each way must give the same result code, the same kept response fields,
 * the same bytes consumed and the same body bytes delivered to the sink:
 * the engine promises that any split gives the same result. The request
 * is a GET with no body limit, a GET with a small body limit, or a HEAD,
 * as a hash of the input chooses: one request per input, fed three ways,
 * rather than all three requests (nine feeds of the same bytes), triples
 * the inputs tried per second while each request still gets a third.
 *
 * Also checked on every run: no byte past a piece is read (ASan); the
 * consumed count never exceeds what was offered and is all of it unless
 * the result is an error; the sink sees whole headers, never an empty
 * piece, never more than max_body bytes in all; a dead exchange repeats its
 * error and takes nothing more; kept strings are NUL-terminated; a
 * keep-alive response to a GET was framed exactly (chunked, or a body of
 * exactly Content-Length bytes). */
#include "fuzz_common.h"

#include "healthchecks/hc_http.h"

#define BODY_CAP (1u << 20)

typedef struct outcome {
    hc_err_t before_eof;  /* the last feed's result */
    hc_err_t result;      /* after EOF when the feeds left it open */
    bool headers_done;
    hc_http_response_t resp;
    size_t consumed;
    size_t sink_calls;
    size_t body_len;
    uint8_t *body;        /* BODY_CAP bytes */
} outcome_t;

typedef struct run_spec {
    bool head_request;
    uint32_t max_body;
} run_spec_t;

typedef struct sink_ctx {
    outcome_t *o;
    const hc_http_t *h;
    const run_spec_t *spec;
} sink_ctx_t;

enum mode { WHOLE, BYTEWISE, FROM_INPUT, N_MODES };

static hc_err_t collect(void *ctx, const hc_http_response_t *resp, const uint8_t *data, size_t len)
{
    sink_ctx_t *s = ctx;
    FUZZ_CHECK(resp == &s->h->resp);
    FUZZ_CHECK(hc_http_headers_done(s->h));
    FUZZ_CHECK(len > 0);
    FUZZ_CHECK(!s->spec->head_request);
    FUZZ_CHECK(s->o->body_len + len <= BODY_CAP);
    if (s->spec->max_body)
        FUZZ_CHECK(s->o->body_len + len <= s->spec->max_body);
    memcpy(s->o->body + s->o->body_len, data, len);
    s->o->body_len += len;
    s->o->sink_calls++;
    return HC_OK;
}

/* Size of the next piece: 1..64, read backwards from the input's end, so
 * the fuzzer steers the splits by mutating the tail. */
static size_t piece_size(enum mode mode, const uint8_t *data, size_t len, size_t pos, size_t k)
{
    size_t left = len - pos;
    size_t n = left;
    if (mode == BYTEWISE)
        n = 1;
    else if (mode == FROM_INPUT)
        n = 1u + data[len - 1 - (k % len)] % 64u;
    return n < left ? n : left;
}

static void run(const run_spec_t *spec, enum mode mode, const uint8_t *data, size_t len,
                outcome_t *o)
{
    hc_http_t h;
    sink_ctx_t ctx = { o, &h, spec };
    hc_err_t r = HC_IN_PROGRESS;
    size_t pos = 0, used = 0;
    uint8_t *body = o->body;

    memset(o, 0, sizeof *o);
    o->body = body;
    hc_http_start(&h, NULL, 0, NULL, 0, spec->head_request, spec->max_body, collect, &ctx);
    FUZZ_CHECK(!hc_http_response_started(&h));
    /* Bounded: every turn consumes at least one byte or ends the loop. */
    for (size_t k = 0; pos < len; k++) {
        size_t n = piece_size(mode, data, len, pos, k);
        uint8_t *piece = fuzz_piece(data + pos, n);
        r = hc_http_feed(&h, piece, n, &used);
        fuzz_piece_done(piece);
        FUZZ_CHECK(used <= n);
        FUZZ_CHECK(hc_http_response_started(&h));
        o->consumed += used;
        pos += n;
        if (r != HC_IN_PROGRESS && r != HC_OK)
            break;
        FUZZ_CHECK(used == n);
    }
    if (len == 0) {
        static const uint8_t none[1] = { 0 };
        r = hc_http_feed(&h, none, 0, &used);
        FUZZ_CHECK(r == HC_IN_PROGRESS && used == 0);
    }
    o->before_eof = r;
    if (r != HC_IN_PROGRESS && r != HC_OK) {
        static const uint8_t more[1] = { 'x' };
        FUZZ_CHECK(hc_http_feed(&h, more, 1, &used) == r && used == 0);
        FUZZ_CHECK(hc_http_feed_eof(&h) == r);
    }
    o->result = r == HC_IN_PROGRESS ? hc_http_feed_eof(&h) : r;
    FUZZ_CHECK(hc_http_feed_eof(&h) == o->result);
    FUZZ_CHECK(o->result != HC_IN_PROGRESS);
    if (len == 0)
        FUZZ_CHECK(o->result == HC_ERR_CLOSED);
    else
        FUZZ_CHECK(o->result != HC_ERR_CLOSED);
    o->headers_done = hc_http_headers_done(&h);
    o->resp = h.resp;
}

static void check_response(const run_spec_t *spec, const outcome_t *o)
{
    const hc_http_response_t *r = &o->resp;
    FUZZ_CHECK(FUZZ_TERMINATED(r->content_type));
    FUZZ_CHECK(FUZZ_TERMINATED(r->location));
    if (o->headers_done) {
        FUZZ_CHECK(r->status >= 100 && r->status <= 999);
        FUZZ_CHECK(r->http_minor <= 1);
    }
    if (o->result == HC_OK) {
        FUZZ_CHECK(o->headers_done);
        FUZZ_CHECK(r->status >= 200 || r->status == 101);
    }
    if (o->body_len)
        FUZZ_CHECK(o->headers_done);
    if (spec->max_body)
        FUZZ_CHECK(o->body_len <= spec->max_body);
    /* A connection kept for reuse must have had its end known exactly:
     * otherwise the next response would start inside this one's body. */
    bool has_body = !spec->head_request && r->status >= 200 && r->status != 204 &&
                    r->status != 304;
    if (o->result == HC_OK && r->keep_alive && has_body && !r->chunked) {
        FUZZ_CHECK(r->has_content_length);
        FUZZ_CHECK(o->body_len == r->content_length);
    }
    if (o->result == HC_OK && !has_body)
        FUZZ_CHECK(o->body_len == 0);
}

static void check_same(const outcome_t *a, const outcome_t *b)
{
    FUZZ_CHECK(a->before_eof == b->before_eof);
    FUZZ_CHECK(a->result == b->result);
    FUZZ_CHECK(a->headers_done == b->headers_done);
    FUZZ_CHECK(a->consumed == b->consumed);
    FUZZ_CHECK(a->resp.status == b->resp.status);
    FUZZ_CHECK(a->resp.http_minor == b->resp.http_minor);
    FUZZ_CHECK(a->resp.keep_alive == b->resp.keep_alive);
    FUZZ_CHECK(a->resp.has_content_length == b->resp.has_content_length);
    FUZZ_CHECK(a->resp.content_length == b->resp.content_length);
    FUZZ_CHECK(a->resp.chunked == b->resp.chunked);
    FUZZ_CHECK(a->resp.has_ping_body_limit == b->resp.has_ping_body_limit);
    FUZZ_CHECK(a->resp.ping_body_limit == b->resp.ping_body_limit);
    FUZZ_CHECK(a->resp.content_type_truncated == b->resp.content_type_truncated);
    FUZZ_CHECK(a->resp.location_truncated == b->resp.location_truncated);
    FUZZ_CHECK(strcmp(a->resp.content_type, b->resp.content_type) == 0);
    FUZZ_CHECK(strcmp(a->resp.location, b->resp.location) == 0);
    FUZZ_CHECK(a->body_len == b->body_len);
    FUZZ_CHECK(a->body_len == 0 || memcmp(a->body, b->body, a->body_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The small limit varies with the input so both sides of it are hit. */
    uint32_t h = fuzz_hash(data, size);
    const run_spec_t specs[] = {
        { false, 0 },
        { false, 1u + h % 48u },
        { true, 0 },
    };
    const run_spec_t *spec = &specs[(h >> 8) % 3u];
    static outcome_t out[N_MODES];
    for (int m = 0; m < N_MODES; m++)
        if (!out[m].body) {
            out[m].body = malloc(BODY_CAP);
            FUZZ_CHECK(out[m].body != NULL);
        }
    for (int m = 0; m < N_MODES; m++) {
        run(spec, (enum mode)m, data, size, &out[m]);
        check_response(spec, &out[m]);
    }
    check_same(&out[WHOLE], &out[BYTEWISE]);
    check_same(&out[WHOLE], &out[FROM_INPUT]);
    return 0;
}
