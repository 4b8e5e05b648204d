/* Internal to the library (not installed): the request layer the ping and
 * management modules build on. A module begins a request
 * (hc_request_begin), appends its target, starts it (hc_request_start),
 * then drives it with hc_client_poll() or hc_client_wait() and maps the
 * response status with hc_status_error(). The outbox sends a ping through
 * the ping layer's two halves (hc_ping_prepare, hc_ping_wait) with a body
 * prefix between them (see hc_request_start()). Applications use those
 * modules, never this layer. */
#ifndef HC_REQUEST_H
#define HC_REQUEST_H

#include <stdint.h>

#include "healthchecks/hc_buf.h"
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_error.h"

struct hc_ping;
struct hc_ping_result;

/** Which base URL a request goes to. */
typedef enum hc_base { HC_BASE_PING, HC_BASE_API } hc_base_t;

/**
 * Begin a request: checks the client is idle, parses the base URL and
 * writes "METHOD /prefix" into the work buffer. The caller appends the rest
 * of the target (already percent-encoded) to @p target.
 * @return HC_OK, HC_ERR_BUSY, HC_ERR_URL, HC_ERR_NO_TLS, HC_ERR_ARG.
 */
hc_err_t hc_request_begin(hc_client_t *c, hc_buf_t *target, hc_base_t base,
                          const char *method);

/**
 * Finish the head and start the exchange (no I/O happens here). @p req is
 * copied; the body and sink context it points to must stay valid until the
 * request ends. Then drive it with hc_client_poll() or hc_client_wait().
 *
 * A body may start with bytes from the work buffer (the outbox's late
 * line): @p req->body_prefix_len of them, parked at the end of the buffer,
 * at target->data + target->cap (lower the cap by their length, and set
 * has_body). They count in Content-Length; this moves them right behind
 * the head, and every attempt sends them from there.
 * @return HC_OK; HC_ERR_ARG (NULL, a body length without a body, an empty
 *         method or target, or a method that begins with a space);
 *         HC_ERR_BUSY; HC_ERR_BUFFER (head plus 64 bytes of receive space do
 *         not fit the work buffer); HC_ERR_UNSAFE_CHAR (a method that is not
 *         a token, a target with a space or control byte, or a header value
 *         with CR, LF or NUL); HC_ERR_HEADER_RESERVED (an extra header the
 *         library writes itself); HC_ERR_RANGE (a body over 4 GiB).
 */
hc_err_t hc_request_start(hc_client_t *c, hc_buf_t *target, const hc_request_t *req);

/**
 * The first half of hc_ping_send_begin(), for the outbox: validate @p p
 * and write its request line into the work buffer (@p target), with its
 * body in @p req, ready for hc_request_start() (after parking a body
 * prefix, for a late ping).
 * @return HC_OK, or as hc_ping_send_begin()
 */
hc_err_t hc_ping_prepare(hc_client_t *c, const struct hc_ping *p, hc_buf_t *target,
                         hc_request_t *req);

/**
 * Run a ping started with hc_request_start() to its end, blocking at most
 * until the client's deadline (the second half of hc_ping_send()).
 * @return as hc_ping_send()
 */
hc_err_t hc_ping_wait(hc_client_t *c, struct hc_ping_result *out);

/**
 * Advance the request without ever blocking. One call goes on while its
 * transport calls make progress, up to 32 of them (a response arriving
 * byte by byte cannot hold the caller's loop), and returns after the
 * first that makes none.
 * @return HC_IN_PROGRESS, or the final result: HC_OK when a response
 *         arrived (whatever its status; see hc_client_status()), or the
 *         error of the last attempt (HC_ERR_ABORTED after an abort). With
 *         no request running it repeats the latest result.
 */
hc_err_t hc_client_poll(hc_client_t *c);

/** Run the request to its end, blocking at most until the deadline.
 *  @return as hc_client_poll(), never HC_IN_PROGRESS. */
hc_err_t hc_client_wait(hc_client_t *c);

/**
 * The error a response status means, for modules that map statuses:
 * 2xx → HC_OK, 400 → HC_ERR_BAD_REQUEST, 401 → HC_ERR_UNAUTHORIZED,
 * 403 → HC_ERR_FORBIDDEN, 404 → HC_ERR_NOT_FOUND, 409 → HC_ERR_CONFLICT,
 * 413 → HC_ERR_PAYLOAD_TOO_LARGE, 429 → HC_ERR_RATE_LIMITED,
 * 5xx → HC_ERR_SERVER, anything else → HC_ERR_HTTP_STATUS.
 */
hc_err_t hc_status_error(uint16_t status);

#endif /* HC_REQUEST_H */
