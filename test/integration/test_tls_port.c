/* The mbedTLS port over the POSIX port, against stunnel on 127.0.0.1 with a
 * PKI generated at test time (test/tls/gen-certs.sh). The inner transport
 * is wrapped (test/tls/tls_wrap.h) to count bytes and flights, parse record
 * sizes, inject faults and check that every inner call gets the wait_until
 * of the TLS call.
 * Built against Debian's mbedTLS 2.28 and against Mbed TLS 3.6, each once
 * as it is and once (HC_TLS_ARENA) with every allocation in a static arena.
 * A service without version limits negotiates TLS 1.3 with 3.6 and TLS 1.2
 * with 2.28; services pinned to one version test each on its own. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hc_port_mbedtls.h"
#include "hc_port_posix.h"
#include "tls_fixture.h"
#include "tls_wrap.h"
#ifdef HC_TLS_ARENA
#include "tls_arena.h"
#endif

#define FAR_MS 5000u

/* TLS 1.3 with tickets: Mbed TLS 3.6 built with it (Debian's 2.28 has none). */
#if MBEDTLS_VERSION_NUMBER >= 0x03060000 && defined(MBEDTLS_SSL_PROTO_TLS1_3) && \
    defined(MBEDTLS_SSL_SESSION_TICKETS)
#define HAVE_TLS13 1
#define BEST_VERSION "TLSv1.3"
#else
#define HAVE_TLS13 0
#define BEST_VERSION "TLSv1.2"
#endif

/* How a server that speaks only TLS 1.1 ends the handshake: 2.28 reads its
 * ServerHello and refuses the version; 3.6 offers 1.2 and 1.3 only, so the
 * server refuses first, with a protocol_version alert. */
#if MBEDTLS_VERSION_NUMBER < 0x03000000
#define TLS_ERR_OLD_VERSION MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION
#else
#define TLS_ERR_OLD_VERSION MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE
#endif
#define BIG 40000u

/* ---- the environment: PKI, stunnel, one TLS transport per test ---- */

enum svc_id { S_VALID, S_VALID2, S_RESUME, S_RESUME13, S_WRONGHOST, S_EXPIRED, S_NOTYET,
              S_UNTRUSTED, S_SELFSIGNED, S_HELLO, S_TLS11, S_TLS12, S_TLS13, S_COUNT };

static tls_service_t services[S_COUNT] = {
    [S_VALID] = {.name = "valid", .cert = "valid.pem", .exec = "/bin/cat"},
    [S_VALID2] = {.name = "valid2", .cert = "valid.pem", .exec = "/bin/cat"},
    [S_RESUME] = {.name = "resume", .cert = "valid.pem", .exec = "/bin/cat",
                  .extra = "sslVersionMax = TLSv1.2"},
    [S_RESUME13] = {.name = "resume13", .cert = "valid.pem", .exec = "/bin/cat",
                    .extra = "sslVersionMin = TLSv1.3"},
    [S_WRONGHOST] = {.name = "wronghost", .cert = "wronghost.pem", .exec = "/bin/cat"},
    [S_EXPIRED] = {.name = "expired", .cert = "expired.pem", .exec = "/bin/cat"},
    [S_NOTYET] = {.name = "notyet", .cert = "notyet.pem", .exec = "/bin/cat"},
    [S_UNTRUSTED] = {.name = "untrusted", .cert = "untrusted.pem", .exec = "/bin/cat"},
    [S_SELFSIGNED] = {.name = "selfsigned", .cert = "selfsigned.pem", .exec = "/bin/cat"},
    [S_HELLO] = {.name = "hello", .cert = "valid.pem", .exec = "/bin/echo",
                 .exec_args = "echo hello"},
    [S_TLS11] = {.name = "tls11", .cert = "valid.pem", .exec = "/bin/cat",
                 .extra = "sslVersionMin = TLSv1.1\nsslVersionMax = TLSv1.1\n"
                          "ciphers = DEFAULT@SECLEVEL=0"},
    [S_TLS12] = {.name = "tls12", .cert = "valid.pem", .exec = "/bin/cat",
                 .extra = "sslVersionMax = TLSv1.2"},
    [S_TLS13] = {.name = "tls13", .cert = "valid.pem", .exec = "/bin/cat",
                 .extra = "sslVersionMin = TLSv1.3"},
};

static tls_pki_t pki;
static tls_stunnel_t stunnel;
static uint8_t trust_pem[8192];
static size_t trust_pem_len;

typedef struct fix {
    hc_posix_t posix;
    tls_wrap_t w;
    hc_transport_t wt;
    hc_mbedtls_t tls;
    hc_transport_t tp;
    bool live;
} fix_t;

static fix_t fx;

static int env_teardown(void **state)
{
    (void)state;
    tls_stunnel_stop(&stunnel);
    tls_pki_remove(&pki);
    return 0;
}

static bool env_start(void)
{
    const char *keytype = getenv("HC_TLS_KEYTYPE"); /* "ec" (default) or "rsa" */
    if (!tls_pki_make(&pki, keytype != NULL ? keytype : "ec"))
        return false;
    size_t n = tls_pki_read(&pki, "trust.pem", trust_pem, sizeof trust_pem - 1);
    if (n == 0)
        return false;
    trust_pem[n] = '\0';
    trust_pem_len = n + 1;
    return tls_stunnel_start(&stunnel, &pki, services, S_COUNT);
}

/* cmocka skips the group teardown when the setup fails: clean up here. */
static int env_setup(void **state)
{
    if (env_start())
        return 0;
    env_teardown(state);
    return -1;
}

static hc_mbedtls_config_t trusting_config(void)
{
    hc_mbedtls_config_t c;
    memset(&c, 0, sizeof c);
    c.ca = trust_pem;
    c.ca_len = trust_pem_len;
    return c;
}

static void wrap_posix(fix_t *f)
{
    hc_posix_init(&f->posix);
    hc_transport_t posix = hc_posix_transport(&f->posix);
    f->wt = tls_wrap_init(&f->w, &posix);
}

static hc_err_t fix_open(fix_t *f, const hc_mbedtls_config_t *cfg)
{
    wrap_posix(f);
    hc_err_t err = hc_mbedtls_init(&f->tls, &f->wt, cfg);
    if (err == HC_OK) {
        f->tp = hc_mbedtls_transport(&f->tls);
        f->live = true;
    }
    return err;
}

static void fix_open_trusting(fix_t *f)
{
    hc_mbedtls_config_t cfg = trusting_config();
    assert_int_equal(fix_open(f, &cfg), HC_OK);
}

static int fix_teardown(void **state)
{
    (void)state;
    if (fx.live)
        hc_mbedtls_free(&fx.tls);
    fx.live = false;
    return 0;
}

static uint32_t wait_for(fix_t *f, bool nonblocking)
{
    uint32_t now = f->wt.now_ms(f->wt.ctx);
    uint32_t wu = nonblocking ? now : now + FAR_MS;
    f->w.expect_wait = wu;
    f->w.check_wait = true;
    return wu;
}

static void pause_ms(unsigned ms)
{
    usleep(ms * 1000u);
}

/* connect() the way a driver does: again while it would block, bounded. */
static int32_t tls_connect_to(fix_t *f, const char *host, uint16_t port, bool nonblocking)
{
    uint64_t end = tls_ms() + FAR_MS;
    for (;;) {
        int32_t r = f->tp.connect(f->tp.ctx, host, port, wait_for(f, nonblocking));
        if (r != HC_IO_WOULD_BLOCK || tls_ms() >= end)
            return r;
        if (nonblocking)
            pause_ms(1);
    }
}

static int32_t tls_connect_svc(fix_t *f, enum svc_id s, bool nonblocking)
{
    return tls_connect_to(f, "localhost", services[s].port, nonblocking);
}

static void tls_close(fix_t *f)
{
    f->w.check_wait = false;
    f->tp.close(f->tp.ctx);
}

/* Send @p len bytes and read them back from the echo service. */
static bool echo(fix_t *f, const uint8_t *msg, size_t len, bool nonblocking)
{
    static uint8_t rx[BIG];
    size_t sent = 0, got = 0;
    uint64_t end = tls_ms() + FAR_MS;
    while (got < len && tls_ms() < end) {
        if (sent < len) {
            int32_t r = f->tp.send(f->tp.ctx, msg + sent, len - sent, wait_for(f, nonblocking));
            if (r > 0)
                sent += (size_t)r;
            else if (r != HC_IO_WOULD_BLOCK)
                return false;
        }
        int32_t r = f->tp.recv(f->tp.ctx, rx + got, len - got, wait_for(f, nonblocking));
        if (r > 0)
            got += (size_t)r;
        else if (r != HC_IO_WOULD_BLOCK)
            return false;
        else if (nonblocking)
            pause_ms(1);
    }
    return got == len && memcmp(rx, msg, len) == 0;
}

static uint8_t big_msg[BIG];

static void fill_big(void)
{
    for (size_t i = 0; i < BIG; i++)
        big_msg[i] = (uint8_t)(i * 7u + 3u);
}

/* ---- set-up and arguments ---- */

static int fail_attach(void *conf)
{
    (void)conf;
    return -1;
}

static void test_init_rejects_bad_arguments(void **state)
{
    (void)state;
    hc_mbedtls_config_t cfg = trusting_config();
    wrap_posix(&fx);
    assert_int_equal(hc_mbedtls_init(NULL, &fx.wt, &cfg), HC_ERR_ARG);
    assert_int_equal(hc_mbedtls_init(&fx.tls, NULL, &cfg), HC_ERR_ARG);
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, NULL), HC_ERR_ARG);

    hc_transport_t no_random = fx.wt;
    no_random.random = NULL;
    assert_int_equal(hc_mbedtls_init(&fx.tls, &no_random, &cfg), HC_ERR_ARG);

    hc_mbedtls_config_t none;
    memset(&none, 0, sizeof none);
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, &none), HC_ERR_ARG); /* no trust at all */

    hc_mbedtls_config_t c = cfg;
    c.ca_len = 0;
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, &c), HC_ERR_ARG);
    c = cfg;
    c.ca = NULL; /* with ca_len still set: a pointer + count pair missing its pointer */
    c.insecure_skip_verify = true;
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, &c), HC_ERR_ARG);
    c = cfg;
    c.ca_len = trust_pem_len - 1; /* PEM without its NUL */
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, &c), HC_ERR_ARG);
    c = cfg;
    c.max_frag_len = 300;
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, &c), HC_ERR_ARG);
}

static void test_init_reports_unusable_trust(void **state)
{
    (void)state;
    char why[200];
    wrap_posix(&fx);
    static const uint8_t bad_der[] = {0x30, 0x82, 0x01, 0x00, 0x02, 0x01};
    hc_mbedtls_config_t c;
    memset(&c, 0, sizeof c);
    c.ca = bad_der;
    c.ca_len = sizeof bad_der;
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, &c), HC_ERR_TLS);
    assert_int_not_equal(fx.tls.last_error, 0);
    hc_mbedtls_describe(&fx.tls, why, sizeof why);
    assert_true(strlen(why) > 0);

    static const char bad_pem[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    c.ca = (const uint8_t *)bad_pem;
    c.ca_len = sizeof bad_pem;
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, &c), HC_ERR_TLS);

    memset(&c, 0, sizeof c);
    c.ca_file = "/nonexistent/ca.pem";
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, &c), HC_ERR_TLS);

    memset(&c, 0, sizeof c);
    c.ca_attach = fail_attach;
    assert_int_equal(hc_mbedtls_init(&fx.tls, &fx.wt, &c), HC_ERR_TLS);
    hc_mbedtls_free(&fx.tls); /* safe after a failed init, and twice */
    hc_mbedtls_free(&fx.tls);
}

/* ---- trust sources ---- */

/* Why the latest handshake ended as it did, for the log of a failed test. */
static void print_tls_outcome(int32_t r)
{
    char why[300];
    hc_mbedtls_describe(&fx.tls, why, sizeof why);
    printf("connect: %d, mbedTLS %d, verify flags 0x%x: %s\n", (int)r, fx.tls.last_error,
           (unsigned)fx.tls.verify_flags, why);
}

static void connect_with(const hc_mbedtls_config_t *cfg, int32_t expect)
{
    assert_int_equal(fix_open(&fx, cfg), HC_OK);
    int32_t r = tls_connect_svc(&fx, S_VALID, false);
    if (r != expect)
        print_tls_outcome(r);
    assert_int_equal(r, expect);
    tls_close(&fx);
    hc_mbedtls_free(&fx.tls);
    fx.live = false;
}

static mbedtls_x509_crt attach_chain;

static int attach_test_root(void *conf)
{
    mbedtls_ssl_conf_ca_chain(conf, &attach_chain, NULL);
    return 0;
}

static void test_trust_sources(void **state)
{
    (void)state;
    static uint8_t der[4096], multi[8192], other[4096];
    size_t der_len = tls_pki_read(&pki, "trust.der", der, sizeof der);
    size_t multi_len = tls_pki_read(&pki, "trust-multi.der", multi, sizeof multi);
    size_t other_len = tls_pki_read(&pki, "other.der", other, sizeof other);
    assert_true(der_len > 0 && multi_len > der_len && other_len > 0);
    char path[2 * TLS_PATH_MAX];
    hc_mbedtls_config_t c;

    const struct {
        const uint8_t *ca;
        size_t len;
        int32_t expect;
    } buffers[] = {
        {trust_pem, trust_pem_len, 0},
        {der, der_len, 0},
        {multi, multi_len, 0},                /* the root is the second certificate */
        {other, other_len, HC_IO_TLS_VERIFY}, /* only a CA that did not sign the chain */
    };
    for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++) {
        memset(&c, 0, sizeof c);
        c.ca = buffers[i].ca;
        c.ca_len = buffers[i].len;
        connect_with(&c, buffers[i].expect);
    }

    memset(&c, 0, sizeof c);
    snprintf(path, sizeof path, "%s/trust.pem", pki.dir);
    c.ca_file = path;
    connect_with(&c, 0);
    snprintf(path, sizeof path, "%s/trust.der", pki.dir);
    connect_with(&c, 0);
    if (access(HC_MBEDTLS_HOST_CA_FILE, R_OK) == 0) {
        c.ca_file = HC_MBEDTLS_HOST_CA_FILE; /* the CLI's default: loads, knows no test CA */
#ifdef HC_TLS_ARENA
        size_t before = hc_arena_in_use();
        assert_int_equal(fix_open(&fx, &c), HC_OK);
        printf("arena: %zu bytes held after init with %s\n", hc_arena_in_use() - before,
               HC_MBEDTLS_HOST_CA_FILE);
        hc_mbedtls_free(&fx.tls);
        fx.live = false;
#endif
        connect_with(&c, HC_IO_TLS_VERIFY);
    }

    memset(&c, 0, sizeof c);
    mbedtls_x509_crt_init(&attach_chain);
    assert_int_equal(mbedtls_x509_crt_parse_der(&attach_chain, der, der_len), 0);
    c.ca_attach = attach_test_root; /* as ESP-IDF's esp_crt_bundle_attach does */
    connect_with(&c, 0);
    mbedtls_x509_crt_free(&attach_chain);
}

/* ---- valid chain: blocking and non-blocking ---- */

static void test_valid_chain_blocking(void **state)
{
    (void)state;
    fix_open_trusting(&fx);
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), 0);
    assert_string_equal(mbedtls_ssl_get_version(&fx.tls.ssl), BEST_VERSION);
    assert_int_equal(fx.tls.verify_flags, 0);
    static const uint8_t hello[] = "hello over tls\n";
    assert_true(echo(&fx, hello, sizeof hello - 1, false));
    fill_big();
    assert_true(echo(&fx, big_msg, BIG, false));
    assert_int_equal(fx.w.wait_mismatch, 0);
    tls_close(&fx);
    tls_close(&fx); /* idempotent */
}

static void test_valid_chain_nonblocking_with_would_block_storm(void **state)
{
    (void)state;
    fix_open_trusting(&fx);
    fx.w.chaos = true;
    assert_int_equal(tls_connect_svc(&fx, S_VALID, true), 0);
    fill_big();
    assert_true(echo(&fx, big_msg, 3000, true));
    assert_int_equal(fx.w.wait_mismatch, 0); /* never told the inner transport to wait longer */
    tls_close(&fx);
}

static void test_send_retry_needs_the_same_bytes(void **state)
{
    (void)state;
    fix_open_trusting(&fx);
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), 0);
    fx.w.chaos = true; /* the record cannot go out in one call */
    fill_big();
    assert_int_equal(fx.tp.send(fx.tp.ctx, big_msg, 100, wait_for(&fx, true)), HC_IO_WOULD_BLOCK);
    assert_int_equal(fx.tp.send(fx.tp.ctx, big_msg, 10, wait_for(&fx, true)), HC_IO_ERROR);
    int32_t r = HC_IO_WOULD_BLOCK;
    for (int i = 0; i < 200 && r == HC_IO_WOULD_BLOCK; i++)
        r = fx.tp.send(fx.tp.ctx, big_msg, 100, wait_for(&fx, true));
    assert_int_equal(r, 100);
    static uint8_t rx[100];
    size_t got = 0;
    uint64_t end = tls_ms() + FAR_MS;
    while (got < sizeof rx && tls_ms() < end) {
        r = fx.tp.recv(fx.tp.ctx, rx + got, sizeof rx - got, wait_for(&fx, false));
        if (r > 0)
            got += (size_t)r;
    }
    assert_memory_equal(rx, big_msg, sizeof rx);
    tls_close(&fx);
}

/* ---- verification failures ---- */

static void expect_rejected(enum svc_id s, uint32_t flag, const char *why_part)
{
    char why[300];
    fix_open_trusting(&fx);
    assert_int_equal(tls_connect_svc(&fx, s, false), HC_IO_TLS_VERIFY);
    assert_true((fx.tls.verify_flags & flag) != 0);
    assert_false(fx.tls.has_saved);
    hc_mbedtls_describe(&fx.tls, why, sizeof why);
    assert_non_null(strstr(why, why_part));
    assert_null(strchr(why, '\n'));
    /* the transport is usable again at once */
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), 0);
    tls_close(&fx);
    hc_mbedtls_free(&fx.tls);
    fx.live = false;
}

static void test_wrong_host_name_rejected(void **state)
{
    (void)state;
    expect_rejected(S_WRONGHOST, MBEDTLS_X509_BADCERT_CN_MISMATCH, "CN");
}

static void test_expired_rejected(void **state)
{
    (void)state;
    expect_rejected(S_EXPIRED, MBEDTLS_X509_BADCERT_EXPIRED, "expired");
}

static void test_not_yet_valid_rejected(void **state)
{
    (void)state;
    expect_rejected(S_NOTYET, MBEDTLS_X509_BADCERT_FUTURE, "future");
}

static void test_untrusted_ca_rejected(void **state)
{
    (void)state;
    expect_rejected(S_UNTRUSTED, MBEDTLS_X509_BADCERT_NOT_TRUSTED, "trusted");
}

static void test_self_signed_rejected(void **state)
{
    (void)state;
    expect_rejected(S_SELFSIGNED, MBEDTLS_X509_BADCERT_NOT_TRUSTED, "trusted");
}

static void test_ip_literal_host(void **state)
{
    (void)state;
    fix_open_trusting(&fx);
    /* valid.pem names localhost and IP:127.0.0.1 */
#if MBEDTLS_VERSION_NUMBER < 0x03000000
    /* 2.28 matches names only, never an iPAddress SAN: it fails closed. */
    assert_int_equal(tls_connect_to(&fx, "127.0.0.1", services[S_VALID].port, false),
                     HC_IO_TLS_VERIFY);
    assert_true((fx.tls.verify_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
#else
    /* 3.6 matches the address against the certificate's iPAddress SAN. */
    assert_int_equal(tls_connect_to(&fx, "127.0.0.1", services[S_VALID].port, false), 0);
    assert_int_equal(fx.tls.verify_flags, 0);
    static const uint8_t msg[] = "by address";
    assert_true(echo(&fx, msg, sizeof msg - 1, false));
#endif
    tls_close(&fx);
    /* A certificate without that address is refused by both. */
    assert_int_equal(tls_connect_to(&fx, "127.0.0.1", services[S_WRONGHOST].port, false),
                     HC_IO_TLS_VERIFY);
    assert_true((fx.tls.verify_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
}

static void test_insecure_opt_out_accepts_self_signed(void **state)
{
    (void)state;
    hc_mbedtls_config_t c;
    memset(&c, 0, sizeof c);
    c.insecure_skip_verify = true;
    assert_int_equal(fix_open(&fx, &c), HC_OK);
    assert_int_equal(tls_connect_svc(&fx, S_SELFSIGNED, false), 0);
    static const uint8_t msg[] = "anything goes";
    assert_true(echo(&fx, msg, sizeof msg - 1, false));
    tls_close(&fx);
}

/* ---- protocol versions ---- */

static void test_protocol_versions(void **state)
{
    (void)state;
    static const uint8_t msg[] = "version";
    fix_open_trusting(&fx);
    /* a server stuck at TLS 1.1: never accepted */
    assert_int_equal(tls_connect_svc(&fx, S_TLS11, false), HC_IO_TLS);
    assert_int_equal(fx.tls.last_error, TLS_ERR_OLD_VERSION);
    /* a server that stops at TLS 1.2 */
    assert_int_equal(tls_connect_svc(&fx, S_TLS12, false), 0);
    assert_string_equal(mbedtls_ssl_get_version(&fx.tls.ssl), "TLSv1.2");
    assert_true(echo(&fx, msg, sizeof msg - 1, false));
    tls_close(&fx);
    /* a TLS 1.3-only server: 2.28 cannot offer 1.3, 3.6 does */
#if HAVE_TLS13
    assert_int_equal(tls_connect_svc(&fx, S_TLS13, false), 0);
    assert_string_equal(mbedtls_ssl_get_version(&fx.tls.ssl), "TLSv1.3");
    assert_true(echo(&fx, msg, sizeof msg - 1, false));
    tls_close(&fx);
#else
    assert_int_equal(tls_connect_svc(&fx, S_TLS13, false), HC_IO_TLS);
#endif
}

/* ---- session resumption ---- */

typedef struct hs_cost {
    uint64_t in, out;
    unsigned flights_in, flights_out;
} hs_cost_t;

static hs_cost_t handshake(fix_t *f, enum svc_id s)
{
    tls_wrap_reset_stats(&f->w);
    assert_int_equal(tls_connect_svc(f, s, false), 0);
    hs_cost_t c = {f->w.in, f->w.out, f->w.flights_in, f->w.flights_out};
    return c;
}

/* A full handshake, a resumed one, and a full one again after the session
 * is forgotten, against service @p s. With TLS 1.3 a session is a ticket
 * the server sends after the handshake: it is taken in by reading. */
static void check_resumption(enum svc_id s, bool tls13)
{
    static const uint8_t msg[] = "resumed";
    const char *svc = services[s].name;
    const char *reused = "previous session reused";
    const char *fresh = "new session negotiated";
    fix_open_trusting(&fx);

    hs_cost_t full = handshake(&fx, s);
    assert_string_equal(mbedtls_ssl_get_version(&fx.tls.ssl), tls13 ? "TLSv1.3" : "TLSv1.2");
    assert_false(fx.tls.session_offered);
    if (tls13) {
        assert_false(fx.tls.has_saved); /* no ticket yet */
        assert_true(echo(&fx, msg, sizeof msg - 1, false));
    }
    assert_true(fx.tls.has_saved);
    tls_close(&fx);
    assert_true(tls_stunnel_wait_count(&stunnel, svc, fresh, 1, FAR_MS));

    hs_cost_t resumed = handshake(&fx, s);
    assert_true(fx.tls.session_offered);
    assert_int_equal(fx.tls.has_saved, !tls13); /* TLS 1.3: the next ticket brings it */
    assert_true(echo(&fx, msg, sizeof msg - 1, false));
    assert_true(fx.tls.has_saved);
    tls_close(&fx);
    assert_true(tls_stunnel_wait_count(&stunnel, svc, reused, 1, FAR_MS));
    assert_int_equal(tls_stunnel_count(&stunnel, svc, fresh), 1);

    printf("%s full handshake:    %4llu bytes in, %4llu out, %u server flights, %u client "
           "flights\n", tls13 ? "TLS 1.3" : "TLS 1.2", (unsigned long long)full.in,
           (unsigned long long)full.out, full.flights_in, full.flights_out);
    printf("%s resumed handshake: %4llu bytes in, %4llu out, %u server flights, %u client "
           "flights\n", tls13 ? "TLS 1.3" : "TLS 1.2", (unsigned long long)resumed.in,
           (unsigned long long)resumed.out, resumed.flights_in, resumed.flights_out);
    assert_true(resumed.in * 4 < full.in); /* no certificate chain */
    /* TLS 1.2: two round trips against one; TLS 1.3: one either way */
    assert_int_equal(full.flights_in, tls13 ? 1 : 2);
    assert_int_equal(resumed.flights_in, 1);

    hc_mbedtls_forget_session(&fx.tls);
    handshake(&fx, s);
    assert_false(fx.tls.session_offered);
    tls_close(&fx);
    assert_true(tls_stunnel_wait_count(&stunnel, svc, fresh, 2, FAR_MS));
    assert_int_equal(tls_stunnel_count(&stunnel, svc, reused), 1);
}

static void test_session_resumed_on_reconnect_tls12(void **state)
{
    (void)state;
    check_resumption(S_RESUME, false);
}

#if HAVE_TLS13
static void test_session_resumed_on_reconnect_tls13(void **state)
{
    (void)state;
    check_resumption(S_RESUME13, true);
}
#endif

static void test_session_kept_per_server(void **state)
{
    (void)state;
    static const uint8_t msg[] = "kept";
    fix_open_trusting(&fx);
    handshake(&fx, S_VALID);
    assert_true(echo(&fx, msg, sizeof msg - 1, false)); /* takes TLS 1.3 tickets in */
    tls_close(&fx);
    handshake(&fx, S_VALID2); /* same name, another port: another server */
    assert_false(fx.tls.session_offered);
    assert_true(echo(&fx, msg, sizeof msg - 1, false));
    tls_close(&fx);
    handshake(&fx, S_VALID2);
    assert_true(fx.tls.session_offered);
    tls_close(&fx);
}

/* ---- ends of connections ---- */

static void test_close_notify_from_peer(void **state)
{
    (void)state;
    uint8_t buf[64];
    fix_open_trusting(&fx);
    assert_int_equal(tls_connect_svc(&fx, S_HELLO, false), 0);
    size_t got = 0;
    int32_t r = 0;
    uint64_t end = tls_ms() + FAR_MS;
    while (tls_ms() < end) {
        r = fx.tp.recv(fx.tp.ctx, buf + got, sizeof buf - got, wait_for(&fx, false));
        if (r <= 0 && r != HC_IO_WOULD_BLOCK)
            break;
        if (r > 0)
            got += (size_t)r;
    }
    assert_int_equal(r, HC_IO_CLOSED);
    assert_int_equal(got, 6);
    assert_memory_equal(buf, "hello\n", 6);
    assert_true(fx.tls.peer_close_notify);
    tls_close(&fx);
}

static void test_tcp_close_without_close_notify(void **state)
{
    (void)state;
    uint8_t buf[16];
    fix_open_trusting(&fx);
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), 0);
    fx.w.recv_fault = HC_IO_CLOSED; /* the TCP stream ends, no alert */
    /* a cut stream could be an attack: an error, never an orderly end */
    assert_int_equal(fx.tp.recv(fx.tp.ctx, buf, sizeof buf, wait_for(&fx, false)), HC_IO_ERROR);
    assert_false(fx.tls.peer_close_notify);
    tls_close(&fx);
}

static void test_inner_errors_propagate(void **state)
{
    (void)state;
    uint8_t buf[16];
    fix_open_trusting(&fx);
    assert_int_equal(tls_connect_to(&fx, "localhost", tls_free_port(), false), HC_IO_REFUSED);

    fx.w.recv_fault = HC_IO_ERROR; /* the transport fails mid-handshake */
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), HC_IO_ERROR);
    fx.w.recv_fault = HC_IO_CLOSED; /* the peer hangs up mid-handshake */
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), HC_IO_TLS);

    fx.w.recv_fault = 0;
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), 0);
    fx.w.recv_fault = HC_IO_ERROR;
    assert_int_equal(fx.tp.recv(fx.tp.ctx, buf, sizeof buf, wait_for(&fx, false)), HC_IO_ERROR);
    assert_int_equal(fx.tp.send(fx.tp.ctx, buf, sizeof buf, wait_for(&fx, false)), HC_IO_ERROR);
    tls_close(&fx);
    assert_int_equal(fx.tp.recv(fx.tp.ctx, buf, sizeof buf, wait_for(&fx, false)), HC_IO_CLOSED);
    fx.w.recv_fault = 0;
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), 0);
    tls_close(&fx);
}

/* A server that accepts TCP and never says a word. */
static int silent_listener(uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    return fd;
}

static void test_handshake_never_waits_past_wait_until(void **state)
{
    (void)state;
    uint16_t port = 0;
    int lfd = silent_listener(&port);
    assert_true(lfd >= 0);
    fix_open_trusting(&fx);

    uint64_t t0 = tls_ms();
    uint32_t wu = fx.wt.now_ms(fx.wt.ctx) + 300u;
    fx.w.expect_wait = wu;
    fx.w.check_wait = true;
    assert_int_equal(fx.tp.connect(fx.tp.ctx, "localhost", port, wu), HC_IO_WOULD_BLOCK);
    uint64_t waited = tls_ms() - t0;
    assert_true(waited >= 299 && waited < 1500);

    t0 = tls_ms();
    assert_int_equal(fx.tp.connect(fx.tp.ctx, "localhost", port, wait_for(&fx, true)),
                     HC_IO_WOULD_BLOCK);
    assert_true(tls_ms() - t0 < 100);
    assert_int_equal(fx.w.wait_mismatch, 0);
    tls_close(&fx);
    close(lfd);
}

/* ---- record sizes ---- */

typedef struct records {
    size_t hs_in, hs_out; /* largest record of the handshake, each way */
    size_t in, out;       /* largest record overall */
} records_t;

static int32_t echo_with_fragment_limit(enum svc_id s, uint16_t max_frag_len, records_t *r)
{
    hc_mbedtls_config_t c = trusting_config();
    c.max_frag_len = max_frag_len;
    assert_int_equal(fix_open(&fx, &c), HC_OK);
    tls_wrap_reset_stats(&fx.w);
    int32_t res = tls_connect_svc(&fx, s, false);
    r->hs_in = fx.w.rx.max;
    r->hs_out = fx.w.tx.max;
    if (res == 0) {
        /* max_fragment_length is a TLS 1.2 extension to Mbed TLS, and the
         * port keeps to TLS 1.2 when asked for it (see the README) */
        assert_string_equal(mbedtls_ssl_get_version(&fx.tls.ssl), "TLSv1.2");
        assert_true(echo(&fx, big_msg, 3000, false));
    }
    r->in = fx.w.rx.max;
    r->out = fx.w.tx.max;
    tls_close(&fx);
    return res;
}

static void test_max_fragment_length(void **state)
{
    (void)state;
    records_t plain, mfl;
    fill_big();
    assert_int_equal(echo_with_fragment_limit(S_TLS12, 0, &plain), 0);
    hc_mbedtls_free(&fx.tls);
    /* The smallest limit that still holds the server's first flight in one
     * record. Asked of a server that also speaks TLS 1.3. */
    uint16_t fits = 512;
    while (fits < plain.hs_in && fits < 4096)
        fits = (uint16_t)(fits * 2u);
    assert_true(plain.hs_in <= fits);
    assert_int_equal(echo_with_fragment_limit(S_VALID, fits, &mfl), 0);
    printf("largest record: handshake %zu in / %zu out; with 3000-byte writes %zu / %zu\n",
           plain.hs_in, plain.hs_out, plain.in, plain.out);
    printf("max_fragment_length %u: handshake %zu / %zu; with 3000-byte writes %zu / %zu\n",
           fits, mfl.hs_in, mfl.hs_out, mfl.in, mfl.out);
    assert_true(plain.in > (size_t)fits + 64 && plain.out > (size_t)fits + 64);
    assert_true(mfl.in <= (size_t)fits + 64); /* plaintext limit + nonce, tag or padding */
    assert_true(mfl.out <= (size_t)fits + 64);
    hc_mbedtls_free(&fx.tls);

    if (fits > 512) {
        /* One size less: the server splits its first flight over records. */
        int32_t r = echo_with_fragment_limit(S_VALID, (uint16_t)(fits / 2u), &mfl);
#if MBEDTLS_VERSION_NUMBER < 0x03000000
        /* 2.28 cannot reassemble a handshake message split over records. */
        assert_int_equal(r, HC_IO_TLS);
        assert_int_equal(fx.tls.last_error, MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE);
#else
        /* 3.6 reassembles it. */
        assert_int_equal(r, 0);
        assert_true(mfl.in <= (size_t)fits / 2u + 64);
        printf("max_fragment_length %u: handshake %zu / %zu; with 3000-byte writes %zu / %zu\n",
               fits / 2u, mfl.hs_in, mfl.hs_out, mfl.in, mfl.out);
#endif
    }
}

#ifdef HC_TLS_ARENA
/* ---- the static arena ---- */

static void test_arena_peak_and_exhaustion(void **state)
{
    (void)state;
    size_t before = hc_arena_in_use();
    hc_arena_reset_peak();
    fix_open_trusting(&fx);
    size_t after_init = hc_arena_in_use() - before;
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), 0);
    static const uint8_t msg[] = "arena";
    assert_true(echo(&fx, msg, sizeof msg - 1, false));
    tls_close(&fx);
    size_t full_peak = hc_arena_peak() - before;
    size_t between = hc_arena_in_use() - before;
    hc_arena_reset_peak();
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), 0);
    assert_true(fx.tls.session_offered);
    assert_true(echo(&fx, msg, sizeof msg - 1, false));
    tls_close(&fx);
    size_t resumed_peak = hc_arena_peak() - before;
    printf("arena: %zu bytes after init, %zu between connections; peak %zu with a full "
           "handshake, %zu with a resumed one\n", after_init, between, full_peak, resumed_peak);
#if MBEDTLS_VERSION_NUMBER < 0x03000000
    assert_true(resumed_peak <= full_peak);
#else
    /* 3.6 writes the ClientHello's key share through a copy as large as
     * the free space of the output buffer (MBEDTLS_PSA_COPY_CALLER_BUFFERS,
     * ~16 KB here): both peaks are there, where a resumed handshake also
     * holds the session it offers (with the server's certificates). */
    assert_true(resumed_peak <= full_peak + 4096u);
#endif
    hc_mbedtls_free(&fx.tls);
    fx.live = false;
    assert_int_equal(hc_arena_in_use(), before); /* everything given back */

    /* Too little memory for the handshake fails cleanly, then works again. */
    fix_open_trusting(&fx);
    hc_arena_set_limit(hc_arena_in_use() + 2000u);
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), HC_IO_TLS);
    hc_arena_set_limit(HC_ARENA_SIZE);
    assert_int_equal(tls_connect_svc(&fx, S_VALID, false), 0);
    tls_close(&fx);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_init_rejects_bad_arguments, fix_teardown),
        cmocka_unit_test_teardown(test_init_reports_unusable_trust, fix_teardown),
        cmocka_unit_test_teardown(test_trust_sources, fix_teardown),
        cmocka_unit_test_teardown(test_valid_chain_blocking, fix_teardown),
        cmocka_unit_test_teardown(test_valid_chain_nonblocking_with_would_block_storm,
                                  fix_teardown),
        cmocka_unit_test_teardown(test_send_retry_needs_the_same_bytes, fix_teardown),
        cmocka_unit_test_teardown(test_wrong_host_name_rejected, fix_teardown),
        cmocka_unit_test_teardown(test_expired_rejected, fix_teardown),
        cmocka_unit_test_teardown(test_not_yet_valid_rejected, fix_teardown),
        cmocka_unit_test_teardown(test_untrusted_ca_rejected, fix_teardown),
        cmocka_unit_test_teardown(test_self_signed_rejected, fix_teardown),
        cmocka_unit_test_teardown(test_ip_literal_host, fix_teardown),
        cmocka_unit_test_teardown(test_insecure_opt_out_accepts_self_signed, fix_teardown),
        cmocka_unit_test_teardown(test_protocol_versions, fix_teardown),
        cmocka_unit_test_teardown(test_session_resumed_on_reconnect_tls12, fix_teardown),
#if HAVE_TLS13
        cmocka_unit_test_teardown(test_session_resumed_on_reconnect_tls13, fix_teardown),
#endif
        cmocka_unit_test_teardown(test_session_kept_per_server, fix_teardown),
        cmocka_unit_test_teardown(test_close_notify_from_peer, fix_teardown),
        cmocka_unit_test_teardown(test_tcp_close_without_close_notify, fix_teardown),
        cmocka_unit_test_teardown(test_inner_errors_propagate, fix_teardown),
        cmocka_unit_test_teardown(test_handshake_never_waits_past_wait_until, fix_teardown),
        cmocka_unit_test_teardown(test_max_fragment_length, fix_teardown),
#ifdef HC_TLS_ARENA
        cmocka_unit_test_teardown(test_arena_peak_and_exhaustion, fix_teardown),
#endif
    };
    return cmocka_run_group_tests(tests, env_setup, env_teardown);
}
