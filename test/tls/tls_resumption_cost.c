/*
 * What session resumption saves: a full handshake, one resumed in the same
 * process, and one resumed after a restart (the session saved to bytes,
 * the TLS state freed and set up again, the session restored from the
 * bytes), each connect() in its own function so that callgrind can count
 * its instructions (measure-resumption.sh runs it that way). The restored
 * one counts hc_mbedtls_session_restore() too. One line of echo after each
 * handshake takes in a TLS 1.3 ticket (not counted). Prints the bytes and
 * flights of each; exits non-zero unless stunnel reused the session twice.
 * HC_TLS_KEYTYPE=rsa: RSA-2048 certificates instead of P-256;
 * HC_TLS_VERSION=1.2 or 1.3: the server speaks only that version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_port_mbedtls.h"
#include "hc_port_posix.h"
#include "tls_fixture.h"
#include "tls_wrap.h"

#define WAIT_MS 10000u

static tls_service_t service = {.name = "cost", .cert = "valid.pem", .exec = "/bin/cat"};

typedef struct side {
    hc_posix_t posix;
    tls_wrap_t w;
    hc_mbedtls_t tls;
    hc_transport_t tp;
} side_t;

static uint8_t trust[8192];
static size_t trust_len;

static int set_up(side_t *c)
{
    hc_posix_init(&c->posix);
    hc_transport_t plain = hc_posix_transport(&c->posix);
    hc_transport_t wrapped = tls_wrap_init(&c->w, &plain);
    hc_mbedtls_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ca = trust;
    cfg.ca_len = trust_len;
    if (hc_mbedtls_init(&c->tls, &wrapped, &cfg) != HC_OK)
        return 1;
    c->tp = hc_mbedtls_transport(&c->tls);
    return 0;
}

static int connect_once(side_t *c)
{
    tls_wrap_reset_stats(&c->w);
    return c->tp.connect(c->tp.ctx, "localhost", service.port, c->tp.now_ms(c->tp.ctx) + WAIT_MS);
}

/* Echo a line (a TLS 1.3 ticket comes in with it), close, and say what the
 * handshake cost on the wire. */
static int finish(side_t *c, const char *what, int32_t r, bool offered)
{
    uint64_t in = c->w.in, out = c->w.out;
    size_t hello = c->w.tx.max; /* the ClientHello is the largest record a client sends */
    unsigned flights = c->w.flights_in;
    static const uint8_t line[] = "x\n";
    uint8_t back[2];
    size_t got = 0;
    uint32_t end = c->tp.now_ms(c->tp.ctx) + WAIT_MS;
    if (r == 0 && c->tp.send(c->tp.ctx, line, 2, end) == 2)
        while (got < 2 && !hc_time_reached(c->tp.now_ms(c->tp.ctx), end)) {
            int32_t n = c->tp.recv(c->tp.ctx, back + got, 2 - got, end);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
    c->tp.close(c->tp.ctx);
    printf("%-8s handshake: %s %s, %4llu bytes in, %4llu out (ClientHello %zu), "
           "%u server flight(s)\n", what, r == 0 ? "ok" : "FAILED",
           r == 0 ? mbedtls_ssl_get_version(&c->tls.ssl) : "", (unsigned long long)in,
           (unsigned long long)out, hello, flights);
    return r == 0 && got == 2 && c->tls.session_offered == offered ? 0 : 1;
}

__attribute__((noinline)) int32_t handshake_full(side_t *c)
{
    return connect_once(c);
}

__attribute__((noinline)) int32_t handshake_resumed(side_t *c)
{
    return connect_once(c);
}

__attribute__((noinline)) int32_t handshake_restored(side_t *c, const uint8_t *saved, size_t len)
{
    if (hc_mbedtls_session_restore(&c->tls, "localhost", service.port, 1000, saved, len) != HC_OK)
        return -1;
    return connect_once(c);
}

static int run(void)
{
    static side_t before, after; /* two boots */
    static uint8_t saved[4096];
    size_t len;
    if (set_up(&before) != 0)
        return 1;
    int failed = finish(&before, "full", handshake_full(&before), false);
    failed |= finish(&before, "resumed", handshake_resumed(&before), true);
    failed |= hc_mbedtls_session_save(&before.tls, 1000, saved, sizeof saved, &len) != HC_OK;
    hc_mbedtls_free(&before.tls);
    if (failed || set_up(&after) != 0)
        return 1;
    failed |= finish(&after, "restored", handshake_restored(&after, saved, len), true);
    printf("saved session: %zu bytes\n", len);
    hc_mbedtls_free(&after.tls);
    return failed;
}

int main(void)
{
    static tls_pki_t pki;
    static tls_stunnel_t stunnel;
    int failed = 1;

    const char *keytype = getenv("HC_TLS_KEYTYPE"); /* "ec" (default) or "rsa" */
    const char *version = getenv("HC_TLS_VERSION"); /* "1.2", "1.3" or both (default) */
    if (version != NULL && strcmp(version, "1.2") == 0)
        service.extra = "sslVersionMax = TLSv1.2";
    else if (version != NULL && strcmp(version, "1.3") == 0)
        service.extra = "sslVersionMin = TLSv1.3";
    size_t n = 0;
    if (tls_pki_make(&pki, keytype != NULL ? keytype : "ec"))
        n = tls_pki_read(&pki, "trust.pem", trust, sizeof trust - 1);
    if (n > 0 && tls_stunnel_start(&stunnel, &pki, &service, 1)) {
        trust[n] = '\0';
        trust_len = n + 1;
        failed = run();
        failed |= !tls_stunnel_wait_count(&stunnel, NULL, "previous session reused", 2, WAIT_MS);
    }
    tls_stunnel_stop(&stunnel);
    tls_pki_remove(&pki);
    return failed;
}
