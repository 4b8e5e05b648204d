/* The client end to end over https://: pings and a management GET through
 * hc_client -> mbedTLS port -> POSIX port -> stunnel -> the python test
 * server, blocking and non-blocking (over a transport that would-blocks
 * every other call). A certificate that must not verify ends the request
 * with HC_ERR_TLS_VERIFY before a byte of HTTP reaches the server (its
 * record dir stays empty). Built four times, like test_tls_port (mbedTLS
 * 2.28 and 3.6, each also with a static arena): the _arena builds print
 * how much of the arena each request needed. */
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

#include "healthchecks/hc_api.h"
#include "healthchecks/hc_ping.h"
#include "hc_port_mbedtls.h"
#include "hc_port_posix.h"
#include "hc_test_server.h"
#include "tls_fixture.h"
#include "tls_wrap.h"
#ifdef HC_TLS_ARENA
#include "tls_arena.h"
#endif

#define POLL_LIMIT_MS 10000u

/* TLS 1.3 with tickets: Mbed TLS 3.6 built with it (Debian's 2.28 has none). */
#if MBEDTLS_VERSION_NUMBER >= 0x03060000 && defined(MBEDTLS_SSL_PROTO_TLS1_3) && \
    defined(MBEDTLS_SSL_SESSION_TICKETS)
#define HAVE_TLS13 1
#else
#define HAVE_TLS13 0
#endif

enum svc_id { S_VALID, S_RESUME, S_RESUME13, S_WRONGHOST, S_EXPIRED, S_NOTYET, S_UNTRUSTED,
              S_SELFSIGNED, S_COUNT };

static tls_service_t services[S_COUNT] = {
    [S_VALID] = {.name = "valid", .cert = "valid.pem"},
    [S_RESUME] = {.name = "resume", .cert = "valid.pem", .extra = "sslVersionMax = TLSv1.2"},
    [S_RESUME13] = {.name = "resume13", .cert = "valid.pem", .extra = "sslVersionMin = TLSv1.3"},
    [S_WRONGHOST] = {.name = "wronghost", .cert = "wronghost.pem"},
    [S_EXPIRED] = {.name = "expired", .cert = "expired.pem"},
    [S_NOTYET] = {.name = "notyet", .cert = "notyet.pem"},
    [S_UNTRUSTED] = {.name = "untrusted", .cert = "untrusted.pem"},
    [S_SELFSIGNED] = {.name = "selfsigned", .cert = "selfsigned.pem"},
};

static tls_pki_t pki;
static tls_stunnel_t stunnel;
static hc_test_server_t server;
static uint8_t trust_pem[8192];
static size_t trust_pem_len;

/* One client with TLS over a (watching) POSIX transport. */
typedef struct env {
    hc_posix_t plain_posix, tls_posix;
    hc_transport_t plain;
    tls_wrap_t w;
    hc_transport_t wrapped;
    hc_mbedtls_t tls;
    hc_transport_t tls_tp;
    hc_config_t cfg;
    hc_client_t client;
    uint8_t work[1024];
    char ping_url[96], api_url[96];
    bool live;
} env_t;

static env_t env;

static int group_teardown(void **state)
{
    (void)state;
    tls_stunnel_stop(&stunnel);
    hc_test_server_stop(&server);
    tls_pki_remove(&pki);
    return 0;
}

static bool group_start(void)
{
    const char *keytype = getenv("HC_TLS_KEYTYPE"); /* "ec" (default) or "rsa" */
    if (!tls_pki_make(&pki, keytype != NULL ? keytype : "ec"))
        return false;
    size_t n = tls_pki_read(&pki, "trust.pem", trust_pem, sizeof trust_pem - 1);
    if (n == 0)
        return false;
    trust_pem[n] = '\0';
    trust_pem_len = n + 1;
    if (hc_test_server_start(&server, "127.0.0.1", NULL) != 0)
        return false;
    for (size_t i = 0; i < S_COUNT; i++)
        services[i].backend = server.port;
    return tls_stunnel_start(&stunnel, &pki, services, S_COUNT);
}

/* cmocka skips the group teardown when the setup fails: clean up here. */
static int group_setup(void **state)
{
    if (group_start())
        return 0;
    group_teardown(state);
    return -1;
}

static void env_open_host(env_t *e, const char *host, enum svc_id s, bool chaos)
{
    memset(e, 0, sizeof *e);
    hc_posix_init(&e->plain_posix);
    e->plain = hc_posix_transport(&e->plain_posix);
    hc_posix_init(&e->tls_posix);
    hc_transport_t posix = hc_posix_transport(&e->tls_posix);
    e->wrapped = tls_wrap_init(&e->w, &posix);
    e->w.chaos = chaos;

    hc_mbedtls_config_t tc;
    memset(&tc, 0, sizeof tc);
    tc.ca = trust_pem;
    tc.ca_len = trust_pem_len;
    assert_int_equal(hc_mbedtls_init(&e->tls, &e->wrapped, &tc), HC_OK);
    e->tls_tp = hc_mbedtls_transport(&e->tls);
    e->live = true;

    snprintf(e->ping_url, sizeof e->ping_url, "https://%s:%u/ping", host, services[s].port);
    snprintf(e->api_url, sizeof e->api_url, "https://%s:%u/api", host, services[s].port);
    hc_config_defaults(&e->cfg);
    e->cfg.ping_url = e->ping_url;
    e->cfg.api_url = e->api_url;
    e->cfg.api_key = HC_TEST_RW_KEY;
    e->cfg.user_agent = "hc-tls-test/1.0";
    e->cfg.transport = &e->plain;
    e->cfg.tls_transport = &e->tls_tp;
    e->cfg.work = e->work;
    e->cfg.work_size = sizeof e->work;
    e->cfg.backoff_ms = 20;
    assert_int_equal(hc_client_init(&e->client, &e->cfg), HC_OK);
}

static void env_open(env_t *e, enum svc_id s, bool chaos)
{
    env_open_host(e, "localhost", s, chaos);
}

static int env_teardown(void **state)
{
    (void)state;
    if (env.live) {
        hc_client_close(&env.client);
        hc_mbedtls_free(&env.tls);
    }
    env.live = false;
    return 0;
}

static hc_err_t ping_blocking(env_t *e, hc_ping_result_t *res)
{
    hc_ping_t p;
    memset(&p, 0, sizeof p);
    p.uuid = HC_TEST_CHECK_BACKUP;
    return hc_ping_send(&e->client, &p, res);
}

static hc_err_t ping_polled(env_t *e, hc_ping_result_t *res, unsigned *polls)
{
    static hc_ping_t p;
    memset(&p, 0, sizeof p);
    p.uuid = HC_TEST_CHECK_BACKUP;
    p.signal = HC_SIGNAL_START;
    hc_err_t err = hc_ping_send_begin(&e->client, &p);
    if (err != HC_OK)
        return err;
    uint64_t end = tls_ms() + POLL_LIMIT_MS;
    *polls = 0;
    while ((err = hc_ping_poll(&e->client, res)) == HC_IN_PROGRESS && tls_ms() < end) {
        ++*polls;
        usleep(500);
    }
    return err;
}

typedef struct api_env {
    hc_api_t api;
    char elem[2048];
    jsmntok_t tok[96];
    hc_check_t check;
} api_env_t;

static hc_err_t get_check(env_t *e, api_env_t *a, bool polled)
{
    hc_api_mem_t mem = {a->elem, sizeof a->elem, a->tok, sizeof a->tok / sizeof a->tok[0]};
    assert_int_equal(hc_api_init(&a->api, &e->client, &mem), HC_OK);
    hc_err_t err = hc_api_get_check_begin(&a->api, HC_TEST_CHECK_BACKUP, &a->check);
    if (err != HC_OK || !polled)
        return err == HC_OK ? hc_api_wait(&a->api) : err;
    uint64_t end = tls_ms() + POLL_LIMIT_MS;
    while ((err = hc_api_poll(&a->api)) == HC_IN_PROGRESS && tls_ms() < end)
        usleep(500);
    return err;
}

/* The request line of the server's latest recorded request. */
static const char *last_request_line(void)
{
    static char buf[8192];
    unsigned n = hc_test_server_request_count(&server);
    assert_true(n > 0);
    assert_true(hc_test_server_request(&server, n, buf, sizeof buf) > 0);
    char *eol = strstr(buf, "\r\n");
    assert_non_null(eol);
    *eol = '\0';
    return buf;
}

/* ---- valid chain ---- */

static void test_ping_blocking(void **state)
{
    (void)state;
    hc_ping_result_t res;
    unsigned before = hc_test_server_request_count(&server);
    env_open(&env, S_VALID, false);
    assert_int_equal(ping_blocking(&env, &res), HC_OK);
    assert_true(res.delivered);
    assert_int_equal(res.status, 200);
    assert_int_equal(hc_test_server_request_count(&server), before + 1);
    assert_string_equal(last_request_line(), "GET /ping/" HC_TEST_CHECK_BACKUP " HTTP/1.1");
    assert_int_equal(env.w.wait_mismatch, 0);
}

static void test_management_get_blocking(void **state)
{
    (void)state;
    static api_env_t a;
    env_open(&env, S_VALID, false);
    assert_int_equal(get_check(&env, &a, false), HC_OK);
    assert_string_equal(a.check.name, HC_TEST_CHECK_BACKUP_NAME);
    assert_string_equal(last_request_line(),
                        "GET /api/v3/checks/" HC_TEST_CHECK_BACKUP " HTTP/1.1");
}

static void test_ping_and_get_nonblocking_over_would_block_storm(void **state)
{
    (void)state;
    static api_env_t a;
    hc_ping_result_t res;
    unsigned polls;
    env_open(&env, S_VALID, true);
    assert_int_equal(ping_polled(&env, &res, &polls), HC_OK);
    assert_true(res.delivered);
    assert_true(polls > 10); /* it really was driven in small steps */
    assert_string_equal(last_request_line(),
                        "GET /ping/" HC_TEST_CHECK_BACKUP "/start HTTP/1.1");
    assert_int_equal(get_check(&env, &a, true), HC_OK);
    assert_string_equal(a.check.name, HC_TEST_CHECK_BACKUP_NAME);
}

/* ---- certificates that must not verify ---- */

static void expect_verify_failure(enum svc_id s)
{
    static api_env_t a;
    hc_ping_result_t res;
    unsigned before = hc_test_server_request_count(&server);
    env_open(&env, s, false);
    assert_int_equal(ping_blocking(&env, &res), HC_ERR_TLS_VERIFY);
    assert_false(res.delivered);
    assert_int_equal(hc_client_attempts(&env.client), 1); /* not worth a retry */
    assert_int_equal(get_check(&env, &a, false), HC_ERR_TLS_VERIFY);
    assert_int_equal(hc_test_server_request_count(&server), before);
}

static void test_wrong_host_name(void **state)
{
    (void)state;
    expect_verify_failure(S_WRONGHOST);
}

static void test_expired(void **state)
{
    (void)state;
    expect_verify_failure(S_EXPIRED);
}

static void test_not_yet_valid(void **state)
{
    (void)state;
    expect_verify_failure(S_NOTYET);
}

static void test_untrusted_ca(void **state)
{
    (void)state;
    expect_verify_failure(S_UNTRUSTED);
}

static void test_self_signed(void **state)
{
    (void)state;
    expect_verify_failure(S_SELFSIGNED);
}

static void test_nothing_recorded_while_verification_fails(void **state)
{
    (void)state;
    /* the record dir itself, not just the server's count */
    char cmd[2 * TLS_PATH_MAX];
    hc_test_server_control(&server, "POST", "/_test/reset", NULL, NULL, 0);
    for (enum svc_id s = S_WRONGHOST; s < S_COUNT; s++) {
        expect_verify_failure(s);
        env_teardown(NULL);
    }
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", server.record_dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- TLS 1.2, TLS 1.3 and resumption ---- */

/* Three requests, each on its own connection: the first a full handshake,
 * the others resumed. With TLS 1.3 the session is the ticket the server
 * sends after the handshake, which the port takes in while it reads the
 * response. */
static void check_resumption_across_requests(enum svc_id s, const char *version,
                                             const char *other_version)
{
    static api_env_t a;
    const char *svc = services[s].name;
    char suite[32];
    hc_ping_result_t res;
    env_open(&env, s, false);
    assert_int_equal(ping_blocking(&env, &res), HC_OK); /* full handshake */
    assert_false(env.tls.session_offered);
    assert_int_equal(ping_blocking(&env, &res), HC_OK); /* a new connection, resumed */
    assert_true(env.tls.session_offered);
    assert_int_equal(get_check(&env, &a, false), HC_OK);
    assert_true(env.tls.session_offered);
    assert_true(tls_stunnel_wait_count(&stunnel, svc, "previous session reused", 2, 5000));
    assert_int_equal(tls_stunnel_count(&stunnel, svc, "new session negotiated"), 1);
    snprintf(suite, sizeof suite, "%s ciphersuite", version);
    assert_int_equal(tls_stunnel_count(&stunnel, svc, suite), 3);
    assert_int_equal(tls_stunnel_count(&stunnel, svc, other_version), 0);
}

static void test_tls12_and_resumption_across_requests(void **state)
{
    (void)state;
    check_resumption_across_requests(S_RESUME, "TLSv1.2", "TLSv1.3");
}

static void test_tls13_and_resumption_across_requests(void **state)
{
    (void)state;
#if HAVE_TLS13
    check_resumption_across_requests(S_RESUME13, "TLSv1.3", "TLSv1.2");
#else
    /* 2.28 cannot offer TLS 1.3: nothing reaches the server */
    hc_ping_result_t res;
    unsigned before = hc_test_server_request_count(&server);
    env_open(&env, S_RESUME13, false);
    assert_int_equal(ping_blocking(&env, &res), HC_ERR_TLS);
    assert_int_equal(hc_test_server_request_count(&server), before);
#endif
}

/* ---- an IP address as the host ---- */

/* valid.pem names DNS:localhost and IP:127.0.0.1. Mbed TLS 3.6 matches an
 * address against iPAddress SANs; 2.28 never does and fails closed. */
static void test_ip_address_url(void **state)
{
    (void)state;
    hc_ping_result_t res;
    unsigned before = hc_test_server_request_count(&server);
    env_open_host(&env, "127.0.0.1", S_VALID, false);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    assert_int_equal(ping_blocking(&env, &res), HC_OK);
    assert_true(res.delivered);
    assert_int_equal(hc_test_server_request_count(&server), before + 1);
#else
    assert_int_equal(ping_blocking(&env, &res), HC_ERR_TLS_VERIFY);
    assert_true((env.tls.verify_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
    assert_int_equal(hc_test_server_request_count(&server), before);
#endif
    env_teardown(NULL);
    /* a certificate that does not name the address: refused by both */
    before = hc_test_server_request_count(&server);
    env_open_host(&env, "127.0.0.1", S_WRONGHOST, false);
    assert_int_equal(ping_blocking(&env, &res), HC_ERR_TLS_VERIFY);
    assert_int_equal(hc_test_server_request_count(&server), before);
}

#ifdef HC_TLS_ARENA
/* ---- what each request needs of the arena ---- */

static size_t high_water;

static size_t arena_peak_of(hc_err_t (*run)(env_t *), env_t *e, size_t base)
{
    hc_arena_reset_peak();
    assert_int_equal(run(e), HC_OK);
    if (hc_arena_high_water() > high_water)
        high_water = hc_arena_high_water();
    return hc_arena_peak() - base;
}

static hc_err_t run_ping(env_t *e)
{
    hc_ping_result_t res;
    return ping_blocking(e, &res);
}

static hc_err_t run_get(env_t *e)
{
    static api_env_t a;
    return get_check(e, &a, false);
}

static void test_arena_peaks(void **state)
{
    (void)state;
    size_t base = hc_arena_in_use();
    hc_arena_reset_peak();
    env_open(&env, S_VALID, false);
    size_t after_init = hc_arena_in_use() - base;
    size_t ping_full = arena_peak_of(run_ping, &env, base);
    size_t ping_resumed = arena_peak_of(run_ping, &env, base);
    hc_mbedtls_forget_session(&env.tls);
    size_t get_full = arena_peak_of(run_get, &env, base);
    size_t get_resumed = arena_peak_of(run_get, &env, base);
    printf("arena peak (bytes mbedTLS held, init included: %zu after init):\n"
           "  HTTPS ping:     %zu with a full handshake, %zu resumed\n"
           "  management GET: %zu with a full handshake, %zu resumed\n"
           "  (this first-fit arena's high-water mark: %zu)\n",
           after_init, ping_full, ping_resumed, get_full, get_resumed, high_water);
    assert_true(ping_full < HC_ARENA_SIZE && get_full < HC_ARENA_SIZE);
    hc_client_close(&env.client);
    hc_mbedtls_free(&env.tls);
    env.live = false;
    assert_int_equal(hc_arena_in_use(), base);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_ping_blocking, env_teardown),
        cmocka_unit_test_teardown(test_management_get_blocking, env_teardown),
        cmocka_unit_test_teardown(test_ping_and_get_nonblocking_over_would_block_storm,
                                  env_teardown),
        cmocka_unit_test_teardown(test_wrong_host_name, env_teardown),
        cmocka_unit_test_teardown(test_expired, env_teardown),
        cmocka_unit_test_teardown(test_not_yet_valid, env_teardown),
        cmocka_unit_test_teardown(test_untrusted_ca, env_teardown),
        cmocka_unit_test_teardown(test_self_signed, env_teardown),
        cmocka_unit_test_teardown(test_nothing_recorded_while_verification_fails, env_teardown),
        cmocka_unit_test_teardown(test_tls12_and_resumption_across_requests, env_teardown),
        cmocka_unit_test_teardown(test_tls13_and_resumption_across_requests, env_teardown),
        cmocka_unit_test_teardown(test_ip_address_url, env_teardown),
#ifdef HC_TLS_ARENA
        cmocka_unit_test_teardown(test_arena_peaks, env_teardown),
#endif
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
