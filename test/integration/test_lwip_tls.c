/* TLS composed over the lwIP port: client -> mbedTLS port -> lwIP (either
 * face) -> TAP in a private network namespace -> stunnel -> the python
 * test server. The certificate is made here for the name "10.201.0.1"
 * and is the only trust anchor, so the chain and the host name are both
 * checked for real. Exits 77 (skipped) without a namespace and TAP, or
 * without mbedTLS, stunnel or openssl. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#if !defined(HC_LWIP_STUNNEL) || !defined(HC_LWIP_OPENSSL)
int main(void)
{
    printf("SKIP: TLS over lwIP needs mbedTLS, stunnel and openssl\n");
    return 77;
}
#else

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "healthchecks/hc_ping.h"
#include "hc_lwip_face.h"
#include "hc_lwip_testnet.h"
#include "hc_port_mbedtls.h"
#include "hc_test_server.h"

#define TLS_PORT 8443

static hc_test_server_t server;
static pid_t stunnel_pid;
static char dir[] = "/tmp/hc-lwip-tls-XXXXXX";
static uint8_t trusted[4096], stranger[4096];
static size_t trusted_len, stranger_len;
static char https_ping_url[64];

typedef struct {
    hc_face_client_t fc;
    hc_mbedtls_t tls;
    hc_transport_t tls_tp;
    hc_ping_t ping;
} fixture_t;

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* A PEM file as mbedTLS wants it: with its terminating NUL counted. */
static size_t read_pem(const char *name, uint8_t *buf, size_t cap)
{
    char path[96];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = 0;
    return n + 1;
}

static int make_certificates(void)
{
    char cmd[512];
    for (int i = 0; i < 2; i++) {
        const char *name = i == 0 ? "trusted" : "stranger";
        snprintf(cmd, sizeof cmd,
                 "cd %s && %s req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                 "-keyout %s.key -out %s.pem -days 2 -subj /CN=%s "
                 "-addext subjectAltName=DNS:%s >/dev/null 2>&1",
                 dir, HC_LWIP_OPENSSL, name, name, HC_LWIP_TAP_HOST_IP, HC_LWIP_TAP_HOST_IP);
        if (system(cmd) != 0)
            return -1;
    }
    trusted_len = read_pem("trusted.pem", trusted, sizeof trusted);
    stranger_len = read_pem("stranger.pem", stranger, sizeof stranger);
    return trusted_len && stranger_len ? 0 : -1;
}

static bool tls_port_open(void)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(TLS_PORT);
    inet_pton(AF_INET, HC_LWIP_TAP_HOST_IP, &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bool open = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return open;
}

/* stunnel on the Linux side of the TAP, in front of the test server. */
static int start_stunnel(void)
{
    char conf[96];
    snprintf(conf, sizeof conf, "%s/stunnel.conf", dir);
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fprintf(f, "foreground = yes\npid =\n[hc]\naccept = %s:%d\nconnect = %s:%u\n"
               "cert = %s/trusted.pem\nkey = %s/trusted.key\n",
            HC_LWIP_TAP_HOST_IP, TLS_PORT, HC_LWIP_TAP_HOST_IP, (unsigned)server.port, dir, dir);
    fclose(f);
    stunnel_pid = fork();
    if (stunnel_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDERR_FILENO);
        execl(HC_LWIP_STUNNEL, HC_LWIP_STUNNEL, conf, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; stunnel_pid > 0 && i < 500; i++) { /* 10 s */
        if (tls_port_open())
            return 0;
        sleep_ms(20);
    }
    return -1;
}

static void stop_all(void)
{
    if (stunnel_pid > 0) {
        kill(stunnel_pid, SIGTERM);
        waitpid(stunnel_pid, NULL, 0);
        stunnel_pid = 0;
    }
    hc_test_server_stop(&server);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static int setup_face(void **state, hc_face_t face, const uint8_t *ca, size_t ca_len)
{
    static fixture_t f;
    char out[1024];
    if (hc_test_server_control(&server, "POST", "/_test/reset", NULL, out, sizeof out) != 200)
        return -1;
    hc_face_init(&f.fc, face);
    hc_mbedtls_config_t tc;
    memset(&tc, 0, sizeof tc);
    tc.ca = ca;
    tc.ca_len = ca_len;
    if (hc_mbedtls_init(&f.tls, &f.fc.tp, &tc) != HC_OK)
        return -1;
    f.tls_tp = hc_mbedtls_transport(&f.tls);

    hc_config_t cfg;
    hc_config_defaults(&cfg);
    cfg.ping_url = https_ping_url;
    cfg.tls_transport = &f.tls_tp;
    cfg.connect_timeout_ms = 5000;
    cfg.io_timeout_ms = 3000;
    cfg.max_attempts = 1;
    if (hc_face_client(&f.fc, &cfg) != HC_OK)
        return -1;
    memset(&f.ping, 0, sizeof f.ping);
    f.ping.uuid = HC_TEST_CHECK_BACKUP;
    *state = &f;
    return 0;
}

static int setup_sockets(void **state) { return setup_face(state, HC_FACE_SOCKETS, trusted, trusted_len); }
static int setup_raw_poll(void **state) { return setup_face(state, HC_FACE_RAW_POLL, trusted, trusted_len); }
static int setup_raw_blocking(void **state) { return setup_face(state, HC_FACE_RAW_BLOCKING, trusted, trusted_len); }
static int setup_sockets_stranger(void **state) { return setup_face(state, HC_FACE_SOCKETS, stranger, stranger_len); }
static int setup_raw_poll_stranger(void **state) { return setup_face(state, HC_FACE_RAW_POLL, stranger, stranger_len); }

static int teardown(void **state)
{
    fixture_t *f = *state;
    hc_face_close(&f->fc);
    hc_face_lock(&f->fc);
    hc_mbedtls_free(&f->tls); /* closes the lwIP connection too */
    hc_face_unlock(&f->fc);
    return 0;
}

static int recorded_pings(void)
{
    static char log[16384];
    assert_int_equal(hc_test_server_control(&server, "GET", "/_test/requests", NULL, log,
                                            sizeof log), 200);
    int n = 0;
    for (const char *p = log; (p = strstr(p, "\"/ping/" HC_TEST_CHECK_BACKUP "\"")) != NULL; p++)
        n++;
    return n;
}

static void test_https_ping(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(hc_face_ping(&f->fc, &f->ping), HC_OK);
    assert_true(f->fc.result.delivered);
    assert_string_equal(f->fc.result.text, "OK");
    /* and again, on a resumed session */
    assert_int_equal(hc_face_ping(&f->fc, &f->ping), HC_OK);
    assert_true(f->tls.session_offered);
    assert_int_equal(recorded_pings(), 2);
}

static void test_untrusted_certificate(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(hc_face_ping(&f->fc, &f->ping), HC_ERR_TLS_VERIFY);
    assert_false(f->fc.result.delivered);
    assert_int_equal(recorded_pings(), 0);
}

int main(void)
{
    char why[256];
    if (hc_lwip_test_tap_up(why, sizeof why) != 0) {
        printf("SKIP: %s\n", why);
        return 77;
    }
    if (!mkdtemp(dir) || make_certificates() != 0) {
        fprintf(stderr, "could not make certificates with %s\n", HC_LWIP_OPENSSL);
        return 1;
    }
    if (hc_test_server_start(&server, HC_LWIP_TAP_HOST_IP, NULL) != 0 || start_stunnel() != 0) {
        fprintf(stderr, "the test server or stunnel did not start in the namespace\n");
        stop_all();
        return 1;
    }
    snprintf(https_ping_url, sizeof https_ping_url, "https://%s:%d/ping", HC_LWIP_TAP_HOST_IP,
             TLS_PORT);
    const struct CMUnitTest tests[] = {
        { "https ping: sockets face", test_https_ping, setup_sockets, teardown, NULL },
        { "https ping: raw face, non-blocking", test_https_ping, setup_raw_poll, teardown, NULL },
        { "https ping: raw face, blocking", test_https_ping, setup_raw_blocking, teardown, NULL },
        { "untrusted certificate: sockets face", test_untrusted_certificate,
          setup_sockets_stranger, teardown, NULL },
        { "untrusted certificate: raw face", test_untrusted_certificate,
          setup_raw_poll_stranger, teardown, NULL },
    };
    int failed = cmocka_run_group_tests_name("TLS over the lwIP port (TAP)", tests, NULL, NULL);
    stop_all();
    return failed;
}
#endif
