/* See hc_json_corpus.h. */
#include "hc_json_corpus.h"

#include <stdbool.h>
#include <string.h>

#include "healthchecks/hc_jscan.h"
#include "healthchecks/hc_jstream.h"

int hc_corpus_verdict(const char *name)
{
    if (strcmp(name, "accept") == 0)
        return HC_CORPUS_ACCEPT;
    if (strcmp(name, "refuse") == 0)
        return HC_CORPUS_REFUSE;
    if (strcmp(name, "bad-string") == 0)
        return HC_CORPUS_BAD_STRING;
    return -1;
}

/* HC_OK when every string token decodes; else the first error. */
static hc_err_t decode_strings(const hc_json_t *doc, hc_corpus_mem_t *mem)
{
    for (int i = 0; i < doc->n; i++) {
        if (doc->tok[i].type == JSMN_STRING) {
            hc_err_t e = hc_json_string(doc, i, mem->value, sizeof mem->value, NULL);
            if (e != HC_OK)
                return e;
        }
    }
    return HC_OK;
}

typedef struct listed {
    size_t count;
    const char *text;
    size_t len;
    bool same;  /* the element is the text, without surrounding whitespace */
} listed_t;

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static hc_err_t on_element(void *ctx, const char *name, size_t name_len, const char *elem,
                           size_t elem_len)
{
    listed_t *l = ctx;
    const char *t = l->text;
    size_t n = l->len;
    (void)name;
    (void)name_len;
    while (n && is_ws(*t)) {
        t++;
        n--;
    }
    while (n && is_ws(t[n - 1]))
        n--;
    l->count++;
    l->same = elem_len == n && memcmp(elem, t, n) == 0;
    return HC_OK;
}

/* The text as the one element of {"checks": [<text>]}, fed in two pieces
 * split inside the text: HC_OK with the element, or the stream's error. */
static hc_err_t as_list_element(const char *text, size_t len, hc_corpus_mem_t *mem, listed_t *l)
{
    static const char head[] = "{\"checks\": [";
    static const char tail[] = "]}";
    hc_jstream_t js;
    hc_err_t e;
    memset(l, 0, sizeof *l);
    l->text = text;
    l->len = len;
    e = hc_jstream_init(&js, "checks", HC_JSTREAM_ARRAY, mem->elem, sizeof mem->elem,
                        on_element, l);
    if (e == HC_OK)
        e = hc_jstream_feed(&js, (const uint8_t *)head, sizeof head - 1);
    if (e == HC_OK)
        e = hc_jstream_feed(&js, (const uint8_t *)text, len / 2);
    if (e == HC_OK)
        e = hc_jstream_feed(&js, (const uint8_t *)text + len / 2, len - len / 2);
    if (e == HC_OK)
        e = hc_jstream_feed(&js, (const uint8_t *)tail, sizeof tail - 1);
    return hc_jstream_finish(&js);
}

static bool only_whitespace(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!is_ws(text[i]))
            return false;
    }
    return true;
}

const char *hc_corpus_check(const char *text, size_t len, hc_corpus_verdict_t verdict, int depth,
                            hc_corpus_mem_t *mem)
{
    hc_json_t doc;
    listed_t listed;
    bool grammar = hc_jscan_check(text, len, NULL);
    hc_err_t parsed = hc_json_parse(&doc, text, len, mem->tok, HC_CORPUS_TOKENS);
    hc_err_t strings = parsed == HC_OK ? decode_strings(&doc, mem) : parsed;

    if (verdict == HC_CORPUS_REFUSE) {
        if (grammar)
            return "the grammar check accepted it";
        if (parsed != HC_ERR_JSON)
            return "hc_json_parse() did not give HC_ERR_JSON";
    } else {
        if (!grammar)
            return "the grammar check refused it";
        if (parsed != HC_OK)
            return "hc_json_parse() refused it";
        if (verdict == HC_CORPUS_ACCEPT && strings != HC_OK)
            return "a string did not decode";
        if (verdict == HC_CORPUS_BAD_STRING && strings != HC_ERR_JSON)
            return "every string decoded";
    }
    /* In a list, the same verdict; an empty text makes an empty list. */
    if (depth || only_whitespace(text, len))
        return NULL;
    hc_err_t e = as_list_element(text, len, mem, &listed);
    if (verdict == HC_CORPUS_REFUSE)
        return e == HC_ERR_JSON ? NULL : "the list splitter did not give HC_ERR_JSON";
    if (e != HC_OK)
        return "the list splitter refused it";
    return listed.count == 1 && listed.same ? NULL : "the list splitter cut another element";
}
