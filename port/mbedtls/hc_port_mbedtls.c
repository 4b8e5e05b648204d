/*
 * TLS transport over any other transport, with mbedTLS 2.28 or 3.x.
 *
 * The BIO callbacks call the inner transport with the wait_until of the
 * call in progress, so a TLS call never waits longer than its caller
 * allowed; mbedTLS's WANT_READ/WANT_WRITE come back as HC_IO_WOULD_BLOCK.
 */
#include "hc_port_mbedtls.h"

#include <string.h>
#include <stdio.h>
#include <mbedtls/asn1.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

/* Mbed TLS 3.6 dates a TLS 1.3 ticket by its own millisecond clock. */
#if MBEDTLS_VERSION_NUMBER >= 0x03060000 && defined(MBEDTLS_SSL_PROTO_TLS1_3) && \
    defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C) && defined(MBEDTLS_HAVE_TIME)
#define HC_TLS13_TICKET_TIME 1
#include <mbedtls/platform_time.h>
#endif

enum tls_state {
    TLS_IDLE = 0,     /* no connection */
    TLS_TCP,          /* the inner transport is connecting */
    TLS_HANDSHAKE,
    TLS_OPEN,
    TLS_BROKEN        /* a fatal error after the handshake; only close() helps */
};

/* Bounds the mbedtls_ssl_read() calls of one recv(): each TLS 1.3 ticket
 * the server sends after the handshake takes two (3.x), before the data. */
#define TLS_MAX_READ_STEPS 16

static const char drbg_personalization[] = "healthchecks mbedtls port";

/* ---- randomness and I/O towards the inner transport ---- */

static int entropy_from_inner(void *p, unsigned char *out, size_t len)
{
    const hc_transport_t *inner = p;
    if (inner->random(inner->ctx, out, len) != 0)
        return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    return 0;
}

static int bio_send(void *p, const unsigned char *buf, size_t len)
{
    hc_mbedtls_t *t = p;
    int32_t n = t->inner.send(t->inner.ctx, buf, len, t->wait_until);
    if (n > 0)
        return (int)n;
    if (n == 0 || n == HC_IO_WOULD_BLOCK)
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    t->inner_err = n;
    return n == HC_IO_CLOSED ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *p, unsigned char *buf, size_t len)
{
    hc_mbedtls_t *t = p;
    int32_t n = t->inner.recv(t->inner.ctx, buf, len, t->wait_until);
    if (n > 0)
        return (int)n;
    if (n == 0 || n == HC_IO_WOULD_BLOCK)
        return MBEDTLS_ERR_SSL_WANT_READ;
    if (n == HC_IO_CLOSED)
        return 0; /* end of stream, as mbedTLS expects it */
    t->inner_err = n;
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

static bool wants_io(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* ---- trust anchors ---- */

/* Concatenated DER certificates: mbedtls_x509_crt_parse() takes only one. */
static int parse_der_bundle(mbedtls_x509_crt *chain, const uint8_t *der, size_t len)
{
    const uint8_t *end = der + len;
    while (der < end) {
        unsigned char *p = (unsigned char *)der; /* asn1_get_tag only reads through it */
        size_t body;
        int ret = mbedtls_asn1_get_tag(&p, end, &body,
                                       MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
        if (ret != 0)
            return ret;
        size_t cert_len = (size_t)(p - der) + body;
        ret = mbedtls_x509_crt_parse_der(chain, der, cert_len);
        if (ret != 0)
            return ret;
        der += cert_len;
    }
    return 0;
}

static hc_err_t load_ca_buffer(hc_mbedtls_t *t, const uint8_t *ca, size_t len)
{
    int ret;
    if (ca[len - 1] == '\0')
        ret = mbedtls_x509_crt_parse(&t->ca, ca, len);
    else if (ca[0] == (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        ret = parse_der_bundle(&t->ca, ca, len);
    else
        return HC_ERR_ARG; /* PEM without its NUL: mbedTLS would misread it */
    if (ret < 0) {
        t->last_error = ret;
        return HC_ERR_TLS;
    }
    return HC_OK;
}

static hc_err_t load_ca_file(hc_mbedtls_t *t, const char *path)
{
#if defined(MBEDTLS_FS_IO)
    /* A positive result counts certificates mbedTLS could not parse (a
     * system bundle may hold a few); the chain is usable if any parsed. */
    int ret = mbedtls_x509_crt_parse_file(&t->ca, path);
    if (ret < 0) {
        t->last_error = ret;
        return HC_ERR_TLS;
    }
    return HC_OK;
#else
    (void)t;
    (void)path;
    return HC_ERR_ARG;
#endif
}

static bool ca_loaded(const hc_mbedtls_t *t)
{
    return t->ca.version != 0;
}

/* ---- set-up ---- */

static int frag_len_code(uint16_t len, unsigned char *code)
{
    switch (len) {
    case 0: *code = MBEDTLS_SSL_MAX_FRAG_LEN_NONE; return 0;
    case 512: *code = MBEDTLS_SSL_MAX_FRAG_LEN_512; return 0;
    case 1024: *code = MBEDTLS_SSL_MAX_FRAG_LEN_1024; return 0;
    case 2048: *code = MBEDTLS_SSL_MAX_FRAG_LEN_2048; return 0;
    case 4096: *code = MBEDTLS_SSL_MAX_FRAG_LEN_4096; return 0;
    default: return -1;
    }
}

static bool config_valid(const hc_transport_t *inner, const hc_mbedtls_config_t *cfg)
{
    unsigned char code;
#if !defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH) || !defined(MBEDTLS_SSL_PROTO_TLS1_2)
    if (cfg->max_frag_len != 0)
        return false; /* a TLS 1.2 extension in Mbed TLS */
#endif
    if (!inner->connect || !inner->send || !inner->recv || !inner->close || !inner->now_ms ||
        !inner->random)
        return false;
    if ((cfg->ca == NULL) != (cfg->ca_len == 0))
        return false;
    if (cfg->ca == NULL && cfg->ca_file == NULL && cfg->ca_attach == NULL &&
        !cfg->insecure_skip_verify)
        return false;
    return frag_len_code(cfg->max_frag_len, &code) == 0;
}

static int configure(hc_mbedtls_t *t, const hc_mbedtls_config_t *cfg)
{
    int ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0)
        return ret;
    mbedtls_ssl_conf_authmode(&t->conf, cfg->insecure_skip_verify ? MBEDTLS_SSL_VERIFY_NONE
                                                                  : MBEDTLS_SSL_VERIFY_REQUIRED);
    if (ca_loaded(t))
        mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
#if MBEDTLS_VERSION_NUMBER < 0x03000000
    /* 2.28 still offers TLS 1.0 and 1.1 when built with them (Debian is). */
    mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
#endif
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    unsigned char code = MBEDTLS_SSL_MAX_FRAG_LEN_NONE;
    (void)frag_len_code(cfg->max_frag_len, &code);
    ret = mbedtls_ssl_conf_max_frag_len(&t->conf, code);
    if (ret != 0)
        return ret;
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    /* Mbed TLS's TLS 1.3 client offers the extension but cannot take it
     * back: a TLS 1.3 server that honours it (OpenSSL) ends the handshake
     * with MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION. Asking for it means 1.2. */
    if (code != MBEDTLS_SSL_MAX_FRAG_LEN_NONE)
        mbedtls_ssl_conf_max_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#endif
#endif
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && \
    defined(MBEDTLS_SSL_CLI_C) && defined(MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED)
    /* TLS 1.3 tickets arrive after the handshake; 3.6 drops them unless asked. */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &t->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
    if (cfg->ca_attach != NULL && (ret = cfg->ca_attach(&t->conf)) != 0)
        return ret;
    ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
    if (ret != 0)
        return ret;
    mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
    return 0;
}

hc_err_t hc_mbedtls_init(hc_mbedtls_t *t, const hc_transport_t *inner,
                         const hc_mbedtls_config_t *cfg)
{
    if (t == NULL || inner == NULL || cfg == NULL || !config_valid(inner, cfg))
        return HC_ERR_ARG;
    memset(t, 0, sizeof *t);
    t->inner = *inner;
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_x509_crt_init(&t->ca);
    mbedtls_ctr_drbg_init(&t->drbg);
    mbedtls_ssl_session_init(&t->saved);

    hc_err_t err = HC_OK;
    int ret = 0;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
    /* 3.x runs TLS 1.3 and MBEDTLS_USE_PSA_CRYPTO through PSA. */
    ret = (int)psa_crypto_init(); /* PSA_SUCCESS is 0 */
#endif
    if (ret == 0)
        ret = mbedtls_ctr_drbg_seed(&t->drbg, entropy_from_inner, &t->inner,
                                    (const unsigned char *)drbg_personalization,
                                    sizeof drbg_personalization - 1);
    if (ret == 0 && cfg->ca != NULL)
        err = load_ca_buffer(t, cfg->ca, cfg->ca_len);
    if (ret == 0 && err == HC_OK && cfg->ca_file != NULL)
        err = load_ca_file(t, cfg->ca_file);
    if (ret == 0 && err == HC_OK)
        ret = configure(t, cfg);
    if (ret != 0) {
        t->last_error = ret;
        err = HC_ERR_TLS;
    }
    if (err != HC_OK) {
        int kept = t->last_error;
        hc_mbedtls_free(t);
        t->last_error = kept;
    }
    return err;
}

void hc_mbedtls_free(hc_mbedtls_t *t)
{
    if (t == NULL)
        return;
    if (t->state != TLS_IDLE && t->inner.close != NULL)
        t->inner.close(t->inner.ctx);
    mbedtls_ssl_session_free(&t->saved);
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_x509_crt_free(&t->ca);
    mbedtls_ctr_drbg_free(&t->drbg);
    memset(t, 0, sizeof *t);
}

/* ---- sessions ---- */

void hc_mbedtls_forget_session(hc_mbedtls_t *t)
{
    mbedtls_ssl_session_free(&t->saved);
    mbedtls_ssl_session_init(&t->saved);
    t->has_saved = false;
}

static bool session_is_for(const hc_mbedtls_t *t, const char *host, uint16_t port)
{
    return t->has_saved && t->saved_port == port && strcmp(t->saved_host, host) == 0;
}

/* A kept session (with its copy of the server's certificate, about 1 KB of
 * heap) saves a round trip, the chain and the key exchange on the next
 * handshake; when keeping it fails, that handshake is simply a full one.
 * saved_host/saved_port name the server of the current connection, whose
 * session this is. */
static void keep_session(hc_mbedtls_t *t)
{
    hc_mbedtls_forget_session(t);
    if (t->saved_host[0] == '\0' || mbedtls_ssl_get_session(&t->ssl, &t->saved) != 0) {
        hc_mbedtls_forget_session(t);
        return;
    }
    t->has_saved = true;
    t->kept_ms = t->inner.now_ms(t->inner.ctx);
    t->kept_age_unknown = false;
}

/* TLS 1.3 (3.x): a session is a ticket, which the server sends after the
 * handshake. Until one comes there is nothing to keep, and offering a
 * ticketless session would only pin the next ClientHello to TLS 1.3. */
static bool session_comes_later(const hc_mbedtls_t *t)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
    return mbedtls_ssl_get_version_number(&t->ssl) == MBEDTLS_SSL_VERSION_TLS1_3;
#else
    (void)t;
    return false;
#endif
}

/* mbedTLS 3.x reports each TLS 1.3 ticket it took in with this code, from
 * mbedtls_ssl_read() or mbedtls_ssl_write(); the call is then to be
 * repeated. True if @p ret was that (and the ticket is now kept). */
static bool took_ticket(hc_mbedtls_t *t, int ret)
{
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        keep_session(t);
        return true;
    }
#else
    (void)t;
    (void)ret;
#endif
    return false;
}

static void note_server(hc_mbedtls_t *t, const char *host, uint16_t port)
{
    size_t host_len = strlen(host);
    if (host_len >= sizeof t->saved_host)
        host_len = 0; /* too long to remember: no resumption for it */
    memcpy(t->saved_host, host, host_len);
    t->saved_host[host_len] = '\0';
    t->saved_port = port;
}

/* ---- sessions saved across restarts ---- */

/* Layout (little-endian): magic, format version (u8), host length (u8),
 * port (u16), when the session was received (i64 seconds on the caller's
 * clock; HC_MBEDTLS_TIME_UNKNOWN), its lifetime in seconds (u32), the
 * length of mbedTLS's bytes (u32); the host name; mbedTLS's own
 * serialisation (mbedtls_ssl_session_save(), which names its version and
 * configuration); the CRC-32 of all that (u32). */
static const uint8_t session_magic[4] = { 'H', 'C', 'T', 'S' };
#define SESSION_FORMAT 1u
#define SESSION_HEAD 24u
#define SESSION_CRC 4u

static void put_le(uint8_t *o, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        o[i] = (uint8_t)(v >> (8u * i));
}

static uint64_t get_le(const uint8_t *s, size_t n)
{
    uint64_t v = 0;
    while (n-- > 0)
        v = v << 8 | s[n];
    return v;
}

/* CRC-32 (IEEE 802.3, as zlib's crc32()), bit by bit: no table to store. */
static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* The server's ticket lifetime, else (a session id, a hint of 0) and at
 * most the longest any TLS 1.3 ticket may live. */
static uint32_t session_lifetime(const mbedtls_ssl_session *s)
{
    uint32_t life = 0;
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    life = s->MBEDTLS_PRIVATE(ticket_lifetime);
#else
    life = s->ticket_lifetime;
#endif
#else
    (void)s;
#endif
    return life == 0 || life > HC_MBEDTLS_SESSION_LIFETIME_MAX ? HC_MBEDTLS_SESSION_LIFETIME_MAX
                                                               : life;
}

/* Mbed TLS 3.6 checks a TLS 1.3 ticket's age, and tells it to the server,
 * by its own millisecond clock (mbedtls_ms_time(): time since boot on most
 * platforms), which means nothing after a restart: date a restored ticket
 * @p age_s seconds back on that clock. */
static void date_restored_ticket(hc_mbedtls_t *t, uint32_t age_s)
{
#ifdef HC_TLS13_TICKET_TIME
    t->saved.MBEDTLS_PRIVATE(ticket_reception_time) =
        mbedtls_ms_time() - (mbedtls_ms_time_t)age_s * 1000;
#else
    (void)t;
    (void)age_s;
#endif
}

hc_err_t hc_mbedtls_session_save(hc_mbedtls_t *t, int64_t now_s, uint8_t *buf, size_t cap,
                                 size_t *len)
{
    if (t == NULL || len == NULL || (buf == NULL && cap != 0))
        return HC_ERR_ARG;
    *len = 0;
    if (!t->has_saved)
        return HC_ERR_SESSION_NONE;
    size_t host_len = strlen(t->saved_host); /* 1..255: a session is kept only with its host */
    size_t head = SESSION_HEAD + host_len, room = 0, n = 0;
    if (cap > head + SESSION_CRC)
        room = cap - head - SESSION_CRC;
    int ret = mbedtls_ssl_session_save(&t->saved, room ? buf + head : NULL, room, &n);
    if (ret == MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL || (ret == 0 && n > UINT32_MAX)) {
        *len = head + n + SESSION_CRC;
        return HC_ERR_SESSION_SPACE;
    }
    if (ret != 0) {
        t->last_error = ret;
        return HC_ERR_TLS;
    }
    int64_t received = HC_MBEDTLS_TIME_UNKNOWN;
    if (now_s >= 0 && !t->kept_age_unknown)
        received = now_s - (int64_t)((t->inner.now_ms(t->inner.ctx) - t->kept_ms) / 1000u);
    memcpy(buf, session_magic, sizeof session_magic);
    buf[4] = SESSION_FORMAT;
    buf[5] = (uint8_t)host_len;
    put_le(buf + 6, t->saved_port, 2);
    put_le(buf + 8, (uint64_t)received, 8);
    put_le(buf + 16, session_lifetime(&t->saved), 4);
    put_le(buf + 20, n, 4);
    memcpy(buf + SESSION_HEAD, t->saved_host, host_len);
    put_le(buf + head + n, crc32(buf, head + n), SESSION_CRC);
    *len = head + n + SESSION_CRC;
    return HC_OK;
}

/* Check the saved bytes before mbedTLS reads any of them; @p age_s gets
 * the session's age when both times are known (@p age_known). */
static hc_err_t check_saved(const char *host, uint16_t port, int64_t now_s, const uint8_t *buf,
                            size_t len, uint32_t *age_s, bool *age_known)
{
    if (len < sizeof session_magic || memcmp(buf, session_magic, sizeof session_magic) != 0)
        return HC_ERR_SESSION_FOREIGN;
    if (len < SESSION_HEAD + SESSION_CRC || buf[4] != SESSION_FORMAT)
        return HC_ERR_SESSION_INVALID;
    size_t host_len = buf[5], n = (size_t)get_le(buf + 20, 4), end = SESSION_HEAD + host_len + n;
    if (host_len == 0 || n > len || end > len - SESSION_CRC ||
        crc32(buf, end) != get_le(buf + end, SESSION_CRC))
        return HC_ERR_SESSION_INVALID;
    if (get_le(buf + 6, 2) != port || strlen(host) != host_len ||
        memcmp(buf + SESSION_HEAD, host, host_len) != 0)
        return HC_ERR_SESSION_OTHER_SERVER;
    int64_t received = (int64_t)get_le(buf + 8, 8);
    uint64_t lifetime = get_le(buf + 16, 4);
    if (lifetime > HC_MBEDTLS_SESSION_LIFETIME_MAX)
        lifetime = HC_MBEDTLS_SESSION_LIFETIME_MAX;
    *age_s = 0;
    *age_known = received != HC_MBEDTLS_TIME_UNKNOWN && now_s >= 0;
    if (!*age_known)
        return HC_OK; /* sound, of unknown age: the server decides */
    /* unsigned: the difference of two ordered int64 values always fits */
    if (received > now_s || (uint64_t)now_s - (uint64_t)received >= lifetime)
        return HC_ERR_SESSION_EXPIRED;
    *age_s = (uint32_t)((uint64_t)now_s - (uint64_t)received);
    return HC_OK;
}

hc_err_t hc_mbedtls_session_restore(hc_mbedtls_t *t, const char *host, uint16_t port,
                                    int64_t now_s, const uint8_t *buf, size_t len)
{
    if (t == NULL || host == NULL || buf == NULL)
        return HC_ERR_ARG;
    hc_mbedtls_forget_session(t);
    uint32_t age_s;
    bool age_known;
    hc_err_t err = check_saved(host, port, now_s, buf, len, &age_s, &age_known);
    if (err != HC_OK)
        return err;
    size_t host_len = buf[5];
    int ret = mbedtls_ssl_session_load(&t->saved, buf + SESSION_HEAD + host_len,
                                       (size_t)get_le(buf + 20, 4));
    if (ret != 0) {
        t->last_error = ret;
        hc_mbedtls_forget_session(t);
        return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? HC_ERR_TLS : HC_ERR_SESSION_INVALID;
    }
    memcpy(t->saved_host, host, host_len);
    t->saved_host[host_len] = '\0';
    t->saved_port = port;
    t->has_saved = true;
    t->kept_ms = t->inner.now_ms(t->inner.ctx) - age_s * 1000u;
    t->kept_age_unknown = !age_known;
    date_restored_ticket(t, age_s);
    return HC_OK;
}

/* ---- connection ---- */

static void drop_connection(hc_mbedtls_t *t)
{
    t->inner.close(t->inner.ctx);
    t->state = TLS_IDLE;
    t->pending_write = 0;
}

static int32_t start_handshake(hc_mbedtls_t *t, const char *host, uint16_t port)
{
    int ret = mbedtls_ssl_session_reset(&t->ssl);
    if (ret == 0)
        ret = mbedtls_ssl_set_hostname(&t->ssl, host);
    if (ret != 0) {
        t->last_error = ret;
        drop_connection(t);
        return HC_IO_TLS;
    }
    t->session_offered = session_is_for(t, host, port) &&
                         mbedtls_ssl_set_session(&t->ssl, &t->saved) == 0;
    /* mbedTLS works on its own copy of an offered session (with the
     * server's certificate in it): dropping ours keeps one copy, not two,
     * through the handshake. A resumed TLS 1.2 session is kept again at
     * its end, a TLS 1.3 one with the next ticket. */
    if (t->session_offered)
        hc_mbedtls_forget_session(t);
    t->state = TLS_HANDSHAKE;
    return 0;
}

static int32_t handshake_failure(hc_mbedtls_t *t, int ret)
{
    int32_t io;
    t->last_error = ret;
    /* Any certificate finding counts, whichever error mbedTLS reports it
     * with (a bad key usage fails as BAD_HS_CERTIFICATE); (uint32_t)-1
     * means verification never ran. */
    bool cert_rejected = t->verify_flags != 0 && t->verify_flags != (uint32_t)-1;
    if (cert_rejected || ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ||
        ret == MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED)
        io = HC_IO_TLS_VERIFY;
    else if (t->inner_err != 0 && t->inner_err != HC_IO_CLOSED)
        io = t->inner_err; /* the transport failed, not TLS */
    else
        io = HC_IO_TLS;
    hc_mbedtls_forget_session(t);
    drop_connection(t);
    return io;
}

static int32_t tls_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    hc_mbedtls_t *t = ctx;
    t->wait_until = wait_until;
    t->inner_err = 0;
    if (t->state == TLS_OPEN)
        return 0;
    if (t->state == TLS_BROKEN)
        return HC_IO_ERROR;
    if (t->state == TLS_IDLE) {
        t->last_error = 0;
        t->verify_flags = 0;
        t->peer_close_notify = false;
        t->session_offered = false;
        t->state = TLS_TCP;
    }
    if (t->state == TLS_TCP) {
        int32_t r = t->inner.connect(t->inner.ctx, host, port, wait_until);
        if (r == HC_IO_WOULD_BLOCK)
            return r;
        if (r < 0) {
            drop_connection(t);
            return r;
        }
        r = start_handshake(t, host, port);
        if (r < 0)
            return r;
    }
    int ret = mbedtls_ssl_handshake(&t->ssl);
    if (wants_io(ret))
        return HC_IO_WOULD_BLOCK;
    t->verify_flags = mbedtls_ssl_get_verify_result(&t->ssl);
    if (ret != 0)
        return handshake_failure(t, ret);
    note_server(t, host, port);
    if (session_comes_later(t))
        hc_mbedtls_forget_session(t); /* may be another server's */
    else
        keep_session(t);
    t->state = TLS_OPEN;
    return 0;
}

/* A fatal error on an open connection: mbedTLS forbids further use. */
static int32_t session_failure(hc_mbedtls_t *t, int ret)
{
    t->last_error = ret;
    t->state = TLS_BROKEN;
    return t->inner_err != 0 ? t->inner_err : HC_IO_ERROR;
}

static int32_t tls_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_mbedtls_t *t = ctx;
    if (t->state != TLS_OPEN)
        return t->state == TLS_IDLE ? HC_IO_CLOSED : HC_IO_ERROR;
    if (len == 0)
        return 0;
    size_t n = t->pending_write;
    if (n == 0) {
        int max = mbedtls_ssl_get_max_out_record_payload(&t->ssl);
        if (max <= 0)
            return session_failure(t, max < 0 ? max : MBEDTLS_ERR_SSL_INTERNAL_ERROR);
        n = len < (size_t)max ? len : (size_t)max;
    }
    if (len < n)
        return HC_IO_ERROR; /* the caller broke the same-bytes retry rule */
    t->wait_until = wait_until;
    t->inner_err = 0;
    int ret = mbedtls_ssl_write(&t->ssl, buf, n);
    if (took_ticket(t, ret))
        ret = mbedtls_ssl_write(&t->ssl, buf, n); /* the ticket left it at OVER */
    if (ret > 0) {
        t->pending_write = 0;
        return (int32_t)ret;
    }
    if (wants_io(ret)) {
        t->pending_write = n;
        return HC_IO_WOULD_BLOCK;
    }
    return session_failure(t, ret);
}

static int32_t tls_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_mbedtls_t *t = ctx;
    if (t->state != TLS_OPEN)
        return t->state == TLS_IDLE ? HC_IO_CLOSED : HC_IO_ERROR;
    t->wait_until = wait_until;
    t->inner_err = 0;
    for (int step = 0; step < TLS_MAX_READ_STEPS; step++) {
        int ret = mbedtls_ssl_read(&t->ssl, buf, len);
        if (ret > 0)
            return (int32_t)ret;
        /* 3.x answers a TLS 1.3 ticket with WANT_READ and holds it back
         * for the next call: nothing is waiting on the transport. */
        if (ret == MBEDTLS_ERR_SSL_WANT_READ && mbedtls_ssl_check_pending(&t->ssl))
            continue;
        if (wants_io(ret))
            return HC_IO_WOULD_BLOCK;
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            t->peer_close_notify = true;
            return HC_IO_CLOSED;
        }
        /* The stream ended without close_notify: an attacker can cut a TCP
         * stream, so this must not end a close-delimited body. */
        if (ret == 0 || ret == MBEDTLS_ERR_SSL_CONN_EOF)
            return HC_IO_ERROR;
        if (took_ticket(t, ret))
            continue;
        return session_failure(t, ret);
    }
    return HC_IO_WOULD_BLOCK;
}

static void tls_close(void *ctx)
{
    hc_mbedtls_t *t = ctx;
    if (t->state == TLS_IDLE)
        return;
    if (t->state == TLS_OPEN) {
        /* Best effort: the alert goes out only if it fits without waiting. */
        t->wait_until = t->inner.now_ms(t->inner.ctx);
        (void)mbedtls_ssl_close_notify(&t->ssl);
    }
    drop_connection(t);
}

static uint32_t tls_now_ms(void *ctx)
{
    hc_mbedtls_t *t = ctx;
    return t->inner.now_ms(t->inner.ctx);
}

static void tls_sleep_ms(void *ctx, uint32_t ms)
{
    hc_mbedtls_t *t = ctx;
    if (t->inner.sleep_ms != NULL)
        t->inner.sleep_ms(t->inner.ctx, ms);
}

static int tls_random(void *ctx, uint8_t *buf, size_t len)
{
    hc_mbedtls_t *t = ctx;
    return t->inner.random(t->inner.ctx, buf, len);
}

hc_transport_t hc_mbedtls_transport(hc_mbedtls_t *t)
{
    hc_transport_t tp = {
        .ctx = t,
        .connect = tls_connect,
        .send = tls_send,
        .recv = tls_recv,
        .close = tls_close,
        .now_ms = tls_now_ms,
        .sleep_ms = tls_sleep_ms,
        .random = tls_random,
    };
    return tp;
}

/* ---- diagnostics ---- */

#if !defined(MBEDTLS_X509_REMOVE_INFO)
/* mbedTLS lists verification reasons one per line, each after the prefix
 * " "; make "reason; reason". */
static void join_lines(char *s)
{
    size_t len = strlen(s);
    while (len > 0 && s[len - 1] == '\n')
        s[--len] = '\0';
    for (char *nl = strchr(s, '\n'); nl != NULL; nl = strchr(nl, '\n'))
        *nl = ';';
    memmove(s, s + 1, len); /* drop the first prefix, keep the NUL */
}
#endif

void hc_mbedtls_describe(const hc_mbedtls_t *t, char *buf, size_t len)
{
    if (buf == NULL || len == 0)
        return;
    buf[0] = '\0';
    if (t->last_error == 0) {
        (void)snprintf(buf, len, "no TLS error");
        return;
    }
#if !defined(MBEDTLS_X509_REMOVE_INFO)
    if (t->last_error == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && t->verify_flags != 0 &&
        t->verify_flags != UINT32_MAX) {
        if (mbedtls_x509_crt_verify_info(buf, len, " ", t->verify_flags) > 0) {
            join_lines(buf);
            return;
        }
    }
#endif
#if defined(MBEDTLS_ERROR_C)
    mbedtls_strerror(t->last_error, buf, len);
#else
    (void)snprintf(buf, len, "mbedTLS error -0x%04x", (unsigned)-t->last_error);
#endif
}
