/* Streaming list splitter; see hc_jstream.h. */
#include "healthchecks/hc_jstream.h"

#include <string.h>

/* Member names of the wrapper object sit at level 1, unless the body is a
 * bare list (whose level-1 names belong to elements). */
static bool is_wrapper_level(const hc_jstream_t *js, uint8_t level)
{
    return level == 1 && !js->bare;
}

hc_err_t hc_jstream_init(hc_jstream_t *js, const char *key, hc_jstream_shape_t shape,
                         char *buf, size_t cap, hc_jstream_fn on_element, void *ctx)
{
    if (!js || !key || !buf || cap == 0 || !on_element || strlen(key) > 255 ||
        (shape != HC_JSTREAM_ARRAY && shape != HC_JSTREAM_ARRAY_OR_BARE &&
         shape != HC_JSTREAM_MEMBERS))
        return HC_ERR_ARG;
    memset(js, 0, sizeof *js);
    /* Levels 0 and 1 until the list opens: the wrapper, its member names
     * and the beginnings of their values. */
    hc_jscan_init(&js->scan, 1);
    js->key = key;
    js->shape = (uint8_t)shape;
    js->buf = buf;
    js->cap = cap;
    js->on_element = on_element;
    js->ctx = ctx;
    js->err = HC_OK;
    return HC_OK;
}

/* Appends n bytes to the element being collected, if one is. */
static hc_err_t keep(hc_jstream_t *js, const char *p, size_t n)
{
    if (!js->collecting || n == 0)
        return HC_OK;
    if (n > js->cap - js->len)
        return HC_ERR_JSON_TOO_LARGE;
    memcpy(js->buf + js->len, p, n);
    js->len += n;
    return HC_OK;
}

static void start_element(hc_jstream_t *js)
{
    js->scan.ascii = true; /* a question about this element only */
    js->collecting = true;
    js->len = 0;
    js->value_start = 0;
}

static hc_err_t value_begins(hc_jstream_t *js, char c, uint8_t level)
{
    if (level == 0) {
        if (c == '[' && js->shape == HC_JSTREAM_ARRAY_OR_BARE) {
            js->bare = true;
            js->in_list = true;
            js->list_level = 1;
            return HC_OK;
        }
        return c == '{' ? HC_OK : HC_ERR_JSON;
    }
    if (is_wrapper_level(js, level)) {
        if (!js->list_next)
            return HC_OK;
        js->list_next = false;
        if (c != (js->shape == HC_JSTREAM_MEMBERS ? '{' : '['))
            return HC_ERR_JSON;
        js->in_list = true;
        js->list_level = 2;
        js->scan.watch = 2; /* the elements' edges, not their insides */
        return HC_OK;
    }
    if (js->in_list && level == js->list_level) {
        if (js->shape == HC_JSTREAM_MEMBERS)
            js->value_start = js->len;
        else
            start_element(js);
    }
    return HC_OK;
}

static void name_begins(hc_jstream_t *js, uint8_t level)
{
    if (is_wrapper_level(js, level)) {
        js->key_pos = 0;
        js->key_matches = true;
        js->in_name = true;
    } else if (js->in_list && level == js->list_level) {
        start_element(js); /* HC_JSTREAM_MEMBERS: the element starts at its name */
    }
}

/* n raw bytes of a wrapper member's name: compared with the key as they
 * come, since a name may arrive in pieces. */
static void name_bytes(hc_jstream_t *js, const char *p, size_t n)
{
    for (size_t i = 0; i < n && js->key_matches; i++) {
        if (js->key[js->key_pos] == p[i])
            js->key_pos++;
        else
            js->key_matches = false;
    }
}

static hc_err_t name_ends(hc_jstream_t *js, uint8_t level)
{
    js->in_name = false;
    if (is_wrapper_level(js, level)) {
        if (js->key_matches && js->key[js->key_pos] == '\0') {
            if (js->list_done)
                return HC_ERR_JSON; /* a second list would be ambiguous */
            js->list_next = true;
        }
    } else if (js->collecting && level == js->list_level) {
        js->name_end = js->len;
    }
    return HC_OK;
}

static hc_err_t emit(hc_jstream_t *js)
{
    const char *name = NULL;
    size_t name_len = 0;
    js->collecting = false;
    if (js->shape == HC_JSTREAM_MEMBERS) {
        name = js->buf + 1;               /* after the opening quote */
        name_len = js->name_end - 2;      /* without both quotes */
    }
    return js->on_element(js->ctx, name, name_len, js->buf + js->value_start,
                          js->len - js->value_start);
}

static hc_err_t value_ends(hc_jstream_t *js, uint8_t level)
{
    if (js->collecting && level == js->list_level)
        return emit(js);
    if (js->in_list && level + 1u == js->list_level) {
        js->in_list = false;
        js->list_done = true;
        js->scan.watch = 1;
    }
    return HC_OK;
}

/* The scanner took @p used bytes at @p p and stopped at @p ev: the bytes
 * before the event's own byte belong to whatever was being read (an
 * element, or a wrapper member's name), then the event is acted on. */
static hc_err_t on_run(hc_jstream_t *js, hc_jscan_ev_t ev, uint8_t level, const char *p,
                       size_t used)
{
    /* MORE, END_BEFORE and ERROR stop after (or at) a byte of no event */
    bool marked = ev != HC_JSCAN_MORE && ev != HC_JSCAN_END_BEFORE && ev != HC_JSCAN_ERROR;
    size_t plain = used - marked;
    const char *c = p + plain; /* the event's byte, when marked */
    hc_err_t err;

    if (js->in_name)
        name_bytes(js, p, plain);
    err = keep(js, p, plain);
    if (err != HC_OK)
        return err;
    switch (ev) {
    case HC_JSCAN_MORE:
        return HC_OK;
    case HC_JSCAN_BEGIN:
        err = value_begins(js, *c, level);
        return err != HC_OK ? err : keep(js, c, 1);
    case HC_JSCAN_KEY_BEGIN:
        name_begins(js, level);
        return keep(js, c, 1);
    case HC_JSCAN_KEY_END:
        err = keep(js, c, 1);
        return err != HC_OK ? err : name_ends(js, level);
    case HC_JSCAN_END:
        err = keep(js, c, 1);
        return err != HC_OK ? err : value_ends(js, level);
    case HC_JSCAN_END_BEFORE:
        return value_ends(js, level);
    default: /* HC_JSCAN_ERROR */
        return HC_ERR_JSON;
    }
}

hc_err_t hc_jstream_feed(hc_jstream_t *js, const uint8_t *data, size_t len)
{
    if (!data && len)
        return HC_ERR_ARG;  /* a caller mistake, not the body's: not sticky */
    const char *p = (const char *)data;
    /* Bounded: each turn takes a byte, or ends a scalar before one. */
    while (len && js->err == HC_OK) {
        size_t used;
        uint8_t level = 0;
        hc_jscan_ev_t ev = hc_jscan_run(&js->scan, p, len, &used, &level);
        js->err = on_run(js, ev, level, p, used);
        p += used;
        len -= used;
    }
    return js->err;
}

bool hc_jstream_element_ascii(const hc_jstream_t *js)
{
    return js->scan.ascii;
}

hc_err_t hc_jstream_finish(hc_jstream_t *js)
{
    if (js->err == HC_OK && (!hc_jscan_finish(&js->scan) || !js->list_done))
        js->err = HC_ERR_JSON;
    return js->err;
}
