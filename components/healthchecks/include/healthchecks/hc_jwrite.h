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

#ifdef __cplusplus
extern "C" {
#endif

/** Writer state for one object. */
typedef struct hc_jwrite {
    hc_buf_t *out;  /**< the caller's buffer */
    bool first;     /**< no member written yet */
} hc_jwrite_t;

/**
 * Start an object: writes "{".
 * @param[out] w   the writer
 * @param[in]  out the buffer written into; must outlive @p w
 */
void hc_jwrite_begin(hc_jwrite_t *w, hc_buf_t *out);

/**
 * End the object: writes "}".
 * @param[in,out] w the writer
 */
void hc_jwrite_end(hc_jwrite_t *w);

/**
 * Write a string member.
 * @param[in,out] w     the writer
 * @param[in]     key   the member name, NUL-terminated (escaped as needed)
 * @param[in]     value NUL-terminated
 */
void hc_jwrite_string(hc_jwrite_t *w, const char *key, const char *value);

/**
 * Write an integer member.
 * @param[in,out] w     the writer
 * @param[in]     key   the member name, NUL-terminated
 * @param[in]     value the number
 */
void hc_jwrite_int(hc_jwrite_t *w, const char *key, int64_t value);

/**
 * Write a true/false member.
 * @param[in,out] w     the writer
 * @param[in]     key   the member name, NUL-terminated
 * @param[in]     value the value
 */
void hc_jwrite_bool(hc_jwrite_t *w, const char *key, bool value);

/**
 * Write a member holding an array of strings.
 * @param[in,out] w     the writer
 * @param[in]     key   the member name, NUL-terminated
 * @param[in]     items @p n NUL-terminated strings; NULL with @p n above 0,
 *                      or a NULL string among them, sets the buffer's
 *                      overflow flag (the member is incomplete)
 * @param[in]     n     how many (0 writes [])
 */
void hc_jwrite_strings(hc_jwrite_t *w, const char *key, const char *const *items, size_t n);

/**
 * Append bytes as a quoted, escaped JSON string.
 * @param[in,out] out the buffer
 * @param[in]     s   @p n bytes (NUL is escaped like any control byte);
 *                    NULL with @p n above 0 writes nothing and sets the
 *                    buffer's overflow flag
 * @param[in]     n   how many
 */
void hc_jwrite_quoted(hc_buf_t *out, const char *s, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* HC_JWRITE_H */
