/* Fuzz target: the mbedTLS port's receive path during the handshake. The
 * input is everything a hostile server sends, over a memory transport
 * (the inner transport of hc_mbedtls_transport()): the client's
 * ClientHello goes nowhere, and the input comes back in pieces whose sizes,
 * with would-block storms between them, follow from a hash of the input;
 * after the last byte the server closes. Certificate checking (required,
 * against an empty trust store, or skipped), the requested
 * max_fragment_length and the piece sizes follow from the hash too.
 *
 * Checked: connect() ends after a bounded number of calls (each call either
 * takes bytes or ends), on the virtual clock, never blocking past its
 * wait_until; it ends with HC_IO_TLS or HC_IO_TLS_VERIFY (a certificate
 * finding, which a skipped check cannot have), unless the bytes were a
 * whole handshake, which random bytes cannot forge; the connection is
 * closed afterwards (recv and send report it, close is safe), and the
 * error text is NUL-terminated. */
#include "fuzz_common.h"

#include "hc_port_mbedtls.h"

#define WAIT_MS 1000u

/* The server side: bytes out of the input, in pieces. */
typedef struct peer {
    const uint8_t *data;
    size_t len, pos;
    size_t max_read;     /* 0: all that is asked */
    uint32_t storm;      /* would-blocks before each piece */
    uint32_t storm_left;
    uint32_t now;
    uint32_t rng;
    size_t sent;
    bool connected;
    unsigned closes;
} peer_t;

static int32_t peer_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    peer_t *p = ctx;
    (void)host, (void)port, (void)wait_until;
    p->connected = true;
    return 0;
}

static int32_t peer_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    peer_t *p = ctx;
    (void)wait_until;
    FUZZ_CHECK(p->connected);
    FUZZ_CHECK(buf != NULL || len == 0);
    p->sent += len;
    return len > INT32_MAX ? INT32_MAX : (int32_t)len;
}

static int32_t peer_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    peer_t *p = ctx;
    FUZZ_CHECK(p->connected);
    FUZZ_CHECK(!hc_time_reached(p->now, wait_until + 1u));  /* never called past its wait */
    if (p->storm_left) {
        p->storm_left--;
        return HC_IO_WOULD_BLOCK;
    }
    if (p->pos == p->len)
        return HC_IO_CLOSED;
    size_t n = p->len - p->pos;
    if (n > len)
        n = len;
    if (p->max_read && n > p->max_read)
        n = p->max_read;
    memcpy(buf, p->data + p->pos, n);
    p->pos += n;
    p->storm_left = p->storm;
    return (int32_t)n;
}

static void peer_close(void *ctx)
{
    peer_t *p = ctx;
    p->connected = false;
    p->closes++;
}

static uint32_t peer_now(void *ctx)
{
    return ((peer_t *)ctx)->now;
}

static int peer_random(void *ctx, uint8_t *buf, size_t len)
{
    peer_t *p = ctx;
    for (size_t i = 0; i < len; i++) {
        p->rng ^= p->rng << 13;
        p->rng ^= p->rng >> 17;
        p->rng ^= p->rng << 5;
        buf[i] = (uint8_t)(p->rng >> 24);
    }
    return 0;
}

/* Trust attached some other way: here, none at all. */
static int attach_nothing(void *conf)
{
    (void)conf;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t frag[] = { 0, 512, 1024, 2048, 4096 };
    uint32_t h = fuzz_hash(data, size);
    uint8_t *bytes = fuzz_dup(data, size);
    peer_t peer = {
        .data = bytes, .len = size,
        .max_read = h % 4u == 0 ? 0 : 1u + (h >> 2) % 512u,
        .storm = (h >> 11) % 3u,
        .rng = 0x2545F491u,
    };
    hc_transport_t inner = {
        .ctx = &peer, .connect = peer_connect, .send = peer_send, .recv = peer_recv,
        .close = peer_close, .now_ms = peer_now, .random = peer_random,
    };
    hc_mbedtls_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    bool skip_verify = (h >> 13) & 1u;
    cfg.insecure_skip_verify = skip_verify;
    cfg.ca_attach = skip_verify ? NULL : attach_nothing;
    cfg.max_frag_len = frag[(h >> 14) % 5u];
    static hc_mbedtls_t tls;
    FUZZ_CHECK(hc_mbedtls_init(&tls, &inner, &cfg) == HC_OK);
    hc_transport_t tp = hc_mbedtls_transport(&tls);

    /* Each call takes at least one piece or ends; storms add a few. */
    size_t max_calls = (size + 1u) * (peer.storm + 2u) + 64u;
    size_t calls = 0;
    int32_t r;
    do {
        r = tp.connect(tp.ctx, "hc.test", 443, peer.now + WAIT_MS);
        calls++;
        if (r == HC_IO_WOULD_BLOCK)
            peer.now += WAIT_MS;  /* what a blocking caller would have waited */
    } while (r == HC_IO_WOULD_BLOCK && calls < max_calls);
    FUZZ_CHECK(calls < max_calls);
    if (r == 0) {
        /* a whole handshake: the connection must then read and close cleanly */
        uint8_t buf[64];
        int32_t n = tp.recv(tp.ctx, buf, sizeof buf, peer.now);
        FUZZ_CHECK(n <= (int32_t)sizeof buf);
        tp.close(tp.ctx);
    } else {
        FUZZ_CHECK(r == HC_IO_TLS || r == HC_IO_TLS_VERIFY);
        if (skip_verify)
            FUZZ_CHECK(r == HC_IO_TLS);
        FUZZ_CHECK(!peer.connected && peer.closes == 1);
        uint8_t buf[8];
        FUZZ_CHECK(tp.recv(tp.ctx, buf, sizeof buf, peer.now) == HC_IO_CLOSED);
        FUZZ_CHECK(tp.send(tp.ctx, buf, sizeof buf, peer.now) == HC_IO_CLOSED);
        tp.close(tp.ctx);
        FUZZ_CHECK(peer.closes == 1);
        FUZZ_CHECK(tls.last_error != 0);
    }
    char why[160];
    hc_mbedtls_describe(&tls, why, sizeof why);
    FUZZ_CHECK(FUZZ_TERMINATED(why));
    hc_mbedtls_free(&tls);
    free(bytes);
    return 0;
}
