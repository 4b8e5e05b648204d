/* Base URL parsing; see hc_url.h. */
#include "healthchecks/hc_url.h"

#include <string.h>

#include "hc_lex.h"

static bool is_host_name_char(unsigned char c)
{
    return hc_lex_is_alpha(c) || hc_lex_is_digit(c) || c == '-' || c == '.' || c == '_';
}

/* Only the character set is checked: the port's address parser rejects a
 * literal of the right alphabet but wrong shape, and repeating its grammar
 * here would cost flash on every device. '.' admits ::ffff:1.2.3.4. */
static bool is_ipv6_char(unsigned char c)
{
    return hc_lex_hex_value(c) >= 0 || c == ':' || c == '.';
}

/* Bytes the path prefix may not hold: '?' and '#' would start a query or
 * fragment the request paths are appended after, '@' is refused everywhere
 * so that no reader can mistake part of the URL for user-info, and the rest
 * are not allowed unencoded in a URI (RFC 3986). Bytes >= 0x80 are refused
 * too, since a request line is ASCII. */
static bool is_bad_path_char(unsigned char c)
{
    return c >= 0x80u || strchr(" \"#<>?@[\\]^`{|}", c) != NULL;
}

/* Length of a case-insensitive "http://" or "https://" at the start of
 * @p u, or 0 if there is none. */
static size_t scheme_len(const char *u, bool *tls)
{
    static const char http[] = "http";
    size_t i;
    for (i = 0; i < 4u; i++)
        if (((unsigned char)u[i] | 0x20u) != (unsigned char)http[i])
            return 0;
    *tls = ((unsigned char)u[i] | 0x20u) == 's';
    i += *tls;
    return strncmp(u + i, "://", 3) == 0 ? i + 3u : 0;
}

/* Copy the host at *p into out->host and move *p past it (and past ']'). */
static hc_err_t parse_host(const char **p, hc_url_t *out)
{
    const char *h = *p;
    size_t n = 0;
    out->ipv6 = *h == '[';
    h += out->ipv6;
    while (out->ipv6 ? is_ipv6_char((unsigned char)h[n]) : is_host_name_char((unsigned char)h[n]))
        n++;
    /* An IPv6 literal always has a ':'; without it "[1]" would pass. */
    if (out->ipv6 && (h[n++] != ']' || !memchr(h, ':', n)))
        return HC_ERR_URL;
    if (h[n] != '\0' && h[n] != ':' && h[n] != '/')
        return HC_ERR_URL;
    *p = h + n;
    n -= out->ipv6;
    if (n == 0 || n >= HC_HOST_MAX)
        return HC_ERR_URL;
    memcpy(out->host, h, n);
    out->host[n] = '\0';
    return HC_OK;
}

/* Parse an optional ":port" at *p and move *p past it. */
static hc_err_t parse_port(const char **p, hc_url_t *out)
{
    const uint32_t scheme_port = out->tls ? 443u : 80u;
    uint32_t port = scheme_port;
    const char *s = *p;
    if (*s == ':') {
        port = 0;
        /* Stopping once past 65535 bounds the value whatever the digit count. */
        for (s++; hc_lex_is_digit((unsigned char)*s) && port <= 65535u; s++)
            port = port * 10u + (uint32_t)(*s - '0');
        if (port == 0 || port > 65535u || (*s != '\0' && *s != '/'))
            return HC_ERR_URL;
    }
    out->port = (uint16_t)port;
    out->default_port = port == scheme_port;
    *p = s;
    return HC_OK;
}

/* Take the rest of the URL as the path prefix, without trailing '/', so
 * that request paths can always be appended as "/...". */
static hc_err_t parse_path(const char *p, hc_url_t *out)
{
    const size_t len = strlen(p);
    size_t n = len;
    for (size_t i = 0; i < len; i++)
        if (is_bad_path_char((unsigned char)p[i]))
            return HC_ERR_URL;
    while (n > 0 && p[n - 1] == '/')
        n--;
    /* An empty prefix points at the input's NUL, so it reads as "". */
    out->path = n ? p : p + len;
    out->path_len = n;
    return HC_OK;
}

hc_err_t hc_url_parse(const char *url, hc_url_t *out)
{
    if (url == NULL || out == NULL)
        return HC_ERR_ARG;
    /* Control bytes get their own code before any syntax error can hide
     * them: they are an injection attempt, not a typo. */
    for (const char *c = url; *c; c++)
        if (hc_lex_is_ctl((unsigned char)*c))
            return HC_ERR_UNSAFE_CHAR;
    const char *p = url + scheme_len(url, &out->tls);
    if (p == url)
        return HC_ERR_URL;
    hc_err_t err = parse_host(&p, out);
    if (err == HC_OK)
        err = parse_port(&p, out);
    if (err == HC_OK)
        err = parse_path(p, out);
    return err;
}
