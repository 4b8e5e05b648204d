/* Fuzz target: the mbedTLS port's receive path on an open connection
 * (tls_recv). The peer is a real mbedTLS server in the same process, over
 * a memory transport, with the test certificate Debian's mbedTLS 2.28
 * ships (mbedtls/certs.h); the client skips the certificate check (the
 * handshake target covers it). The first input of a process makes a full
 * handshake, later ones resume its session, as a device would.
 *
 * The input is a script of what the server side does next, one step per
 * operation byte: write application data (a length byte and that many
 * bytes, sent as TLS records), send close_notify, inject raw bytes into
 * the stream, drop the last bytes not yet read (a record cut short), flip
 * a bit of them (a tampered record), or close the TCP connection. After
 * each step the client reads what it can, with buffer sizes, would-block
 * storms and piece sizes from the input.
 *
 * Checked: the handshake succeeds; recv never returns more than asked,
 * and what it returns is exactly the application data the server wrote,
 * in order (a tampered, cut or injected record never shows up as data);
 * HC_IO_CLOSED comes only after the server's close_notify (and sets
 * peer_close_notify), a TCP close without it is HC_IO_ERROR; after an
 * error the connection stays failed; every step ends after a bounded
 * number of calls; close() is always safe. */
#include "fuzz_common.h"

#include <mbedtls/certs.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>

#include "hc_port_mbedtls.h"

#define QUEUE_CAP (1u << 16)
#define MAX_STEPS 64     /* operations per input */
#define READ_CALLS 4096  /* recv calls after one operation, at most */

/* One direction of the connection. */
typedef struct queue {
    uint8_t bytes[QUEUE_CAP];
    size_t head, tail;
} queue_t;

static size_t queue_len(const queue_t *q)
{
    return q->tail - q->head;
}

static size_t queue_put(queue_t *q, const uint8_t *p, size_t n)
{
    if (q->head == q->tail)
        q->head = q->tail = 0;
    if (n > QUEUE_CAP - q->tail)
        n = QUEUE_CAP - q->tail;
    memcpy(q->bytes + q->tail, p, n);
    q->tail += n;
    return n;
}

static size_t queue_take(queue_t *q, uint8_t *p, size_t n)
{
    if (n > queue_len(q))
        n = queue_len(q);
    memcpy(p, q->bytes + q->head, n);
    q->head += n;
    return n;
}

/* Everything both sides share; static, so the TLS states that point into
 * it stay where they are. */
static struct world {
    queue_t to_client, to_server;
    bool tcp_closed;       /* the server closed its side */
    bool client_connected;
    uint32_t now;
    uint32_t rng;
    size_t max_read;       /* client recv pieces, at most */
    uint32_t storm, storm_left;
    /* server */
    mbedtls_ssl_context srv;
    mbedtls_ssl_config srv_conf;
    mbedtls_x509_crt srv_crt;
    mbedtls_pk_context srv_key;
    mbedtls_ctr_drbg_context srv_drbg;
    mbedtls_ssl_cache_context cache;
    /* client */
    hc_mbedtls_t tls;
    hc_transport_t tp;
    bool ready;
} w;

static int fill_random(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        w.rng ^= w.rng << 13;
        w.rng ^= w.rng >> 17;
        w.rng ^= w.rng << 5;
        buf[i] = (unsigned char)(w.rng >> 24);
    }
    return 0;
}

/* ---------------------------------------------------- the client's side */

static int32_t cli_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    (void)ctx, (void)host, (void)port, (void)wait_until;
    w.client_connected = true;
    return 0;
}

static int32_t cli_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    (void)ctx, (void)wait_until;
    FUZZ_CHECK(w.client_connected);
    size_t n = queue_put(&w.to_server, buf, len);
    return n ? (int32_t)n : HC_IO_WOULD_BLOCK;
}

static int32_t cli_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    (void)ctx, (void)wait_until;
    FUZZ_CHECK(w.client_connected);
    if (w.storm_left) {
        w.storm_left--;
        return HC_IO_WOULD_BLOCK;
    }
    if (!queue_len(&w.to_client))
        return w.tcp_closed ? HC_IO_CLOSED : HC_IO_WOULD_BLOCK;
    if (w.max_read && len > w.max_read)
        len = w.max_read;
    w.storm_left = w.storm;
    return (int32_t)queue_take(&w.to_client, buf, len);
}

static void cli_close(void *ctx)
{
    (void)ctx;
    w.client_connected = false;
}

static uint32_t cli_now(void *ctx)
{
    (void)ctx;
    return w.now;
}

static int cli_random(void *ctx, uint8_t *buf, size_t len)
{
    return fill_random(ctx, buf, len);
}

/* ---------------------------------------------------- the server's side */

static int srv_send(void *ctx, const unsigned char *buf, size_t len)
{
    (void)ctx;
    size_t n = w.tcp_closed ? 0 : queue_put(&w.to_client, buf, len);
    return n ? (int)n : MBEDTLS_ERR_SSL_WANT_WRITE;
}

static int srv_recv(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    size_t n = queue_take(&w.to_server, buf, len);
    return n ? (int)n : MBEDTLS_ERR_SSL_WANT_READ;
}

static void set_up_once(void)
{
    mbedtls_ssl_init(&w.srv);
    mbedtls_ssl_config_init(&w.srv_conf);
    mbedtls_x509_crt_init(&w.srv_crt);
    mbedtls_pk_init(&w.srv_key);
    mbedtls_ctr_drbg_init(&w.srv_drbg);
    mbedtls_ssl_cache_init(&w.cache);
    w.rng = 0x2545F491u;
    FUZZ_CHECK(mbedtls_ctr_drbg_seed(&w.srv_drbg, fill_random, NULL, NULL, 0) == 0);
    FUZZ_CHECK(mbedtls_x509_crt_parse(&w.srv_crt, (const unsigned char *)mbedtls_test_srv_crt_ec,
                                      mbedtls_test_srv_crt_ec_len) == 0);
    FUZZ_CHECK(mbedtls_pk_parse_key(&w.srv_key, (const unsigned char *)mbedtls_test_srv_key_ec,
                                    mbedtls_test_srv_key_ec_len, NULL, 0) == 0);
    FUZZ_CHECK(mbedtls_ssl_config_defaults(&w.srv_conf, MBEDTLS_SSL_IS_SERVER,
                                           MBEDTLS_SSL_TRANSPORT_STREAM,
                                           MBEDTLS_SSL_PRESET_DEFAULT) == 0);
    mbedtls_ssl_conf_rng(&w.srv_conf, mbedtls_ctr_drbg_random, &w.srv_drbg);
    FUZZ_CHECK(mbedtls_ssl_conf_own_cert(&w.srv_conf, &w.srv_crt, &w.srv_key) == 0);
    mbedtls_ssl_conf_session_cache(&w.srv_conf, &w.cache, mbedtls_ssl_cache_get,
                                   mbedtls_ssl_cache_set);
    FUZZ_CHECK(mbedtls_ssl_setup(&w.srv, &w.srv_conf) == 0);
    mbedtls_ssl_set_bio(&w.srv, NULL, srv_send, srv_recv, NULL);

    hc_transport_t inner = {
        .connect = cli_connect, .send = cli_send, .recv = cli_recv, .close = cli_close,
        .now_ms = cli_now, .random = cli_random,
    };
    hc_mbedtls_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.insecure_skip_verify = true;
    FUZZ_CHECK(hc_mbedtls_init(&w.tls, &inner, &cfg) == HC_OK);
    w.tp = hc_mbedtls_transport(&w.tls);
    w.ready = true;
}

/* Both sides step until the handshake is done. A turn moves at least one
 * piece of at least one byte, or a storm's would-block: the few KB of a
 * handshake take a bounded number of turns. */
static void handshake(void)
{
    int32_t c = HC_IO_WOULD_BLOCK;
    int s = MBEDTLS_ERR_SSL_WANT_READ;
    FUZZ_CHECK(mbedtls_ssl_session_reset(&w.srv) == 0);
    for (int turn = 0; turn < 65536 && (c != 0 || s != 0); turn++) {
        if (c == HC_IO_WOULD_BLOCK)
            c = w.tp.connect(w.tp.ctx, "localhost", 443, w.now);
        if (s == MBEDTLS_ERR_SSL_WANT_READ || s == MBEDTLS_ERR_SSL_WANT_WRITE)
            s = mbedtls_ssl_handshake(&w.srv);
    }
    FUZZ_CHECK(c == 0 && s == 0);
}

/* --------------------------------------------------------------- a run */

typedef struct run {
    const uint8_t *in;
    size_t n, pos;
    uint8_t *expect;   /* application data the server wrote */
    size_t written, received;
    bool notify_sent;  /* close_notify is in the stream, unharmed */
    bool harmed;       /* bytes were injected, cut or flipped */
    bool failed;       /* recv reported an error */
    bool closed;       /* recv reported HC_IO_CLOSED */
} run_t;

static uint8_t next_byte(run_t *r)
{
    return r->pos < r->n ? r->in[r->pos++] : 0;
}

/* The client reads until it would block or the connection ends. */
static void client_reads(run_t *r)
{
    static uint8_t buf[1024];
    int calls = 0;
    for (; calls < READ_CALLS; calls++) {
        size_t len = 1u + next_byte(r) % sizeof buf;
        int32_t got = w.tp.recv(w.tp.ctx, buf, len, w.now);
        if (got == HC_IO_WOULD_BLOCK) {
            /* Waiting is right only while the server may still send. */
            if (!w.storm_left && !queue_len(&w.to_client) && !w.tcp_closed)
                return;
            continue;
        }
        if (r->failed || r->closed) {  /* an ended connection stays ended */
            FUZZ_CHECK(got < 0);
            return;
        }
        if (got > 0) {
            FUZZ_CHECK((size_t)got <= len);
            FUZZ_CHECK(r->received + (size_t)got <= r->written);
            FUZZ_CHECK(!memcmp(buf, r->expect + r->received, (size_t)got));
            r->received += (size_t)got;
            continue;
        }
        if (got == HC_IO_CLOSED) {
            FUZZ_CHECK(w.tls.peer_close_notify);
            FUZZ_CHECK(r->notify_sent || r->harmed);
            r->closed = true;
        } else {
            FUZZ_CHECK(got == HC_IO_ERROR);
            FUZZ_CHECK(r->harmed || w.tcp_closed);
            r->failed = true;
        }
        return;
    }
    FUZZ_CHECK(calls < READ_CALLS);  /* recv stopped delivering */
}

static void server_step(run_t *r, uint8_t op)
{
    uint8_t data[256];
    size_t len;
    switch (op % 6u) {
    case 0: /* application data */
        len = next_byte(r);
        for (size_t i = 0; i < len; i++)
            data[i] = next_byte(r);
        if (r->notify_sent || w.tcp_closed || !len)
            break;
        for (size_t done = 0; done < len;) {
            int k = mbedtls_ssl_write(&w.srv, data + done, len - done);
            if (k <= 0)
                return;  /* the stream is full: this data never left */
            memcpy(r->expect + r->written, data + done, (size_t)k);
            r->written += (size_t)k;
            done += (size_t)k;
        }
        break;
    case 1: /* close_notify */
        if (!r->notify_sent && !w.tcp_closed)
            r->notify_sent = mbedtls_ssl_close_notify(&w.srv) == 0;
        break;
    case 2: /* raw bytes into the stream */
        len = next_byte(r) % 32u;
        for (size_t i = 0; i < len; i++)
            data[i] = next_byte(r);
        if (len && !w.tcp_closed && queue_put(&w.to_client, data, len))
            r->harmed = true;
        break;
    case 3: /* the last bytes not yet read go missing */
        len = 1u + next_byte(r) % 64u;
        if (queue_len(&w.to_client)) {
            size_t cut = len < queue_len(&w.to_client) ? len : queue_len(&w.to_client);
            w.to_client.tail -= cut;
            r->harmed = true;
        }
        break;
    case 4: { /* a bit of them flips */
        size_t at = next_byte(r) | (size_t)next_byte(r) << 8;
        uint8_t bit = (uint8_t)(1u << (next_byte(r) % 8u));
        if (queue_len(&w.to_client)) {
            w.to_client.bytes[w.to_client.head + at % queue_len(&w.to_client)] ^= bit;
            r->harmed = true;
        }
        break;
    }
    default: /* TCP close */
        w.tcp_closed = true;
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t expect[MAX_STEPS * 255];
    if (!w.ready)
        set_up_once();
    uint32_t h = fuzz_hash(data, size);
    w.to_client.head = w.to_client.tail = 0;
    w.to_server.head = w.to_server.tail = 0;
    w.tcp_closed = false;
    w.max_read = h % 4u == 0 ? 0 : 1u + (h >> 2) % 600u;
    w.storm = (h >> 12) % 3u;
    w.storm_left = 0;
    handshake();

    uint8_t *in = fuzz_dup(data, size);
    run_t r = { .in = in, .n = size, .expect = expect };
    for (int step = 0; step < MAX_STEPS && r.pos < r.n; step++) {
        server_step(&r, next_byte(&r));
        client_reads(&r);
        if (r.failed || r.closed)
            break;
    }
    /* Unharmed data all arrives, and a close is seen for what it is. */
    if (!r.harmed && !r.failed) {
        w.tcp_closed = true;
        client_reads(&r);
        FUZZ_CHECK(r.received == r.written);
        FUZZ_CHECK(r.closed == r.notify_sent);
        FUZZ_CHECK(r.failed == !r.notify_sent);
    }
    w.tp.close(w.tp.ctx);
    FUZZ_CHECK(!w.client_connected);
    w.tp.close(w.tp.ctx);  /* twice is fine */
    free(in);
    return 0;
}
