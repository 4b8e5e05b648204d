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
 * libjsmn-dev or, on ESP-IDF, the espressif/jsmn component) in jsmn's
 * layout, but hc_json_parse() fills them itself from the one pass of the
 * syntax checker (hc_jscan) rather than running jsmn's parser too; no jsmn
 * code is compiled into the library, so an application may use its own
 * copy of jsmn alongside.
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

/** A tokenized element: the text and its tokens (token 0 is the root).
 *  Fill it with hc_json_parse() only: the value functions below rely on
 *  its grammar check (a number or literal token is known to be well-formed)
 *  and would misread tokens from a laxer tokenizer, jsmn's non-strict mode
 *  included. */
typedef struct hc_json {
    const char *js;          /**< the text, not copied; must outlive this */
    size_t len;
    const jsmntok_t *tok;    /**< the caller's token array */
    int n;                   /**< tokens in use */
} hc_json_t;

/**
 * Check and tokenize one JSON value (the whole text, surrounding
 * whitespace allowed). The syntax is checked in full (hc_jscan) in the same
 * pass that builds the tokens, so every token of the result is well-formed.
 * The tokens are what jsmn_parse() would give for the same text: in
 * document order, strings without their quotes, a container's size its
 * element or member count, a member name's size 1 (its value is its
 * child), and the parent field set when jsmn has JSMN_PARENT_LINKS.
 * @param tok     caller array of @p max_tok tokens; must outlive @p doc.
 * @return HC_OK; HC_ERR_JSON (not exactly one valid JSON value, nesting
 *         deeper than HC_JSON_MAX_DEPTH, or longer than INT_MAX);
 *         HC_ERR_JSON_TOO_LARGE (more than @p max_tok tokens); HC_ERR_ARG.
 */
hc_err_t hc_json_parse(hc_json_t *doc, const char *js, size_t len,
                       jsmntok_t *tok, unsigned max_tok);

/** Index of the token after token @p i and everything nested in it
 *  (doc->n when it is the last). */
int hc_json_next(const hc_json_t *doc, int i);

/**
 * The value of member @p key of the object at token @p obj.
 * Names are compared byte for byte with the raw text (the API's names
 * need no escapes); with duplicates, the last wins.
 * @return the value's token index, or -1 (absent, or @p obj is not an object).
 */
int hc_json_find(const hc_json_t *doc, int obj, const char *key);

/** True if token @p i is the raw text @p s (a member name, or a literal). */
bool hc_json_eq(const hc_json_t *doc, int i, const char *s);

/** True if token @p i is null. */
bool hc_json_is_null(const hc_json_t *doc, int i);

/**
 * Decode a string token into @p out (NUL-terminated UTF-8).
 * Every escape is decoded, \\uXXXX included, surrogate pairs into one
 * 4-byte character. When the text does not fit, as many whole characters
 * as fit are kept, @p *truncated is set, and the rest is still checked.
 * @param cap      size of @p out, at least 1.
 * @param truncated set true when cut, else false; may be NULL.
 * @return HC_OK; HC_ERR_JSON (not a string, a raw control character, an
 *         unpaired surrogate, or \\u0000 which a C string cannot hold);
 *         HC_ERR_ARG (@p cap 0).
 */
hc_err_t hc_json_string(const hc_json_t *doc, int i, char *out, size_t cap, bool *truncated);

/**
 * hc_json_string() over raw string content (between the quotes), e.g. a
 * member name delivered by hc_jstream.
 */
hc_err_t hc_json_unescape(const char *raw, size_t len, char *out, size_t cap, bool *truncated);

/**
 * Decode an integer token.
 * @return HC_OK; HC_ERR_JSON when the token is not an integer (a fraction
 *         or exponent included) or lies outside [@p min, @p max] — numbers
 *         too large for their field are refused, never clamped.
 */
hc_err_t hc_json_int(const hc_json_t *doc, int i, int64_t min, int64_t max, int64_t *out);

/**
 * Decode a number token as fixed point with @p decimals decimal places
 * (0..9), rounded half away from zero: 2.896736 with 3 decimals is 2897.
 * Exponents are honoured. No floating point is used; significant digits
 * past the 19th are ignored.
 * @return HC_OK; HC_ERR_JSON when the token is not a number or the result
 *         lies outside [@p min, @p max].
 */
hc_err_t hc_json_fixed(const hc_json_t *doc, int i, unsigned decimals,
                       int64_t min, int64_t max, int64_t *out);

/** Decode a true/false token. @return HC_OK or HC_ERR_JSON. */
hc_err_t hc_json_bool(const hc_json_t *doc, int i, bool *out);

/**
 * Decode an ISO 8601 date-time string token into UNIX seconds
 * (see hc_json_parse_time()). @return HC_OK or HC_ERR_JSON.
 */
hc_err_t hc_json_time(const hc_json_t *doc, int i, int64_t *out);

/**
 * Convert an ISO 8601 / RFC 3339 date-time to UNIX seconds, without libc
 * or time zone tables: "YYYY-MM-DDTHH:MM:SS", an optional fraction of any
 * length (dropped: seconds resolution; hc_json_parse_time_us() keeps it), then "Z" or an offset "+HH:MM" /
 * "-HH:MM". A time without an offset is refused as ambiguous. Fields are
 * range-checked (the day against its month; second 60 is accepted for a
 * leap second and counts as the next second's start).
 * @return HC_OK or HC_ERR_JSON.
 */
hc_err_t hc_json_parse_time(const char *s, size_t len, int64_t *out);

/**
 * As hc_json_parse_time(), keeping the fraction of the second as well.
 * @param[out] out the UNIX seconds.
 * @param[out] us  the fraction's first six digits as microseconds
 *                 (0..999999); later digits are dropped, never rounded into
 *                 the next second.
 * @return HC_OK or HC_ERR_JSON.
 */
hc_err_t hc_json_parse_time_us(const char *s, size_t len, int64_t *out, uint32_t *us);

/** hc_json_time() keeping the microseconds (see hc_json_parse_time_us()).
 *  @return HC_OK or HC_ERR_JSON. */
hc_err_t hc_json_time_us(const hc_json_t *doc, int i, int64_t *out, uint32_t *us);

/**
 * Check @p len bytes of UTF-8 and count their characters (code points).
 * @return true if well-formed (no overlong forms, surrogates or values
 *         past U+10FFFF); @p *chars is set only then. NUL counts as a
 *         character.
 */
bool hc_json_utf8_check(const char *s, size_t len, size_t *chars);

#endif /* HC_JSON_H */
