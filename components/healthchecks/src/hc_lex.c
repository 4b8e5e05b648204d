/* The shared character rules; see hc_lex.h. */
#include "hc_lex.h"

#include <stdint.h>
#include <string.h>

const uint32_t hc_lex_tchar_bits[3] = { 0x03ff6cfau, 0xc7fffffeu, 0x57ffffffu };

bool hc_is_uuid(const char *s, bool lowercase_only)
{
    /* 36 characters: hex digits, with '-' at 8, 13, 18 and 23 (the set
     * bits of dash, shifted out one per character). Reading stops at the
     * first mismatch, NUL included. */
    uint32_t dash = 1u << 8 | 1u << 13 | 1u << 18 | 1u << 23;
    /* Past the digits, c | fold is in a..f only for a hex letter allowed. */
    const int fold = lowercase_only ? 0 : 0x20;
    if (!s)
        return false;
    for (const char *end = s + 36; s < end; s++, dash >>= 1) {
        int c = *s;
        bool ok = dash & 1u ? c == '-' : hc_lex_is_digit(c) || (unsigned)((c | fold) - 'a') < 6u;
        if (!ok)
            return false;
    }
    return *s == '\0';
}

void hc_lex_uuid_text(const uint8_t bytes[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 16; i++) {
        /* a dash before bytes 4, 6, 8 and 10 */
        if (i >= 4 && i <= 10 && !(i & 1u))
            *out++ = '-';
        *out++ = hex[bytes[i] >> 4];
        *out++ = hex[bytes[i] & 15u];
    }
    *out = '\0';
}

hc_err_t hc_check_header_bytes(const char *s, size_t n)
{
    if (s == NULL)
        return HC_ERR_ARG;
    for (size_t i = 0; i < n; i++) {
        if (hc_lex_is_unsafe_in_header((unsigned char)s[i]))
            return HC_ERR_UNSAFE_CHAR;
    }
    return HC_OK;
}

hc_err_t hc_check_header_value(const char *s)
{
    return s == NULL ? HC_ERR_ARG : hc_check_header_bytes(s, strlen(s));
}
