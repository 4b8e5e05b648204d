/**
 * @file hc_error.h
 * @brief The one result code of every library call, and its text.
 */
#ifndef HC_ERROR_H
#define HC_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Result of a library call. HC_OK and HC_IN_PROGRESS are not errors. */
typedef enum hc_err {
    HC_OK = 0,                 /**< done, and it worked */
    HC_IN_PROGRESS,            /**< non-blocking call: not done yet, poll again */

    /* caller mistakes, found before any byte is sent */
    HC_ERR_ARG,                /**< a required argument is missing or malformed */
    HC_ERR_UNSAFE_CHAR,        /**< CR, LF or NUL in a value bound for a request line or header */
    HC_ERR_URL,                /**< a base URL could not be parsed */
    HC_ERR_RANGE,              /**< a number is outside the range the server accepts */
    HC_ERR_TOO_LONG,           /**< a string is longer than the server accepts */
    HC_ERR_BUFFER,             /**< the work buffer is too small for this request */
    HC_ERR_BUSY,               /**< the client is already running a request */
    HC_ERR_ABORTED,            /**< the request was abandoned with hc_client_abort() */
    HC_ERR_NO_TLS,             /**< an https:// URL but no TLS transport configured */

    /* transport */
    HC_ERR_DNS,                /**< the host name could not be resolved */
    HC_ERR_CONNECT,            /**< no address accepted the connection */
    HC_ERR_TLS,                /**< the TLS handshake or session failed */
    HC_ERR_TLS_VERIFY,         /**< the server's certificate or name did not verify */
    HC_ERR_TIMEOUT,            /**< a phase deadline passed */
    HC_ERR_IO,                 /**< the transport reported an error */
    HC_ERR_CLOSED,             /**< the peer closed before any response byte arrived */

    /* malformed responses */
    HC_ERR_HTTP_STATUS_LINE,   /**< the status line is not "HTTP/1.x NNN ..." */
    HC_ERR_HTTP_HEADER,        /**< a malformed header line */
    HC_ERR_HTTP_HEADER_TOO_LONG, /**< a header line or the header count is over its bound */
    HC_ERR_HTTP_CONTENT_LENGTH,  /**< Content-Length non-numeric, too large or conflicting */
    HC_ERR_HTTP_CHUNK,         /**< a malformed or overflowing chunk size or chunk end */
    HC_ERR_HTTP_TRUNCATED,     /**< the connection closed inside the response */
    HC_ERR_HTTP_TRAILING_DATA, /**< bytes arrived after a complete response */
    HC_ERR_BODY_TOO_LARGE,     /**< the response body is larger than the caller allows */

    /* the server's answer */
    HC_ERR_BAD_REQUEST,        /**< 400: the server rejected the request */
    HC_ERR_UNAUTHORIZED,       /**< 401: missing or wrong key, or a read-only key on a write */
    HC_ERR_FORBIDDEN,          /**< 403: another project's check, or the check limit reached */
    HC_ERR_NOT_FOUND,          /**< 404, or a hosted-service "OK (not found)" */
    HC_ERR_CONFLICT,           /**< 409: ambiguous slug, or resuming a check that is not paused */
    HC_ERR_PAYLOAD_TOO_LARGE,  /**< 413: the request body is too large for the server */
    HC_ERR_RATE_LIMITED,       /**< 429, or a hosted-service "OK (rate-limited)" */
    HC_ERR_SERVER,             /**< 5xx */
    HC_ERR_HTTP_STATUS,        /**< any other status the call does not expect */

    /* decoding */
    HC_ERR_JSON,               /**< malformed, truncated or wrongly typed JSON */
    HC_ERR_JSON_TOO_LARGE,     /**< one JSON element does not fit the caller's buffers */

    /* outbox images (hc_outbox.h) */
    HC_ERR_IMAGE_SPACE,        /**< the buffer is too small for the outbox image */
    HC_ERR_IMAGE_FOREIGN,      /**< not an outbox image: another magic, or never saved */
    HC_ERR_IMAGE_VERSION,      /**< an outbox image of another format version */
    HC_ERR_IMAGE_CONFIG,       /**< an outbox image saved with other configured sizes */
    HC_ERR_IMAGE_TRUNCATED,    /**< an outbox image cut short */
    HC_ERR_IMAGE_CORRUPT,      /**< an outbox image whose checksum or content is wrong */
    HC_ERR_IMAGE_CAPACITY,     /**< an outbox image holding more entries than the outbox has slots */

    /* TLS sessions saved across restarts (port/mbedtls) */
    HC_ERR_SESSION_NONE,       /**< no TLS session to save (yet) */
    HC_ERR_SESSION_SPACE,      /**< the buffer is too small for the saved TLS session */
    HC_ERR_SESSION_FOREIGN,    /**< not a saved TLS session: another magic, or never saved */
    HC_ERR_SESSION_INVALID,    /**< a saved TLS session that is damaged, cut short, or of another
                                    format, mbedTLS version or configuration */
    HC_ERR_SESSION_OTHER_SERVER, /**< a saved TLS session of another host or port */
    HC_ERR_SESSION_EXPIRED,    /**< a saved TLS session past its lifetime (or from the future) */

    /* caller mistakes added since (appended, so every code keeps its number) */
    HC_ERR_HEADER_RESERVED,    /**< a caller header the library writes itself (Host,
                                    Content-Length, ...; see hc_http_check_headers()) */

    HC_ERR__COUNT              /**< number of codes; not a result */
} hc_err_t;

/**
 * @brief A short English description of a result code.
 * @param[in] err any value; unknown values give "unknown error".
 * @return a static string, never NULL (the same pointer for the same code,
 *         so it may be kept).
 */
const char *hc_strerror(hc_err_t err);

#ifdef __cplusplus
}
#endif

#endif /* HC_ERROR_H */
