/* What the client driver tests share (test_client_*.c): one client on a
 * scripted mock port, GET requests begun through the request layer, both
 * drivers, and the bytes the mock captured. Time is the mock's virtual
 * clock, so every timing assertion is exact. Test code (cmocka). */
#ifndef CLIENT_ENV_H
#define CLIENT_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthchecks/hc_client.h"
#include "hc_port_mock.h"
#include "hc_request.h"

#define OK_RESPONSE "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
#define OK_KEEP "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nOK"
#define UNAVAILABLE "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"
#define NOT_FOUND "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"
#define EXPECTED_GET "GET /ping/abc HTTP/1.1\r\nHost: hc.test\r\nConnection: close\r\n\r\n"

/* The client and all its memory. */
typedef struct fixture {
    hc_mock_t mock;
    hc_transport_t tp;
    hc_client_t client;
    hc_config_t cfg;
    uint8_t work[512];
    uint8_t capture[4096];
} fixture_t;

extern fixture_t fx;

/* A connection answering @p response (a whole response). */
hc_mock_conn_t answer(const char *response);

/* Start fx over @p script: ping base http://hc.test/ping, API base
 * http://hc.test/api, the defaults otherwise. */
void setup_with(const hc_mock_conn_t *script, size_t n);

/* Initialise fx.client again from fx.cfg (after changing it). */
void reinit(void);

/* Begin and start GET <ping base><path>. */
hc_err_t start_get(const char *path, bool idempotent);

/* start_get(), idempotent, then the blocking driver. */
hc_err_t blocking_get(const char *path);

/* Polls until done; asserts no poll moved the virtual clock (a poll that
 * waits would) and at most @p limit polls; returns the number of polls. */
unsigned poll_to_end(hc_err_t *result, unsigned limit);

/* Park @p len bytes of @p bytes at the end of @p target's buffer as
 * @p req's body prefix, the way the outbox parks its late line; bytes that
 * do not fit overflow @p target. */
void park_body_prefix(hc_buf_t *target, hc_request_t *req, const void *bytes, size_t len);

/* The mock captured exactly @p expected. */
void captured_equals(const char *expected);

#endif /* CLIENT_ENV_H */
