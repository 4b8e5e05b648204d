/* Internal to the library (not installed): the one place jsmn's parser is
 * compiled and called. It tokenizes text the grammar check (hc_jscan) has
 * already accepted: jsmn checks too little to be trusted with anything
 * else, even in strict mode. */
#ifndef HC_JSMN_H
#define HC_JSMN_H

#include <stdbool.h>
#include <stddef.h>

#include "healthchecks/hc_error.h"
#include "healthchecks/hc_json.h"

/**
 * Tokenize one JSON value with jsmn_parse() (strict mode).
 * @param[out] doc     the tokenized element
 * @param[in]  js      the text, which hc_jscan accepted as one JSON value;
 *                     not copied: must outlive @p doc
 * @param[in]  len     its length in bytes
 * @param[out] tok     @p max_tok tokens, at least 1; must outlive @p doc
 * @param[in]  max_tok tokens in @p tok
 * @param[in]  ascii   what the grammar check found (hc_json_t::ascii)
 * @return HC_OK; HC_ERR_JSON_TOO_LARGE (more than @p max_tok tokens);
 *         HC_ERR_JSON (longer than INT_MAX, or jsmn refused the text).
 */
hc_err_t hc_jsmn_tokenize(hc_json_t *doc, const char *js, size_t len, jsmntok_t *tok,
                          unsigned max_tok, bool ascii);

#endif /* HC_JSMN_H */
