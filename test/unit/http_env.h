/* What the HTTP engine's response tests share (test_http_response.c,
 * test_http_malformed.c): a harness that feeds a response whole, one byte
 * at a time and split in two at every point, each piece copied into its
 * own exactly-sized heap block so that AddressSanitizer catches any read
 * past what the engine was given, and checks that every way gives the same
 * outcome. Test code (cmocka). */
#ifndef HTTP_ENV_H
#define HTTP_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthchecks/hc_http.h"

#define BODY_CAP 65536

/* How a response is received. */
typedef struct spec {
    bool head_request;
    uint32_t max_body;
    bool no_sink;
    hc_err_t sink_err; /* what the sink returns on every call */
} spec_t;

/* What came of one feed. */
typedef struct outcome {
    hc_err_t before_eof; /* the last feed result */
    hc_err_t result;     /* after hc_http_feed_eof() if the feeds left it open */
    bool headers_done;
    hc_http_response_t resp;
    size_t consumed;
    size_t sink_calls;
    size_t body_len;
    uint8_t body[BODY_CAP];
} outcome_t;

/* The whole feed's outcome, and the latest other one, of check_bytes(). */
extern outcome_t ref_outcome, cur_outcome;

/* Feeds @p data in pieces: bytewise, or [0,split) + empty + [split,len). */
void run(const spec_t *spec, const uint8_t *data, size_t len, size_t split, bool bytewise,
         outcome_t *o);

/* Two outcomes agree in everything a caller can see. */
void assert_same(const outcome_t *a, const outcome_t *b, const spec_t *spec);

/* Whole, bytewise and every two-piece split must agree; returns the
 * outcome of the whole feed. */
const outcome_t *check_bytes(const spec_t *spec, const uint8_t *data, size_t len);

/* check_bytes() over NUL-terminated @p text. */
const outcome_t *check_spec(const spec_t *spec, const char *text);

/* check_spec() with a plain spec: a sink that takes everything. */
const outcome_t *check(const char *text);

/* The body delivered was exactly @p body. */
void assert_body(const outcome_t *o, const char *body);

#endif /* HTTP_ENV_H */
