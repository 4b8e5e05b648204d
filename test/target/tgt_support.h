/* What the target suites that talk through the client share: a client and
 * a management API session over the mock port, in static memory sized for
 * the micro:bit, answering with recorded responses. */
#ifndef TGT_SUPPORT_H
#define TGT_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "hc_mock_client.h"
#include "healthchecks/hc_api.h"
#include "healthchecks/hc_ping.h"
#include "tgt_fixtures.h"

#define TGT_UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define TGT_API_KEY "hcw_0123456789abcdef0123456789ab"
#define TGT_PING_KEY "f2KvnE0ZiALKdzhZFYuHWw"
/** Non-blocking polls a test allows before calling the call hung. */
#define TGT_POLL_LIMIT 200000u

/** The client under test and everything it points into. */
extern hc_test_mock_client_t tgt_mc;
extern hc_api_t tgt_api;
/** Every byte the client sent (NUL-terminated by tgt_sent()). */
#define TGT_CAPTURE_SIZE 1024
extern uint8_t tgt_capture[TGT_CAPTURE_SIZE + 1];

/** The recorded response @p name; fails the test when there is none. */
const tgt_fixture_t *tgt_fixture(const char *name);

/** A script entry answering with fixture @p f's response. */
hc_mock_conn_t tgt_answer(const tgt_fixture_t *f);

/**
 * Set up tgt_mc (ping URL "http://hc.test/ping", API URL
 * "http://hc.test/api" with TGT_API_KEY, ping key TGT_PING_KEY) over
 * @p script, and tgt_api over it with a 2 KB element buffer and 80 tokens;
 * fails the test if either refuses.
 * @param max_attempts 0 for the default (3).
 */
void tgt_setup(const hc_mock_conn_t *script, size_t n, uint8_t max_attempts);

/** Like tgt_setup() with an element buffer of @p elem_size bytes. */
void tgt_setup_mem(const hc_mock_conn_t *script, size_t n, uint8_t max_attempts, size_t elem_size);

/** Polls tgt_api to its end (at most TGT_POLL_LIMIT polls; moving the mock's
 *  clock forward by 1 ms per poll, as time would pass between polls). */
hc_err_t tgt_api_poll_to_end(void);

/** Everything sent, NUL-terminated (the capture holds no NUL of its own). */
const char *tgt_sent(void);

#endif /* TGT_SUPPORT_H */
