/* Fuzz target: base URL parsing and header-value checks (hc_url.h), the
 * gate every configured string passes before it reaches a request line.
 *
 * The input, cut at its first NUL, becomes a NUL-terminated string in an
 * exactly sized heap block (ASan catches a read past the NUL).
 *
 * hc_url_parse(): a control byte anywhere is HC_ERR_UNSAFE_CHAR, and any
 * other failure HC_ERR_URL. On success: the scheme was http:// or https://
 * (any case) and tls says which; the host is non-empty, shorter than
 * HC_HOST_MAX, NUL-terminated, made only of its alphabet (name: letters,
 * digits, "-._"; IPv6: hex digits, ':' and '.', with at least one ':') and
 * is the text right after the scheme; the port is non-zero and
 * default_port says whether it is the scheme's; the path points into the
 * input, is empty or starts with '/', has no trailing '/', and holds no
 * control byte, space, byte >= 0x80 or any of "#<>?@[\]^`{|}; rebuilding
 * the URL from the parts and parsing it again gives the same parts.
 *
 * hc_check_header_value() / hc_check_header_bytes(): HC_OK exactly when no
 * byte is a control byte other than TAB (NUL counts, for the bytes form).
 *
 * hc_buf_put_pct(): the output holds only unreserved characters and %XX,
 * and decodes back to the input. */
#include "fuzz_common.h"

#include "healthchecks/hc_buf.h"
#include "healthchecks/hc_url.h"
#include "hc_lex.h"

static bool is_ctl(unsigned char c)
{
    return c < 0x20u || c == 0x7fu;
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

static bool host_char_ok(unsigned char c, bool ipv6)
{
    if (ipv6)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
               c == ':' || c == '.';
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_';
}

static bool path_char_ok(unsigned char c)
{
    return !is_ctl(c) && c < 0x80u && strchr(" \"#<>?@[\\]^`{|}", c) == NULL;
}

static size_t scheme_len(const char *s, bool tls)
{
    static const char *const want[2] = { "http://", "https://" };
    const char *w = want[tls];
    size_t n = strlen(w);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\0' || (c >= 'A' && c <= 'Z' ? c + 32u : c) != (unsigned char)w[i])
            return 0;
    }
    return n;
}

static void check_parts(const char *url, size_t url_len, const hc_url_t *u)
{
    size_t sl = scheme_len(url, u->tls);
    FUZZ_CHECK(sl != 0);
    FUZZ_CHECK(FUZZ_TERMINATED(u->host));
    size_t hl = strlen(u->host);
    FUZZ_CHECK(hl > 0 && hl < HC_HOST_MAX);
    for (size_t i = 0; i < hl; i++)
        FUZZ_CHECK(host_char_ok((unsigned char)u->host[i], u->ipv6));
    if (u->ipv6)
        FUZZ_CHECK(strchr(u->host, ':') != NULL && url[sl] == '[');
    FUZZ_CHECK(memcmp(url + sl + u->ipv6, u->host, hl) == 0);
    FUZZ_CHECK(u->port != 0);
    FUZZ_CHECK(u->default_port == (u->port == (u->tls ? 443 : 80)));
    FUZZ_CHECK(u->path != NULL);
    FUZZ_CHECK(u->path >= url && u->path + u->path_len <= url + url_len);
    if (u->path_len) {
        FUZZ_CHECK(u->path[0] == '/');
        FUZZ_CHECK(u->path[u->path_len - 1] != '/');
    }
    for (size_t i = 0; i < u->path_len; i++)
        FUZZ_CHECK(path_char_ok((unsigned char)u->path[i]));
}

/* scheme://host[:port]path from the parts; the port only when it is not
 * the default, as the Host header writes it. */
static void check_rebuilt(const hc_url_t *u)
{
    char text[HC_HOST_MAX + 1024];
    hc_buf_t b;
    hc_buf_init(&b, text, sizeof text - 1);
    hc_buf_puts(&b, u->tls ? "https://" : "http://");
    if (u->ipv6)
        hc_buf_putc(&b, '[');
    hc_buf_puts(&b, u->host);
    if (u->ipv6)
        hc_buf_putc(&b, ']');
    if (!u->default_port) {
        hc_buf_putc(&b, ':');
        hc_buf_put_u32(&b, u->port);
    }
    if (u->path_len > 512)
        return; /* the bound of this check, not of the parser */
    hc_buf_put(&b, u->path, u->path_len);
    FUZZ_CHECK(hc_buf_ok(&b));
    text[b.len] = '\0';
    hc_url_t again;
    FUZZ_CHECK(hc_url_parse(text, &again) == HC_OK);
    FUZZ_CHECK(again.tls == u->tls && again.port == u->port);
    FUZZ_CHECK(again.default_port == u->default_port && again.ipv6 == u->ipv6);
    FUZZ_CHECK(strcmp(again.host, u->host) == 0);
    FUZZ_CHECK(again.path_len == u->path_len);
    FUZZ_CHECK(memcmp(again.path, u->path, u->path_len) == 0);
}

static void check_url(const char *url, size_t len)
{
    bool has_ctl = false;
    for (size_t i = 0; i < len; i++)
        has_ctl |= is_ctl((unsigned char)url[i]);
    hc_url_t u;
    memset(&u, 0xa5, sizeof u);
    hc_err_t e = hc_url_parse(url, &u);
    if (has_ctl) {
        FUZZ_CHECK(e == HC_ERR_UNSAFE_CHAR);
        return;
    }
    FUZZ_CHECK(e == HC_OK || e == HC_ERR_URL);
    if (e != HC_OK)
        return;
    check_parts(url, len, &u);
    check_rebuilt(&u);
}

static void check_header(const uint8_t *data, size_t size, const char *str, size_t len)
{
    bool bad = false;
    for (size_t i = 0; i < len; i++)
        bad |= is_ctl((unsigned char)str[i]) && str[i] != '\t';
    FUZZ_CHECK(hc_check_header_value(str) == (bad ? HC_ERR_UNSAFE_CHAR : HC_OK));

    bad = false;
    for (size_t i = 0; i < size; i++)
        bad |= is_ctl(data[i]) && data[i] != '\t';
    uint8_t *copy = fuzz_dup(data, size);
    FUZZ_CHECK(hc_check_header_bytes((const char *)copy, size) == (bad ? HC_ERR_UNSAFE_CHAR : HC_OK));
    free(copy);
}

static int hex_value(uint8_t c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void check_pct(const uint8_t *data, size_t size)
{
    size_t cap = 3 * size;
    uint8_t *out = malloc(cap ? cap : 1);
    FUZZ_CHECK(out != NULL);
    hc_buf_t b;
    hc_buf_init(&b, out, cap);
    hc_buf_put_pct(&b, (const char *)data, size);
    FUZZ_CHECK(hc_buf_ok(&b) && b.len <= cap);
    size_t j = 0;
    for (size_t i = 0; i < b.len; j++) {
        if (out[i] == '%') {
            FUZZ_CHECK(i + 2 < b.len);
            int hi = hex_value(out[i + 1]), lo = hex_value(out[i + 2]);
            FUZZ_CHECK(hi >= 0 && lo >= 0);
            FUZZ_CHECK(j < size && data[j] == (uint8_t)(hi * 16 + lo));
            FUZZ_CHECK(!is_unreserved(data[j]));
            i += 3;
        } else {
            FUZZ_CHECK(is_unreserved(out[i]));
            FUZZ_CHECK(j < size && data[j] == out[i]);
            i++;
        }
    }
    FUZZ_CHECK(j == size);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t len = nul ? (size_t)(nul - data) : size;
    char *str = malloc(len + 1);
    FUZZ_CHECK(str != NULL);
    memcpy(str, data, len);
    str[len] = '\0';
    check_url(str, len);
    check_header(data, size, str, len);
    check_pct(data, size);
    free(str);
    return 0;
}
