/*
 * What session resumption saves: one full and one resumed handshake with
 * the mbedTLS port against stunnel on loopback, each in its own function so
 * that callgrind can count their instructions (measure-resumption.sh runs
 * it that way). Prints the bytes and flights of each; exits non-zero if the
 * second handshake did not offer the session or stunnel did not resume it.
 * HC_TLS_KEYTYPE=rsa uses RSA-2048 certificates instead of P-256.
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

/* Connect and close; the work callgrind counts is what happens inside. */
static int handshake(hc_mbedtls_t *tls, hc_transport_t *tp, tls_wrap_t *w, const char *what)
{
    tls_wrap_reset_stats(w);
    int32_t r = tp->connect(tp->ctx, "localhost", service.port, tp->now_ms(tp->ctx) + WAIT_MS);
    tp->close(tp->ctx);
    /* the ClientHello is the largest record a client sends in a handshake */
    printf("%-8s handshake: %s, %4llu bytes in, %4llu out (ClientHello %zu), "
           "%u server flight(s)\n", what, r == 0 ? "ok" : "FAILED", (unsigned long long)w->in,
           (unsigned long long)w->out, w->tx.max, w->flights_in);
    return r == 0 && tls->session_offered == (strcmp(what, "resumed") == 0) ? 0 : 1;
}

__attribute__((noinline)) int handshake_full(hc_mbedtls_t *tls, hc_transport_t *tp, tls_wrap_t *w)
{
    return handshake(tls, tp, w, "full");
}

__attribute__((noinline)) int handshake_resumed(hc_mbedtls_t *tls, hc_transport_t *tp,
                                                tls_wrap_t *w)
{
    return handshake(tls, tp, w, "resumed");
}

int main(void)
{
    static tls_pki_t pki;
    static tls_stunnel_t stunnel;
    static uint8_t trust[8192];
    static hc_posix_t posix;
    static tls_wrap_t w;
    static hc_mbedtls_t tls;
    int failed = 1;

    size_t n = 0;
    const char *keytype = getenv("HC_TLS_KEYTYPE"); /* "ec" (default) or "rsa" */
    if (tls_pki_make(&pki, keytype != NULL ? keytype : "ec"))
        n = tls_pki_read(&pki, "trust.pem", trust, sizeof trust - 1);
    if (n > 0 && tls_stunnel_start(&stunnel, &pki, &service, 1)) {
        hc_posix_init(&posix);
        hc_transport_t plain = hc_posix_transport(&posix);
        hc_transport_t wrapped = tls_wrap_init(&w, &plain);
        hc_mbedtls_config_t cfg;
        memset(&cfg, 0, sizeof cfg);
        trust[n] = '\0';
        cfg.ca = trust;
        cfg.ca_len = n + 1;
        if (hc_mbedtls_init(&tls, &wrapped, &cfg) == HC_OK) {
            hc_transport_t tp = hc_mbedtls_transport(&tls);
            failed = handshake_full(&tls, &tp, &w) | handshake_resumed(&tls, &tp, &w);
            failed |= !tls_stunnel_wait_count(&stunnel, NULL, "previous session reused", 1,
                                              WAIT_MS);
            hc_mbedtls_free(&tls);
        }
    }
    tls_stunnel_stop(&stunnel);
    tls_pki_remove(&pki);
    return failed;
}
