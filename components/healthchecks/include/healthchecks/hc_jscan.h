/**
 * @file hc_jscan.h
 * @brief The JSON grammar check: the strict one the library holds every
 *        response to before jsmn tokenizes it, run over text in pieces of
 *        any size.
 *
 * It keeps a few bytes of state and no text, so any amount of JSON can be
 * checked in pieces of any size. It checks the whole RFC 8259 grammar:
 * structure, strings (no raw control characters, only the defined escapes,
 * four hex digits after \\u), the exact spelling of numbers and of true,
 * false and null, and that only whitespace follows the top-level value.
 * Nesting deeper than HC_JSON_MAX_DEPTH is an error. It does not check
 * UTF-8 nor pair UTF-16 surrogates: the string decoder does that, for
 * every string the library hands on. (jsmn, which tokenizes after it,
 * checks much less even in strict mode: it takes `tru`, `01` and trailing
 * commas.)
 *
 * hc_jscan_run() runs over as many bytes as it can and stops at the next
 * event — a value or member name beginning or ending — whose level is at
 * most the scanner's watch level, so a caller that cares only about the
 * outer levels (the list splitter) gets one call per element, not one per
 * byte, while every byte is still checked. The level of an event is the
 * number of containers around the value or name concerned (0 for the
 * top-level value).
 */
#ifndef HC_JSCAN_H
#define HC_JSCAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_config.h"

#ifdef __cplusplus
extern "C" {
#endif

#if HC_JSON_MAX_DEPTH < 1 || HC_JSON_MAX_DEPTH > 32
#error "HC_JSON_MAX_DEPTH must be 1..32"
#endif

/** Where hc_jscan_run() stopped. */
typedef enum hc_jscan_ev {
    HC_JSCAN_MORE,         /**< every byte given was checked, no watched event among them */
    HC_JSCAN_BEGIN,        /**< the last byte taken began a value: '{', '[', '"', or the
                                first byte of a number or literal */
    HC_JSCAN_END,          /**< the last byte taken ended a container or string value */
    HC_JSCAN_END_BEFORE,   /**< a number or literal ended before the first byte not
                                taken, which ended it and is the next to give */
    HC_JSCAN_KEY_BEGIN,    /**< the last byte taken is the opening quote of a member name */
    HC_JSCAN_KEY_END,      /**< the last byte taken is the closing quote of a member name */
    HC_JSCAN_ERROR         /**< the first byte not taken breaks the grammar (sticky) */
} hc_jscan_ev_t;

/** Scanner state. Opaque; start it with hc_jscan_init(). */
typedef struct hc_jscan {
    /** @cond INTERNAL */
    uint32_t objects;  /**< bit d-1 set: the container at depth d is an object */
    uint8_t depth;     /**< containers open */
    uint8_t state;
    uint8_t resume;    /**< string state to return to after an escape */
    uint8_t sub;       /**< hex digits left, number phase, or place in a literal */
    /** @endcond */
    uint8_t watch;     /**< events at levels up to this one are reported; the
                            caller may change it between calls */
    bool ascii;        /**< every string so far held only printable ASCII and no
                            escape, so its text is its value; the caller may set
                            it again to ask about what follows */
} hc_jscan_t;

/**
 * Start checking a new text.
 * @param[out] s     the scanner
 * @param[in]  watch the deepest level whose events hc_jscan_run() stops at
 *                   (0: only the top-level value's; 255: every event)
 */
void hc_jscan_init(hc_jscan_t *s, uint8_t watch);

/**
 * Check bytes up to the next watched event.
 * @param[in,out] s     the scanner
 * @param[in]     p     the bytes, @p n of them, read only during the call
 * @param[in]     n     how many
 * @param[out]    used  how many were taken (checked): all @p n for
 *                      HC_JSCAN_MORE, fewer when it stopped at an event
 * @param[out]    level the event's level; unchanged for HC_JSCAN_MORE and
 *                      HC_JSCAN_ERROR
 * @return the event it stopped at (see hc_jscan_ev_t). Give the bytes from
 *         @p p + @p *used on to the next call. After HC_JSCAN_ERROR every
 *         call is an error again, taking nothing.
 */
hc_jscan_ev_t hc_jscan_run(hc_jscan_t *s, const char *p, size_t n, size_t *used,
                           uint8_t *level);

/**
 * The text ended.
 * @param[in] s the scanner
 * @return true if it held exactly one complete JSON value (a number at the
 *         top level ends here); false if it was empty, cut short or wrong.
 */
bool hc_jscan_finish(const hc_jscan_t *s);

/**
 * Check a whole text.
 * @param[in]  js    the text
 * @param[in]  len   its length in bytes
 * @param[out] ascii set to whether every string held only printable ASCII
 *                   and no escape (see hc_jscan_t::ascii); may be NULL
 * @return true if it is exactly one JSON value, surrounding whitespace
 *         allowed, nested at most HC_JSON_MAX_DEPTH deep
 */
bool hc_jscan_check(const char *js, size_t len, bool *ascii);

#ifdef __cplusplus
}
#endif

#endif /* HC_JSCAN_H */
