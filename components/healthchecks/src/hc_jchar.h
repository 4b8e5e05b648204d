/* Internal to the library (not installed): what each byte is to JSON, as
 * one table that the grammar check (hc_jscan) and the string decoder
 * (hc_json) share. Most bytes of a response pass through a tight loop that
 * asks one of these questions; a lookup answers in a couple of
 * instructions where the same tests as comparisons take up to ten. */
#ifndef HC_JCHAR_H
#define HC_JCHAR_H

#include <stdbool.h>
#include <stdint.h>

/** String content that changes no state: every byte but a control byte,
 *  the quote and the backslash. */
#define HC_JCHAR_PLAIN 1u
/** Whitespace between values: space, tab, LF, CR. */
#define HC_JCHAR_WS 2u
/** The ASCII part of HC_JCHAR_PLAIN: printable ASCII but for the quote and
 *  the backslash, each byte one whole character that a decoded string
 *  keeps as it is. */
#define HC_JCHAR_ASCII 4u

/** The classes of each byte value, a bit set of HC_JCHAR_*. */
extern const uint8_t hc_jchar_class[256];

/** True if byte @p c is in any of the classes @p classes. */
static inline bool hc_jchar_is(char c, unsigned classes)
{
    return (hc_jchar_class[(unsigned char)c] & classes) != 0;
}

#endif /* HC_JCHAR_H */
