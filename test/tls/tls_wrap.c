/* A watching, misbehaving inner transport; see tls_wrap.h. */
#include "tls_wrap.h"

#include <string.h>

static void scan_records(tls_record_scan_t *s, const uint8_t *p, size_t n)
{
    while (n > 0) {
        if (s->body_left > 0) {
            size_t take = n < s->body_left ? n : s->body_left;
            s->body_left -= take;
            p += take;
            n -= take;
            continue;
        }
        s->hdr[s->have++] = *p++;
        n--;
        if (s->have == 5) {
            s->body_left = (size_t)s->hdr[3] << 8 | s->hdr[4];
            if (s->body_left > s->max)
                s->max = s->body_left;
            s->have = 0;
        }
    }
}

static void note_wait(tls_wrap_t *w, uint32_t wait_until)
{
    if (w->check_wait && wait_until != w->expect_wait)
        w->wait_mismatch++;
}

/* Each direction alternates on its own, so that a caller alternating
 * send and recv cannot always land on the blocking turn. */
static bool chaos_blocks(tls_wrap_t *w, unsigned *calls)
{
    return w->chaos && ((*calls)++ % 2u) == 0;
}

static int32_t w_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    tls_wrap_t *w = ctx;
    note_wait(w, wait_until);
    if (chaos_blocks(w, &w->connects))
        return HC_IO_WOULD_BLOCK;
    return w->inner.connect(w->inner.ctx, host, port, wait_until);
}

static int32_t w_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    tls_wrap_t *w = ctx;
    note_wait(w, wait_until);
    if (chaos_blocks(w, &w->sends))
        return HC_IO_WOULD_BLOCK;
    if (w->chaos && len > TLS_WRAP_CHAOS_SEND_MAX)
        len = TLS_WRAP_CHAOS_SEND_MAX;
    int32_t n = w->inner.send(w->inner.ctx, buf, len, wait_until);
    if (n > 0) {
        w->out += (uint64_t)n;
        if (w->last_dir != 1)
            w->flights_out++;
        w->last_dir = 1;
        scan_records(&w->tx, buf, (size_t)n);
    }
    return n;
}

static int32_t w_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    tls_wrap_t *w = ctx;
    note_wait(w, wait_until);
    if (w->recv_fault != 0)
        return w->recv_fault;
    if (chaos_blocks(w, &w->recvs))
        return HC_IO_WOULD_BLOCK;
    if (w->chaos && len > TLS_WRAP_CHAOS_RECV_MAX)
        len = TLS_WRAP_CHAOS_RECV_MAX;
    int32_t n = w->inner.recv(w->inner.ctx, buf, len, wait_until);
    if (n > 0) {
        w->in += (uint64_t)n;
        if (w->last_dir != -1)
            w->flights_in++;
        w->last_dir = -1;
        scan_records(&w->rx, buf, (size_t)n);
    }
    return n;
}

static void w_close(void *ctx)
{
    tls_wrap_t *w = ctx;
    w->inner.close(w->inner.ctx);
}

static uint32_t w_now(void *ctx)
{
    tls_wrap_t *w = ctx;
    return w->inner.now_ms(w->inner.ctx);
}

static void w_sleep(void *ctx, uint32_t ms)
{
    tls_wrap_t *w = ctx;
    w->inner.sleep_ms(w->inner.ctx, ms);
}

static int w_random(void *ctx, uint8_t *buf, size_t len)
{
    tls_wrap_t *w = ctx;
    return w->inner.random(w->inner.ctx, buf, len);
}

void tls_wrap_reset_stats(tls_wrap_t *w)
{
    w->in = w->out = 0;
    w->flights_in = w->flights_out = 0;
    w->last_dir = 0;
    memset(&w->rx, 0, sizeof w->rx);
    memset(&w->tx, 0, sizeof w->tx);
}

hc_transport_t tls_wrap_init(tls_wrap_t *w, const hc_transport_t *inner)
{
    memset(w, 0, sizeof *w);
    w->inner = *inner;
    return (hc_transport_t){.ctx = w, .connect = w_connect, .send = w_send, .recv = w_recv,
                            .close = w_close, .now_ms = w_now, .sleep_ms = w_sleep,
                            .random = w_random};
}
