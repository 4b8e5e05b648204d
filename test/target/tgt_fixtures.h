/* The recorded responses of a real Healthchecks server, compiled in as
 * data (the build generates the table from test/fixtures with
 * gen_fixtures.py), with what an independent JSON parser read in each
 * JSON body. */
#ifndef TGT_FIXTURES_H
#define TGT_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What a response's body is. */
typedef enum tgt_body_kind {
    TGT_BODY_TEXT,    /**< not JSON (or a HEAD response, which has no body) */
    TGT_BODY_LIST,    /**< {"<list_key>": [...]} or, for badges, {"badges": {...}} */
    TGT_BODY_CHECK,   /**< one check object */
    TGT_BODY_ERROR,   /**< {"error": "<error>"} */
    TGT_BODY_OBJECT   /**< another object: items are its members */
} tgt_body_kind_t;

/** Expected values of one element; which fields mean what depends on the
 *  list (and strings are NULL where the server sent none):
 *  checks:   s1 name, s2 slug, n1 n_pings, n2 last_ping (UNIX s, 0 for null)
 *  pings:    s1 type, s2 rid ("" for null), n1 n, n2 date (UNIX s)
 *  flips:    n1 timestamp (UNIX s), n2 up (0/1)
 *  channels: s1 id, s2 name
 *  badges:   s1 tag, s2 svg
 *  a TGT_BODY_CHECK's one item is as for checks; a TGT_BODY_OBJECT's items
 *  are its members: s1 name, s2 the string value or NULL, n1 the integer
 *  value when n2 is 1. */
typedef struct tgt_item {
    const char *s1, *s2;
    int64_t n1, n2;
} tgt_item_t;

/** One recorded response. */
typedef struct tgt_fixture {
    const char *name;            /**< file name without ".http" */
    const char *method;          /**< of the request that got it */
    uint16_t status;
    const uint8_t *data;         /**< status line, headers and body */
    size_t len;
    size_t body_at;              /**< where the body begins in @c data */
    size_t body_len;             /**< body bytes the client gets (0 for HEAD) */
    const char *content_type;    /**< Content-Type, "" when none */
    int32_t ping_body_limit;     /**< Ping-Body-Limit, -1 when none */
    bool keep_alive;             /**< Connection: keep-alive */
    tgt_body_kind_t kind;
    const char *list_key;        /**< TGT_BODY_LIST: "checks", "pings", ... */
    size_t n_items;
    const tgt_item_t *items;
    const char *error;           /**< TGT_BODY_ERROR: the server's text */
} tgt_fixture_t;

extern const tgt_fixture_t tgt_fixtures[];
extern const size_t tgt_fixture_count;

#endif /* TGT_FIXTURES_H */
