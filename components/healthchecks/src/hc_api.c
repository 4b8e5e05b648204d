/* The Management API; see hc_api.h. Each endpoint builds its request and
 * picks how the response decodes; hc_api_poll() finishes the decoding. */
#include "healthchecks/hc_api.h"

#include <string.h>

#include "hc_jsmn.h"
#include "hc_lex.h"
#include "hc_request.h"

/* What a response decodes into. */
enum kind {
    K_NONE, K_CHECK, K_CREATED, K_CHECKS, K_PINGS, K_FLIPS, K_CHANNELS, K_BADGES, K_BYTES,
    K_STATUS
};  /* K_CREATED: a check from a create, the one call whose 201 means "made" */

#define FLIPS_SECONDS_MAX 31536000u
#define FLIPS_TIME_MAX 10000000000LL

hc_err_t hc_api_init(hc_api_t *api, hc_client_t *client, const hc_api_mem_t *mem)
{
    if (!api || !client || !mem || !mem->elem || mem->elem_size < 64 || !mem->tok ||
        mem->n_tok < 8 || client->cfg.api_version < 1 || client->cfg.api_version > 3)
        return HC_ERR_ARG;
    memset(api, 0, sizeof *api);
    api->client = client;
    api->mem = *mem;
    return HC_OK;
}

/* --------------------------------------------------------- identifiers */

static bool is_unique_key(const char *s)
{
    size_t n = 0;
    while (hc_lex_is_lower_hex(s[n]))
        n++;
    return n == 40 && s[n] == '\0';
}

static hc_err_t check_id(const char *id, bool unique_key_ok)
{
    if (!id)
        return HC_ERR_ARG;
    if (hc_is_uuid(id, true) || (unique_key_ok && is_unique_key(id)))
        return HC_OK;
    return HC_ERR_ARG;
}

/* ------------------------------------------------------------ decoding */

static size_t item_size(uint8_t kind)
{
    switch (kind) {
    case K_CHECKS: return sizeof(hc_check_t);
    case K_PINGS: return sizeof(hc_received_ping_t);
    case K_FLIPS: return sizeof(hc_flip_t);
    case K_CHANNELS: return sizeof(hc_channel_t);
    default: return sizeof(hc_badge_t);
    }
}

static hc_err_t decode_item(uint8_t kind, void *slot, const hc_json_t *doc,
                            const char *name, size_t name_len)
{
    switch (kind) {
    case K_CHECKS: return hc_decode_check(slot, doc, 0);
    case K_PINGS: return hc_decode_received_ping(slot, doc, 0);
    case K_FLIPS: return hc_decode_flip(slot, doc, 0);
    case K_CHANNELS: return hc_decode_channel(slot, doc, 0);
    default: return hc_decode_badge(slot, name, name_len, doc, 0);
    }
}

/* One list element has arrived whole: decode it into its slot. Elements
 * past a full array are counted, not kept. */
static hc_err_t on_element(void *ctx, const char *name, size_t name_len,
                           const char *elem, size_t elem_len)
{
    hc_api_t *api = ctx;
    hc_list_t *l = api->list;
    l->total++;
    if (!l->each && l->count >= l->capacity)
        return HC_OK;
    hc_json_t doc;
    /* The splitter has checked the element's grammar: jsmn only tokenizes. */
    hc_err_t err = hc_jsmn_tokenize(&doc, elem, elem_len, api->mem.tok, api->mem.n_tok,
                                    hc_jstream_element_ascii(&api->stream));
    if (err != HC_OK)
        return err;
    void *slot = (char *)l->items + (l->each ? 0 : l->count) * item_size(api->kind);
    err = decode_item(api->kind, slot, &doc, name, name_len);
    if (err != HC_OK)
        return err;
    if (l->each)
        return l->each(l->ctx, slot);
    l->count++;
    return HC_OK;
}

/* A single-object body is collected whole in the element buffer. One that
 * does not fit is still read to its end, so the call's status (the server
 * did act) is known and the connection stays usable; finish() reports it. */
static hc_err_t collect_body(void *ctx, const hc_http_response_t *resp,
                             const uint8_t *data, size_t len)
{
    (void)resp;
    hc_api_t *api = ctx;
    api->body_too_large |= len > api->mem.elem_size - api->body_len;
    if (!api->body_too_large) {
        memcpy(api->mem.elem + api->body_len, data, len);
        api->body_len += len;
    }
    return HC_OK;
}

/* A list body goes to the splitter as it arrives. */
static hc_err_t stream_list(void *ctx, const hc_http_response_t *resp,
                            const uint8_t *data, size_t len)
{
    (void)resp;
    return hc_jstream_feed((hc_jstream_t *)ctx, data, len);
}

static hc_err_t deliver_bytes(void *ctx, const hc_http_response_t *resp,
                              const uint8_t *data, size_t len)
{
    (void)resp;
    hc_bytes_t *out = ((hc_api_t *)ctx)->bytes;
    if (out->each) {
        out->len += len;
        return out->each(out->ctx, data, len);
    }
    if (len > out->cap - out->len)
        return HC_ERR_BODY_TOO_LARGE;
    memcpy(out->buf + out->len, data, len);
    out->len += len;
    return HC_OK;
}

/* ------------------------------------------------------------ requests */

/* A call refused before it started: its error is what hc_api_poll() and
 * hc_api_wait() report from now on (never the previous call's result),
 * unless a call is still running, which is left alone. */
static hc_err_t refuse(hc_api_t *api, hc_err_t err)
{
    if (api && api->result != HC_IN_PROGRESS) {
        api->result = err;
        api->created = false;
        api->error[0] = '\0';
    }
    return err;
}

/* Writes "METHOD /prefix/vN/" and, given an id, "checks/<id>"; resets the
 * per-call state. The call counts as refused until start() succeeds. */
static hc_err_t begin(hc_api_t *api, hc_buf_t *b, const char *method, uint8_t kind,
                      const char *id)
{
    if (!api)
        return HC_ERR_ARG;
    hc_err_t err = hc_request_begin(api->client, b, HC_BASE_API, method);
    if (err != HC_OK)
        return refuse(api, err);
    hc_buf_puts(b, "/v");
    hc_buf_put_u32(b, api->client->cfg.api_version);
    hc_buf_putc(b, '/');
    if (id) {
        hc_buf_puts(b, "checks/");
        hc_buf_put_pct(b, id, strlen(id));
    }
    api->kind = kind;
    api->created = false;
    api->body_len = 0;
    api->body_too_large = false;
    api->list = NULL;
    api->object = NULL;
    api->bytes = NULL;
    api->error[0] = '\0';
    api->result = HC_ERR_ARG;
    return HC_OK;
}

/* Start the request with the sink its kind needs. */
static hc_err_t start(hc_api_t *api, hc_buf_t *b, bool idempotent,
                      const uint8_t *body, size_t body_len)
{
    hc_request_t req = {
        .send_api_key = api->kind != K_STATUS,
        .idempotent = idempotent,
        .sink_ctx = api,
    };
    if (body) {
        req.body = body;
        req.body_len = body_len;
        req.has_body = true;
        req.content_type = "application/json";
    }
    switch (api->kind) {
    case K_CHECK: case K_CREATED:
        if (api->object) /* else the echoed check is not wanted */
            req.sink = collect_body;
        break;
    case K_BYTES:
        /* Not req.max_body: the engine would apply it to error pages too,
         * turning a 404 into HC_ERR_BODY_TOO_LARGE; the sink sees 2xx only. */
        req.sink = deliver_bytes;
        break;
    case K_CHECKS: case K_PINGS: case K_FLIPS: case K_CHANNELS: case K_BADGES:
        req.sink = stream_list;
        req.sink_ctx = &api->stream;
        break;
    default:
        break;
    }
    hc_err_t err = hc_request_start(api->client, b, &req);
    api->result = err == HC_OK ? HC_IN_PROGRESS : err;
    return err;
}

/* The lists, in kind order from K_CHECKS: the member that holds the
 * elements, which is also the last segment of the list's path, and the
 * body's shape (a uint8_t keeps the table small). */
static const struct list_desc {
    const char *key;
    uint8_t shape;
} lists[] = {
    [K_CHECKS - K_CHECKS] = { "checks", HC_JSTREAM_ARRAY },
    [K_PINGS - K_CHECKS] = { "pings", HC_JSTREAM_ARRAY },
    [K_FLIPS - K_CHECKS] = { "flips", HC_JSTREAM_ARRAY_OR_BARE },
    [K_CHANNELS - K_CHECKS] = { "channels", HC_JSTREAM_ARRAY },
    [K_BADGES - K_CHECKS] = { "badges", HC_JSTREAM_MEMBERS },
};

/* GET [checks/<id>/]<key>/ of the list of this kind into @p out; begin()
 * otherwise, once @p out is known to be usable. */
static hc_err_t begin_list(hc_api_t *api, hc_buf_t *b, uint8_t kind, const char *id,
                           const hc_list_t *out)
{
    if (!out || !out->items || !out->capacity)
        return refuse(api, HC_ERR_ARG);
    hc_err_t err = begin(api, b, "GET", kind, id);
    if (err != HC_OK)
        return err;
    if (id)
        hc_buf_putc(b, '/');
    hc_buf_puts(b, lists[kind - K_CHECKS].key);
    hc_buf_putc(b, '/');
    return HC_OK;
}

static hc_err_t start_list(hc_api_t *api, hc_buf_t *b, hc_list_t *out)
{
    const struct list_desc *d = &lists[api->kind - K_CHECKS];
    out->count = 0;
    out->total = 0;
    api->list = out;
    hc_err_t err = hc_jstream_init(&api->stream, d->key, (hc_jstream_shape_t)d->shape,
                                   api->mem.elem, api->mem.elem_size, on_element, api);
    if (err != HC_OK)
        return refuse(api, err);
    return start(api, b, true, NULL, 0);
}

/* Appends "?name" for the first query parameter and "&name" for the
 * others (name ends with '='). */
static void put_param(hc_buf_t *b, char *sep, const char *name)
{
    hc_buf_putc(b, *sep);
    hc_buf_puts(b, name);
    *sep = '&';
}

/* Every tag the query counts is there. */
static bool tags_present(const hc_check_query_t *q)
{
    if (q && q->n_tags && !q->tags)
        return false;
    for (size_t i = 0; q && i < q->n_tags; i++) {
        if (!q->tags[i])
            return false;
    }
    return true;
}

hc_err_t hc_api_list_checks_begin(hc_api_t *api, const hc_check_query_t *query, hc_list_t *out)
{
    hc_buf_t b;
    char sep = '?';
    if (!tags_present(query))
        return refuse(api, HC_ERR_ARG);
    hc_err_t err = begin_list(api, &b, K_CHECKS, NULL, out);
    if (err != HC_OK)
        return err;
    for (size_t i = 0; query && i < query->n_tags; i++) {
        put_param(&b, &sep, "tag=");
        hc_buf_put_pct(&b, query->tags[i], strlen(query->tags[i]));
    }
    if (query && query->slug) {
        put_param(&b, &sep, "slug=");
        hc_buf_put_pct(&b, query->slug, strlen(query->slug));
    }
    return start_list(api, &b, out);
}

/* The calls on one check that send no body of their own. */
enum check_op { OP_GET, OP_PAUSE, OP_RESUME, OP_DELETE };

static const struct check_op_desc {
    const char *method;
    const char *tail;      /* after "checks/<id>" */
    bool unique_key_ok;    /* the id may be a read-only unique key */
    bool idempotent;
    bool empty_body;       /* a POST without a body still says Content-Length: 0 */
} check_ops[] = {
    [OP_GET] = { "GET", "", true, true, false },
    [OP_PAUSE] = { "POST", "/pause", false, true, true },
    [OP_RESUME] = { "POST", "/resume", false, false, true },
    [OP_DELETE] = { "DELETE", "", false, false, false },
};

static hc_err_t check_call(hc_api_t *api, const char *id, hc_check_t *out, enum check_op op)
{
    const struct check_op_desc *d = &check_ops[op];
    hc_err_t err = check_id(id, d->unique_key_ok);
    if (err != HC_OK)
        return refuse(api, err);
    hc_buf_t b;
    err = begin(api, &b, d->method, K_CHECK, id);
    if (err != HC_OK)
        return err;
    api->object = out;
    hc_buf_puts(&b, d->tail);
    return start(api, &b, d->idempotent, d->empty_body ? (const uint8_t *)"" : NULL, 0);
}

hc_err_t hc_api_get_check_begin(hc_api_t *api, const char *id, hc_check_t *out)
{
    return out ? check_call(api, id, out, OP_GET) : refuse(api, HC_ERR_ARG);
}

hc_err_t hc_api_pause_check_begin(hc_api_t *api, const char *uuid, hc_check_t *out)
{
    return check_call(api, uuid, out, OP_PAUSE);
}

hc_err_t hc_api_resume_check_begin(hc_api_t *api, const char *uuid, hc_check_t *out)
{
    return check_call(api, uuid, out, OP_RESUME);
}

hc_err_t hc_api_delete_check_begin(hc_api_t *api, const char *uuid, hc_check_t *out)
{
    return check_call(api, uuid, out, OP_DELETE);
}

/* Create and update: the JSON body goes into the element buffer, which the
 * response reuses only after the whole body was sent. It is written only
 * once begin() has found the client idle: a call still running may be
 * using the buffer. */
static hc_err_t write_call(hc_api_t *api, const char *uuid, const hc_check_spec_t *spec,
                           hc_check_t *out)
{
    if (!spec)
        return refuse(api, HC_ERR_ARG);
    hc_err_t err = hc_check_spec_validate(spec);
    if (err == HC_OK && uuid && ((spec->set & HC_SPEC_UNIQUE) || check_id(uuid, false) != HC_OK))
        err = HC_ERR_ARG;
    if (err != HC_OK)
        return refuse(api, err);
    hc_buf_t b;
    err = begin(api, &b, "POST", uuid ? K_CHECK : K_CREATED, uuid);
    if (err != HC_OK)
        return err;
    if (!uuid)
        hc_buf_puts(&b, "checks/");
    hc_buf_t json;
    hc_buf_init(&json, api->mem.elem, api->mem.elem_size);
    err = hc_check_spec_write(&json, spec);
    if (err != HC_OK)
        return refuse(api, err);
    api->object = out;
    return start(api, &b, false, json.data, json.len);
}

hc_err_t hc_api_create_check_begin(hc_api_t *api, const hc_check_spec_t *spec, hc_check_t *out)
{
    return write_call(api, NULL, spec, out);
}

hc_err_t hc_api_update_check_begin(hc_api_t *api, const char *uuid,
                                   const hc_check_spec_t *spec, hc_check_t *out)
{
    return uuid ? write_call(api, uuid, spec, out) : refuse(api, HC_ERR_ARG);
}

hc_err_t hc_api_list_pings_begin(hc_api_t *api, const char *uuid, hc_list_t *out)
{
    hc_err_t err = check_id(uuid, false);
    hc_buf_t b;
    if (err == HC_OK)
        err = begin_list(api, &b, K_PINGS, uuid, out);
    if (err != HC_OK)
        return refuse(api, err);
    return start_list(api, &b, out);
}

hc_err_t hc_api_get_ping_body_begin(hc_api_t *api, const char *uuid, uint32_t n, hc_bytes_t *out)
{
    hc_err_t err = check_id(uuid, false);
    if (err == HC_OK && (!out || (!out->each && !out->buf && out->cap)))
        err = HC_ERR_ARG;
    hc_buf_t b;
    if (err == HC_OK)
        err = begin(api, &b, "GET", K_BYTES, uuid);
    if (err != HC_OK)
        return refuse(api, err);
    out->len = 0;
    api->bytes = out;
    hc_buf_puts(&b, "/pings/");
    hc_buf_put_u32(&b, n);
    hc_buf_puts(&b, "/body");
    return start(api, &b, true, NULL, 0);
}

static hc_err_t check_flip_query(const hc_flip_query_t *q)
{
    if (!q)
        return HC_OK;
    if ((q->has_seconds && q->seconds > FLIPS_SECONDS_MAX) ||
        (q->has_start && (q->start < 0 || q->start > FLIPS_TIME_MAX)) ||
        (q->has_end && (q->end < 0 || q->end > FLIPS_TIME_MAX)))
        return HC_ERR_RANGE;
    return HC_OK;
}

static void put_flip_query(hc_buf_t *b, const hc_flip_query_t *q)
{
    char sep = '?';
    if (!q)
        return;
    if (q->has_seconds) {
        put_param(b, &sep, "seconds=");
        hc_buf_put_u32(b, q->seconds);
    }
    if (q->has_start) {
        put_param(b, &sep, "start=");
        hc_buf_put_i64(b, q->start);
    }
    if (q->has_end) {
        put_param(b, &sep, "end=");
        hc_buf_put_i64(b, q->end);
    }
}

hc_err_t hc_api_list_flips_begin(hc_api_t *api, const char *id,
                                 const hc_flip_query_t *query, hc_list_t *out)
{
    hc_err_t err = check_id(id, true);
    if (err == HC_OK)
        err = check_flip_query(query);
    hc_buf_t b;
    if (err == HC_OK)
        err = begin_list(api, &b, K_FLIPS, id, out);
    if (err != HC_OK)
        return refuse(api, err);
    put_flip_query(&b, query);
    return start_list(api, &b, out);
}

hc_err_t hc_api_list_channels_begin(hc_api_t *api, hc_list_t *out)
{
    hc_buf_t b;
    hc_err_t err = begin_list(api, &b, K_CHANNELS, NULL, out);
    return err != HC_OK ? err : start_list(api, &b, out);
}

hc_err_t hc_api_list_badges_begin(hc_api_t *api, hc_list_t *out)
{
    hc_buf_t b;
    hc_err_t err = begin_list(api, &b, K_BADGES, NULL, out);
    return err != HC_OK ? err : start_list(api, &b, out);
}

hc_err_t hc_api_status_begin(hc_api_t *api)
{
    hc_buf_t b;
    hc_err_t err = begin(api, &b, "GET", K_STATUS, NULL);
    if (err != HC_OK)
        return err;
    hc_buf_puts(&b, "status/");
    return start(api, &b, true, NULL, 0);
}

/* ------------------------------------------------------------ finishing */

/* Keep the server's error text: the "error" member of a JSON body, or the
 * body itself (e.g. "check is not paused"). */
static void keep_error_text(hc_api_t *api)
{
    const char *text = hc_client_text(api->client);
    hc_json_t doc;
    int i;
    bool cut;
    if (hc_json_parse(&doc, text, strlen(text), api->mem.tok, api->mem.n_tok) == HC_OK &&
        (i = hc_json_find(&doc, 0, "error")) > 0 &&
        hc_json_string(&doc, i, api->error, sizeof api->error, &cut) == HC_OK)
        return;
    text += strspn(text, " \t\r\n");
    size_t n = text[0] == '<' ? 0 : strlen(text);  /* an HTML page is no message */
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        n--;
    memcpy(api->error, text, n);
    api->error[n] = '\0';
}

static hc_err_t decode_object(hc_api_t *api)
{
    hc_json_t doc;
    if (!api->object)
        return HC_OK;
    if (api->body_too_large)
        return HC_ERR_JSON_TOO_LARGE;
    hc_err_t err = hc_json_parse(&doc, api->mem.elem, api->body_len, api->mem.tok, api->mem.n_tok);
    if (err != HC_OK)
        return err;
    return hc_decode_check(api->object, &doc, 0);
}

static hc_err_t finish(hc_api_t *api, hc_err_t err)
{
    uint16_t status = hc_client_status(api->client);
    if (err == HC_OK && (status < 200 || status >= 300)) {
        keep_error_text(api);
        err = hc_status_error(status);
    } else if (err == HC_OK) {
        api->created = status == 201 && api->kind == K_CREATED;
        switch (api->kind) {
        case K_CHECK: case K_CREATED: err = decode_object(api); break;
        case K_STATUS:
            err = strncmp(hc_client_text(api->client), "OK", 2) ? HC_ERR_HTTP_STATUS : HC_OK;
            break;
        case K_BYTES: break;
        default: err = hc_jstream_finish(&api->stream); break;
        }
    }
    api->result = err;
    return err;
}

hc_err_t hc_api_poll(hc_api_t *api)
{
    if (!api)
        return HC_ERR_ARG;
    if (api->result != HC_IN_PROGRESS)
        return api->result;
    hc_err_t err = hc_client_poll(api->client);
    return err == HC_IN_PROGRESS ? err : finish(api, err);
}

hc_err_t hc_api_wait(hc_api_t *api)
{
    if (!api)
        return HC_ERR_ARG;
    if (api->result != HC_IN_PROGRESS)
        return api->result;
    return finish(api, hc_client_wait(api->client));
}
