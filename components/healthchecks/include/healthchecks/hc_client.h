/**
 * @file hc_client.h
 * @brief The client: configuration, and the blocking and non-blocking
 *        drivers that move bytes between the HTTP engine and a transport.
 *
 * Both drivers run the same state machine (connect, send, receive, back off
 * and retry); the blocking one lets the transport wait until the current
 * deadline, the non-blocking one never lets it wait. A client belongs to
 * one thread or task at a time; two clients share nothing.
 *
 * Applications make requests through the ping (hc_ping.h), management
 * (hc_api.h) and run-wrapper (hc_trap.h) modules.
 */
#ifndef HC_CLIENT_H
#define HC_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_buf.h"
#include "healthchecks/hc_config.h"
#include "healthchecks/hc_error.h"
#include "healthchecks/hc_http.h"
#include "healthchecks/hc_transport.h"
#include "healthchecks/hc_url.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Runtime settings. Strings, headers and the work buffer are the
 *  caller's and must outlive the client; none is copied. */
typedef struct hc_config {
    const char *ping_url;      /**< ping base, e.g. "https://hc-ping.com" */
    const char *api_url;       /**< management base, e.g. "https://healthchecks.io/api" */
    const char *ping_key;      /**< project ping key (slug pings), or NULL */
    const char *api_key;       /**< management key, or NULL */
    const char *user_agent;    /**< User-Agent, or NULL to send none */
    const hc_header_t *extra_headers; /**< sent with every request, or NULL; no
                                           name the library writes itself
                                           (Host, Content-Length, User-Agent,
                                           ...: the list is at hc_header_t) */
    size_t n_extra_headers;    /**< entries in @c extra_headers */

    const hc_transport_t *transport;     /**< for http:// */
    const hc_transport_t *tls_transport; /**< for https://, or NULL */

    uint8_t *work;             /**< request head, then receive space */
    size_t work_size;          /**< bytes at @c work; 512 is enough for any ping */

    uint32_t connect_timeout_ms; /**< DNS + TCP connect + TLS handshake */
    uint32_t io_timeout_ms;      /**< longest wait without send/receive progress */
    uint32_t request_timeout_ms; /**< one attempt, from connect to the last byte */
    uint32_t deadline_ms;        /**< all attempts and back-off together */
    uint8_t max_attempts;        /**< 1 = no retry */
    uint32_t backoff_ms;         /**< first back-off; doubles per retry, with jitter */
    uint32_t backoff_max_ms;     /**< cap of one back-off */
    bool keep_alive;             /**< keep the connection for the next request */
    uint8_t api_version;         /**< management API version: 1, 2 or 3 */
} hc_config_t;

/** The options of the request in flight. Opaque: part of hc_client_t only
 *  because the client holds it (it sets the struct's size). */
typedef struct hc_request {
    /** @cond INTERNAL */
    const char *content_type;  /* or NULL */
    const uint8_t *body;       /* sent from this memory, not copied; or NULL */
    size_t body_len;
    bool has_body;             /* send Content-Length even when 0 */
    bool send_api_key;         /* add X-Api-Key from the config */
    bool idempotent;           /* may be retried after bytes were sent */
    uint32_t max_body;         /* largest response body accepted; 0 = no limit */
    hc_body_sink_fn sink;      /* receives a 2xx response's body; or NULL. Once it
                                  has received bytes, a failed attempt is not
                                  retried (it cannot take them back). */
    void *sink_ctx;
    size_t body_prefix_len;    /* the body's first bytes, parked at the end of
                                  the work buffer (the outbox's late line) */
    /** @endcond */
} hc_request_t;

/**
 * A client. Opaque: read it through the hc_client_*() accessors. The
 * caller owns the memory (a static, a global, a task's stack) and gives it
 * to one thread or task at a time.
 *
 * One request runs at a time; each goes through these states, retrying
 * within the deadline (hc_config_t::deadline_ms):
 * @dotfile hc_client_states.dot "The states of a request"
 */
typedef struct hc_client {
    /** @cond INTERNAL */
    /* What every step reads and writes comes first: Thumb code reaches the
     * first 32 bytes (128 for words) with its short instructions. */
    uint8_t state;                 /* see hc_client_states.dot */
    uint8_t attempt;               /* attempts started for this request */
    bool head_request;             /* the method is HEAD */
    bool connected;
    bool progressed;               /* the latest step moved the request forward */
    bool reused;                   /* this attempt runs on a kept-alive connection */
    bool sent_any;                 /* this attempt sent at least one byte */
    bool sink_fed;                 /* this attempt gave body bytes to the caller's sink */
    hc_err_t result;
    hc_err_t last_error;           /* error of the latest failed attempt */
    uint16_t status;               /* status of the latest response, 0 if none */
    bool has_ping_body_limit;
    bool text_truncated;
    uint8_t text_len;
    uint32_t t_start;              /* request began */
    uint32_t t_attempt;            /* attempt began */
    uint32_t t_progress;           /* last send/receive progress */
    uint32_t t_resume;             /* end of the current back-off */
    uint32_t ping_body_limit;      /* learned from Ping-Body-Limit */
    const hc_transport_t *tp;      /* transport of the open connection */
    size_t head_len;
    hc_config_t cfg;
    hc_request_t req;
    hc_http_t http;
    hc_url_t url;                  /* where the request goes (and the open connection) */
    char text[HC_TEXT_MAX];        /* first bytes of the latest response body */
    /** @endcond */
} hc_client_t;

/**
 * Fill a configuration with defaults: timeouts 5 s connect, 10 s I/O,
 * 20 s request, 30 s deadline; 3 attempts, 500 ms back-off up to 5 s; no
 * keep-alive; API v3; the hosted service's URLs; no keys, no transports,
 * no work buffer (the caller sets those).
 * @param[out] cfg overwritten entirely
 */
void hc_config_defaults(hc_config_t *cfg);

/**
 * Initialise a client. Do not re-initialise a client whose kept-alive
 * connection is open: hc_client_close() it first.
 * @param[out] c   the client
 * @param[in]  cfg copied; the strings, headers, transports and work buffer
 *                 it points to are not, and must outlive @p c
 * @return HC_OK; HC_ERR_ARG when a transport lacks connect, send, recv,
 *         close or its clock, the work buffer (at least 128 bytes) is
 *         missing, max_attempts is 0, a timeout is 0 or, like a back-off,
 *         2^31 ms or more (the wrap-safe clock arithmetic's range), or
 *         extra_headers is NULL with n_extra_headers > 0; else an extra
 *         header's refusal as hc_http_check_headers() gives it:
 *         HC_ERR_HEADER_RESERVED for a name the library writes itself,
 *         HC_ERR_UNSAFE_CHAR for a name that is not a token or a value
 *         with a control byte, HC_ERR_ARG for a NULL name.
 */
hc_err_t hc_client_init(hc_client_t *c, const hc_config_t *cfg);

/**
 * Close any kept-alive connection. The client stays usable. Does nothing
 * while a request runs (see hc_client_abort()).
 * @param[in,out] c the client
 */
void hc_client_close(hc_client_t *c);

/**
 * Abandon the request in flight (closing its connection); its result
 * becomes HC_ERR_ABORTED. Does nothing when no request runs.
 * @param[in,out] c the client
 */
void hc_client_abort(hc_client_t *c);

/**
 * HTTP status of the latest response.
 * @param[in] c the client
 * @return the status, or 0 if no response arrived
 */
static inline uint16_t hc_client_status(const hc_client_t *c) { return c->status; }

/**
 * The first bytes of the latest response body: the server's message or
 * error text.
 * @param[in] c the client
 * @return NUL-terminated, "" when none; owned by the client and valid
 *         until its next request begins
 */
static inline const char *hc_client_text(const hc_client_t *c) { return c->text; }

/**
 * Whether the latest response body was longer than hc_client_text() keeps
 * (HC_TEXT_MAX - 1 bytes).
 * @param[in] c the client
 * @return true when the text was cut
 */
static inline bool hc_client_text_truncated(const hc_client_t *c) { return c->text_truncated; }

/**
 * The Ping-Body-Limit the server announced on any response so far.
 * @param[in]  c     the client
 * @param[out] limit set to the limit in bytes, only when one was announced
 * @return true when one was announced
 */
static inline bool hc_client_ping_body_limit(const hc_client_t *c, uint32_t *limit)
{
    if (c->has_ping_body_limit)
        *limit = c->ping_body_limit;
    return c->has_ping_body_limit;
}

/**
 * Body bytes of the latest request that went out (after its head).
 * @param[in] c the client
 * @return the count
 */
static inline size_t hc_client_body_sent(const hc_client_t *c)
{
    return c->http.sent > c->head_len ? c->http.sent - c->head_len : 0;
}

/**
 * Attempts made by the latest request (retries included).
 * @param[in] c the client
 * @return the count
 */
static inline uint8_t hc_client_attempts(const hc_client_t *c) { return c->attempt; }

/**
 * The response headers the engine kept for the latest response.
 * @param[in] c the client
 * @return inside the client, valid until its next request begins
 */
static inline const hc_http_response_t *hc_client_response(const hc_client_t *c)
{
    return &c->http.resp;
}

#ifdef __cplusplus
}
#endif

#endif /* HC_CLIENT_H */
