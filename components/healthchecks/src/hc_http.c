/* The sans-I/O HTTP/1.1 engine; see hc_http.h.
 *
 * The response side is one byte-at-a-time state machine for everything that
 * is line-framed (status line, headers, chunk sizes, trailers) and a bulk
 * copy for body bytes, so any split of the input gives the same result. */
#include "healthchecks/hc_http.h"

#include <string.h>

#include "hc_lex.h"

#if HC_HTTP_VALUE_MAX < 18 || HC_HTTP_VALUE_MAX > 255
#error "HC_HTTP_VALUE_MAX must hold the longest wanted header name and fit val_len"
#endif

/* Line-framed states first: everything below S_BODY is read byte by byte. */
enum {
    S_STATUS, S_NAME, S_VALUE, S_SIZE, S_CHUNK_END, S_TRAILER,
    S_BODY, S_CLOSE_BODY, S_DONE
};

/* The wanted headers, numbered from 1 in the order of wanted_names. */
enum { F_OTHER, F_LENGTH, F_ENCODING, F_CONNECTION, F_TYPE, F_LOCATION, F_LIMIT };

/* Each name after its length, so most names are told apart by length. */
static const char wanted_names[] =
    "\016content-length\021transfer-encoding\012connection"
    "\014content-type\010location\017ping-body-limit";

static bool is_ows(int c)
{
    return c == ' ' || c == '\t';
}

/* Visible ASCII or space: what most header bytes are. */
static bool is_visible(int c)
{
    return (unsigned)(c - 0x20) < 0x5fu;
}

/* ------------------------------------------------------------- request */

/* Keeps the first error; a rejected head is also marked overflowed so that
 * a caller who ignores the result still has nothing sendable. */
static void fail_head(hc_buf_t *out, hc_err_t e, hc_err_t *first)
{
    if (e) {
        out->overflow = true;
        if (!*first)
            *first = e;
    }
}

static void put_name(hc_buf_t *out, const char *name)
{
    hc_buf_puts(out, "\r\n");
    hc_buf_puts(out, name);
    hc_buf_puts(out, ": ");
}

/* A NULL value omits the header. */
static void put_header(hc_buf_t *out, const char *name, const char *value,
                       hc_err_t *first)
{
    hc_err_t e;
    if (!value)
        return;
    e = hc_check_header_value(value);
    fail_head(out, e, first);
    if (!e) {
        put_name(out, name);
        hc_buf_puts(out, value);
    }
}

/* The headers the library writes itself (see hc_header_t), in lowercase. */
static const char reserved_names[] =
    "host\0content-length\0transfer-encoding\0connection\0keep-alive\0"
    "proxy-connection\0te\0trailer\0upgrade\0expect\0user-agent\0x-api-key\0"
    "content-type\0";

/* @p name is a token: c | 0x20 then folds exactly the upper-case letters
 * (of the token characters, only they land on a lowercase letter or '-'). */
static bool is_reserved(const char *name)
{
    for (const char *r = reserved_names; *r; r += strlen(r) + 1) {
        size_t i = 0;
        while (r[i] && (name[i] | 0x20) == r[i])
            i++;
        if (!r[i] && !name[i])
            return true;
    }
    return false;
}

static hc_err_t check_name(const char *s)
{
    if (!s)
        return HC_ERR_ARG;
    if (!*s)
        return HC_ERR_UNSAFE_CHAR;
    for (const char *p = s; *p; p++)
        if (!hc_is_tchar((unsigned char)*p))
            return HC_ERR_UNSAFE_CHAR;
    return is_reserved(s) ? HC_ERR_HEADER_RESERVED : HC_OK;
}

hc_err_t hc_http_check_headers(const hc_header_t *headers, size_t n)
{
    if (!headers && n)
        return HC_ERR_ARG;
    for (size_t i = 0; i < n; i++) {
        hc_err_t e = check_name(headers[i].name);
        if (!e && headers[i].value)
            e = hc_check_header_value(headers[i].value);
        if (e)
            return e;
    }
    return HC_OK;
}

void hc_http_begin_head(hc_buf_t *out, const char *method)
{
    hc_buf_puts(out, method);
    hc_buf_putc(out, ' ');
}

hc_err_t hc_http_finish_head(hc_buf_t *out, const hc_http_head_t *h)
{
    hc_err_t first = HC_OK;

    fail_head(out, hc_check_header_value(h->host), &first);
    hc_buf_puts(out, " HTTP/1.1\r\nHost: ");
    if (h->host_ipv6)
        hc_buf_putc(out, '[');
    hc_buf_puts(out, h->host);
    if (h->host_ipv6)
        hc_buf_putc(out, ']');
    if (!h->default_port) {
        hc_buf_putc(out, ':');
        hc_buf_put_u32(out, h->port);
    }
    put_header(out, "User-Agent", h->user_agent, &first);
    put_header(out, "X-Api-Key", h->api_key, &first);
    put_header(out, "Content-Type", h->content_type, &first);
    /* Fixed names and values go out as one string each: nothing to check. */
    if (h->has_body) {
        if ((uint32_t)h->content_length != h->content_length)
            fail_head(out, HC_ERR_RANGE, &first);
        hc_buf_puts(out, "\r\nContent-Length: ");
        hc_buf_put_u32(out, (uint32_t)h->content_length);
    }
    if (!h->keep_alive)
        hc_buf_puts(out, "\r\nConnection: close");
    /* All or none: a refused header leaves out the others too. */
    hc_err_t extra_err = hc_http_check_headers(h->extra, h->n_extra);
    fail_head(out, extra_err, &first);
    for (size_t i = 0; !extra_err && i < h->n_extra; i++)
        put_header(out, h->extra[i].name, h->extra[i].value, &first);
    hc_buf_puts(out, "\r\n\r\n");
    if (first)
        return first;
    return out->overflow ? HC_ERR_BUFFER : HC_OK;
}

/* ---------------------------------------------------------------- send */

void hc_http_start(hc_http_t *h, const uint8_t *head, size_t head_len,
                   const uint8_t *body, size_t body_len, bool head_request,
                   uint32_t max_body, hc_body_sink_fn sink, void *sink_ctx)
{
    h->head = head;
    h->head_len = head ? head_len : 0;  /* no bytes, nothing to send */
    h->body = body;
    h->body_len = body ? body_len : 0;
    h->sink = sink;
    h->sink_ctx = sink_ctx;
    h->max_body = max_body;
    h->head_request = head_request;
    hc_http_rewind(h);
}

void hc_http_rewind(hc_http_t *h)
{
    memset(h, 0, offsetof(hc_http_t, head));
}

size_t hc_http_next_out(const hc_http_t *h, const uint8_t **data)
{
    size_t off = h->sent;
    if (off < h->head_len) {
        *data = h->head + off;
        return h->head_len - off;
    }
    off -= h->head_len;
    if (off < h->body_len) {
        *data = h->body + off;
        return h->body_len - off;
    }
    *data = NULL;
    return 0;
}

void hc_http_mark_sent(hc_http_t *h, size_t n)
{
    h->sent += n;
}

/* ------------------------------------------------------------- receive */

/* Reads at least one digit of @p base; NULL if none or on overflow. */
static const char *parse_num(const char *p, const char *end, uint32_t base,
                             uint32_t *out)
{
    const char *start = p;
    uint32_t v = 0;
    for (; p < end; p++) {
        /* not a digit: -1, which as unsigned is past any base */
        uint32_t d = (uint32_t)hc_lex_hex_value((unsigned char)*p);
        if (d >= base)
            break;
        if (v > (UINT32_MAX - d) / base)
            return NULL;
        v = v * base + d;
    }
    *out = v;
    return p == start ? NULL : p;
}

static const char *skip_ows(const char *p, const char *end)
{
    while (p < end && is_ows(*p))
        p++;
    return p;
}

static hc_err_t count_line(hc_http_t *h)
{
    return ++h->n_headers > HC_HTTP_MAX_HEADERS ? HC_ERR_HTTP_HEADER_TOO_LONG : HC_OK;
}

/* The error for a byte that breaks the line being read. */
static hc_err_t line_error(const hc_http_t *h)
{
    if (h->state == S_STATUS)
        return HC_ERR_HTTP_STATUS_LINE;
    return h->state == S_SIZE || h->state == S_CHUNK_END ? HC_ERR_HTTP_CHUNK
                                                          : HC_ERR_HTTP_HEADER;
}

/* Checked as it arrives, so a peer that does not speak HTTP fails at once. */
static bool status_char_ok(uint32_t pos, int c)
{
    char want = "HTTP/1.? ### "[pos];
    if (want == '?')
        return c == '0' || c == '1';
    if (want == '#')
        return hc_lex_is_digit(c);
    return c == want;
}

static hc_err_t status_line(hc_http_t *h)
{
    const char *v = h->val;
    uint32_t status;
    if (h->line_len < 12)
        return HC_ERR_HTTP_STATUS_LINE;
    parse_num(v + 9, v + 12, 10, &status);
    if (status < 100)
        return HC_ERR_HTTP_STATUS_LINE;
    /* A final response after a 1xx starts from nothing. */
    memset(&h->resp, 0, sizeof h->resp);
    h->te_present = h->conn_close = h->conn_keep = false;
    h->resp.status = (uint16_t)status;
    h->resp.http_minor = (uint8_t)(v[7] - '0');
    h->state = S_NAME;
    return HC_OK;
}

/* The list tokens the engine acts on, as wanted_names, numbered from 1. */
enum { T_OTHER, T_CHUNKED, T_CLOSE, T_KEEP_ALIVE };
static const char wanted_tokens[] = "\007chunked\005close\012keep-alive";

/* The number of what val holds in @p names (each after its length, from
 * 1 on), or 0. Names and list elements are kept in lowercase; one cut
 * short matches nothing. */
static uint8_t match(const hc_http_t *h, const char *names)
{
    uint8_t f = 1;
    for (; *names; f++, names += *names + 1) {
        if (*names == h->val_len && !h->val_over && !memcmp(names + 1, h->val, h->val_len))
            return f;
    }
    return 0;
}

/* Copies the value into Content-Type or Location, cut to the field, and
 * flags a cut. One copy serves both headers. */
static void copy_value(hc_http_t *h)
{
    hc_http_response_t *r = &h->resp;
    bool type = h->field == F_TYPE;
    char *dst = type ? r->content_type : r->location;
    size_t cap = type ? sizeof r->content_type : sizeof r->location;
    size_t n = h->val_len < cap ? h->val_len : cap - 1;
    memcpy(dst, h->val, n);
    dst[n] = '\0';
    *(type ? &r->content_type_truncated : &r->location_truncated) =
        h->val_over || n < h->val_len;
}

/* Takes in a wanted value, or one element of a Content-Length,
 * Transfer-Encoding or Connection list (those are split at each comma as
 * they arrive, so only one element is ever held). */
static hc_err_t value_done(hc_http_t *h)
{
    hc_http_response_t *r = &h->resp;
    const char *v = h->val;
    const char *end;
    uint32_t n;
    bool number;
    uint8_t token;

    while (h->val_len && is_ows(v[h->val_len - 1]))
        h->val_len--;
    end = v + h->val_len;
    if (h->field <= F_CONNECTION) {
        if (h->val_over)
            return h->field == F_LENGTH ? HC_ERR_HTTP_CONTENT_LENGTH : HC_ERR_HTTP_HEADER_TOO_LONG;
        if (!h->val_len)
            return HC_OK; /* the list rule allows empty elements */
    }
    /* Parsed once for the two numeric headers; the others ignore it. */
    number = parse_num(v, end, 10, &n) == end;
    switch (h->field) {
    case F_LENGTH:
        if (!number || (r->has_content_length && n != r->content_length))
            return HC_ERR_HTTP_CONTENT_LENGTH;
        r->has_content_length = true;
        r->content_length = n;
        break;
    case F_ENCODING:
        r->chunked = match(h, wanted_tokens) == T_CHUNKED;
        break;
    case F_CONNECTION:
        token = match(h, wanted_tokens);
        h->conn_close |= token == T_CLOSE;
        h->conn_keep |= token == T_KEEP_ALIVE;
        break;
    case F_TYPE:
    case F_LOCATION:
        copy_value(h);
        break;
    case F_LIMIT:
        if (number && !h->val_over) {
            r->has_ping_body_limit = true;
            r->ping_body_limit = n;
        }
        break;
    default:
        break;
    }
    return HC_OK;
}

/* Decides the body framing once the blank line after the headers is in. */
static hc_err_t headers_end(hc_http_t *h)
{
    hc_http_response_t *r = &h->resp;
    if (r->status < 200 && r->status != 101) {
        /* Interim responses count as lines so an endless stream of them
         * is bounded too. */
        h->state = S_STATUS;
        return count_line(h);
    }
    r->keep_alive = !h->conn_close && (r->http_minor || h->conn_keep) &&
                    !(h->te_present && r->has_content_length);
    if (h->head_request || r->status < 200 || r->status == 204 || r->status == 304) {
        h->state = S_DONE;
    } else if (r->chunked) {
        h->state = S_SIZE;
    } else if (h->te_present || !r->has_content_length) {
        h->state = S_CLOSE_BODY;
        r->keep_alive = false;
    } else if (h->max_body && r->content_length > h->max_body) {
        return HC_ERR_BODY_TOO_LARGE;
    } else {
        h->remaining = r->content_length;
        h->state = r->content_length ? S_BODY : S_DONE;
    }
    return HC_OK;
}

static hc_err_t chunk_size(hc_http_t *h)
{
    const char *end = h->val + h->val_len;
    uint32_t size;
    const char *p = parse_num(h->val, end, 16, &size);
    if (!p)
        return HC_ERR_HTTP_CHUNK;
    p = skip_ows(p, end);
    /* Extensions after ';' are skipped; a cut line must not hide digits. */
    if (p == end ? h->val_over : *p != ';')
        return HC_ERR_HTTP_CHUNK;
    h->remaining = size;
    h->state = size ? S_BODY : S_TRAILER;
    return HC_OK;
}

static hc_err_t end_line(hc_http_t *h)
{
    hc_err_t e = HC_OK;
    switch (h->state) {
    case S_STATUS:
        e = status_line(h);
        break;
    case S_NAME:
        e = h->line_len ? HC_ERR_HTTP_HEADER : headers_end(h);
        break;
    case S_VALUE:
        e = count_line(h);
        if (!e)
            e = value_done(h);
        /* a Content-Length with no value at all is not a length */
        if (!e && h->field == F_LENGTH && !h->resp.has_content_length)
            e = HC_ERR_HTTP_CONTENT_LENGTH;
        h->state = S_NAME;
        break;
    case S_SIZE:
        e = chunk_size(h);
        break;
    case S_CHUNK_END:
        h->state = S_SIZE;
        break;
    default: /* S_TRAILER */
        if (h->line_len)
            e = count_line(h);
        else
            h->state = S_DONE;
        break;
    }
    h->line_len = 0;
    h->val_len = 0;
    h->val_over = false;
    return e;
}

/* Keeps a byte of a header name or wanted value, as far as val holds. */
static void keep(hc_http_t *h, int c)
{
    if (h->val_len < sizeof h->val - 1)
        h->val[h->val_len++] = (char)c;
    else if (!is_ows(c))
        h->val_over = true; /* trailing OWS past the end loses nothing */
}

static hc_err_t line_byte(hc_http_t *h, int c)
{
    if (c == '\n') {
        h->cr = false;
        return end_line(h);
    }
    /* A CR is allowed only right before the LF. */
    if (h->cr || (hc_lex_is_unsafe_in_header(c) && c != '\r'))
        return line_error(h);
    if (c == '\r') {
        h->cr = true;
        return HC_OK;
    }
    if (++h->line_len > HC_HTTP_LINE_MAX)
        return HC_ERR_HTTP_HEADER_TOO_LONG;
    switch (h->state) {
    case S_STATUS:
        if (h->line_len <= 13 && !status_char_ok(h->line_len - 1, c))
            return HC_ERR_HTTP_STATUS_LINE;
        break;
    case S_NAME:
        /* line_run() took the name's token characters: this ends it. */
        if (c != ':' || h->line_len == 1)
            return HC_ERR_HTTP_HEADER;
        h->field = match(h, wanted_names);
        h->te_present |= h->field == F_ENCODING;
        h->state = S_VALUE;
        h->val_len = 0;
        h->val_over = false;
        return HC_OK;
    case S_VALUE:
        if (!h->field || (!h->val_len && is_ows(c)))
            return HC_OK;
        if (h->field <= F_CONNECTION) {
            if (c == ',') {
                hc_err_t e = value_done(h);
                h->val_len = 0;
                h->val_over = false;
                return e;
            }
            if (c != '\t')
                c |= 0x20; /* list elements are compared in lowercase (' ' stays) */
        }
        break;
    case S_CHUNK_END:
        return HC_ERR_HTTP_CHUNK;
    case S_TRAILER:
        return HC_OK;
    default:
        break;
    }
    keep(h, c);
    return HC_OK;
}

/* How many of the n bytes at p the current line takes in one run, or 0
 * when the next byte needs line_byte(): a header name's token characters
 * (kept in lowercase), or the visible ASCII of a value the engine does not
 * keep or of a trailer (of those only the line's length and safety
 * matter). Most of a head is such runs; line_byte() sees the line ends,
 * the delimiters, the few wanted values and whatever breaks the rules. */
static size_t line_run(hc_http_t *h, const uint8_t *p, size_t n)
{
    bool name = h->state == S_NAME;
    size_t k = 0;
    if (h->cr || !(name || h->state == S_TRAILER || (h->state == S_VALUE && h->field == F_OTHER)))
        return 0; /* after a CR only the LF may follow */
    if (n > HC_HTTP_LINE_MAX - h->line_len)
        n = HC_HTTP_LINE_MAX - h->line_len;
    if (name) {
        /* Letters, most of a name, pass the first test. */
        for (; k < n && (hc_lex_is_alpha(p[k]) || hc_is_tchar(p[k])); k++)
            keep(h, p[k] | 0x20);
    } else {
        while (k < n && is_visible(p[k]))
            k++;
    }
    h->line_len += (uint32_t)k;
    return k;
}

/* Delivers as much of [p, p + *n) as belongs to the body; *n becomes the
 * count taken. */
static hc_err_t body_bytes(hc_http_t *h, const uint8_t *p, size_t *n)
{
    size_t len = *n;
    bool over;
    *n = 0;
    if (h->state == S_DONE)
        return HC_ERR_HTTP_TRAILING_DATA;
    if (h->state == S_BODY && len > h->remaining)
        len = h->remaining;
    /* What fits is delivered first, so every split of the input hands the
     * sink the same bytes before the error. */
    over = h->max_body && len > h->max_body - h->body_seen;
    if (over)
        len = h->max_body - h->body_seen;
    *n = len;
    if (len) {
        h->body_seen += (uint32_t)len;
        if (h->state == S_BODY) {
            h->remaining -= (uint32_t)len;
            if (!h->remaining)
                h->state = h->resp.chunked ? S_CHUNK_END : S_DONE;
        }
        if (h->sink) {
            hc_err_t e = h->sink(h->sink_ctx, &h->resp, p, len);
            if (e)
                return e;
        }
    }
    return over ? HC_ERR_BODY_TOO_LARGE : HC_OK;
}

hc_err_t hc_http_feed(hc_http_t *h, const uint8_t *data, size_t len, size_t *used)
{
    size_t i = 0;
    uint32_t room;
    if (!data && len) {
        *used = 0;
        return HC_ERR_ARG;  /* a caller mistake, not the peer's: the exchange goes on */
    }
    while (!h->err && i < len) {
        size_t n = len - i;
        hc_err_t e;
        if (h->state < S_BODY) {
            n = line_run(h, data + i, n);
            e = n ? HC_OK : line_byte(h, data[i]);
            n = n ? n : e ? 0 : 1;
        } else {
            e = body_bytes(h, data + i, &n);
        }
        i += n;
        h->err = (uint8_t)e;
    }
    /* Every byte offered counts as arrived, even one that was refused, so
     * a broken response is never taken for a silent close. */
    room = UINT32_MAX - h->bytes_in;
    h->bytes_in += len < room ? (uint32_t)len : room;
    *used = i;
    if (h->err)
        return (hc_err_t)h->err;
    return h->state == S_DONE ? HC_OK : HC_IN_PROGRESS;
}

hc_err_t hc_http_feed_eof(hc_http_t *h)
{
    if (!h->err) {
        if (h->state == S_CLOSE_BODY)
            h->state = S_DONE;
        if (h->state != S_DONE)
            h->err = (uint8_t)(h->bytes_in ? HC_ERR_HTTP_TRUNCATED : HC_ERR_CLOSED);
    }
    return (hc_err_t)h->err;
}

bool hc_http_headers_done(const hc_http_t *h)
{
    return h->state > S_VALUE;
}
