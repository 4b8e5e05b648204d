/* Text from a server, made safe for a terminal: no byte a server sends
 * moves the cursor, sets the window title, clears the screen or forges a
 * row. Control characters (C0, DEL, C1), bidirectional-text controls and
 * line separators are shown as escapes, invalid UTF-8 as U+FFFD. */
#ifndef HC_CLI_TEXT_H
#define HC_CLI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** Code point cli_utf8_next() gives a byte that is not UTF-8. */
#define CLI_NOT_UTF8 0xFFFFFFFFu

/**
 * The character at @p s (@p n > 0 bytes available): its code point in
 * *cp (CLI_NOT_UTF8 for a malformed byte) and its length in bytes.
 * @return 1..4; 0 when the @p n bytes end inside a character that may yet
 *         be well formed (more bytes are needed to tell).
 */
size_t cli_utf8_next(const char *s, size_t n, uint32_t *cp);

/** True for a code point that changes what a terminal shows other than by
 *  printing a glyph: C0 controls, DEL, C1 controls, bidirectional-text
 *  controls (U+200E/F, U+202A..E, U+2066..9) and U+2028/9. */
bool cli_is_unsafe(uint32_t cp);

/**
 * Write @p n bytes of @p s to @p f with every unsafe character escaped:
 * \\n \\r \\t, else \\xNN (C0, DEL) or \\uNNNN; a byte that is not UTF-8 as
 * U+FFFD. With @p keep_lines, LF and TAB go out as they are (multi-line
 * text such as a ping body).
 * @param final false when more bytes follow: a character cut at the end
 *              is then left for the next call.
 * @return the bytes consumed (all of them when @p final).
 */
size_t cli_safe_write(FILE *f, const char *s, size_t n, bool keep_lines, bool final);

/** cli_safe_write() of a whole string, on one line. */
void cli_safe_puts(FILE *f, const char *s);

/** A safe copy of @p s, for cells measured before they are printed;
 *  free() it. NULL only when out of memory. */
char *cli_safe_dup(const char *s);

#endif /* HC_CLI_TEXT_H */
