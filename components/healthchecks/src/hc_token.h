/* Internal to the library (not installed): the HTTP token rule, shared so
 * the engine (header names) and the client (request methods) carry one
 * copy of it instead of one each. */
#ifndef HC_TOKEN_H
#define HC_TOKEN_H

#include <stdbool.h>

/**
 * True if @p c may appear in an HTTP token (RFC 9110 tchar): a visible
 * ASCII byte other than the separators "(),/:;<=>?@[\]{} and the quote.
 * @param c a byte value (0..255), as from an unsigned char
 */
bool hc_is_tchar(int c);

#endif /* HC_TOKEN_H */
