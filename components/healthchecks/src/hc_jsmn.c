/* jsmn's parser, compiled into the library once; see hc_jsmn.h.
 *
 * jsmn is header-only: the one translation unit that includes <jsmn.h>
 * without JSMN_HEADER gets its code. Here that code is static
 * (JSMN_STATIC), so the library exports no jsmn symbol and an application
 * that compiles its own jsmn, in whatever mode, links beside it without a
 * clash. JSMN_STRICT makes it refuse what strict JSON refuses as far as
 * jsmn can (the grammar check has refused the rest before). JSMN_PARENT_LINKS
 * is the build's choice, made for everything that includes <jsmn.h>
 * alike, since it changes jsmntok_t. This file must include <jsmn.h>
 * before any header that includes it for the type alone. */
#ifndef JSMN_STATIC
#define JSMN_STATIC
#endif
#ifndef JSMN_STRICT
#define JSMN_STRICT
#endif
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wconversion"
#endif
#include <jsmn.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include "hc_jsmn.h"

#include <limits.h>

/* A text that is a lone number or literal: jsmn 1.1.0's strict mode wants
 * a delimiter after every primitive and reports one that ends the text as
 * cut short, so its one token is made here. */
static int lone_primitive(const char *js, jsmntok_t *tok, int len)
{
    int start = 0;
    while (js[start] == ' ' || js[start] == '\t' || js[start] == '\n' || js[start] == '\r')
        start++;
    tok->type = JSMN_PRIMITIVE;
    tok->start = start;
    tok->end = len;
    tok->size = 0;
#ifdef JSMN_PARENT_LINKS
    tok->parent = -1;
#endif
    return 1;
}

hc_err_t hc_jsmn_tokenize(hc_json_t *doc, const char *js, size_t len, jsmntok_t *tok,
                          unsigned max_tok, bool ascii)
{
    jsmn_parser parser;
    int n;
    /* tok is never NULL here; saying so lets the compiler drop jsmn's
     * counting-only paths from the inlined parser. */
    if (len > INT_MAX || !tok)
        return HC_ERR_JSON;
    jsmn_init(&parser);
    n = jsmn_parse(&parser, js, len, tok, max_tok);
    if (n == JSMN_ERROR_PART)
        n = lone_primitive(js, tok, (int)len);
    if (n == JSMN_ERROR_NOMEM)
        return HC_ERR_JSON_TOO_LARGE;
    if (n < 1)
        return HC_ERR_JSON;
    doc->js = js;
    doc->len = len;
    doc->tok = tok;
    doc->n = n;
    doc->ascii = ascii;
    return HC_OK;
}
