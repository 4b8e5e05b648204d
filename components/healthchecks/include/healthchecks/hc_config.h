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

#ifdef __cplusplus
extern "C" {
#endif

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

/* ----------------------------------------------------------------- outbox */

/** Body bytes each signal kept by an outbox (hc_outbox.h) holds, at most
 *  65535. A longer body keeps its last bytes; its late line says how many
 *  were cut. Every entry reserves this much. */
#ifndef HC_OUTBOX_BODY_MAX
#define HC_OUTBOX_BODY_MAX 64
#endif

/** Longest target an outbox entry holds: a UUID (36 characters) or a slug
 *  of up to this many (36..100); a longer slug cannot be kept. */
#ifndef HC_OUTBOX_TARGET_MAX
#define HC_OUTBOX_TARGET_MAX 48
#endif

/* ------------------------------------------------------------- JSON layer */

/** Deepest nesting of objects and arrays accepted in a response (at most
 *  32). The API's lists nest 3 deep (wrapper, list, element); anything
 *  deeper than this bound is refused as malformed. */
#ifndef HC_JSON_MAX_DEPTH
#define HC_JSON_MAX_DEPTH 16
#endif

/* Sizes of the strings kept in decoded objects (hc_objects.h), NUL
 * included. Sizes are bytes of UTF-8, while the server counts characters:
 * a value that does not fit is cut on a character boundary and flagged
 * in the object's @c truncated mask. */

/** Check name (the server allows 100 characters). */
#ifndef HC_NAME_MAX
#define HC_NAME_MAX 101
#endif

/** Check slug (100 characters of [a-z0-9-_]). */
#ifndef HC_SLUG_MAX
#define HC_SLUG_MAX 101
#endif

/** Space-separated tags of a check (no server limit). */
#ifndef HC_TAGS_MAX
#define HC_TAGS_MAX 128
#endif

/** Check description (no server limit). */
#ifndef HC_DESC_MAX
#define HC_DESC_MAX 256
#endif

/** A canonical UUID: 36 characters. */
#ifndef HC_UUID_MAX
#define HC_UUID_MAX 37
#endif

/** A read-only key's unique_key: 40 hex characters. */
#ifndef HC_UNIQUE_KEY_MAX
#define HC_UNIQUE_KEY_MAX 41
#endif

/** URLs in objects: ping, update, pause, resume, badge and ping body URLs. */
#ifndef HC_URL_MAX
#define HC_URL_MAX 128
#endif

/** Cron or OnCalendar schedule (the server allows 100 characters). */
#ifndef HC_SCHEDULE_MAX
#define HC_SCHEDULE_MAX 101
#endif

/** IANA time zone name (the longest in use has 32 characters). */
#ifndef HC_TZ_MAX
#define HC_TZ_MAX 64
#endif

/** subject, subject_fail, start_kw, success_kw, failure_kw (the server
 *  allows 200 characters; real keywords are short, so the default keeps
 *  five of them small and flags a longer one). */
#ifndef HC_KEYWORD_MAX
#define HC_KEYWORD_MAX 64
#endif

/** A check's "methods": "" or "POST". */
#ifndef HC_METHODS_MAX
#define HC_METHODS_MAX 8
#endif

/** A check's comma-separated channel UUIDs (192 holds five). */
#ifndef HC_CHANNELS_MAX
#define HC_CHANNELS_MAX 192
#endif

/** A ping's scheme ("http", "https", "email"). */
#ifndef HC_PING_SCHEME_MAX
#define HC_PING_SCHEME_MAX 8
#endif

/** A ping's remote address: an IPv6 address in text (INET6_ADDRSTRLEN). */
#ifndef HC_PING_ADDR_MAX
#define HC_PING_ADDR_MAX 46
#endif

/** A ping's HTTP method (or "email"). */
#ifndef HC_PING_METHOD_MAX
#define HC_PING_METHOD_MAX 16
#endif

/** A ping's User-Agent. */
#ifndef HC_PING_UA_MAX
#define HC_PING_UA_MAX 128
#endif

/** An integration's name. */
#ifndef HC_CHANNEL_NAME_MAX
#define HC_CHANNEL_NAME_MAX 101
#endif

/** An integration's kind ("email", "slack", "webhook", ...). */
#ifndef HC_CHANNEL_KIND_MAX
#define HC_CHANNEL_KIND_MAX 32
#endif

/** A badge's tag (the key of the badges object; "*" for all checks). */
#ifndef HC_BADGE_TAG_MAX
#define HC_BADGE_TAG_MAX 64
#endif

#ifdef __cplusplus
}
#endif

#endif /* HC_CONFIG_H */
