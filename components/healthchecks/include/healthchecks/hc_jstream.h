/**
 * @file hc_jstream.h
 * @brief Splits a streamed list response into its elements, so memory is
 *        bounded by the largest element, not by the list.
 *
 * The body arrives in pieces of any size (hc_jstream_feed()). In one pass
 * over it the splitter checks the whole body's JSON grammar with hc_jscan,
 * finds the list under the expected member name, copies each element's
 * bytes into the caller's element buffer (a run at a time: the scanner
 * stops only at the edges of the wrapper's members and of the elements)
 * and hands the complete element to a callback; then the bytes are
 * dropped. An element handed on is therefore one grammatically checked
 * JSON value. Feeding a body whole, one byte at a time or in any other
 * pieces gives the same calls.
 *
 * Shapes:
 *  - HC_JSTREAM_ARRAY:   {"checks": [ {...}, {...} ]} — each array item is
 *                        an element (other top-level members are skipped).
 *  - HC_JSTREAM_ARRAY_OR_BARE: the same, or a bare [ {...}, ... ] (flips).
 *  - HC_JSTREAM_MEMBERS: {"badges": {"<tag>": {...}, "*": {...}}} — each
 *                        member is an element, delivered with its name.
 *
 * Nothing is ever presented as complete when it was not: an element larger
 * than the buffer is HC_ERR_JSON_TOO_LARGE (never skipped), malformed JSON
 * or nesting deeper than HC_JSON_MAX_DEPTH is HC_ERR_JSON, and
 * hc_jstream_finish() says HC_ERR_JSON unless the list closed and the body
 * ended cleanly. Elements already delivered before an error stay delivered;
 * the caller discards them when the final result is an error.
 */
#ifndef HC_JSTREAM_H
#define HC_JSTREAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_error.h"
#include "healthchecks/hc_jscan.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where the list is in the body. */
typedef enum hc_jstream_shape {
    HC_JSTREAM_ARRAY,          /**< {"<key>": [ elements ]} */
    HC_JSTREAM_ARRAY_OR_BARE,  /**< that, or [ elements ] */
    HC_JSTREAM_MEMBERS         /**< {"<key>": {"<name>": element, ...}} */
} hc_jstream_shape_t;

/**
 * Receives one complete element. Called only from inside hc_jstream_feed().
 * @param[in] ctx      the context given to hc_jstream_init()
 * @param[in] name     HC_JSTREAM_MEMBERS: the member name as raw JSON string
 *                     content (between the quotes, escapes not decoded; see
 *                     hc_json_unescape()); otherwise NULL.
 * @param[in] name_len its length in bytes (0 when @p name is NULL).
 * @param[in] elem     the element's JSON text (a complete value, not
 *                     NUL-terminated), valid only during the call.
 * @param[in] elem_len its length in bytes
 * @return HC_OK to go on; any other code stops the stream with that code.
 */
typedef hc_err_t (*hc_jstream_fn)(void *ctx, const char *name, size_t name_len,
                                  const char *elem, size_t elem_len);

/** Splitter state. Opaque; start it with hc_jstream_init(). */
typedef struct hc_jstream {
    /** @cond INTERNAL */
    hc_jscan_t scan;
    /* The flags every event reads come next: Thumb code reaches the first
     * 32 bytes with its short byte loads and stores. */
    hc_err_t err;              /* sticky result */
    uint8_t shape;
    uint8_t list_level;        /* level of the elements, once the list opened */
    uint8_t key_pos;           /* bytes of a top-level member name matched so far */
    bool key_matches;          /* the top-level name so far equals key */
    bool in_name;              /* inside a wrapper member's name */
    bool list_next;            /* the next top-level value is the list */
    bool bare;                 /* the body is the list itself */
    bool in_list;
    bool list_done;
    bool collecting;
    const char *key;           /* member name of the list, e.g. "checks" */
    hc_jstream_fn on_element;
    void *ctx;
    char *buf;                 /* the caller's element buffer */
    size_t cap;
    size_t len;                /* bytes of the element being collected */
    size_t name_end;           /* HC_JSTREAM_MEMBERS: end of the name's quotes in buf */
    size_t value_start;        /* where the element's value starts in buf */
    /** @endcond */
} hc_jstream_t;

/**
 * Start splitting a new body. Call again to restart (e.g. on a retry).
 * @param[out] js         the splitter
 * @param[in]  key        member name holding the list ("checks", "pings",
 *                        "flips", "channels", "badges"); the caller's
 *                        string, at most 255 bytes, must outlive @p js.
 *                        Names are compared byte for byte, so an escaped
 *                        spelling of the name does not match.
 * @param[in]  shape      where the list is in the body
 * @param[in]  buf        element buffer, @p cap bytes; must outlive @p js.
 *                        In HC_JSTREAM_MEMBERS mode it holds the member
 *                        name too.
 * @param[in]  cap        its size in bytes
 * @param[in]  on_element called with each element; must not be NULL.
 * @param[in]  ctx        passed to @p on_element
 * @return HC_OK, or HC_ERR_ARG for a NULL pointer, a zero @p cap, an
 *         unknown shape or a key longer than 255 bytes.
 */
hc_err_t hc_jstream_init(hc_jstream_t *js, const char *key, hc_jstream_shape_t shape,
                         char *buf, size_t cap, hc_jstream_fn on_element, void *ctx);

/**
 * Consume the next bytes of the body (any split is fine).
 * @param[in,out] js   the splitter
 * @param[in]     data the bytes, read only during the call
 * @param[in]     len  how many
 * @return HC_OK; HC_ERR_JSON (malformed, too deep, the list member is not
 *         of the expected type or appears twice); HC_ERR_JSON_TOO_LARGE (an
 *         element does not fit the buffer); or the callback's error. Errors
 *         are sticky: every later call returns the same code. HC_ERR_ARG
 *         when @p data is NULL with @p len above 0, which changes nothing
 *         (and is not sticky).
 */
hc_err_t hc_jstream_feed(hc_jstream_t *js, const uint8_t *data, size_t len);

/**
 * Whether the element being handed on holds only plain strings.
 * @param[in] js the splitter, inside its element callback
 * @return true if every string of the element (and of its member name)
 *         is printable ASCII without escapes, as the grammar check found
 */
bool hc_jstream_element_ascii(const hc_jstream_t *js);

/**
 * The body ended.
 * @param[in,out] js the splitter
 * @return HC_OK when the body was exactly one JSON value holding the whole
 *         list; HC_ERR_JSON when it ended early (before the list closed,
 *         or inside the wrapper) or held no list under the key; or the
 *         earlier sticky error.
 */
hc_err_t hc_jstream_finish(hc_jstream_t *js);

#ifdef __cplusplus
}
#endif

#endif /* HC_JSTREAM_H */
