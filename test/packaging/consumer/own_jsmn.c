/* An application's own jsmn, beside the library's: jsmn is header-only, so
 * this file is the one that compiles its code, non-static and non-strict
 * (jsmn's defaults). The library keeps its copy static (JSMN_STATIC), so
 * the two link together without a duplicate symbol. */
#include <jsmn.h>

#include "own_jsmn.h"

int own_jsmn_count(const char *js, size_t len)
{
    jsmn_parser p;
    jsmntok_t tok[16];
    jsmn_init(&p);
    return jsmn_parse(&p, js, len, tok, 16);
}
