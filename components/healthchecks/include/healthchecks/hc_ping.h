/**
 * @file hc_ping.h
 * @brief The Pinging API: success, start, fail, log and exit-status signals,
 *        by UUID or by ping key + slug, with run ids, bodies and retries.
 *
 * Every ping is validated before a byte is sent. A ping counts as delivered
 * only on a 2xx whose text is not the hosted service's "OK (not found)" or
 * "OK (rate-limited)".
 */
#ifndef HC_PING_H
#define HC_PING_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a ping reports. */
typedef enum hc_signal {
    HC_SIGNAL_SUCCESS, /**< `<check>` */
    HC_SIGNAL_START,   /**< `<check>/start` */
    HC_SIGNAL_FAIL,    /**< `<check>/fail` */
    HC_SIGNAL_LOG,     /**< `<check>/log`: recorded, changes no state */
    HC_SIGNAL_EXIT     /**< `<check>/<exit_status>`: 0 success, else failure */
} hc_signal_t;

/** HTTP method of a ping. */
typedef enum hc_method {
    HC_METHOD_AUTO,  /**< POST when there is a body, else GET */
    HC_METHOD_GET,
    HC_METHOD_HEAD,  /**< no body allowed; no response text either, so the
                          hosted service's "OK (not found)" goes unseen */
    HC_METHOD_POST
} hc_method_t;

/** One ping. Zero-initialise, then set the target and what you need. The
 *  strings and the body are the caller's and are not copied. */
typedef struct hc_ping {
    hc_signal_t signal;       /**< what the ping reports */
    unsigned exit_status;     /**< 0..255, for HC_SIGNAL_EXIT */
    const char *uuid;         /**< canonical lowercase UUID; or NULL to use @c slug */
    const char *slug;         /**< [a-z0-9-_]{1,100}, with the config's ping key */
    const char *rid;          /**< run id (a UUID), or NULL; see hc_rid_new() */
    bool create;              /**< slug pings: create the check if missing (201) */
    hc_method_t method;       /**< HTTP method; HC_METHOD_AUTO picks one */
    const uint8_t *body;      /**< sent from this memory, not copied; or NULL */
    size_t body_len;          /**< bytes at @c body */
    bool body_tail;           /**< send only the last Ping-Body-Limit bytes when
                                   the body is larger (limit learned earlier) */
} hc_ping_t;

/** What became of a ping. */
typedef struct hc_ping_result {
    bool delivered;          /**< the server recorded it */
    bool created;            /**< 201: create=1 made the check */
    uint16_t status;         /**< HTTP status, 0 when no response arrived */
    size_t body_sent;        /**< body bytes that went out (fewer than given
                                  when body_tail cut the head of the body, 0
                                  when the connection failed first) */
    bool has_body_limit;     /**< the server announced Ping-Body-Limit (now or earlier) */
    uint32_t body_limit;     /**< that limit in bytes, when @c has_body_limit (else 0) */
    const char *text;        /**< server's response text (owned by the client, valid
                                  until its next request) */
} hc_ping_result_t;

/**
 * Send a ping and wait for its end (retries included), at most until the
 * client's deadline.
 * @param[in,out] c   the client; no other request may be running on it
 * @param[in]     p   the ping; read during the call only
 * @param[out]    out what became of it; may be NULL. When the ping is
 *                    refused before sending, it is all zero (text "").
 * @return HC_OK when delivered; otherwise why not, as hc_ping_poll() (never
 *         HC_IN_PROGRESS), or a refusal as hc_ping_validate().
 */
hc_err_t hc_ping_send(hc_client_t *c, const hc_ping_t *p, hc_ping_result_t *out);

/**
 * Start a ping without blocking; then call hc_ping_poll() until it stops
 * returning HC_IN_PROGRESS. Nothing is sent yet.
 * @param[in,out] c the client; no other request may be running on it
 * @param[in]     p the ping; it and its body must stay valid and unchanged
 *                  until the ping has ended
 * @return HC_OK when started, or a validation error (as
 *         hc_ping_validate()), HC_ERR_BUSY, HC_ERR_URL, HC_ERR_NO_TLS,
 *         HC_ERR_BUFFER, or HC_ERR_UNSAFE_CHAR / HC_ERR_HEADER_RESERVED (a
 *         header of the client's config that no longer passes
 *         hc_http_check_headers(), or a user agent with a control byte);
 *         then nothing is sent.
 */
hc_err_t hc_ping_send_begin(hc_client_t *c, const hc_ping_t *p);

/**
 * Advance a ping started with hc_ping_send_begin(); never blocks.
 * @param[in,out] c   the client
 * @param[out]    out filled when the ping has ended; may be NULL
 * @return HC_IN_PROGRESS; HC_OK when delivered; otherwise why not:
 *         a transport error, HC_ERR_NOT_FOUND (also for "OK (not found)"),
 *         HC_ERR_RATE_LIMITED (429 or "OK (rate-limited)"),
 *         HC_ERR_CONFLICT (ambiguous slug), HC_ERR_BAD_REQUEST,
 *         HC_ERR_UNAUTHORIZED / HC_ERR_FORBIDDEN, HC_ERR_SERVER, ...
 */
hc_err_t hc_ping_poll(hc_client_t *c, hc_ping_result_t *out);

/**
 * Check a ping without sending anything (hc_ping_send() and
 * hc_ping_send_begin() do it too).
 * @param[in] c the client (its ping key serves slug pings)
 * @param[in] p the ping
 * @return HC_OK; HC_ERR_ARG (no target, both uuid and slug, malformed uuid
 *         or rid, slug not [a-z0-9-_], slug without a ping key, create on a
 *         uuid ping, HEAD with a body); HC_ERR_RANGE (exit status > 255);
 *         HC_ERR_TOO_LONG (slug over 100); HC_ERR_UNSAFE_CHAR (control
 *         bytes in the ping key).
 */
hc_err_t hc_ping_validate(const hc_client_t *c, const hc_ping_t *p);

/**
 * Make a fresh random (version 4) UUID for a run id, from the transport's
 * random source.
 * @param[in]  c   the client
 * @param[out] out 37 bytes: the UUID, lowercase, NUL-terminated
 * @return HC_OK, or HC_ERR_ARG when the transport has no random source or
 *         it failed.
 */
hc_err_t hc_rid_new(const hc_client_t *c, char out[37]);

#ifdef __cplusplus
}
#endif

#endif /* HC_PING_H */
