/* What the Management API tests share; see api_env.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "api_env.h"

fixture_t fx;

void setup_mem(const hc_mock_conn_t *script, size_t n, size_t elem_size, unsigned n_tok)
{
    memset(&fx, 0, sizeof fx);
    hc_mock_init(&fx.mock, script, n, fx.capture, sizeof fx.capture);
    fx.tp = hc_mock_transport(&fx.mock);
    hc_config_defaults(&fx.cfg);
    fx.cfg.api_url = "http://hc.test/api";
    fx.cfg.api_key = KEY;
    fx.cfg.transport = &fx.tp;
    fx.cfg.work = fx.work;
    fx.cfg.work_size = sizeof fx.work;
    assert_err(hc_client_init(&fx.client, &fx.cfg), HC_OK);
    assert_true(elem_size <= sizeof fx.elem && n_tok <= 256);
    hc_api_mem_t mem = { fx.elem, elem_size, fx.tok, n_tok };
    assert_err(hc_api_init(&fx.api, &fx.client, &mem), HC_OK);
}

void setup(const hc_mock_conn_t *script, size_t n) { setup_mem(script, n, 2048, 80); }

/* ------------------------------------------------------------- responses */

/* A response in one of a few rotating slots (a script may hold several). */
const char *response(const char *status, const char *body, framing_t framing)
{
    static char slots[6][12288];
    static unsigned next;
    char *r = slots[next++ % 6];
    size_t len = strlen(body), cap = sizeof slots[0];
    int k = snprintf(r, cap, "HTTP/1.1 %s\r\nContent-Type: application/json\r\n", status);
    if (framing == LENGTH) {
        k += snprintf(r + k, cap - (size_t)k, "Content-Length: %zu\r\n\r\n%s", len, body);
    } else if (framing == CLOSE) {
        k += snprintf(r + k, cap - (size_t)k, "Connection: close\r\n\r\n%s", body);
    } else {
        k += snprintf(r + k, cap - (size_t)k, "Transfer-Encoding: chunked\r\n\r\n");
        /* chunks of 1, 2, 3, ... bytes: every split point is met somewhere */
        for (size_t pos = 0, size = 1; pos < len; pos += size, size++) {
            if (size > len - pos)
                size = len - pos;
            k += snprintf(r + k, cap - (size_t)k, "%zx\r\n%.*s\r\n", size, (int)size, body + pos);
        }
        k += snprintf(r + k, cap - (size_t)k, "0\r\n\r\n");
    }
    assert_true((size_t)k < cap);
    return r;
}

hc_mock_conn_t answer(const char *raw)
{
    hc_mock_conn_t c = { 0 };
    c.response = (const uint8_t *)raw;
    c.response_len = strlen(raw);
    return c;
}

hc_mock_conn_t json(const char *status, const char *body)
{
    return answer(response(status, body, LENGTH));
}

/* The body of a recorded response (points into @p raw). */
const char *body_of(const char *raw)
{
    const char *b = strstr(raw, "\r\n\r\n");
    assert_non_null(b);
    return b + 4;
}

/* ---------------------------------------------------------------- driving */

hc_err_t wait_for(hc_err_t started)
{
    assert_err(started, HC_OK);
    return hc_api_wait(&fx.api);
}

/* Poll to the end; no poll may move the virtual clock (a poll that waited
 * would). Returns the result; *in_progress counts HC_IN_PROGRESS answers. */
hc_err_t poll_for(hc_err_t started, unsigned *in_progress)
{
    assert_err(started, HC_OK);
    unsigned n = 0;
    hc_err_t r;
    do {
        uint32_t before = fx.mock.now;
        r = hc_api_poll(&fx.api);
        assert_int_equal(fx.mock.now, before);
        n++;
        assert_true(n < POLL_LIMIT);
    } while (r == HC_IN_PROGRESS);
    if (in_progress)
        *in_progress = n - 1;
    return r;
}

void nothing_sent(void)
{
    assert_int_equal(fx.mock.next, 0);
    assert_int_equal(fx.mock.capture_len, 0);
}

/* ------------------------------------------------------------ list helpers */

size_t item_size(endpoint_t ep)
{
    switch (ep) {
    case EP_CHECKS: return sizeof(hc_check_t);
    case EP_PINGS: return sizeof(hc_received_ping_t);
    case EP_FLIPS: return sizeof(hc_flip_t);
    case EP_CHANNELS: return sizeof(hc_channel_t);
    default: return sizeof(hc_badge_t);
    }
}

hc_err_t start_list(endpoint_t ep, hc_list_t *out)
{
    switch (ep) {
    case EP_CHECKS: return hc_api_list_checks_begin(&fx.api, NULL, out);
    case EP_PINGS: return hc_api_list_pings_begin(&fx.api, UUID, out);
    case EP_FLIPS: return hc_api_list_flips_begin(&fx.api, UUID, NULL, out);
    case EP_CHANNELS: return hc_api_list_channels_begin(&fx.api, out);
    default: return hc_api_list_badges_begin(&fx.api, out);
    }
}

hc_err_t keep(void *ctx, const void *item)
{
    kept_t *k = ctx;
    k->n++;
    if (k->stop_at && k->n == k->stop_at)
        return k->stop_with;
    if (k->n <= MAX_ITEMS)
        memcpy(&k->items[k->n - 1], item, k->size);
    return HC_OK;
}

/* Both runs decoded the same elements, byte for byte. */
bool same_items(const kept_t *a, const kept_t *b)
{
    if (a->n != b->n || a->size != b->size)
        return false;
    for (size_t i = 0; i < a->n && i < MAX_ITEMS; i++) {
        if (memcmp(&a->items[i], &b->items[i], a->size) != 0)
            return false;
    }
    return true;
}

const char *const mode_names[N_MODES] = { "whole", "one byte a time", "storms (poll)",
                                          "chunked 1,2,3..", "close-delimited" };

/* Run list @p ep over @p raw (a whole response) delivered as @p mode, in
 * callback mode; the decoded elements go to @p k. */
hc_err_t run_list(endpoint_t ep, const char *raw, mode_t_ mode, kept_t *k)
{
    const char *bytes = raw;
    if (mode == RECHUNKED || mode == RECLOSED)
        bytes = response("200 OK", body_of(raw), mode == RECHUNKED ? CHUNKED : CLOSE);
    hc_mock_conn_t s[1] = { answer(bytes) };
    if (mode == BYTEWISE || mode == RECHUNKED)
        s[0].max_read = 1;
    if (mode == STORMS || mode == RECLOSED) {
        s[0].max_read = 7;
        s[0].max_write = 3;
        s[0].storm = 3;
    }
    setup(s, 1);
    memset(k, 0, sizeof *k);
    k->size = item_size(ep);
    any_item_t slot;
    hc_list_t out = { .items = &slot, .capacity = 1, .each = keep, .ctx = k };
    hc_err_t r;
    if (mode == STORMS || mode == RECLOSED) {
        unsigned in_progress;
        r = poll_for(start_list(ep, &out), &in_progress);
        assert_true(in_progress > 0);
    } else {
        r = wait_for(start_list(ep, &out));
    }
    if (r == HC_OK) {
        assert_int_equal(out.total, k->n);
        assert_int_equal(out.count, 0);
    }
    return r;
}
