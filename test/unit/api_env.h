/* What the Management API tests over the mock port share (test_api_*.c):
 * one client and API session on a scripted mock, responses built from a
 * status and a body, the two ways to drive a call, and list runs in every
 * delivery mode. Test code (cmocka). */
#ifndef API_ENV_H
#define API_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthchecks/hc_api.h"
#include "hc_port_mock.h"

#define KEY "hcw_0123456789abcdef0123456789ab"
#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define MAX_ITEMS 32
#define POLL_LIMIT 5000000u

/* The client, its API session and all their memory. */
typedef struct fixture {
    hc_mock_t mock;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    hc_api_t api;
    uint8_t work[1024];
    char elem[4096];
    jsmntok_t tok[256];
    uint8_t capture[16384];
} fixture_t;

extern fixture_t fx;

/* Start fx over @p script with an element buffer of @p elem_size bytes and
 * @p n_tok tokens. */
void setup_mem(const hc_mock_conn_t *script, size_t n, size_t elem_size, unsigned n_tok);

/* The memory every endpoint is meant to work with: 2 KB, 80 tokens. */
void setup(const hc_mock_conn_t *script, size_t n);

/* ------------------------------------------------------------- responses */

typedef enum framing { LENGTH, CHUNKED, CLOSE } framing_t;

/* A JSON response with @p status and @p body, framed as asked, in one of a
 * few rotating slots (a script may hold several). */
const char *response(const char *status, const char *body, framing_t framing);

/* A connection answering @p raw (a whole response). */
hc_mock_conn_t answer(const char *raw);

/* A connection answering @p body with a Content-Length. */
hc_mock_conn_t json(const char *status, const char *body);

/* The body of a recorded response (points into @p raw). */
const char *body_of(const char *raw);

/* ---------------------------------------------------------------- driving */

/* Check the call started, then wait for its end. */
hc_err_t wait_for(hc_err_t started);

/* Check the call started, then poll to its end; no poll may move the
 * virtual clock (a poll that waited would). *in_progress (may be NULL)
 * counts the HC_IN_PROGRESS answers. */
hc_err_t poll_for(hc_err_t started, unsigned *in_progress);

/* No connection was made and no byte sent. */
void nothing_sent(void);

/* ------------------------------------------------------------ list helpers */

typedef enum endpoint { EP_CHECKS, EP_PINGS, EP_FLIPS, EP_CHANNELS, EP_BADGES } endpoint_t;

/* The size of one element of list @p ep. */
size_t item_size(endpoint_t ep);

/* Start list @p ep (on UUID where it takes a check) into @p out. */
hc_err_t start_list(endpoint_t ep, hc_list_t *out);

/* Callback mode: keeps a copy of every element (up to MAX_ITEMS), and can
 * stop the call with an error at element @c stop_at (1-based). */
typedef union any_item {
    hc_check_t check;
    hc_received_ping_t ping;
    hc_flip_t flip;
    hc_channel_t channel;
    hc_badge_t badge;
} any_item_t;

typedef struct kept {
    size_t size;
    size_t n;
    unsigned stop_at;
    hc_err_t stop_with;
    any_item_t items[MAX_ITEMS];
} kept_t;

/* A list's each callback filling a kept_t. */
hc_err_t keep(void *ctx, const void *item);

/* Both runs decoded the same elements, byte for byte. */
bool same_items(const kept_t *a, const kept_t *b);

/* How a response reaches the client. */
typedef enum mode { WHOLE, BYTEWISE, STORMS, RECHUNKED, RECLOSED, N_MODES } mode_t_;

extern const char *const mode_names[N_MODES];

/* Run list @p ep over @p raw (a whole response) delivered as @p mode, in
 * callback mode; the decoded elements go to @p k. */
hc_err_t run_list(endpoint_t ep, const char *raw, mode_t_ mode, kept_t *k);

#endif /* API_ENV_H */
