/**
 * @file hc_url.h
 * @brief Base URLs (the ping and API roots of the client's configuration),
 *        parsed into host, port and path prefix.
 */
#ifndef HC_URL_H
#define HC_URL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_config.h"
#include "healthchecks/hc_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A parsed base URL. @c path points into the string that was parsed, which
 *  must outlive this struct. */
typedef struct hc_url {
    bool tls;                 /**< https */
    uint16_t port;            /**< explicit port, or 80 / 443 */
    bool default_port;        /**< the port is the scheme's default (Host omits it) */
    bool ipv6;                /**< the host is an IPv6 literal (Host adds brackets) */
    char host[HC_HOST_MAX];   /**< host name or IP literal, no brackets, NUL-terminated */
    const char *path;         /**< path prefix, starting with '/', no trailing '/'; not
                                   NUL-terminated: use @c path_len ("" for none) */
    size_t path_len;          /**< length of @c path */
} hc_url_t;

/**
 * Parse a base URL: `http[s]://host[:port][/prefix][/]`. Host names, IPv4
 * and bracketed IPv6 literals are accepted; query strings, fragments and
 * user-info are not (a base URL has no use for them).
 *
 * The scheme is case-insensitive; the host is kept as given. A host name
 * holds only letters, digits, '-', '.' and '_'; an IPv6 literal must be
 * bracketed and is checked for its alphabet (hex digits, ':', '.') only.
 * The port is 1..65535; an explicit 80 on http or 443 on https counts as
 * the default. Trailing '/' are dropped from the prefix, inner ones are
 * kept. '@', '?', '#', spaces, bytes >= 0x80 and the other characters
 * RFC 3986 forbids unencoded (`"<>[\]^`{|}`) are refused in the prefix.
 * @param[in]  url NUL-terminated; must outlive @p out (out->path points into it).
 * @param[out] out filled on success; its fields are undefined on error.
 * @return HC_OK; HC_ERR_ARG for NULL; HC_ERR_UNSAFE_CHAR for CR/LF/control
 *         bytes (TAB and DEL included) anywhere; HC_ERR_URL for any other
 *         malformation (unknown scheme, empty host, bad port, host longer
 *         than HC_HOST_MAX-1).
 */
hc_err_t hc_url_parse(const char *url, hc_url_t *out);

#ifdef __cplusplus
}
#endif

#endif /* HC_URL_H */
