/* TLS sessions saved to bytes and restored into a fresh TLS state, as a
 * device does across deep sleep and a cron job across runs: the mbedTLS
 * port over the POSIX port against stunnel on 127.0.0.1, its own PKI made
 * at test time. Resumption is asserted from the server's side: stunnel's
 * log says "previous session reused" or "new session negotiated" for each
 * connection of a service.
 * Built against Debian's mbedTLS 2.28 (TLS 1.2: tickets and session ids)
 * and Mbed TLS 3.6 (TLS 1.3 tickets too), each also with its heap in the
 * test arena. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_port_mbedtls.h"
#include "hc_port_posix.h"
#include "tls_fixture.h"
#include "tls_wrap.h"
#include "hc_crc32_ref.h"

#define FAR_MS 5000u
#define T0 1714557600 /* the caller's clock at the first save: 2024-05-01T10:00:00Z */
#define SAVED_MAX 4096u

#if MBEDTLS_VERSION_NUMBER >= 0x03060000 && defined(MBEDTLS_SSL_PROTO_TLS1_3) && \
    defined(MBEDTLS_SSL_SESSION_TICKETS)
#define HAVE_TLS13 1
#else
#define HAVE_TLS13 0
#endif

static const char reused[] = "previous session reused";
static const char fresh[] = "new session negotiated";

enum svc_id { S_TICKET12, S_ID12, S_TLS13, S_COUNT };

static tls_service_t services[S_COUNT] = {
    [S_TICKET12] = {.name = "ticket12", .cert = "valid.pem", .exec = "/bin/cat",
                    .extra = "sslVersionMax = TLSv1.2"},
    [S_ID12] = {.name = "id12", .cert = "valid.pem", .exec = "/bin/cat",
                .extra = "sslVersionMax = TLSv1.2\noptions = NO_TICKET"},
    [S_TLS13] = {.name = "tls13", .cert = "valid.pem", .exec = "/bin/cat",
                 .extra = "sslVersionMin = TLSv1.3"},
};

static tls_pki_t pki;
static tls_stunnel_t stunnel;
static uint8_t trust_pem[8192];
static size_t trust_pem_len;

/* One TLS state over its own POSIX connection: a "boot" of the device. */
typedef struct boot {
    hc_posix_t posix;
    tls_wrap_t w;
    hc_transport_t wt;
    hc_mbedtls_t tls;
    hc_transport_t tp;
    uint64_t handshake_in;     /* bytes received by the latest handshake */
    bool live;
} boot_t;

static boot_t boots[2];

static int env_teardown(void **state)
{
    (void)state;
    tls_stunnel_stop(&stunnel);
    tls_pki_remove(&pki);
    return 0;
}

static int env_setup(void **state)
{
    size_t n = 0;
    if (tls_pki_make(&pki, "ec"))
        n = tls_pki_read(&pki, "trust.pem", trust_pem, sizeof trust_pem - 1);
    if (n > 0 && tls_stunnel_start(&stunnel, &pki, services, S_COUNT)) {
        trust_pem[n] = '\0';
        trust_pem_len = n + 1;
        return 0;
    }
    env_teardown(state); /* cmocka skips the group teardown when the setup fails */
    return -1;
}

static void power_on(boot_t *b)
{
    hc_posix_init(&b->posix);
    hc_transport_t posix = hc_posix_transport(&b->posix);
    b->wt = tls_wrap_init(&b->w, &posix);
    hc_mbedtls_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ca = trust_pem;
    cfg.ca_len = trust_pem_len;
    assert_int_equal(hc_mbedtls_init(&b->tls, &b->wt, &cfg), HC_OK);
    b->tp = hc_mbedtls_transport(&b->tls);
    b->live = true;
}

static void power_off(boot_t *b)
{
    if (b->live)
        hc_mbedtls_free(&b->tls);
    b->live = false;
}

static int boots_teardown(void **state)
{
    (void)state;
    power_off(&boots[0]);
    power_off(&boots[1]);
    return 0;
}

static uint16_t port_of(enum svc_id s)
{
    return services[s].port;
}

/* Connect to @p s, send a line and read it back (which takes in a TLS 1.3
 * ticket), close. @return connect()'s result, or -1000 if the echo failed. */
static int32_t exchange(boot_t *b, enum svc_id s)
{
    static const uint8_t msg[] = "heartbeat\n";
    uint8_t rx[sizeof msg];
    uint64_t end = tls_ms() + FAR_MS;
    tls_wrap_reset_stats(&b->w);
    int32_t r;
    do
        r = b->tp.connect(b->tp.ctx, "localhost", port_of(s), b->wt.now_ms(b->wt.ctx) + FAR_MS);
    while (r == HC_IO_WOULD_BLOCK && tls_ms() < end);
    b->handshake_in = b->w.in;
    if (r != 0)
        return r;
    size_t sent = 0, got = 0;
    while (got < sizeof msg - 1 && tls_ms() < end) {
        uint32_t wu = b->wt.now_ms(b->wt.ctx) + FAR_MS;
        int32_t n = sent < sizeof msg - 1
                        ? b->tp.send(b->tp.ctx, msg + sent, sizeof msg - 1 - sent, wu)
                        : b->tp.recv(b->tp.ctx, rx + got, sizeof msg - 1 - got, wu);
        if (n < 0 && n != HC_IO_WOULD_BLOCK)
            break;
        if (n > 0 && sent < sizeof msg - 1)
            sent += (size_t)n;
        else if (n > 0)
            got += (size_t)n;
    }
    b->tp.close(b->tp.ctx);
    return got == sizeof msg - 1 && memcmp(rx, msg, got) == 0 ? 0 : -1000;
}

/* Wait until stunnel has logged @p count "reused" and @p count_fresh "new"
 * sessions for @p s (the log lags the connection a little). */
static void server_saw(enum svc_id s, int count_reused, int count_fresh)
{
    const char *svc = services[s].name;
    assert_true(tls_stunnel_wait_count(&stunnel, svc, reused, count_reused, FAR_MS));
    assert_true(tls_stunnel_wait_count(&stunnel, svc, fresh, count_fresh, FAR_MS));
    usleep(50 * 1000); /* nothing more comes */
    assert_int_equal(tls_stunnel_count(&stunnel, svc, reused), count_reused);
    assert_int_equal(tls_stunnel_count(&stunnel, svc, fresh), count_fresh);
}

static uint8_t saved[SAVED_MAX];
static size_t saved_len;

/* First boot: a full handshake with @p s and the session saved at T0. */
static void first_boot(enum svc_id s)
{
    power_on(&boots[0]);
    assert_int_equal(exchange(&boots[0], s), 0);
    assert_false(boots[0].tls.session_offered);
    assert_int_equal(hc_mbedtls_session_save(&boots[0].tls, T0, saved, sizeof saved, &saved_len),
                     HC_OK);
    power_off(&boots[0]);
}

static uint32_t saved_lifetime(void)
{
    return (uint32_t)saved[16] | (uint32_t)saved[17] << 8 | (uint32_t)saved[18] << 16 |
           (uint32_t)saved[19] << 24;
}

/* Second boot: restore at @p now_s and exchange again; @return the
 * restore's result. */
static hc_err_t second_boot(enum svc_id s, int64_t now_s, const uint8_t *bytes, size_t len)
{
    power_on(&boots[1]);
    hc_err_t err = hc_mbedtls_session_restore(&boots[1].tls, "localhost", port_of(s), now_s,
                                              bytes, len);
    assert_int_equal(exchange(&boots[1], s), 0); /* whatever the restore said */
    return err;
}

/* ---- a restored session resumes ---- */

static void check_restored_resumes(enum svc_id s, const char *version)
{
    first_boot(s);
    server_saw(s, 0, 1);
    uint32_t lifetime = saved_lifetime();
    printf("%s: %zu bytes saved, lifetime %u s\n", services[s].name, saved_len, lifetime);
    assert_true(lifetime > 0 && lifetime <= HC_MBEDTLS_SESSION_LIFETIME_MAX);

    assert_int_equal(second_boot(s, T0 + lifetime - 1, saved, saved_len), HC_OK);
    assert_true(boots[1].tls.session_offered);
    assert_string_equal(mbedtls_ssl_get_version(&boots[1].tls.ssl), version);
    server_saw(s, 1, 1);
    /* no certificate chain came: a resumption (a full handshake takes in
     * over 1,100 bytes) */
    printf("%s: handshake %llu bytes in, resumed\n", services[s].name,
           (unsigned long long)boots[1].handshake_in);
    assert_true(boots[1].handshake_in < 600);

    /* the resumed session can be saved again, and resumes once more */
    uint8_t again[SAVED_MAX];
    size_t again_len;
    assert_int_equal(hc_mbedtls_session_save(&boots[1].tls, T0 + 60, again, sizeof again,
                                             &again_len), HC_OK);
    power_off(&boots[1]);
    assert_int_equal(second_boot(s, T0 + 120, again, again_len), HC_OK);
    assert_true(boots[1].tls.session_offered);
    server_saw(s, 2, 1);
}

static void test_restored_tls12_ticket_resumes(void **state)
{
    (void)state;
    check_restored_resumes(S_TICKET12, "TLSv1.2");
}

static void test_restored_tls12_session_id_resumes(void **state)
{
    (void)state;
    check_restored_resumes(S_ID12, "TLSv1.2");
    /* no ticket, no lifetime from the server: the longest a session is kept */
    assert_int_equal(saved_lifetime(), HC_MBEDTLS_SESSION_LIFETIME_MAX);
}

#if HAVE_TLS13
static void test_restored_tls13_ticket_resumes(void **state)
{
    (void)state;
    check_restored_resumes(S_TLS13, "TLSv1.3");
}
#endif

/* Without a clock that survives the restart the age is unknown: the session
 * is offered, and the server decides. */
static void test_unknown_times_leave_expiry_to_the_server(void **state)
{
    (void)state;
    enum svc_id s = HAVE_TLS13 ? S_TLS13 : S_TICKET12;
    power_on(&boots[0]);
    assert_int_equal(exchange(&boots[0], s), 0);
    assert_int_equal(hc_mbedtls_session_save(&boots[0].tls, HC_MBEDTLS_TIME_UNKNOWN, saved,
                                             sizeof saved, &saved_len), HC_OK);
    power_off(&boots[0]);
    int before = tls_stunnel_count(&stunnel, services[s].name, reused);
    assert_int_equal(second_boot(s, T0 + 10 * 365 * 86400LL, saved, saved_len), HC_OK);
    assert_true(boots[1].tls.session_offered);
    power_off(&boots[1]);
    /* known when saved, unknown at the restore */
    first_boot(s);
    assert_int_equal(second_boot(s, HC_MBEDTLS_TIME_UNKNOWN, saved, saved_len), HC_OK);
    assert_true(boots[1].tls.session_offered);
    assert_true(tls_stunnel_wait_count(&stunnel, services[s].name, reused, before + 2, FAR_MS));
}

/* ---- what is ignored: every refusal leaves a full handshake that works ---- */

/* Restore @p bytes, expect @p err, then check the connection was a full
 * handshake that still delivered. */
static void expect_ignored(enum svc_id s, int64_t now_s, const uint8_t *bytes, size_t len,
                           hc_err_t err, const char *what)
{
    const char *svc = services[s].name;
    int reused_before = tls_stunnel_count(&stunnel, svc, reused);
    int fresh_before = tls_stunnel_count(&stunnel, svc, fresh);
    hc_err_t got = second_boot(s, now_s, bytes, len);
    if (got != err)
        printf("%s: %s\n", what, hc_strerror(got));
    assert_int_equal(got, err);
    assert_false(boots[1].tls.session_offered);
    power_off(&boots[1]);
    assert_true(tls_stunnel_wait_count(&stunnel, svc, fresh, fresh_before + 1, FAR_MS));
    assert_int_equal(tls_stunnel_count(&stunnel, svc, reused), reused_before);
}

static void fix_crc(uint8_t *b, size_t len)
{
    uint32_t crc = crc32_ref(b, len - 4);
    for (int i = 0; i < 4; i++)
        b[len - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
}

static void test_expired_other_server_and_garbage_are_ignored(void **state)
{
    (void)state;
    enum svc_id s = S_TICKET12;
    first_boot(s);
    uint32_t lifetime = saved_lifetime();
    static uint8_t b[SAVED_MAX];

    expect_ignored(s, T0 + lifetime, saved, saved_len, HC_ERR_SESSION_EXPIRED, "expired");
    expect_ignored(s, T0 - 1, saved, saved_len, HC_ERR_SESSION_EXPIRED, "from the future");

    /* another host name, another port: not even offered */
    power_on(&boots[1]);
    hc_mbedtls_t *t = &boots[1].tls;
    size_t len;
    assert_int_equal(hc_mbedtls_session_restore(t, "127.0.0.1", port_of(s), T0, saved, saved_len),
                     HC_ERR_SESSION_OTHER_SERVER);
    assert_int_equal(hc_mbedtls_session_save(t, T0, b, sizeof b, &len), HC_ERR_SESSION_NONE);
    power_off(&boots[1]);
    expect_ignored(S_ID12, T0, saved, saved_len, HC_ERR_SESSION_OTHER_SERVER, "other port");
    len = saved_len;

    /* not a session at all: zeroed RTC memory, an erased flash page, text */
    memset(b, 0, sizeof b);
    expect_ignored(s, T0, b, len, HC_ERR_SESSION_FOREIGN, "zeros");
    memset(b, 0xff, sizeof b);
    expect_ignored(s, T0, b, len, HC_ERR_SESSION_FOREIGN, "erased");
    expect_ignored(s, T0, (const uint8_t *)"hello", 5, HC_ERR_SESSION_FOREIGN, "text");

    /* garbage with the right magic: checksum, then content */
    memcpy(b, saved, len);
    for (size_t i = 24 + 9; i < len - 4; i++) /* mbedTLS's bytes, behind the host */
        b[i] = (uint8_t)(b[i] * 7u + 13u);
    expect_ignored(s, T0, b, len, HC_ERR_SESSION_INVALID, "garbage");
    fix_crc(b, len); /* it passes the checksum; mbedTLS refuses its contents */
    expect_ignored(s, T0, b, len, HC_ERR_SESSION_INVALID, "garbage with its CRC");

    /* saved by another mbedTLS build: its version header differs */
    memcpy(b, saved, len);
    b[24 + 9] ^= 0x01; /* behind the host "localhost": mbedTLS's major version */
    fix_crc(b, len);
    power_on(&boots[1]);
    assert_int_equal(hc_mbedtls_session_restore(&boots[1].tls, "localhost", port_of(s), T0, b,
                                                len), HC_ERR_SESSION_INVALID);
    assert_int_equal(boots[1].tls.last_error, MBEDTLS_ERR_SSL_VERSION_MISMATCH);
    power_off(&boots[1]);
    expect_ignored(s, T0, b, len, HC_ERR_SESSION_INVALID, "another mbedTLS");

    /* another format version of ours */
    memcpy(b, saved, len);
    b[4] = 2;
    fix_crc(b, len);
    expect_ignored(s, T0, b, len, HC_ERR_SESSION_INVALID, "format 2");
}

/* The saved bytes cut at every length and with every bit flipped: each is
 * refused with its own error, and nothing is kept. */
static void test_every_cut_and_flip_is_refused(void **state)
{
    (void)state;
    first_boot(S_TICKET12);
    power_on(&boots[1]);
    hc_mbedtls_t *t = &boots[1].tls;
    for (size_t cut = 0; cut < saved_len; cut++) {
        hc_err_t err = hc_mbedtls_session_restore(t, "localhost", port_of(S_TICKET12), T0,
                                                  saved, cut);
        assert_int_equal(err, cut < 4 ? HC_ERR_SESSION_FOREIGN : HC_ERR_SESSION_INVALID);
        assert_false(t->has_saved);
    }
    static uint8_t b[SAVED_MAX];
    for (size_t bit = 0; bit < saved_len * 8; bit++) {
        memcpy(b, saved, saved_len);
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        hc_err_t err = hc_mbedtls_session_restore(t, "localhost", port_of(S_TICKET12), T0, b,
                                                  saved_len);
        assert_int_equal(err, bit < 32 ? HC_ERR_SESSION_FOREIGN : HC_ERR_SESSION_INVALID);
        assert_false(t->has_saved);
    }
    /* the bytes whole, with more after them (a fixed RTC area), restore */
    memcpy(b, saved, saved_len);
    memset(b + saved_len, 0xa5, 64);
    assert_int_equal(hc_mbedtls_session_restore(t, "localhost", port_of(S_TICKET12), T0, b,
                                                saved_len + 64), HC_OK);
    assert_true(t->has_saved);
}

static void test_save_needs_a_session_and_room(void **state)
{
    (void)state;
    static uint8_t b[SAVED_MAX];
    size_t len = 1;
    power_on(&boots[0]);
    hc_mbedtls_t *t = &boots[0].tls;
    assert_int_equal(hc_mbedtls_session_save(t, T0, b, sizeof b, &len), HC_ERR_SESSION_NONE);
    assert_int_equal(len, 0);
    assert_int_equal(hc_mbedtls_session_save(NULL, T0, b, sizeof b, &len), HC_ERR_ARG);
    assert_int_equal(hc_mbedtls_session_save(t, T0, NULL, 10, &len), HC_ERR_ARG);
    assert_int_equal(hc_mbedtls_session_save(t, T0, b, sizeof b, NULL), HC_ERR_ARG);
    assert_int_equal(hc_mbedtls_session_restore(t, NULL, 1, T0, b, 10), HC_ERR_ARG);
    assert_int_equal(hc_mbedtls_session_restore(t, "localhost", 1, T0, NULL, 10), HC_ERR_ARG);
    assert_int_equal(exchange(&boots[0], S_TICKET12), 0);

    size_t need;
    assert_int_equal(hc_mbedtls_session_save(t, T0, NULL, 0, &need), HC_ERR_SESSION_SPACE);
    assert_true(need > HC_MBEDTLS_SESSION_OVERHEAD + 9);
    assert_int_equal(hc_mbedtls_session_save(t, T0, b, need - 1, &len), HC_ERR_SESSION_SPACE);
    assert_int_equal(len, need);
    memset(b, 0x5a, sizeof b);
    assert_int_equal(hc_mbedtls_session_save(t, T0, b, need, &len), HC_OK);
    assert_int_equal(len, need);
    assert_int_equal(b[need], 0x5a); /* not a byte more */
    assert_memory_equal(b, "HCTS", 4);

    hc_mbedtls_forget_session(t);
    assert_int_equal(hc_mbedtls_session_save(t, T0, b, sizeof b, &len), HC_ERR_SESSION_NONE);
}

#if HAVE_TLS13
/* Mbed TLS dates a TLS 1.3 ticket by its millisecond clock, which starts
 * again at a restart: a ticket received a day "ahead" of this boot's clock
 * would look as if from the future, and Mbed TLS would not offer it. The
 * port dates a restored ticket by the age the saved bytes give. */
static void test_tls13_ticket_from_an_earlier_boot_resumes(void **state)
{
    (void)state;
    power_on(&boots[0]);
    assert_int_equal(exchange(&boots[0], S_TLS13), 0);
    boots[0].tls.saved.MBEDTLS_PRIVATE(ticket_reception_time) += 86400 * 1000;
    assert_int_equal(hc_mbedtls_session_save(&boots[0].tls, T0, saved, sizeof saved, &saved_len),
                     HC_OK);
    power_off(&boots[0]);
    int before = tls_stunnel_count(&stunnel, services[S_TLS13].name, reused);

    power_on(&boots[1]);
    assert_int_equal(hc_mbedtls_session_restore(&boots[1].tls, "localhost", port_of(S_TLS13),
                                                T0 + 100, saved, saved_len), HC_OK);
    mbedtls_ms_time_t age = mbedtls_ms_time() -
                            boots[1].tls.saved.MBEDTLS_PRIVATE(ticket_reception_time);
    assert_true(age >= 100 * 1000 && age < 101 * 1000);
    assert_int_equal(exchange(&boots[1], S_TLS13), 0);
    assert_true(boots[1].tls.session_offered);
    assert_true(tls_stunnel_wait_count(&stunnel, services[S_TLS13].name, reused, before + 1,
                                       FAR_MS));
}

/* A TLS 1.3 ticket comes after the handshake: nothing to save until the
 * first bytes have been read. */
static void test_tls13_ticket_comes_with_the_first_read(void **state)
{
    (void)state;
    power_on(&boots[0]);
    boot_t *b = &boots[0];
    int32_t r;
    uint64_t end = tls_ms() + FAR_MS;
    do
        r = b->tp.connect(b->tp.ctx, "localhost", port_of(S_TLS13),
                          b->wt.now_ms(b->wt.ctx) + FAR_MS);
    while (r == HC_IO_WOULD_BLOCK && tls_ms() < end);
    assert_int_equal(r, 0);
    size_t len;
    assert_int_equal(hc_mbedtls_session_save(&b->tls, T0, saved, sizeof saved, &len),
                     HC_ERR_SESSION_NONE);
    b->tp.close(b->tp.ctx);
    assert_int_equal(exchange(b, S_TLS13), 0);
    assert_int_equal(hc_mbedtls_session_save(&b->tls, T0, saved, sizeof saved, &len), HC_OK);
}
#endif

/* ---- a server that no longer knows the session ---- */

/* stunnel restarted: new ticket keys, an empty session cache. The restored
 * session is offered, refused, and the handshake is a full one that works. */
static void check_refused_by_a_restarted_server(enum svc_id s)
{
    first_boot(s);
    assert_true(tls_stunnel_restart(&stunnel, &pki, services, S_COUNT));
    assert_int_equal(second_boot(s, T0 + 1, saved, saved_len), HC_OK);
    assert_true(boots[1].tls.session_offered);
    assert_int_equal(boots[1].tls.last_error, 0);
    server_saw(s, 0, 1); /* the new stunnel's log */
    /* and the new session it got instead is kept, to be saved */
    assert_int_equal(hc_mbedtls_session_save(&boots[1].tls, T0 + 2, saved, sizeof saved,
                                             &saved_len), HC_OK);
    power_off(&boots[1]);
    assert_int_equal(second_boot(s, T0 + 3, saved, saved_len), HC_OK);
    server_saw(s, 1, 1);
}

static void test_refused_tls12_ticket_gives_a_full_handshake(void **state)
{
    (void)state;
    check_refused_by_a_restarted_server(S_TICKET12);
}

static void test_refused_tls12_session_id_gives_a_full_handshake(void **state)
{
    (void)state;
    check_refused_by_a_restarted_server(S_ID12);
}

#if HAVE_TLS13
static void test_refused_tls13_ticket_gives_a_full_handshake(void **state)
{
    (void)state;
    check_refused_by_a_restarted_server(S_TLS13);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_restored_tls12_ticket_resumes, boots_teardown),
        cmocka_unit_test_teardown(test_restored_tls12_session_id_resumes, boots_teardown),
#if HAVE_TLS13
        cmocka_unit_test_teardown(test_restored_tls13_ticket_resumes, boots_teardown),
        cmocka_unit_test_teardown(test_tls13_ticket_comes_with_the_first_read, boots_teardown),
        cmocka_unit_test_teardown(test_tls13_ticket_from_an_earlier_boot_resumes,
                                  boots_teardown),
#endif
        cmocka_unit_test_teardown(test_unknown_times_leave_expiry_to_the_server, boots_teardown),
        cmocka_unit_test_teardown(test_expired_other_server_and_garbage_are_ignored,
                                  boots_teardown),
        cmocka_unit_test_teardown(test_every_cut_and_flip_is_refused, boots_teardown),
        cmocka_unit_test_teardown(test_save_needs_a_session_and_room, boots_teardown),
        /* last: each restarts the server */
        cmocka_unit_test_teardown(test_refused_tls12_ticket_gives_a_full_handshake,
                                  boots_teardown),
        cmocka_unit_test_teardown(test_refused_tls12_session_id_gives_a_full_handshake,
                                  boots_teardown),
#if HAVE_TLS13
        cmocka_unit_test_teardown(test_refused_tls13_ticket_gives_a_full_handshake,
                                  boots_teardown),
#endif
    };
    return cmocka_run_group_tests(tests, env_setup, env_teardown);
}
