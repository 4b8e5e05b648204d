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

/** A bounded output buffer over caller memory. */
typedef struct hc_buf {
    uint8_t *data;  /**< caller memory, @c cap bytes */
    size_t cap;     /**< capacity */
    size_t len;     /**< bytes written */
    bool overflow;  /**< an append did not fit; the content is incomplete */
} hc_buf_t;

/** Start an empty buffer over @p mem (@p cap bytes, may be 0). */
void hc_buf_init(hc_buf_t *b, void *mem, size_t cap);

/** Append @p n bytes from @p p (whole or nothing). */
void hc_buf_put(hc_buf_t *b, const void *p, size_t n);

/** Append the NUL-terminated string @p s (without the NUL); NULL appends nothing. */
void hc_buf_puts(hc_buf_t *b, const char *s);

/** Append one byte. */
void hc_buf_putc(hc_buf_t *b, char c);

/** Append @p v in decimal. */
void hc_buf_put_u32(hc_buf_t *b, uint32_t v);

/** Append @p v in decimal, with a '-' when negative. */
void hc_buf_put_i64(hc_buf_t *b, int64_t v);

/**
 * Append @p n bytes of @p s percent-encoded for a URL path segment or
 * query value: unreserved characters (A-Z a-z 0-9 - . _ ~) pass, every
 * other byte (space, &, =, /, non-ASCII, controls) becomes %XX.
 */
void hc_buf_put_pct(hc_buf_t *b, const char *s, size_t n);

/** True if the buffer holds everything appended to it. */
static inline bool hc_buf_ok(const hc_buf_t *b) { return !b->overflow; }

#endif /* HC_BUF_H */
