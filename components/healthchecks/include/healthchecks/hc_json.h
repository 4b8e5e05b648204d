/**
 * @file hc_json.h
 * @brief Reading one JSON element: tokenizing it into the caller's array
 *        of jsmn tokens, finding members, and decoding values into
 *        fixed-size C types.
 *
 * No value is ever silently altered: a string that does not fit is cut on
 * a UTF-8 character boundary and flagged; a number that does not fit its
 * type, a wrong type, a bad escape or an unpaired UTF-16 surrogate is
 * HC_ERR_JSON.
 *
 * The tokens are jsmn's (jsmntok_t from the system's <jsmn.h>: Debian
 * libjsmn-dev or, on ESP-IDF, the espressif/jsmn component), made by
 * jsmn_parse() in strict mode once the library's own grammar check
 * (hc_jscan) has accepted the text: jsmn alone, even strict, takes text
 * that is not JSON. The library compiles jsmn's parser into itself as a
 * static copy (JSMN_STATIC), so an application may compile its own jsmn
 * alongside; in the file that compiles it, include <jsmn.h> before any
 * header of this library, which includes it for the token type only.
 */
#ifndef HC_JSON_H
#define HC_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_config.h"
#include "healthchecks/hc_error.h"

/* Only jsmn's declarations are wanted here (the tokens' type); keep a
 * caller's own JSMN_HEADER setting as it was. */
#ifdef JSMN_HEADER
#include <jsmn.h>
#else
#define JSMN_HEADER
#include <jsmn.h>
#undef JSMN_HEADER
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** A tokenized element: the text and its tokens (token 0 is the root).
 *  Fill it with hc_json_parse() only: the value functions below rely on
 *  its grammar check (a number or literal token is known to be well-formed)
 *  and would misread tokens from a laxer tokenizer, jsmn's non-strict mode
 *  included. */
typedef struct hc_json {
    const char *js;          /**< the text, not copied; must outlive this */
    size_t len;              /**< its length in bytes */
    const jsmntok_t *tok;    /**< the caller's token array */
    int n;                   /**< tokens in use */
    bool ascii;              /**< every string is printable ASCII without escapes,
                                  as the grammar check found: its text is its value */
} hc_json_t;

/**
 * Check and tokenize one JSON value (the whole text, surrounding
 * whitespace allowed). The grammar is checked in full (hc_jscan), then
 * jsmn_parse() (strict mode) makes the tokens, so every token of the
 * result is well-formed. They are in jsmn's layout: in document order,
 * strings without their quotes, a container's size its element or member
 * count, a member name's size 1 (its value is its child), and the parent
 * field set when jsmn has JSMN_PARENT_LINKS. (A lone top-level number or
 * literal, which jsmn 1.1.0's strict mode takes for a cut text, gets its
 * one token all the same.)
 * @param[out] doc     the tokenized element
 * @param[in]  js      the text, not copied: must outlive @p doc
 * @param[in]  len     its length in bytes
 * @param[out] tok     caller array of @p max_tok tokens; must outlive @p doc
 * @param[in]  max_tok tokens in @p tok
 * @return HC_OK; HC_ERR_JSON (not exactly one valid JSON value, nesting
 *         deeper than HC_JSON_MAX_DEPTH, or longer than INT_MAX);
 *         HC_ERR_JSON_TOO_LARGE (more than @p max_tok tokens); HC_ERR_ARG.
 */
hc_err_t hc_json_parse(hc_json_t *doc, const char *js, size_t len,
                       jsmntok_t *tok, unsigned max_tok);

/**
 * Skip a value.
 * @param[in] doc the element
 * @param[in] i   a token index
 * @return the index of the token after token @p i and everything nested
 *         in it (doc->n when it is the last)
 */
int hc_json_next(const hc_json_t *doc, int i);

/**
 * Find a member of an object. Names are compared byte for byte with the
 * raw text (the API's names need no escapes); with duplicates, the last
 * wins.
 * @param[in] doc the element
 * @param[in] obj the object's token index
 * @param[in] key the member name, NUL-terminated
 * @return the value's token index, or -1 (absent, or @p obj is not an object).
 */
int hc_json_find(const hc_json_t *doc, int obj, const char *key);

/**
 * Compare a token's raw text.
 * @param[in] doc the element
 * @param[in] i   a token index
 * @param[in] s   NUL-terminated text
 * @return true if token @p i is exactly @p s (a member name, or a literal)
 */
bool hc_json_eq(const hc_json_t *doc, int i, const char *s);

/**
 * Test for null.
 * @param[in] doc the element
 * @param[in] i   a token index
 * @return true if token @p i is the literal null
 */
bool hc_json_is_null(const hc_json_t *doc, int i);

/**
 * Decode a string token into NUL-terminated UTF-8.
 * Every escape is decoded, \\uXXXX included, surrogate pairs into one
 * 4-byte character. When the text does not fit, as many whole characters
 * as fit are kept, @p *truncated is set, and the rest is still checked.
 * @param[in]  doc       the element
 * @param[in]  i         the token index
 * @param[out] out       @p cap bytes
 * @param[in]  cap       size of @p out, at least 1
 * @param[out] truncated set true when cut, else false; may be NULL
 * @return HC_OK; HC_ERR_JSON (not a string, a raw control character, an
 *         unpaired surrogate, or \\u0000 which a C string cannot hold);
 *         HC_ERR_ARG (@p out NULL or @p cap 0).
 */
hc_err_t hc_json_string(const hc_json_t *doc, int i, char *out, size_t cap, bool *truncated);

/**
 * hc_json_string() over raw string content (between the quotes), e.g. a
 * member name delivered by hc_jstream.
 * @param[in]  raw       the content, escapes undecoded
 * @param[in]  len       its length in bytes
 * @param[out] out       @p cap bytes
 * @param[in]  cap       size of @p out, at least 1
 * @param[out] truncated set true when cut, else false; may be NULL
 * @return as hc_json_string()
 */
hc_err_t hc_json_unescape(const char *raw, size_t len, char *out, size_t cap, bool *truncated);

/**
 * Decode an integer token. Numbers too large for their field are refused,
 * never clamped.
 * @param[in]  doc the element
 * @param[in]  i   the token index
 * @param[in]  min smallest value accepted
 * @param[in]  max largest value accepted
 * @param[out] out the value; set only on HC_OK
 * @return HC_OK; HC_ERR_JSON when the token is not an integer (a fraction
 *         or exponent included) or lies outside [@p min, @p max].
 */
hc_err_t hc_json_int(const hc_json_t *doc, int i, int64_t min, int64_t max, int64_t *out);

/**
 * Decode a number token as fixed point, rounded half away from zero:
 * 2.896736 with 3 decimals is 2897. Exponents are honoured. No floating
 * point is used; significant digits past the 19th are ignored.
 * @param[in]  doc      the element
 * @param[in]  i        the token index
 * @param[in]  decimals decimal places kept, 0..9
 * @param[in]  min      smallest result accepted
 * @param[in]  max      largest result accepted
 * @param[out] out      the value times 10^decimals; set only on HC_OK
 * @return HC_OK; HC_ERR_JSON when the token is not a number or the result
 *         lies outside [@p min, @p max].
 */
hc_err_t hc_json_fixed(const hc_json_t *doc, int i, unsigned decimals,
                       int64_t min, int64_t max, int64_t *out);

/**
 * Decode a true/false token.
 * @param[in]  doc the element
 * @param[in]  i   the token index
 * @param[out] out the value; set only on HC_OK
 * @return HC_OK or HC_ERR_JSON.
 */
hc_err_t hc_json_bool(const hc_json_t *doc, int i, bool *out);

/**
 * Decode an ISO 8601 date-time string token (see hc_json_parse_time()).
 * @param[in]  doc the element
 * @param[in]  i   the token index
 * @param[out] out UNIX seconds; set only on HC_OK
 * @return HC_OK or HC_ERR_JSON.
 */
hc_err_t hc_json_time(const hc_json_t *doc, int i, int64_t *out);

/**
 * Convert an ISO 8601 / RFC 3339 date-time to UNIX seconds, without libc
 * or time zone tables: "YYYY-MM-DDTHH:MM:SS", an optional fraction of any
 * length (dropped: seconds resolution; hc_json_parse_time_us() keeps it), then "Z" or an offset "+HH:MM" /
 * "-HH:MM". A time without an offset is refused as ambiguous. Fields are
 * range-checked (the day against its month; second 60 is accepted for a
 * leap second and counts as the next second's start).
 * @param[in]  s   the text, not NUL-terminated
 * @param[in]  len its length in bytes
 * @param[out] out UNIX seconds; set only on HC_OK
 * @return HC_OK, HC_ERR_JSON, or HC_ERR_ARG for a NULL @p s.
 */
hc_err_t hc_json_parse_time(const char *s, size_t len, int64_t *out);

/**
 * As hc_json_parse_time(), keeping the fraction of the second as well.
 * @param[in]  s   the time text (not NUL-terminated)
 * @param[in]  len its length in bytes
 * @param[out] out the UNIX seconds
 * @param[out] us  the fraction's first six digits as microseconds
 *                 (0..999999); later digits are dropped, never rounded into
 *                 the next second
 * @return HC_OK, HC_ERR_JSON, or HC_ERR_ARG for a NULL @p s.
 */
hc_err_t hc_json_parse_time_us(const char *s, size_t len, int64_t *out, uint32_t *us);

/**
 * hc_json_time() keeping the microseconds (see hc_json_parse_time_us()).
 * @param[in]  doc the tokenized element
 * @param[in]  i   the token index of a string token
 * @param[out] out the UNIX seconds
 * @param[out] us  the microseconds
 * @return HC_OK or HC_ERR_JSON.
 */
hc_err_t hc_json_time_us(const hc_json_t *doc, int i, int64_t *out, uint32_t *us);

/**
 * Check UTF-8 and count its characters (code points). NUL counts as a
 * character.
 * @param[in]  s     the bytes
 * @param[in]  len   how many
 * @param[out] chars the character count; set only when well-formed
 * @return true if well-formed (no overlong forms, surrogates or values
 *         past U+10FFFF); false for a NULL @p s with @p len above 0
 */
bool hc_json_utf8_check(const char *s, size_t len, size_t *chars);

#ifdef __cplusplus
}
#endif

#endif /* HC_JSON_H */
