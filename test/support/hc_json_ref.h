/* The tokens a JSON text should have, derived from the grammar check
 * alone: hc_jscan's events at every level, laid out as jsmn lays its
 * tokens out (document order; a string spans the bytes between its
 * quotes; a container's size counts its elements or member names; a
 * member name's size is 1, its value being its child; parent links when
 * jsmntok_t has them). The library's tokens come from jsmn_parse(); tests
 * and fuzzers hold them to this, so jsmn and the grammar check must agree
 * on every text the check accepts. Test code. */
#ifndef HC_JSON_REF_H
#define HC_JSON_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "healthchecks/hc_json.h"

/** Tokens of @p js (@p len bytes) into @p tok (room for @p max): the count
 *  (which may exceed @p max: tokens past it are counted, not written), or
 *  -1 when hc_jscan refuses the text. */
int hc_json_ref_tokens(const char *js, size_t len, jsmntok_t *tok, int max);

/** True if @p a and @p b (@p n tokens each) are the same, field for field
 *  (parent included when jsmntok_t has it); else prints the first
 *  difference to stderr, with @p what. */
bool hc_json_ref_same(const jsmntok_t *a, const jsmntok_t *b, int n, const char *what);

#endif /* HC_JSON_REF_H */
