/**
 * @file hc_jscan.h
 * @brief A byte-at-a-time JSON syntax checker: the one grammar the splitter
 *        (hc_jstream) and the element tokenizer (hc_json_parse) share.
 *
 * It keeps a few bytes of state and no text, so any amount of JSON can be
 * checked in pieces of any size. It checks the whole RFC 8259 grammar:
 * structure, strings (no raw control characters, only the defined escapes,
 * four hex digits after \\u), the exact spelling of numbers and of true,
 * false and null, and that only whitespace follows the top-level value.
 * Nesting deeper than HC_JSON_MAX_DEPTH is an error. It does not check
 * UTF-8 nor pair UTF-16 surrogates: the string decoder does that.
 *
 * Each byte yields one event telling the caller where the byte falls, so
 * a caller can pick out parts of the text without a second parser.
 */
#ifndef HC_JSCAN_H
#define HC_JSCAN_H

#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#if HC_JSON_MAX_DEPTH < 1 || HC_JSON_MAX_DEPTH > 32
#error "HC_JSON_MAX_DEPTH must be 1..32"
#endif

/** Where a byte falls. The level of an event is the number of containers
 *  around the value or key concerned (0 for the top-level value). */
typedef enum hc_jscan_ev {
    HC_JSCAN_BYTE,         /**< inside a value, or whitespace/punctuation between values */
    HC_JSCAN_BEGIN,        /**< first byte of a value: '{', '[', '"', or the first
                                byte of a number or literal */
    HC_JSCAN_END,          /**< last byte of a container or string value */
    HC_JSCAN_END_BEFORE,   /**< a number or literal ended just before this byte, which
                                was NOT consumed: call hc_jscan_step() again with it */
    HC_JSCAN_KEY_BEGIN,    /**< opening quote of a member name */
    HC_JSCAN_KEY_BYTE,     /**< a raw byte inside a member name (escapes undecoded) */
    HC_JSCAN_KEY_END,      /**< closing quote of a member name */
    HC_JSCAN_ERROR         /**< the text is not JSON (sticky) */
} hc_jscan_ev_t;

/** Scanner state. Opaque; start it with hc_jscan_init(). */
typedef struct hc_jscan {
    /** @cond INTERNAL */
    uint32_t objects;  /**< bit d-1 set: the container at depth d is an object */
    uint8_t depth;     /**< containers open */
    uint8_t state;
    uint8_t resume;    /**< string state to return to after an escape */
    uint8_t sub;       /**< hex digits left, or number phase */
    uint8_t literal;   /**< position in the true/false/null being read */
    /** @endcond */
} hc_jscan_t;

/**
 * Start checking a new text.
 * @param[out] s the scanner
 */
void hc_jscan_init(hc_jscan_t *s);

/**
 * Check one byte.
 * @param[in,out] s     the scanner
 * @param[in]     c     the byte
 * @param[out]    level set to the event's level (see hc_jscan_ev_t);
 *                      unchanged for HC_JSCAN_ERROR.
 * @return where the byte falls. After HC_JSCAN_END_BEFORE the byte must be
 *         stepped again; after HC_JSCAN_ERROR every byte is an error.
 */
hc_jscan_ev_t hc_jscan_step(hc_jscan_t *s, char c, uint8_t *level);

/**
 * The text ended.
 * @param[in,out] s the scanner
 * @return true if it held exactly one complete JSON value (a number at the
 *         top level ends here); false if it was empty, cut short or wrong.
 */
bool hc_jscan_finish(hc_jscan_t *s);

#ifdef __cplusplus
}
#endif

#endif /* HC_JSCAN_H */
