/* See hc_json_ref.h. */
#include "hc_json_ref.h"

#include <stdio.h>

#include "healthchecks/hc_jscan.h"

typedef struct builder {
    jsmntok_t *tok;
    int n, max;
    int open[HC_JSON_MAX_DEPTH];  /* the container token open at each level */
} builder_t;

/* A value or member name begins with byte c at offset at, at level. */
static void begins(builder_t *b, uint8_t level, char c, int at, bool name)
{
    int up = level ? b->open[level - 1] : -1;
    if (b->n < b->max) {
        jsmntok_t *t = &b->tok[b->n];
        /* A member's value hangs under its name, the token just before. */
        if (up >= 0 && !name && b->tok[up].type == JSMN_OBJECT)
            up = b->n - 1;
        if (up >= 0)
            b->tok[up].size++;
        t->type = c == '{' ? JSMN_OBJECT : c == '[' ? JSMN_ARRAY
                : c == '"' ? JSMN_STRING : JSMN_PRIMITIVE;
        t->start = c == '"' ? at + 1 : at;
        t->end = -1;
        t->size = 0;
#ifdef JSMN_PARENT_LINKS
        t->parent = up;
#endif
        if (c == '{' || c == '[')
            b->open[level] = b->n;
    }
    b->n++;
}

/* The value or name ending with the event at offset at (the first byte
 * after the event's byte; for END_BEFORE, the byte that ended a scalar). */
static void ends(builder_t *b, hc_jscan_ev_t ev, uint8_t level, char c, int at)
{
    if (b->n > b->max)
        return;
    if (ev == HC_JSCAN_END && (c == '}' || c == ']'))
        b->tok[b->open[level]].end = at;
    else if (ev == HC_JSCAN_END_BEFORE)
        b->tok[b->n - 1].end = at;       /* nothing begins inside a scalar */
    else
        b->tok[b->n - 1].end = at - 1;   /* before the closing quote */
}

int hc_json_ref_tokens(const char *js, size_t len, jsmntok_t *tok, int max)
{
    builder_t b = { .tok = tok, .max = max };
    hc_jscan_t s;
    size_t at = 0;
    hc_jscan_init(&s, 255);
    while (at < len) {
        size_t used;
        uint8_t level;
        hc_jscan_ev_t ev = hc_jscan_run(&s, js + at, len - at, &used, &level);
        at += used;
        if (ev == HC_JSCAN_ERROR)
            return -1;
        if (ev == HC_JSCAN_BEGIN || ev == HC_JSCAN_KEY_BEGIN)
            begins(&b, level, js[at - 1], (int)at - 1, ev == HC_JSCAN_KEY_BEGIN);
        else if (ev != HC_JSCAN_MORE)
            ends(&b, ev, level, js[at - 1], (int)at);
    }
    if (!hc_jscan_finish(&s))
        return -1;
    if (b.n >= 1 && b.max >= 1 && tok[0].end < 0)
        tok[0].end = (int)len; /* a top-level number or literal ends with the text */
    return b.n;
}

bool hc_json_ref_same(const jsmntok_t *a, const jsmntok_t *b, int n, const char *what)
{
    for (int i = 0; i < n; i++) {
        bool same = a[i].type == b[i].type && a[i].start == b[i].start &&
                    a[i].end == b[i].end && a[i].size == b[i].size;
#ifdef JSMN_PARENT_LINKS
        same = same && a[i].parent == b[i].parent;
#endif
        if (!same) {
            fprintf(stderr, "%s: token %d is %d [%d,%d) size %d, expected %d [%d,%d) size %d\n",
                    what, i, (int)a[i].type, a[i].start, a[i].end, a[i].size, (int)b[i].type,
                    b[i].start, b[i].end, b[i].size);
            return false;
        }
    }
    return true;
}
