/* Internal to the library (not installed): the character rules every
 * module shares, so each exists once: decimal and hex digits, letters,
 * control bytes, the HTTP token rule, the slug and UUID shapes (and a
 * UUID's text), and the check that keeps a value from breaking out of a
 * request line or header.
 *
 * The byte tests take an int holding a byte, either as an unsigned char
 * (0..255) or as a plain char (a negative value then counts as a byte of
 * 0x80 or more): both give the same answer. They are inline because each
 * compiles to two or three instructions, fewer than a call. */
#ifndef HC_LEX_H
#define HC_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthchecks/hc_error.h"

/** True for '0'..'9'. */
static inline bool hc_lex_is_digit(int c)
{
    return (unsigned)(c - '0') < 10u;
}

/** True for an ASCII letter. (c | 0x20 folds upper case onto lower case
 *  and maps no other byte onto a letter.) */
static inline bool hc_lex_is_alpha(int c)
{
    return (unsigned)((c | 0x20) - 'a') < 26u;
}

/** The value of hex digit @p c (either case): 0..15, or -1 when @p c is
 *  not a hex digit. */
static inline int hc_lex_hex_value(int c)
{
    unsigned d = (unsigned)(c - '0');
    if (d < 10u)
        return (int)d;
    d = (unsigned)((c | 0x20) - 'a');
    return d < 6u ? (int)d + 10 : -1;
}

/** True for '0'..'9' and 'a'..'f' (lowercase only, as in ping URLs and
 *  unique keys). */
static inline bool hc_lex_is_lower_hex(int c)
{
    return hc_lex_is_digit(c) || (unsigned)(c - 'a') < 6u;
}

/** True for a control byte: below 0x20 (NUL, TAB, CR, LF included) or DEL. */
static inline bool hc_lex_is_ctl(int c)
{
    return (unsigned)c < 0x20u || c == 0x7f;
}

/** True for a byte no header value may hold: a control byte other than
 *  TAB (so NUL, CR and LF among them). */
static inline bool hc_lex_is_unsafe_in_header(int c)
{
    return ((unsigned)c < 0x20u && c != '\t') || c == 0x7f;
}

/** True for a byte of a check's slug: a-z, 0-9, '-' or '_'. */
static inline bool hc_lex_is_slug_char(int c)
{
    return (unsigned)(c - 'a') < 26u || hc_lex_is_digit(c) || c == '-' || c == '_';
}

/** One bit per byte from 0x20 to 0x7f, set for the token characters. */
extern const uint32_t hc_lex_tchar_bits[3];

/**
 * True if @p c may appear in an HTTP token (RFC 9110 tchar): a visible
 * ASCII byte other than the separators "(),/:;<=>?@[\]{} and the quote.
 * Shared by the engine (header names, every byte of which passes here: a
 * bit test is a few instructions where a search of the separators is
 * dozens) and the client (request methods).
 * @param c a byte value (0..255), as from an unsigned char
 */
static inline bool hc_is_tchar(int c)
{
    unsigned i = (unsigned)c - 0x20u;
    return i < 96u && ((hc_lex_tchar_bits[i >> 5] >> (i & 31u)) & 1u);
}

/** True if @p s is a canonical UUID (8-4-4-4-12 hex digits). With
 *  @p lowercase_only, uppercase hex is refused (as in ping URLs). NULL is
 *  not a UUID. */
bool hc_is_uuid(const char *s, bool lowercase_only);

/** Write 16 bytes as a lowercase UUID (8-4-4-4-12 hex digits) and a NUL
 *  into @p out: run ids, made or kept. */
void hc_lex_uuid_text(const uint8_t bytes[16], char out[37]);

/**
 * Check that @p s (NUL-terminated) may go into a request line or a header
 * value: no CR, LF or other control byte (DEL included) except TAB.
 * @return HC_OK, HC_ERR_ARG for NULL, or HC_ERR_UNSAFE_CHAR.
 */
hc_err_t hc_check_header_value(const char *s);

/** Same as hc_check_header_value() for @p n bytes that may contain NUL,
 *  which is then rejected too. A NULL @p s is HC_ERR_ARG even when @p n is 0. */
hc_err_t hc_check_header_bytes(const char *s, size_t n);

#endif /* HC_LEX_H */
