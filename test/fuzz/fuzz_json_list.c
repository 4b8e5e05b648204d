/* Fuzz target: the streaming list path of the management API — the
 * splitter with its grammar check (hc_jstream, hc_jscan), jsmn's tokens
 * (hc_json_parse) and the object decoders (hc_objects.h) — on a response
 * body.
 *
 * The input is the body; when it starts with "HTTP/" everything up to the
 * first blank line is skipped, so the recorded server responses serve as
 * seeds as they are. The body is streamed five ways, one per list the API
 * has ("checks", "pings", "channels" as {"key": [...]}, "flips" also as a
 * bare [...], "badges" as {"badges": {"<tag>": {...}}}), and each way is
 * fed whole, one byte at a time, and in pieces whose sizes are read from
 * the body itself, each piece in its own exactly sized heap block. As
 * hc_api does, every element is tokenized into 80 tokens (a 2 KB element
 * buffer) and decoded; a failure stops the stream.
 *
 * Checked: every split gives the same elements (names, bytes, decode
 * results) in the same order and the same final result; an element is
 * non-empty, fits the buffer, carries a name exactly in members mode, and
 * is one complete JSON value; jsmn's tokens agree with the grammar check,
 * token for token, with the ones its events imply (hc_json_ref.h), for
 * every element and for the whole input whenever the grammar check
 * accepts it, and the library refuses the input with HC_ERR_JSON whenever
 * the check does; tokens lie inside the element and hc_json_next() of the
 * root is the token count; an element marked plain ASCII holds no
 * backslash and no byte past ASCII, and its strings decode the same by
 * the fast copy as by the full decoder; a decoded object has every string
 * field NUL-terminated within its array, and no null or truncated bit for
 * a field it does not mark present. */
#include "fuzz_common.h"

#include "healthchecks/hc_jscan.h"
#include "healthchecks/hc_json.h"
#include "healthchecks/hc_jstream.h"
#include "healthchecks/hc_objects.h"
#include "hc_json_ref.h"

#define ELEM_CAP 2048
#define API_TOKENS 80
#define ALL_TOKENS (ELEM_CAP + 1)  /* no value needs more than one per byte */

typedef struct list_kind {
    const char *key;
    hc_jstream_shape_t shape;
} list_kind_t;

static const list_kind_t kinds[] = {
    { "checks", HC_JSTREAM_ARRAY },
    { "pings", HC_JSTREAM_ARRAY },
    { "flips", HC_JSTREAM_ARRAY_OR_BARE },
    { "channels", HC_JSTREAM_ARRAY },
    { "badges", HC_JSTREAM_MEMBERS },
};

enum { K_CHECKS, K_PINGS, K_FLIPS, K_CHANNELS, K_BADGES };

typedef struct record {
    const hc_jstream_t *stream;
    size_t kind;
    size_t count;
    uint64_t digest;  /* of every element's name, bytes and decode result */
} record_t;

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

/* The three masks only name fields the object has, and a field is null or
 * cut only if it was sent. */
#define CHECK_MASKS(o, n_fields)                                                  \
    do {                                                                          \
        FUZZ_CHECK(((o)->nulls & ~(o)->present) == 0);                            \
        FUZZ_CHECK(((o)->truncated & ~(o)->present) == 0);                        \
        FUZZ_CHECK(((uint64_t)(o)->present >> (n_fields)) == 0);                  \
    } while (0)

static void check_check(const hc_check_t *c)
{
    CHECK_MASKS(c, HC_CHECK_F__COUNT);
    FUZZ_CHECK(FUZZ_TERMINATED(c->name) && FUZZ_TERMINATED(c->slug));
    FUZZ_CHECK(FUZZ_TERMINATED(c->tags) && FUZZ_TERMINATED(c->desc));
    FUZZ_CHECK(FUZZ_TERMINATED(c->methods) && FUZZ_TERMINATED(c->subject));
    FUZZ_CHECK(FUZZ_TERMINATED(c->subject_fail) && FUZZ_TERMINATED(c->start_kw));
    FUZZ_CHECK(FUZZ_TERMINATED(c->success_kw) && FUZZ_TERMINATED(c->failure_kw));
    FUZZ_CHECK(FUZZ_TERMINATED(c->badge_url) && FUZZ_TERMINATED(c->unique_key));
    FUZZ_CHECK(FUZZ_TERMINATED(c->uuid) && FUZZ_TERMINATED(c->ping_url));
    FUZZ_CHECK(FUZZ_TERMINATED(c->update_url) && FUZZ_TERMINATED(c->pause_url));
    FUZZ_CHECK(FUZZ_TERMINATED(c->resume_url) && FUZZ_TERMINATED(c->channels));
    FUZZ_CHECK(FUZZ_TERMINATED(c->schedule) && FUZZ_TERMINATED(c->tz));
}

static void check_ping(const hc_received_ping_t *p)
{
    CHECK_MASKS(p, HC_PING_F__COUNT);
    FUZZ_CHECK(FUZZ_TERMINATED(p->scheme) && FUZZ_TERMINATED(p->remote_addr));
    FUZZ_CHECK(FUZZ_TERMINATED(p->method) && FUZZ_TERMINATED(p->ua));
    FUZZ_CHECK(FUZZ_TERMINATED(p->rid) && FUZZ_TERMINATED(p->body_url));
}

static void check_flip(const hc_flip_t *f)
{
    FUZZ_CHECK((f->nulls & ~f->present) == 0);
    FUZZ_CHECK((f->present >> HC_FLIP_F__COUNT) == 0);
}

static void check_channel(const hc_channel_t *c)
{
    CHECK_MASKS(c, HC_CHANNEL_F__COUNT);
    FUZZ_CHECK(FUZZ_TERMINATED(c->id) && FUZZ_TERMINATED(c->name) && FUZZ_TERMINATED(c->kind));
}

static void check_badge(const hc_badge_t *b)
{
    CHECK_MASKS(b, HC_BADGE_F__COUNT);
    FUZZ_CHECK(HC_PRESENT(b, HC_BADGE_F_TAG));
    FUZZ_CHECK(FUZZ_TERMINATED(b->tag) && FUZZ_TERMINATED(b->svg) && FUZZ_TERMINATED(b->svg3));
    FUZZ_CHECK(FUZZ_TERMINATED(b->json) && FUZZ_TERMINATED(b->json3));
    FUZZ_CHECK(FUZZ_TERMINATED(b->shields) && FUZZ_TERMINATED(b->shields3));
}

static void check_tokens(const hc_json_t *doc, size_t len)
{
    FUZZ_CHECK(doc->n >= 1);
    for (int i = 0; i < doc->n; i++) {
        const jsmntok_t *t = &doc->tok[i];
        FUZZ_CHECK(t->start >= 0 && t->start <= t->end && (size_t)t->end <= len);
        FUZZ_CHECK(t->type == JSMN_OBJECT || t->type == JSMN_ARRAY || t->type == JSMN_STRING ||
                   t->type == JSMN_PRIMITIVE);
    }
    FUZZ_CHECK(hc_json_next(doc, 0) == doc->n);
}

/* jsmn's tokens of a text the grammar check accepted are the ones its
 * events imply; what the check refuses, the library refuses. */
static void check_agreement(const char *text, size_t len, jsmntok_t *tok, int max)
{
    static jsmntok_t want[ALL_TOKENS];
    hc_json_t doc;
    int n = hc_json_ref_tokens(text, len, want, max);
    hc_err_t e = hc_json_parse(&doc, text, len, tok, (unsigned)max);
    FUZZ_CHECK(hc_jscan_check(text, len, NULL) == (n >= 0));
    if (n < 0) {
        FUZZ_CHECK(e == HC_ERR_JSON);
        return;
    }
    if (n > max) {
        FUZZ_CHECK(e == HC_ERR_JSON_TOO_LARGE);
        return;
    }
    FUZZ_CHECK(e == HC_OK && doc.n == n);
    FUZZ_CHECK(hc_json_ref_same(tok, want, n, "jsmn against the grammar check"));
}

/* An element the splitter calls plain ASCII is (the splitter may say no
 * for a members-mode element whose name is not), and the strings of a
 * plain one come out of the fast copy as out of the full decoder. */
static void check_ascii(const hc_json_t *doc, bool splitter_ascii)
{
    static char fast[64], slow[64];
    FUZZ_CHECK(doc->ascii || !splitter_ascii);
    if (!doc->ascii)
        return;
    for (size_t i = 0; i < doc->len; i++)
        FUZZ_CHECK(doc->js[i] != '\\' && (unsigned char)doc->js[i] < 0x80u);
    for (int i = 0; i < doc->n; i++) {
        bool cut_fast = false, cut_slow = false;
        size_t len;
        if (doc->tok[i].type != JSMN_STRING)
            continue;
        len = (size_t)(doc->tok[i].end - doc->tok[i].start);
        FUZZ_CHECK(hc_json_string(doc, i, fast, sizeof fast, &cut_fast) == HC_OK);
        FUZZ_CHECK(hc_json_unescape(doc->js + doc->tok[i].start, len, slow, sizeof slow,
                                    &cut_slow) == HC_OK);
        FUZZ_CHECK(cut_fast == cut_slow && strcmp(fast, slow) == 0);
    }
}

static hc_err_t decode(size_t kind, const hc_json_t *doc, const char *name, size_t name_len)
{
    /* Filled with garbage first: the decoder must overwrite every byte it
     * hands back, the terminators included. */
    union {
        hc_check_t check;
        hc_received_ping_t ping;
        hc_flip_t flip;
        hc_channel_t channel;
        hc_badge_t badge;
    } out;
    memset(&out, 0x5a, sizeof out);
    hc_err_t e;
    switch (kind) {
    case K_CHECKS:
        if ((e = hc_decode_check(&out.check, doc, 0)) == HC_OK)
            check_check(&out.check);
        break;
    case K_PINGS:
        if ((e = hc_decode_received_ping(&out.ping, doc, 0)) == HC_OK)
            check_ping(&out.ping);
        break;
    case K_FLIPS:
        if ((e = hc_decode_flip(&out.flip, doc, 0)) == HC_OK)
            check_flip(&out.flip);
        break;
    case K_CHANNELS:
        if ((e = hc_decode_channel(&out.channel, doc, 0)) == HC_OK)
            check_channel(&out.channel);
        break;
    default:
        if ((e = hc_decode_badge(&out.badge, name, name_len, doc, 0)) == HC_OK)
            check_badge(&out.badge);
        break;
    }
    FUZZ_CHECK(e == HC_OK || e == HC_ERR_JSON);
    return e;
}

static hc_err_t on_element(void *ctx, const char *name, size_t name_len, const char *elem,
                           size_t elem_len)
{
    record_t *r = ctx;
    bool ascii = hc_jstream_element_ascii(r->stream);
    static jsmntok_t all[ALL_TOKENS];
    static jsmntok_t tok[API_TOKENS];
    hc_json_t doc;

    FUZZ_CHECK(elem_len > 0 && elem_len <= ELEM_CAP);
    FUZZ_CHECK((name != NULL) == (kinds[r->kind].shape == HC_JSTREAM_MEMBERS));
    FUZZ_CHECK(name != NULL || name_len == 0);
    r->count++;
    r->digest = mix(r->digest, &name_len, sizeof name_len);
    if (name)
        r->digest = mix(r->digest, name, name_len);
    r->digest = mix(r->digest, &elem_len, sizeof elem_len);
    r->digest = mix(r->digest, elem, elem_len);

    /* The splitter checked the grammar: the element alone is one value,
     * and jsmn tokenizes it as the grammar check reads it. */
    FUZZ_CHECK(hc_json_parse(&doc, elem, elem_len, all, ALL_TOKENS) == HC_OK);
    check_tokens(&doc, elem_len);
    check_agreement(elem, elem_len, all, ALL_TOKENS);
    FUZZ_CHECK(hc_json_parse(&doc, elem, elem_len, all, ALL_TOKENS) == HC_OK);
    check_ascii(&doc, ascii);
    if (kinds[r->kind].shape != HC_JSTREAM_MEMBERS)
        FUZZ_CHECK(doc.ascii == ascii); /* no name: the same bytes */

    hc_err_t e = hc_json_parse(&doc, elem, elem_len, tok, API_TOKENS);
    FUZZ_CHECK(e == HC_OK || e == HC_ERR_JSON_TOO_LARGE);
    if (e == HC_OK) {
        check_tokens(&doc, elem_len);
        e = decode(r->kind, &doc, name, name_len);
    }
    r->digest = mix(r->digest, &e, sizeof e);
    return e;
}

enum mode { WHOLE, BYTEWISE, FROM_INPUT, N_MODES };

static hc_err_t stream(size_t kind, enum mode mode, const uint8_t *body, size_t len, record_t *r)
{
    static char buf[ELEM_CAP];
    hc_jstream_t js;
    hc_err_t e = HC_OK;
    memset(r, 0, sizeof *r);
    r->stream = &js;
    r->kind = kind;
    r->digest = 14695981039346656037u;
    FUZZ_CHECK(hc_jstream_init(&js, kinds[kind].key, kinds[kind].shape, buf, sizeof buf,
                               on_element, r) == HC_OK);
    /* Bounded: each turn takes at least one byte. */
    for (size_t pos = 0, k = 0; pos < len && e == HC_OK; k++) {
        size_t n = len - pos;
        if (mode == BYTEWISE)
            n = 1;
        else if (mode == FROM_INPUT)
            n = 1u + body[len - 1 - (k % len)] % 97u;
        if (n > len - pos)
            n = len - pos;
        uint8_t *piece = fuzz_piece(body + pos, n);
        e = hc_jstream_feed(&js, piece, n);
        fuzz_piece_done(piece);
        pos += n;
    }
    hc_err_t fin = hc_jstream_finish(&js);
    if (e != HC_OK)
        FUZZ_CHECK(fin == e); /* errors are sticky */
    FUZZ_CHECK(hc_jstream_finish(&js) == fin);
    return fin;
}

/* The body of a recorded response, or the input itself. */
static const uint8_t *body_of(const uint8_t *data, size_t *size)
{
    if (*size < 5 || memcmp(data, "HTTP/", 5) != 0)
        return data;
    for (size_t i = 0; i + 4 <= *size; i++)
        if (memcmp(data + i, "\r\n\r\n", 4) == 0) {
            *size -= i + 4;
            return data + i + 4;
        }
    return data;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jsmntok_t tok[ALL_TOKENS];
    const uint8_t *body = body_of(data, &size);
    /* The whole body as one text, within the tokens a 2 KB element can need. */
    if (size <= ELEM_CAP) {
        uint8_t *copy = fuzz_dup(body, size);
        check_agreement((const char *)copy, size, tok, ALL_TOKENS);
        free(copy);
    }
    for (size_t kind = 0; kind < sizeof kinds / sizeof kinds[0]; kind++) {
        record_t rec[N_MODES];
        hc_err_t res[N_MODES];
        for (int m = 0; m < N_MODES; m++) {
            res[m] = stream(kind, (enum mode)m, body, size, &rec[m]);
            FUZZ_CHECK(res[m] == HC_OK || res[m] == HC_ERR_JSON ||
                       res[m] == HC_ERR_JSON_TOO_LARGE);
        }
        for (int m = 1; m < N_MODES; m++) {
            FUZZ_CHECK(res[m] == res[WHOLE]);
            FUZZ_CHECK(rec[m].count == rec[WHOLE].count);
            FUZZ_CHECK(rec[m].digest == rec[WHOLE].digest);
        }
    }
    return 0;
}
