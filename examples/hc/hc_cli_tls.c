/* The https transport of hc, set up lazily; see hc_cli_tls.h. */
#include "hc_cli_tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hc_posix_file.h"

#define READ_CHUNK 65536u
/* A saved session is about 800 bytes (the server's certificate in it). */
#define SESSION_FILE_MAX 16384u

static int32_t set_up_failed(cli_tls_t *t, int32_t io)
{
    t->state = CLI_TLS_FAILED;
    t->failed_io = io;
    return io;
}

/* The CA bundle, NUL-terminated as mbedTLS wants PEM (and as its own file
 * loader passes it). Only a regular file: opening or reading a FIFO or a
 * device could block for ever. Its size is bounded, and the read gives up
 * at @p wait_until between chunks. NULL with t->why set on failure. */
static char *read_bundle(cli_tls_t *t, uint32_t wait_until, size_t *len)
{
    const char *path = t->ca_file;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    char *buf = NULL;
    const char *problem = NULL;
    if (fd < 0)
        problem = strerror(errno);
    else if (fstat(fd, &st) != 0)
        problem = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        problem = "not a regular file";
    else if ((unsigned long long)st.st_size > CLI_TLS_CA_MAX)
        problem = "larger than the 8 MiB hc reads";
    else if (!(buf = malloc((size_t)st.st_size + 1)))
        problem = "out of memory";
    size_t n = 0, size = problem ? 0 : (size_t)st.st_size;
    while (!problem && n < size) {
        size_t want = size - n < READ_CHUNK ? size - n : READ_CHUNK;
        ssize_t r = read(fd, buf + n, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            problem = strerror(errno);
        else if (r == 0)
            break;  /* it shrank meanwhile: parse what there is */
        else
            n += (size_t)r;
        if (!problem && n < size && hc_time_reached(t->inner.now_ms(t->inner.ctx), wait_until))
            problem = "not read before the deadline";
    }
    if (fd >= 0)
        close(fd);
    if (problem) {
        snprintf(t->why, sizeof t->why, "CA bundle %s: %s", path, problem);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n + 1;
    return buf;
}

/* Read the trust anchors and set up mbedTLS; @return 0 or the hc_io every
 * connect of this run will fail with. A bundle that cannot be used makes
 * every certificate unverifiable (HC_IO_TLS_VERIFY, which the client does
 * not retry: a retry would not change it). */
static int32_t set_up(cli_tls_t *t, uint32_t wait_until)
{
    hc_mbedtls_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    char *ca = NULL;
    size_t len = 0;
    if (t->insecure) {
        fputs("hc: WARNING: --insecure: the server's certificate is not verified\n", stderr);
        cfg.insecure_skip_verify = true;
    } else if (!(ca = read_bundle(t, wait_until, &len))) {
        return set_up_failed(t, HC_IO_TLS_VERIFY);
    }
    cfg.ca = (const uint8_t *)ca;
    cfg.ca_len = len;
    bool with_ca = ca != NULL;
    hc_err_t err = hc_mbedtls_init(&t->tls, &t->inner, &cfg);
    free(ca);  /* mbedTLS keeps its own parsed copy */
    if (err != HC_OK) {
        char reason[160];
        hc_mbedtls_describe(&t->tls, reason, sizeof reason);
        if (with_ca)
            snprintf(t->why, sizeof t->why, "CA bundle %s: %s", t->ca_file, reason);
        else
            snprintf(t->why, sizeof t->why, "setting up TLS: %s", reason);
        return set_up_failed(t, with_ca ? HC_IO_TLS_VERIFY : HC_IO_TLS);
    }
    t->tls_tp = hc_mbedtls_transport(&t->tls);
    t->state = CLI_TLS_READY;
    return 0;
}

static void session_warning(const cli_tls_t *t, const char *what, const char *then)
{
    fprintf(stderr, "hc: warning: --tls-session %s: %s; %s\n", t->session_file, what, then);
}

/* The session FILE keeps for @p host and @p port, restored for the first
 * handshake. A missing FILE is the first run; anything else that cannot
 * be used is said in one line and costs only a full handshake. FILE is
 * rewritten at the end unless it could not be read or is no session file
 * at all (say, a wrong path): that is left as it is. */
static void restore_session(cli_tls_t *t, const char *host, uint16_t port)
{
    uint8_t buf[SESSION_FILE_MAX];
    size_t len = 0;
    int err = hc_posix_file_load(t->session_file, buf, sizeof buf, &len);
    t->session_writable = err == 0 || err == ENOENT;
    if (err == ENOENT)
        return;
    if (err != 0) {
        session_warning(t, err == EFBIG    ? "too large for a TLS session file"
                           : err == EINVAL ? "not a regular file"
                                           : strerror(err),
                        "not used, left as it is");
        return;
    }
    hc_err_t e = hc_mbedtls_session_restore(&t->tls, host, port, (int64_t)time(NULL), buf, len);
    if (e == HC_ERR_SESSION_FOREIGN) {
        t->session_writable = false;
        session_warning(t, "not a TLS session file", "not used, left as it is");
    } else if (e != HC_OK) {
        session_warning(t, hc_strerror(e), "a full handshake, and the file is replaced");
    }
}

/* Write the session kept at the end of the run back to FILE (0600,
 * atomically); without one (no handshake succeeded), FILE stays. */
static void save_session(cli_tls_t *t)
{
    uint8_t buf[SESSION_FILE_MAX];
    size_t len;
    if (!t->session_writable ||
        hc_mbedtls_session_save(&t->tls, (int64_t)time(NULL), buf, sizeof buf, &len) != HC_OK)
        return;
    int err = hc_posix_file_save(t->session_file, buf, len);
    if (err != 0)
        session_warning(t, strerror(err), "the session is not kept");
}

static int32_t lazy_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    cli_tls_t *t = ctx;
    if (t->state == CLI_TLS_UNSET) {
        int32_t r = set_up(t, wait_until);
        if (r < 0)
            return r;
        if (t->session_file)
            restore_session(t, host, port);
    }
    if (t->state == CLI_TLS_FAILED)
        return t->failed_io;
    return t->tls_tp.connect(t->tls_tp.ctx, host, port, wait_until);
}

static int32_t lazy_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    cli_tls_t *t = ctx;
    if (t->state != CLI_TLS_READY)
        return HC_IO_ERROR;
    return t->tls_tp.send(t->tls_tp.ctx, buf, len, wait_until);
}

static int32_t lazy_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    cli_tls_t *t = ctx;
    if (t->state != CLI_TLS_READY)
        return HC_IO_ERROR;
    return t->tls_tp.recv(t->tls_tp.ctx, buf, len, wait_until);
}

static void lazy_close(void *ctx)
{
    cli_tls_t *t = ctx;
    if (t->state == CLI_TLS_READY)
        t->tls_tp.close(t->tls_tp.ctx);
}

static uint32_t lazy_now_ms(void *ctx)
{
    cli_tls_t *t = ctx;
    return t->inner.now_ms(t->inner.ctx);
}

static void lazy_sleep_ms(void *ctx, uint32_t ms)
{
    cli_tls_t *t = ctx;
    t->inner.sleep_ms(t->inner.ctx, ms);
}

static int lazy_random(void *ctx, uint8_t *buf, size_t len)
{
    cli_tls_t *t = ctx;
    return t->inner.random(t->inner.ctx, buf, len);
}

hc_transport_t cli_tls_transport(cli_tls_t *t, const char *ca_file, bool insecure)
{
    memset(t, 0, sizeof *t);
    hc_posix_init(&t->tcp);
    t->inner = hc_posix_transport(&t->tcp);
    t->ca_file = ca_file ? ca_file : HC_MBEDTLS_HOST_CA_FILE;
    t->insecure = insecure;
    hc_transport_t tp = {
        .ctx = t,
        .connect = lazy_connect,
        .send = lazy_send,
        .recv = lazy_recv,
        .close = lazy_close,
        .now_ms = lazy_now_ms,
        .sleep_ms = lazy_sleep_ms,
        .random = lazy_random,
    };
    return tp;
}

bool cli_tls_setup_failed(const cli_tls_t *t, hc_err_t err)
{
    return t->state == CLI_TLS_FAILED && (err == HC_ERR_TLS || err == HC_ERR_TLS_VERIFY);
}

void cli_tls_explain(const cli_tls_t *t, hc_err_t err)
{
    if (err != HC_ERR_TLS && err != HC_ERR_TLS_VERIFY)
        return;
    if (t->state == CLI_TLS_FAILED) {
        fprintf(stderr, " (%s)", t->why);
    } else if (t->state == CLI_TLS_READY) {
        char why[160];
        hc_mbedtls_describe(&t->tls, why, sizeof why);
        fprintf(stderr, " (%s)", why);
    }
}

void cli_tls_free(cli_tls_t *t)
{
    if (t->state == CLI_TLS_READY) {
        t->tls_tp.close(t->tls_tp.ctx);
        if (t->session_file)
            save_session(t);
        hc_mbedtls_free(&t->tls);
    }
    t->state = CLI_TLS_UNSET;
}
