/**
 * @file hc_http.h
 * @brief The HTTP/1.1 engine. It does no I/O: it writes a request head into
 *        a caller buffer, tells the driver which bytes to send next, and
 *        consumes response bytes handed to it.
 *
 * Feeding a response one byte at a time gives exactly the result of feeding
 * it whole. Only the headers a client needs are kept (Content-Length,
 * Transfer-Encoding, Connection, Content-Type, Location, Ping-Body-Limit);
 * every other header is skipped without being stored, so a header block of
 * any size needs only the engine's own bounded value buffer.
 */
#ifndef HC_HTTP_H
#define HC_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_buf.h"
#include "healthchecks/hc_config.h"
#include "healthchecks/hc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- request */

/**
 * One caller-supplied header, checked before use (hc_http_check_headers()).
 *
 * The library writes the headers that frame the request and the
 * connection, and those it has a setting for; a caller's copy of one could
 * put two Content-Lengths, or Content-Length and Transfer-Encoding, on the
 * wire. These names are reserved, compared without regard to case:
 * - framing and connection: Host, Content-Length, Transfer-Encoding,
 *   Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade, Expect;
 * - set through the library: User-Agent (hc_config_t::user_agent),
 *   X-Api-Key (hc_config_t::api_key), Content-Type (written with every
 *   request body).
 */
typedef struct hc_header {
    const char *name;   /**< a token (RFC 9110), not a reserved name */
    const char *value;  /**< no CR, LF, NUL or other control byte but TAB;
                             NULL omits the header */
} hc_header_t;

/**
 * Check caller headers: the names are tokens and not reserved (see
 * hc_header_t), the values are safe in a header. hc_client_init() and
 * hc_http_finish_head() run it; a tool may run it first to name the header
 * it refuses.
 * @param[in] headers @p n headers; may be NULL when @p n is 0
 * @param[in] n       how many
 * @return HC_OK; else the first failure: HC_ERR_ARG (@p headers NULL with
 *         @p n > 0, or a NULL name); HC_ERR_UNSAFE_CHAR (an empty name, a
 *         name that is not a token, or a value with a control byte other
 *         than TAB); HC_ERR_HEADER_RESERVED (a reserved name).
 */
hc_err_t hc_http_check_headers(const hc_header_t *headers, size_t n);

/** Everything written after the request line. NULL strings are omitted. */
typedef struct hc_http_head {
    const char *host;          /**< host, no brackets */
    bool host_ipv6;            /**< add brackets in Host */
    uint16_t port;             /**< added to Host unless @c default_port */
    bool default_port;         /**< the scheme's port: Host carries none */
    const char *user_agent;    /**< User-Agent, or NULL */
    const char *api_key;       /**< X-Api-Key, or NULL */
    const char *content_type;  /**< Content-Type, or NULL */
    bool has_body;             /**< write Content-Length (also 0 for an empty POST) */
    size_t content_length;     /**< the body's length, when @c has_body */
    bool keep_alive;           /**< false writes "Connection: close" */
    const hc_header_t *extra;  /**< caller headers, or NULL */
    size_t n_extra;            /**< entries in @c extra */
} hc_http_head_t;

/**
 * Begin a request head: writes "METHOD ". The caller then appends the
 * request target (path and query, already percent-encoded) with hc_buf
 * calls, and finishes with hc_http_finish_head().
 * @param[in,out] out    the buffer the head is written into
 * @param[in]     method "GET", "POST", "HEAD", "DELETE", ... (checked by
 *                       whoever sends the head: the client refuses a
 *                       method that is not a token)
 */
void hc_http_begin_head(hc_buf_t *out, const char *method);

/**
 * Finish a request head: " HTTP/1.1", Host, then the headers of @p h, then
 * the blank line. A value that fails its check is not written, and @p out
 * is marked overflowed so the head can never be sent by mistake.
 * @param[in,out] out the buffer hc_http_begin_head() began
 * @param[in]     h   what to write; read only during the call
 * @return HC_OK; HC_ERR_ARG if @p h->host or an extra header's name is
 *         NULL, or @p h->extra is NULL with @p h->n_extra > 0;
 *         HC_ERR_UNSAFE_CHAR if any value holds CR, LF, NUL
 *         or another control byte except TAB (or an extra header name is
 *         empty or holds a non-token character); HC_ERR_HEADER_RESERVED if
 *         an extra header has a reserved name (see hc_header_t), in which
 *         case no extra header is written; HC_ERR_RANGE if
 *         @p h->content_length does not fit 32 bits; else HC_ERR_BUFFER if
 *         @p out overflowed at any point since hc_http_begin_head().
 */
hc_err_t hc_http_finish_head(hc_buf_t *out, const hc_http_head_t *h);

/* --------------------------------------------------------------- response */

/** What the engine kept of a response. */
typedef struct hc_http_response {
    uint16_t status;               /**< e.g. 200 (the final status, after any 1xx) */
    uint8_t http_minor;            /**< 0 or 1 */
    bool keep_alive;               /**< the connection may be reused */
    bool has_content_length;       /**< as sent; Transfer-Encoding overrides it */
    uint32_t content_length;       /**< Content-Length, when @c has_content_length */
    bool chunked;                  /**< the last transfer coding is chunked */
    bool has_ping_body_limit;      /**< the server sent Ping-Body-Limit */
    uint32_t ping_body_limit;      /**< Ping-Body-Limit header */
    bool content_type_truncated;   /**< @c content_type was cut to fit */
    bool location_truncated;       /**< @c location was cut to fit */
    char content_type[HC_CONTENT_TYPE_MAX];  /**< "" when absent */
    char location[HC_LOCATION_MAX];          /**< "" when absent */
} hc_http_response_t;

/**
 * Receives body bytes as they are decoded (chunk framing removed), in as
 * large pieces as the input allows. Called only from inside hc_http_feed().
 * @param[in] ctx  the context given with the sink
 * @param[in] resp the response's kept headers (final: the body has begun)
 * @param[in] data body bytes, valid only during the call
 * @param[in] len  how many, never 0
 * @return HC_OK to continue; any error stops the response with that error.
 */
typedef hc_err_t (*hc_body_sink_fn)(void *ctx, const hc_http_response_t *resp,
                                    const uint8_t *data, size_t len);

/** Engine state for one request/response exchange. Opaque but for
 *  @c resp; see also hc_http_response_started() and hc_http_headers_done()
 *  (and hc_client_response() for a client's exchange). */
typedef struct hc_http {
    /** @cond INTERNAL */
    /* The small fields come first: Thumb code reaches them with short
     * instructions. */
    /* progress: everything up to @c head is cleared by hc_http_rewind() */
    uint8_t state;
    uint8_t field;         /**< which wanted header is being read */
    uint8_t val_len;
    uint8_t err;           /**< the error that ended the exchange, or 0 */
    bool te_present;
    bool val_over;
    bool cr;               /**< the last byte was a CR inside a line */
    bool conn_close;       /**< a Connection: close token was seen */
    bool conn_keep;        /**< a Connection: keep-alive token was seen */
    uint16_t n_headers;
    uint32_t line_len;     /**< bytes of the current line so far */
    uint32_t remaining;    /**< in the current chunk or Content-Length body */
    uint32_t body_seen;
    uint32_t bytes_in;     /**< response bytes fed so far (saturating) */
    size_t sent;
    /** @endcond */
    hc_http_response_t resp;   /**< what is kept of the response: final once
                                    hc_http_headers_done() */
    /** @cond INTERNAL */
    char val[HC_HTTP_VALUE_MAX];
    /* set by hc_http_start(), kept by hc_http_rewind() */
    const uint8_t *head; size_t head_len;
    const uint8_t *body; size_t body_len;
    hc_body_sink_fn sink; void *sink_ctx;
    uint32_t max_body;     /* 0 = no limit */
    bool head_request;
    /** @endcond */
} hc_http_t;

/**
 * Prepare an exchange. The head and the body are the caller's memory and
 * must stay valid and unchanged until the exchange ends; neither is copied.
 * @param[out] h            the engine state
 * @param[in]  head         the request head (from hc_http_finish_head())
 * @param[in]  head_len     its length
 * @param[in]  body         the request body, or NULL
 * @param[in]  body_len     its length (0 without a body)
 * @param[in]  head_request the method is HEAD (the response has no body)
 * @param[in]  max_body     largest response body accepted (0 = no limit). A
 *                          Content-Length over it fails before any body byte
 *                          is delivered; a chunked or close-delimited body
 *                          gets the bytes up to the limit, then
 *                          HC_ERR_BODY_TOO_LARGE.
 * @param[in]  sink         receives body bytes; NULL discards them
 * @param[in]  sink_ctx     passed to @p sink
 *
 * A NULL @p head or @p body counts as empty, whatever its length says:
 * nothing of it is sent (the client refuses such a request before it gets
 * here, HC_ERR_ARG).
 */
void hc_http_start(hc_http_t *h, const uint8_t *head, size_t head_len,
                   const uint8_t *body, size_t body_len, bool head_request,
                   uint32_t max_body, hc_body_sink_fn sink, void *sink_ctx);

/**
 * Restart sending from the first byte (after a reconnect), and forget any
 * response state.
 * @param[in,out] h the engine state
 */
void hc_http_rewind(hc_http_t *h);

/**
 * The next bytes to send.
 * @param[in]  h    the engine state
 * @param[out] data set to the bytes (inside the head or body given to
 *                  hc_http_start()); NULL when none are left
 * @return their count; 0 when the whole request has been sent
 */
size_t hc_http_next_out(const hc_http_t *h, const uint8_t **data);

/**
 * Record that bytes from hc_http_next_out() were sent.
 * @param[in,out] h the engine state
 * @param[in]     n how many: at most the count it returned
 */
void hc_http_mark_sent(hc_http_t *h, size_t n);

/**
 * Consume response bytes. @p data is only read during the call; no byte
 * past @p len is touched. Any split of a response into calls gives the
 * same result, the same kept headers and the same body bytes.
 *
 * Framing: no body for HEAD, 1xx, 204 and 304 (1xx other than 101 are
 * skipped); chunked when the last transfer coding is chunked; to the close
 * when another Transfer-Encoding is present or neither header is; else
 * Content-Length. Transfer-Encoding with Content-Length, HTTP/1.0 without
 * keep-alive, Connection: close and close-delimited bodies all clear
 * resp.keep_alive.
 * @param[in,out] h    the engine state
 * @param[in]     data response bytes, read only during the call
 * @param[in]     len  how many
 * @param[out]    used set to how many bytes were consumed: all of them
 *                     unless the result is an error, else those before the
 *                     failing step.
 * @return HC_IN_PROGRESS (more bytes wanted), HC_OK (response complete; any
 *         further byte is HC_ERR_HTTP_TRAILING_DATA), or an error: the
 *         HC_ERR_HTTP_* codes, HC_ERR_BODY_TOO_LARGE, or the sink's error.
 *         After an error the exchange is dead; further calls repeat it.
 *         HC_ERR_ARG when @p data is NULL with @p len above 0: nothing is
 *         consumed and the exchange goes on as before the call.
 */
hc_err_t hc_http_feed(hc_http_t *h, const uint8_t *data, size_t len, size_t *used);

/**
 * The peer closed the connection.
 * @param[in,out] h the engine state
 * @return HC_OK when that completes the response (close-delimited body, or
 *         already complete); HC_ERR_CLOSED when no response byte had
 *         arrived; HC_ERR_HTTP_TRUNCATED otherwise.
 */
hc_err_t hc_http_feed_eof(hc_http_t *h);

/**
 * Whether any response byte has been fed (even one that was refused).
 * @param[in] h the engine state
 * @return true once one has
 */
static inline bool hc_http_response_started(const hc_http_t *h) { return h->bytes_in > 0; }

/**
 * Whether the response headers are complete (@c resp is final).
 * @param[in] h the engine state
 * @return true once they are
 */
bool hc_http_headers_done(const hc_http_t *h);

#ifdef __cplusplus
}
#endif

#endif /* HC_HTTP_H */
