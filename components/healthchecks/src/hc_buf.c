/* Bounded text building; see hc_buf.h. */
#include "healthchecks/hc_buf.h"

#include <string.h>

void hc_buf_init(hc_buf_t *b, void *mem, size_t cap)
{
    b->data = (uint8_t *)mem;
    b->cap = mem ? cap : 0;
    b->len = 0;
    b->overflow = false;
}

void hc_buf_put(hc_buf_t *b, const void *p, size_t n)
{
    if (b->overflow || n > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    if (n) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
    }
}

void hc_buf_puts(hc_buf_t *b, const char *s)
{
    if (s)
        hc_buf_put(b, s, strlen(s));
}

void hc_buf_putc(hc_buf_t *b, char c)
{
    hc_buf_put(b, &c, 1);
}

void hc_buf_put_u32(hc_buf_t *b, uint32_t v)
{
    char digits[10];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    hc_buf_put(b, digits + sizeof digits - n, n);
}

void hc_buf_put_i64(hc_buf_t *b, int64_t v)
{
    char digits[20];
    size_t n = 0;
    /* Work on the magnitude as unsigned so INT64_MIN is representable. */
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + m % 10u);
        m /= 10u;
    } while (m);
    if (v < 0)
        hc_buf_putc(b, '-');
    hc_buf_put(b, digits + sizeof digits - n, n);
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

void hc_buf_put_pct(hc_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c)) {
            hc_buf_putc(b, (char)c);
        } else {
            char esc[3] = { '%', hex[c >> 4], hex[c & 15u] };
            hc_buf_put(b, esc, sizeof esc);
        }
    }
}
