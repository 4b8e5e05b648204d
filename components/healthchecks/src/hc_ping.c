/* The Pinging API; see hc_ping.h. */
#include "healthchecks/hc_ping.h"

#include <string.h>

#include "hc_lex.h"
#include "hc_request.h"

#define SLUG_MAX 100u

static hc_err_t check_slug(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        if (!hc_lex_is_slug_char(s[n]))
            return HC_ERR_ARG;
        if (n == SLUG_MAX)
            return HC_ERR_TOO_LONG;
    }
    return n ? HC_OK : HC_ERR_ARG;
}

static hc_err_t check_target(const hc_client_t *c, const hc_ping_t *p)
{
    if (!p->uuid == !p->slug)
        return HC_ERR_ARG;
    if (p->uuid)
        return hc_is_uuid(p->uuid, true) && !p->create ? HC_OK : HC_ERR_ARG;
    const char *key = c->cfg.ping_key;
    if (!key || !*key)
        return HC_ERR_ARG;
    hc_err_t err = hc_check_header_value(key);
    return err != HC_OK ? err : check_slug(p->slug);
}

hc_err_t hc_ping_validate(const hc_client_t *c, const hc_ping_t *p)
{
    if (!c || !p || (p->body_len && !p->body))
        return HC_ERR_ARG;
    hc_err_t err = check_target(c, p);
    if (err != HC_OK)
        return err;
    if (p->signal > HC_SIGNAL_EXIT || p->method > HC_METHOD_POST)
        return HC_ERR_ARG;
    if (p->signal == HC_SIGNAL_EXIT && p->exit_status > 255u)
        return HC_ERR_RANGE;
    if (p->rid && !hc_is_uuid(p->rid, false))
        return HC_ERR_ARG;
    if (p->method == HC_METHOD_HEAD && p->body_len)
        return HC_ERR_ARG;
    return HC_OK;
}

static const char *method_name(const hc_ping_t *p)
{
    static const char *const names[] = { "GET", "GET", "HEAD", "POST" };
    if (p->method == HC_METHOD_AUTO && p->body)
        return "POST";
    return names[p->method];
}

static void put_target(hc_buf_t *b, const hc_client_t *c, const hc_ping_t *p)
{
    static const char *const suffix[] = { "", "/start", "/fail", "/log", "/" };
    hc_buf_putc(b, '/');
    if (p->uuid) {
        hc_buf_puts(b, p->uuid);
    } else {
        const char *key = c->cfg.ping_key;
        hc_buf_put_pct(b, key, strlen(key));
        hc_buf_putc(b, '/');
        hc_buf_puts(b, p->slug);
    }
    hc_buf_puts(b, suffix[p->signal]);
    if (p->signal == HC_SIGNAL_EXIT)
        hc_buf_put_u32(b, p->exit_status);
    char sep = '?';
    if (p->rid) {
        /* hc_ping_validate() accepted it as a UUID: hex digits and '-',
         * which percent-encoding would leave as they are. */
        hc_buf_puts(b, "?rid=");
        hc_buf_puts(b, p->rid);
        sep = '&';
    }
    if (p->create) {
        hc_buf_putc(b, sep);
        hc_buf_puts(b, "create=1");
    }
}

hc_err_t hc_ping_prepare(hc_client_t *c, const hc_ping_t *p, hc_buf_t *target,
                         hc_request_t *req)
{
    hc_err_t err = hc_ping_validate(c, p);
    if (err != HC_OK)
        return err;
    err = hc_request_begin(c, target, HC_BASE_PING, method_name(p));
    if (err != HC_OK)
        return err;
    put_target(target, c, p);

    memset(req, 0, sizeof *req);
    req->idempotent = true;
    if (p->body) {
        size_t len = p->body_len;
        uint32_t limit;
        if (p->body_tail && hc_client_ping_body_limit(c, &limit) && len > limit)
            len = limit;
        req->body = p->body + (p->body_len - len);
        req->body_len = len;
        req->has_body = true;
        req->content_type = "text/plain; charset=utf-8";
    }
    return HC_OK;
}

hc_err_t hc_ping_send_begin(hc_client_t *c, const hc_ping_t *p)
{
    hc_buf_t b;
    hc_request_t req;
    hc_err_t err = hc_ping_prepare(c, p, &b, &req);
    return err != HC_OK ? err : hc_request_start(c, &b, &req);
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The hosted service answers some undelivered pings with 200 and says so
 * in the body; other servers use the status. Both are decided here. */
static hc_err_t ping_outcome(const hc_client_t *c)
{
    const char *text = hc_client_text(c);
    if (starts_with(text, "OK (not found)"))
        return HC_ERR_NOT_FOUND;
    if (starts_with(text, "OK (rate-limited)") || starts_with(text, "OK (rate limited)"))
        return HC_ERR_RATE_LIMITED;
    hc_err_t err = hc_status_error(hc_client_status(c));
    if (err == HC_ERR_HTTP_STATUS || err == HC_ERR_BAD_REQUEST) {
        if (strstr(text, "not found"))
            return HC_ERR_NOT_FOUND;
        if (strstr(text, "rate limited") || strstr(text, "rate-limited"))
            return HC_ERR_RATE_LIMITED;
    }
    return err;
}

/* A ping that never started reports nothing of an earlier request. */
static void fill_refusal(hc_ping_result_t *out)
{
    if (out) {
        memset(out, 0, sizeof *out);
        out->text = "";
    }
}

/* The ping's outcome once the request ended with @p err, also written to
 * @p out; shared by both drivers so each carries one call, not two. */
static hc_err_t conclude(const hc_client_t *c, hc_err_t err, hc_ping_result_t *out)
{
    if (err == HC_OK)
        err = ping_outcome(c);
    if (out) {
        memset(out, 0, sizeof *out);
        out->status = hc_client_status(c);
        out->delivered = err == HC_OK;
        out->created = err == HC_OK && out->status == 201;
        out->body_sent = hc_client_body_sent(c);
        out->has_body_limit = hc_client_ping_body_limit(c, &out->body_limit);
        out->text = hc_client_text(c);
    }
    return err;
}

hc_err_t hc_ping_poll(hc_client_t *c, hc_ping_result_t *out)
{
    hc_err_t err = hc_client_poll(c);
    return err == HC_IN_PROGRESS ? err : conclude(c, err, out);
}

hc_err_t hc_ping_wait(hc_client_t *c, hc_ping_result_t *out)
{
    return conclude(c, hc_client_wait(c), out);
}

hc_err_t hc_ping_send(hc_client_t *c, const hc_ping_t *p, hc_ping_result_t *out)
{
    hc_err_t err = hc_ping_send_begin(c, p);
    if (err != HC_OK) {
        fill_refusal(out);
        return err;
    }
    return conclude(c, hc_client_wait(c), out);
}

hc_err_t hc_rid_new(const hc_client_t *c, char out[37])
{
    const hc_transport_t *tp = c ? c->cfg.transport : NULL;
    uint8_t r[16];
    if (!out || !tp || !tp->random || tp->random(tp->ctx, r, sizeof r) != 0)
        return HC_ERR_ARG;
    r[6] = (uint8_t)((r[6] & 0x0fu) | 0x40u); /* version 4 */
    r[8] = (uint8_t)((r[8] & 0x3fu) | 0x80u); /* RFC 4122 variant */
    hc_lex_uuid_text(r, out);
    return HC_OK;
}
