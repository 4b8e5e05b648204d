/*
 * The client drivers. One state machine (connect, send, receive, back off)
 * moves bytes between the HTTP engine and a transport; the blocking driver
 * lets each transport call wait until the current deadline, the
 * non-blocking driver passes "now" so nothing ever waits.
 */
#include "healthchecks/hc_client.h"

#include <string.h>

#include "hc_lex.h"
#include "hc_request.h"

#if HC_TEXT_MAX < 2 || HC_TEXT_MAX > 256
#error "HC_TEXT_MAX must fit the client's 8-bit text length"
#endif

/* The states of a request, drawn in hc_client_states.dot (a test keeps the
 * two in step). */
enum { ST_IDLE, ST_CONNECT, ST_SEND, ST_RECV, ST_BACKOFF };

/* Receive space the work buffer must keep after the request head. */
#define MIN_RECV_SPACE 64u
/* Transport calls one non-blocking poll may make before yielding. */
#define POLL_STEPS 32

void hc_config_defaults(hc_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ping_url = "https://hc-ping.com";
    cfg->api_url = "https://healthchecks.io/api";
    cfg->connect_timeout_ms = 5000;
    cfg->io_timeout_ms = 10000;
    cfg->request_timeout_ms = 20000;
    cfg->deadline_ms = 30000;
    cfg->max_attempts = 3;
    cfg->backoff_ms = 500;
    cfg->backoff_max_ms = 5000;
    cfg->api_version = 3;
}

/* Clock arithmetic is wrap-safe only for spans under 2^31 ms (24 days). */
#define SPAN_MAX 0x7fffffffu

static bool valid_span(uint32_t ms)
{
    return ms > 0 && ms <= SPAN_MAX;
}

static bool valid_transport(const hc_transport_t *t)
{
    return t && t->connect && t->send && t->recv && t->close && t->now_ms;
}

hc_err_t hc_client_init(hc_client_t *c, const hc_config_t *cfg)
{
    if (!c || !cfg || !valid_transport(cfg->transport) ||
        (cfg->tls_transport && !valid_transport(cfg->tls_transport)) ||
        !cfg->work || cfg->work_size < 2 * MIN_RECV_SPACE || !cfg->max_attempts ||
        !valid_span(cfg->connect_timeout_ms) || !valid_span(cfg->io_timeout_ms) ||
        !valid_span(cfg->request_timeout_ms) || !valid_span(cfg->deadline_ms) ||
        cfg->backoff_ms > SPAN_MAX || cfg->backoff_max_ms > SPAN_MAX)
        return HC_ERR_ARG;
    /* Checked again with every request (the array is the caller's), but a
     * bad one is a configuration mistake: say so once, before any request. */
    hc_err_t err = hc_http_check_headers(cfg->extra_headers, cfg->n_extra_headers);
    if (err != HC_OK)
        return err;
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    return HC_OK;
}

static uint32_t now_ms(const hc_client_t *c)
{
    const hc_transport_t *tp = c->tp ? c->tp : c->cfg.transport;
    return tp->now_ms(tp->ctx);
}

static uint32_t earlier(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0 ? a : b;
}

static void close_connection(hc_client_t *c)
{
    if (c->connected || c->state == ST_CONNECT)
        c->tp->close(c->tp->ctx);
    c->connected = false;
}

void hc_client_close(hc_client_t *c)
{
    if (c->state == ST_IDLE && c->tp)
        close_connection(c);
}

void hc_client_abort(hc_client_t *c)
{
    if (c->state == ST_IDLE)
        return;
    close_connection(c);
    c->state = ST_IDLE;
    c->result = HC_ERR_ABORTED;
}

hc_err_t hc_status_error(uint16_t status)
{
    if (status >= 200 && status < 300)
        return HC_OK;
    if (status >= 500 && status < 600)
        return HC_ERR_SERVER;
    switch (status) {
    case 400: return HC_ERR_BAD_REQUEST;
    case 401: return HC_ERR_UNAUTHORIZED;
    case 403: return HC_ERR_FORBIDDEN;
    case 404: return HC_ERR_NOT_FOUND;
    case 409: return HC_ERR_CONFLICT;
    case 413: return HC_ERR_PAYLOAD_TOO_LARGE;
    case 429: return HC_ERR_RATE_LIMITED;
    default: return HC_ERR_HTTP_STATUS;
    }
}

/* ------------------------------------------------------------ requests */

hc_err_t hc_request_begin(hc_client_t *c, hc_buf_t *target, hc_base_t base,
                          const char *method)
{
    if (!c || !target || !method)
        return HC_ERR_ARG;
    if (c->state != ST_IDLE)
        return HC_ERR_BUSY;

    hc_url_t url;
    hc_err_t err = hc_url_parse(base == HC_BASE_PING ? c->cfg.ping_url : c->cfg.api_url, &url);
    if (err != HC_OK)
        return err;
    const hc_transport_t *tp = url.tls ? c->cfg.tls_transport : c->cfg.transport;
    if (!tp)
        return HC_ERR_NO_TLS;

    /* A kept-alive connection serves the next request only on the same
     * transport, host and port. */
    if (c->connected && (tp != c->tp || url.port != c->url.port ||
                         strcmp(url.host, c->url.host) != 0))
        close_connection(c);
    c->url = url;
    c->tp = tp;
    c->head_request = strcmp(method, "HEAD") == 0;

    hc_buf_init(target, c->cfg.work, c->cfg.work_size);
    hc_http_begin_head(target, method);
    hc_buf_put(target, url.path, url.path_len);
    return HC_OK;
}

/* Every response body passes here: its first bytes are kept as the
 * server's text, and a 2xx body goes on to the caller's sink. */
static hc_err_t client_sink(void *ctx, const hc_http_response_t *resp,
                            const uint8_t *data, size_t len)
{
    hc_client_t *c = ctx;
    size_t room = sizeof c->text - 1u - c->text_len;
    size_t take = len < room ? len : room;
    memcpy(c->text + c->text_len, data, take);
    c->text_len = (uint8_t)(c->text_len + take);
    c->text[c->text_len] = '\0';
    if (take < len)
        c->text_truncated = true;
    if (resp->status >= 200 && resp->status < 300 && c->req.sink) {
        c->sink_fed = true;
        return c->req.sink(c->req.sink_ctx, resp, data, len);
    }
    return HC_OK;
}

/* Starts an attempt at the current time: a new one (@p counted), or the
 * same one again on a new connection (see stale_connection()). */
static void begin_attempt(hc_client_t *c, bool counted)
{
    uint32_t now = now_ms(c);
    c->attempt += counted;
    c->t_attempt = now;
    c->t_progress = now;
    c->sent_any = false;
    c->sink_fed = false;
    c->status = 0;
    c->text_len = 0;
    c->text[0] = '\0';
    c->text_truncated = false;
    c->reused = c->connected;
    c->state = c->connected ? ST_SEND : ST_CONNECT;
    c->progressed = true;
    hc_http_rewind(&c->http);
}

/* The request line so far is "METHOD target": a token, one space, and a
 * target with no space or control byte, or a caller could smuggle in
 * headers through it. */
static hc_err_t check_request_line(const hc_buf_t *line)
{
    size_t i = 0;
    while (i < line->len && line->data[i] != ' ') {
        uint8_t ch = line->data[i++];
        if (!hc_is_tchar(ch))
            return HC_ERR_UNSAFE_CHAR;
    }
    /* hc_http_begin_head() wrote the space; a target must follow it. */
    if (i == 0 || i + 1 >= line->len)
        return HC_ERR_ARG;
    while (++i < line->len)
        if (line->data[i] == ' ' || hc_lex_is_ctl(line->data[i]))
            return HC_ERR_UNSAFE_CHAR;
    return HC_OK;
}

hc_err_t hc_request_start(hc_client_t *c, hc_buf_t *target, const hc_request_t *req)
{
    if (!c || !target || !req || (req->body_len && !req->body))
        return HC_ERR_ARG;
    if (c->state != ST_IDLE)
        return HC_ERR_BUSY;
    hc_err_t err = target->overflow ? HC_ERR_BUFFER : check_request_line(target);
    if (err != HC_OK)
        return err;
    size_t prefix_len = req->body_prefix_len; /* parked at target->data + target->cap */
    hc_http_head_t head = {
        .host = c->url.host,
        .host_ipv6 = c->url.ipv6,
        .port = c->url.port,
        .default_port = c->url.default_port,
        .user_agent = c->cfg.user_agent,
        .api_key = req->send_api_key ? c->cfg.api_key : NULL,
        .content_type = req->content_type,
        .has_body = req->has_body || req->body_len > 0,
        .content_length = req->body_len + prefix_len,
        .keep_alive = c->cfg.keep_alive,
        .extra = c->cfg.extra_headers,
        .n_extra = c->cfg.n_extra_headers,
    };
    err = hc_http_finish_head(target, &head);
    if (err != HC_OK)
        return err;
    if (target->len + MIN_RECV_SPACE > target->cap) /* the cap leaves out the prefix */
        return HC_ERR_BUFFER;
    /* The engine sends the prefix as the end of the head. */
    memmove(target->data + target->len, target->data + target->cap, prefix_len);

    c->req = *req;
    c->head_len = target->len;
    hc_http_start(&c->http, c->cfg.work, c->head_len + prefix_len, req->body, req->body_len,
                  c->head_request, req->max_body, client_sink, c);
    c->attempt = 0;
    c->last_error = HC_OK;
    c->result = HC_IN_PROGRESS;
    begin_attempt(c, true);
    c->t_start = c->t_attempt;
    return HC_OK;
}

/* ------------------------------------------------------------- driving */

static hc_err_t finish(hc_client_t *c, hc_err_t result)
{
    if (result != HC_OK)
        close_connection(c);
    c->state = ST_IDLE;
    c->result = result;
    c->progressed = true;
    return result;
}

static bool retryable_error(hc_err_t err)
{
    switch (err) {
    case HC_ERR_DNS: case HC_ERR_CONNECT: case HC_ERR_TLS: case HC_ERR_TIMEOUT:
    case HC_ERR_IO: case HC_ERR_CLOSED: case HC_ERR_HTTP_TRUNCATED:
        return true;
    default:
        return false;
    }
}

static bool retryable_status(uint16_t status)
{
    return status == 408 || status == 429 || (status >= 500 && status < 600);
}

/* Schedule the next attempt if the failure is @p retryable, one is allowed
 * and its back-off ends before the overall deadline; otherwise end the
 * request with @p result. (Taking the retryable test here keeps a single
 * copy of finish() for every way an attempt can end the request.) */
static hc_err_t retry_or_finish(hc_client_t *c, hc_err_t result, bool retryable)
{
    bool may_resend = retryable && (c->req.idempotent || !c->sent_any) && !c->sink_fed;
    if (c->attempt >= c->cfg.max_attempts || !may_resend)
        return finish(c, result);
    uint32_t now = now_ms(c);

    unsigned shift = c->attempt - 1u < 16u ? c->attempt - 1u : 16u;
    uint32_t delay = c->cfg.backoff_ms << shift;
    if (delay > c->cfg.backoff_max_ms || delay >> shift != c->cfg.backoff_ms)
        delay = c->cfg.backoff_max_ms;
    /* Jitter within [delay/2, delay] so a fleet restarted together spreads
     * out. With half 0 the modulo is by 1: no jitter, and no random bytes. */
    uint32_t half = delay / 2u;
    uint32_t r = 0;
    if (c->tp->random && half)
        (void)c->tp->random(c->tp->ctx, (uint8_t *)&r, sizeof r);
    delay = half + r % (half + 1u);

    uint32_t deadline = c->t_start + c->cfg.deadline_ms;
    if (hc_time_reached(now + delay, deadline))
        return finish(c, result);
    close_connection(c);
    c->t_resume = now + delay;
    c->state = ST_BACKOFF;
    c->progressed = true;
    return HC_IN_PROGRESS;
}

static hc_err_t attempt_failed(hc_client_t *c, hc_err_t err)
{
    c->last_error = err;
    close_connection(c);
    return retry_or_finish(c, err, retryable_error(err));
}

static hc_err_t response_complete(hc_client_t *c)
{
    const hc_http_response_t *resp = &c->http.resp;
    c->status = resp->status;
    if (resp->has_ping_body_limit) {
        c->has_ping_body_limit = true;
        c->ping_body_limit = resp->ping_body_limit;
    }
    if (!(c->cfg.keep_alive && resp->keep_alive))
        close_connection(c);
    if (retryable_status(resp->status))
        c->last_error = hc_status_error(resp->status);
    return retry_or_finish(c, HC_OK, retryable_status(resp->status));
}

/* A kept-alive connection the server has meanwhile closed fails before any
 * response byte: reconnect and resend once, without counting an attempt.
 * (Nothing of a response has arrived, so the attempt's response state is
 * still clear.) */
static bool stale_connection(hc_client_t *c)
{
    if (!c->reused || hc_http_response_started(&c->http) ||
        (!c->req.idempotent && c->sent_any))
        return false;
    close_connection(c);
    begin_attempt(c, false);
    return true;
}

static hc_err_t io_error(int32_t r)
{
    switch (r) {
    case HC_IO_CLOSED: return HC_ERR_CLOSED;
    case HC_IO_TIMEOUT: return HC_ERR_TIMEOUT;
    case HC_IO_DNS: return HC_ERR_DNS;
    case HC_IO_REFUSED: return HC_ERR_CONNECT;
    case HC_IO_TLS: return HC_ERR_TLS;
    case HC_IO_TLS_VERIFY: return HC_ERR_TLS_VERIFY;
    default: return HC_ERR_IO;
    }
}

/* The transport call of the current state, and what its result means. */
static hc_err_t step_io(hc_client_t *c, uint32_t until)
{
    const hc_transport_t *tp = c->tp;
    uint8_t state = c->state;
    uint8_t *space = c->cfg.work + c->http.head_len; /* after the head and a body prefix */
    const uint8_t *out;
    size_t n = c->cfg.work_size - c->http.head_len;
    int32_t r;
    hc_err_t e;

    if (state == ST_CONNECT) {
        r = tp->connect(tp->ctx, c->url.host, c->url.port, until);
    } else if (state == ST_SEND) {
        n = hc_http_next_out(&c->http, &out);
        r = tp->send(tp->ctx, out, n, until);
    } else {
        r = tp->recv(tp->ctx, space, n, until);
    }
    if (r == HC_IO_WOULD_BLOCK)
        return HC_IN_PROGRESS;
    if (r > 0 || (r == 0 && state == ST_CONNECT)) {
        if ((size_t)r > n) /* more than asked for: a broken transport */
            return attempt_failed(c, HC_ERR_IO);
        c->t_progress = now_ms(c);
        c->progressed = true;
        if (state == ST_CONNECT) {
            c->connected = true;
            c->state = ST_SEND;
            return HC_IN_PROGRESS;
        }
        if (state == ST_SEND) {
            hc_http_mark_sent(&c->http, (size_t)r);
            c->sent_any = true;
            if (hc_http_next_out(&c->http, &out) == 0)
                c->state = ST_RECV;
            return HC_IN_PROGRESS;
        }
        size_t used;
        e = hc_http_feed(&c->http, space, (size_t)r, &used);
        if (e == HC_IN_PROGRESS)
            return e;
    } else if (r == HC_IO_CLOSED && state == ST_RECV) {
        e = hc_http_feed_eof(&c->http);
        c->connected = false;
        tp->close(tp->ctx);
    } else {
        e = r == HC_IO_CLOSED && state == ST_CONNECT ? HC_ERR_CONNECT : io_error(r);
    }
    if (e == HC_ERR_HTTP_TRAILING_DATA) {
        /* The response was whole; only the connection is unusable. */
        close_connection(c);
        e = HC_OK;
    }
    if (e == HC_OK)
        return response_complete(c);
    /* (A connection being set up is never a kept-alive one.) */
    if (stale_connection(c))
        return HC_IN_PROGRESS;
    return attempt_failed(c, e);
}

static uint32_t phase_deadline(const hc_client_t *c)
{
    uint32_t d = earlier(c->t_start + c->cfg.deadline_ms,
                         c->t_attempt + c->cfg.request_timeout_ms);
    if (c->state == ST_CONNECT)
        return earlier(d, c->t_attempt + c->cfg.connect_timeout_ms);
    return earlier(d, c->t_progress + c->cfg.io_timeout_ms);
}

/* One transport call (or one state change), waiting at most until
 * @p wait_until. Sets c->progressed when anything moved. */
static hc_err_t step(hc_client_t *c, uint32_t wait_until)
{
    uint32_t now = now_ms(c);
    c->progressed = false;
    if (c->state == ST_BACKOFF) {
        if (hc_time_reached(now, c->t_resume))
            begin_attempt(c, true);
        return HC_IN_PROGRESS;
    }
    uint32_t deadline = phase_deadline(c);
    if (hc_time_reached(now, deadline))
        return attempt_failed(c, HC_ERR_TIMEOUT);
    return step_io(c, earlier(wait_until, deadline)); /* callers never step an idle client */
}

hc_err_t hc_client_poll(hc_client_t *c)
{
    if (!c)
        return HC_ERR_ARG;
    for (int i = 0; i < POLL_STEPS && c->state != ST_IDLE; i++) {
        hc_err_t r = step(c, now_ms(c));
        if (r != HC_IN_PROGRESS || !c->progressed)
            return r;
    }
    return c->state == ST_IDLE ? c->result : HC_IN_PROGRESS;
}

hc_err_t hc_client_wait(hc_client_t *c)
{
    if (!c)
        return HC_ERR_ARG;
    while (c->state != ST_IDLE) {
        if (c->state == ST_BACKOFF) {
            uint32_t now = now_ms(c);
            if (!hc_time_reached(now, c->t_resume) && c->tp->sleep_ms)
                c->tp->sleep_ms(c->tp->ctx, c->t_resume - now);
        }
        hc_err_t r = step(c, phase_deadline(c));
        if (r != HC_IN_PROGRESS)
            return r;
    }
    return c->result;
}
