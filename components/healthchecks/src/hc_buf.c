/* Bounded text building; see hc_buf.h. */
#include "healthchecks/hc_buf.h"

#include <string.h>

#include "hc_lex.h"

void hc_buf_init(hc_buf_t *b, void *mem, size_t cap)
{
    b->data = (uint8_t *)mem;
    b->cap = mem ? cap : 0;
    b->len = 0;
    b->overflow = false;
}

void hc_buf_put(hc_buf_t *b, const void *p, size_t n)
{
    /* Bytes that cannot be read are bytes missing from the content. */
    if (b->overflow || n > b->cap - b->len || (!p && n)) {
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

/* Divides the 64-bit value hi:lo by 10 in place and returns the remainder.
 * Long division in 32- and 16-bit steps: a plain 64-bit '/' would link
 * libgcc's __aeabi_uldivmod (several hundred bytes) into 32-bit firmware.
 * Each partial dividend is below 10 << 16, so nothing overflows; each
 * remainder comes from its quotient, so a core without a divide
 * instruction makes one library call per step. */
static uint32_t div10(uint32_t *hi, uint32_t *lo)
{
    uint32_t q_hi = *hi / 10u;
    uint32_t mid = (*hi - q_hi * 10u) << 16 | *lo >> 16;
    uint32_t q_mid = mid / 10u;
    uint32_t low = (mid - q_mid * 10u) << 16 | (*lo & 0xffffu);
    uint32_t q_low = low / 10u;
    *hi = q_hi;
    *lo = q_mid << 16 | q_low;
    return low - q_low * 10u;
}

void hc_buf_put_i64(hc_buf_t *b, int64_t v)
{
    char digits[20];
    size_t n = 0;
    /* Work on the magnitude as unsigned so INT64_MIN is representable. */
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint32_t hi = (uint32_t)(m >> 32), lo = (uint32_t)m;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + div10(&hi, &lo));
    } while (hi | lo);
    if (v < 0)
        hc_buf_putc(b, '-');
    hc_buf_put(b, digits + sizeof digits - n, n);
}

static bool is_unreserved(unsigned char c)
{
    return hc_lex_is_alpha(c) || hc_lex_is_digit(c) || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

void hc_buf_put_pct(hc_buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s && n)
        b->overflow = true;  /* bytes that cannot be read are missing */
    for (size_t i = 0; s && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[3] = { '%', hex[c >> 4], hex[c & 15u] };
        /* One append either way: the byte itself, or its escape. */
        if (is_unreserved(c))
            hc_buf_put(b, s + i, 1);
        else
            hc_buf_put(b, esc, sizeof esc);
    }
}
