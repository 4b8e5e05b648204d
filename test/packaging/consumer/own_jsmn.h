/* The consumer's own use of jsmn (own_jsmn.c). */
#ifndef OWN_JSMN_H
#define OWN_JSMN_H

#include <stddef.h>

/** Tokens jsmn_parse() finds in @p js (at most 16), or its error. */
int own_jsmn_count(const char *js, size_t len);

#endif /* OWN_JSMN_H */
