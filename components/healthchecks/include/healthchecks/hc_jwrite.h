/**
 * @file hc_jwrite.h
 * @brief Writing one flat JSON object (a request body) straight into an
 *        hc_buf_t, with correct escaping.
 *
 * Strings are written as given, byte for byte, except that '"' and '\\'
 * are escaped and control characters (below 0x20) become \\u00XX
 * (lowercase hex). UTF-8 passes through unchanged; checking that it is
 * well-formed is the caller's job (hc_check_spec_validate() does it).
 * Output that does not fit sets the buffer's overflow flag (hc_buf_ok()).
 */
#ifndef HC_JWRITE_H
#define HC_JWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_buf.h"

/** Writer state for one object. */
typedef struct hc_jwrite {
    hc_buf_t *out;  /**< the caller's buffer */
    bool first;     /**< no member written yet */
} hc_jwrite_t;

/** Start an object in @p out: writes "{". @p out must outlive @p w. */
void hc_jwrite_begin(hc_jwrite_t *w, hc_buf_t *out);

/** End the object: writes "}". */
void hc_jwrite_end(hc_jwrite_t *w);

/** Member @p key with the NUL-terminated string @p value. */
void hc_jwrite_string(hc_jwrite_t *w, const char *key, const char *value);

/** Member @p key with the integer @p value. */
void hc_jwrite_int(hc_jwrite_t *w, const char *key, int64_t value);

/** Member @p key with true or false. */
void hc_jwrite_bool(hc_jwrite_t *w, const char *key, bool value);

/** Member @p key with an array of the @p n NUL-terminated strings @p items. */
void hc_jwrite_strings(hc_jwrite_t *w, const char *key, const char *const *items, size_t n);

/** Append @p n bytes of @p s to @p out as a quoted, escaped JSON string. */
void hc_jwrite_quoted(hc_buf_t *out, const char *s, size_t n);

#endif /* HC_JWRITE_H */
