/**
 * @file hc_buf.h
 * @brief Bounded text building in caller memory: the one way the library
 *        writes requests, URLs and JSON.
 *
 * Appends never write past the capacity. The first append that does not
 * fit sets @c overflow and every later append is ignored, so a builder can
 * append freely and check once at the end. The content is not
 * NUL-terminated unless the caller appends a NUL.
 */
#ifndef HC_BUF_H
#define HC_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A bounded output buffer over caller memory. */
typedef struct hc_buf {
    uint8_t *data;  /**< caller memory, @c cap bytes */
    size_t cap;     /**< capacity */
    size_t len;     /**< bytes written */
    bool overflow;  /**< an append did not fit; the content is incomplete */
} hc_buf_t;

/**
 * Start an empty buffer over caller memory.
 * @param[out] b   the buffer
 * @param[in]  mem @p cap bytes the buffer writes into; must outlive @p b.
 *                 NULL makes the capacity 0 whatever @p cap says.
 * @param[in]  cap capacity in bytes (may be 0)
 */
void hc_buf_init(hc_buf_t *b, void *mem, size_t cap);

/**
 * Append bytes, whole or not at all.
 * @param[in,out] b the buffer
 * @param[in]     p @p n bytes to copy; NULL with @p n above 0 appends
 *                  nothing and sets @c overflow (the content is incomplete)
 * @param[in]     n how many
 */
void hc_buf_put(hc_buf_t *b, const void *p, size_t n);

/**
 * Append a string without its NUL.
 * @param[in,out] b the buffer
 * @param[in]     s NUL-terminated; NULL appends nothing
 */
void hc_buf_puts(hc_buf_t *b, const char *s);

/**
 * Append one byte.
 * @param[in,out] b the buffer
 * @param[in]     c the byte
 */
void hc_buf_putc(hc_buf_t *b, char c);

/**
 * Append a number in decimal.
 * @param[in,out] b the buffer
 * @param[in]     v the number
 */
void hc_buf_put_u32(hc_buf_t *b, uint32_t v);

/**
 * Append a number in decimal, with a '-' when negative.
 * @param[in,out] b the buffer
 * @param[in]     v the number
 */
void hc_buf_put_i64(hc_buf_t *b, int64_t v);

/**
 * Append bytes percent-encoded for a URL path segment or query value:
 * unreserved characters (A-Z a-z 0-9 - . _ ~) pass, every other byte
 * (space, &, =, /, non-ASCII, controls) becomes %XX.
 * @param[in,out] b the buffer
 * @param[in]     s @p n bytes (NUL is encoded like any other byte); NULL
 *                  with @p n above 0 sets @c overflow, as hc_buf_put()
 * @param[in]     n how many
 */
void hc_buf_put_pct(hc_buf_t *b, const char *s, size_t n);

/**
 * Whether the buffer holds everything appended to it.
 * @param[in] b the buffer
 * @return true unless an append did not fit
 */
static inline bool hc_buf_ok(const hc_buf_t *b) { return !b->overflow; }

#ifdef __cplusplus
}
#endif

#endif /* HC_BUF_H */
