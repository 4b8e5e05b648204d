/**
 * @file hc_config.h
 * @brief Compile-time limits of the library, each overridable with -D or,
 *        on ESP-IDF, through Kconfig (CONFIG_HC_...).
 *
 * Every buffer the library keeps inside its own structs is sized here; all
 * other memory is passed in by the caller.
 */
#ifndef HC_CONFIG_H
#define HC_CONFIG_H

/** Longest host name (without brackets) kept from a base URL, NUL included. */
#ifndef HC_HOST_MAX
#define HC_HOST_MAX 64
#endif

/** Longest response header line the engine accepts (the line is counted,
 *  not stored: only wanted header values are kept). */
#ifndef HC_HTTP_LINE_MAX
#define HC_HTTP_LINE_MAX 8192
#endif

/** Most header lines (response headers plus chunked trailers) accepted. */
#ifndef HC_HTTP_MAX_HEADERS
#define HC_HTTP_MAX_HEADERS 100
#endif

/** Storage for one wanted header value or the status line, NUL included.
 *  A Content-Length, Transfer-Encoding or Connection value longer than this
 *  is an error; Content-Type and Location are cut and flagged. */
#ifndef HC_HTTP_VALUE_MAX
#define HC_HTTP_VALUE_MAX 96
#endif

/** Content-Type kept from a response, NUL included (cut and flagged). */
#ifndef HC_CONTENT_TYPE_MAX
#define HC_CONTENT_TYPE_MAX 40
#endif

/** Location kept from a response, NUL included (cut and flagged). */
#ifndef HC_LOCATION_MAX
#define HC_LOCATION_MAX 96
#endif

/** First bytes of every response body kept on the client (the ping's
 *  "OK (not found)", an API's {"error": "..."}), NUL included. */
#ifndef HC_TEXT_MAX
#define HC_TEXT_MAX 96
#endif

#endif /* HC_CONFIG_H */
