/**
 * @file hc_port_mbedtls.h
 * @brief TLS as a transport layered over any other transport (POSIX, lwIP,
 *        mock), with mbedTLS 2.28 or 3.x. The client and the HTTP engine
 *        see one more hc_transport_t and never know TLS is there.
 *
 * Secure by default: the server's chain is verified against the trust
 * anchors given in hc_mbedtls_config_t and its name against the host passed
 * to connect() (mbedtls_ssl_set_hostname: SNI and name check). Turning
 * verification off is an explicit, loudly named field.
 *
 * Where the trust anchors come from:
 * - hc-ping.com and healthchecks.io use Let's Encrypt certificates: a device
 *   that talks only to them needs just ISRG Root X1 (RSA) and ISRG Root X2
 *   (ECDSA), from https://letsencrypt.org/certificates/, compiled in as a
 *   PEM or DER buffer (@c ca / @c ca_len).
 * - ESP-IDF: its certificate bundle (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE)
 *   holds both; pass @c esp_crt_bundle_attach as @c ca_attach.
 * - Debian/Ubuntu hosts: HC_MBEDTLS_HOST_CA_FILE (the ca-certificates
 *   bundle) is the CLI's default @c ca_file.
 * Certificates carry validity dates: a device must have wall-clock time
 * (SNTP, RTC) before its first handshake, or every chain is "not yet valid".
 *
 * Deadlines: every call passes its @p wait_until down to the inner
 * transport and never waits longer. mbedTLS's WANT_READ / WANT_WRITE, and
 * the inner transport's HC_IO_WOULD_BLOCK, become HC_IO_WOULD_BLOCK; the
 * handshake advances a little on each connect() call.
 *
 * Memory: mbedTLS allocates with mbedtls_calloc (the record buffers,
 * MBEDTLS_SSL_IN_CONTENT_LEN + MBEDTLS_SSL_OUT_CONTENT_LEN plus overhead,
 * the parsed CA chain, handshake state). For zero heap on firmware build
 * mbedTLS with MBEDTLS_MEMORY_BUFFER_ALLOC_C and call
 * mbedtls_memory_buffer_alloc_init(arena, sizeof arena) once at start-up;
 * see README.md for the arena sizes measured.
 */
#ifndef HC_PORT_MBEDTLS_H
#define HC_PORT_MBEDTLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_error.h"
#include "healthchecks/hc_transport.h"

#include <mbedtls/version.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/x509_crt.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The CA bundle of Debian and Ubuntu (package ca-certificates). */
#define HC_MBEDTLS_HOST_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

/** Longest host name (with its NUL) a session is remembered for. */
#define HC_MBEDTLS_HOST_MAX 256

/** A time hc_mbedtls_session_save() or hc_mbedtls_session_restore() is
 *  given when the caller has no clock that survives a restart. */
#define HC_MBEDTLS_TIME_UNKNOWN INT64_MIN

/** How long a saved session is offered when the server gave it no lifetime
 *  (a TLS 1.2 session id, or a ticket whose lifetime hint is 0), and the
 *  most any saved session is offered: 7 days, the longest a TLS 1.3 ticket
 *  may live (RFC 8446). */
#define HC_MBEDTLS_SESSION_LIFETIME_MAX (7u * 24u * 3600u)

/** Bytes a saved session takes beside its host name and mbedTLS's own
 *  serialisation of it (mbedtls_ssl_session_save()). */
#define HC_MBEDTLS_SESSION_OVERHEAD 28u

/** Trust anchors and options. Zero-initialise, then set at least one trust
 *  source or, knowingly, @c insecure_skip_verify. Read only during
 *  hc_mbedtls_init(). */
typedef struct hc_mbedtls_config {
    /** CA certificates in memory: a PEM bundle whose last byte is its
     *  terminating NUL (counted in @c ca_len), or one or more concatenated
     *  DER certificates. Parsed (copied) at init. */
    const uint8_t *ca;
    size_t ca_len;                 /**< bytes at @c ca */
    /** A PEM or DER file of CA certificates (hosts; needs MBEDTLS_FS_IO). */
    const char *ca_file;
    /** Called with the mbedtls_ssl_config * to attach trust some other way,
     *  e.g. ESP-IDF's esp_crt_bundle_attach. Returns 0 on success. It runs
     *  after @c ca / @c ca_file are set, and esp_crt_bundle_attach replaces
     *  that chain: use the bundle or your own CAs, not both. */
    int (*ca_attach)(void *mbedtls_ssl_conf);
    /** INSECURE: accept any certificate for any name (and ignore the trust
     *  sources above). Anyone on the path can then read and change the
     *  traffic, ping and API keys included. Only for tests against
     *  throwaway servers; the CLI warns when it is set. */
    bool insecure_skip_verify;
    /** Ask the server for records of at most this many bytes (RFC 6066
     *  max_fragment_length): 0 (do not ask), 512, 1024, 2048 or 4096. A
     *  TLS 1.2 extension in mbedTLS: with 3.x built with TLS 1.3, setting
     *  it keeps the connection to TLS 1.2 (its TLS 1.3 client cannot take
     *  the server's answer); refused by a build without TLS 1.2. */
    uint16_t max_frag_len;
} hc_mbedtls_config_t;

/** State of one TLS transport: one connection at a time, plus the session
 *  kept for resumption. Owned by the caller; set up by hc_mbedtls_init(),
 *  released by hc_mbedtls_free(). The fields after @c inner_err are
 *  readable diagnostics; the rest is private. */
typedef struct hc_mbedtls {
    /** @cond INTERNAL */
    hc_transport_t inner;          /* the transport TLS runs over (a copy) */
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_session saved;     /* session of the last good handshake */
    bool has_saved;
    uint16_t saved_port;
    char saved_host[HC_MBEDTLS_HOST_MAX];
    uint32_t kept_ms;              /* inner now_ms() when the kept session was received */
    bool kept_age_unknown;         /* restored without knowing how old it was */
    uint8_t state;
    uint32_t wait_until;           /* of the call in progress, for the BIO */
    size_t pending_write;          /* plaintext bytes in a record not yet flushed */
    int32_t inner_err;             /* hc_io failure of the inner transport */
    /** @endcond */

    int last_error;                /**< latest mbedTLS error code, 0 if none */
    uint32_t verify_flags;         /**< MBEDTLS_X509_BADCERT_* of the latest handshake */
    bool session_offered;          /**< the latest handshake offered the kept session */
    bool peer_close_notify;        /**< the peer ended with close_notify (not a bare TCP close) */
} hc_mbedtls_t;

/**
 * Set up a TLS transport's state. The DRBG is seeded from the inner
 * transport's random(). Allocates through mbedtls_calloc (record buffers,
 * CA chain); release with hc_mbedtls_free().
 * @param[out] t     the state
 * @param[in]  inner the transport TLS runs over, whose connect, send, recv,
 *                   close, now_ms and random are all required; copied (the
 *                   context it points to must outlive @p t)
 * @param[in]  cfg   trust anchors and options; read only during the call
 * @return HC_OK; HC_ERR_ARG (a NULL argument, an incomplete @p inner, no
 *         trust source without @c insecure_skip_verify, @c ca NULL with
 *         @c ca_len above 0 or the reverse, a PEM buffer that
 *         does not end in NUL, a bad @c max_frag_len, @c ca_file on a build
 *         without file I/O); HC_ERR_TLS (mbedTLS refused: an unparsable CA
 *         bundle, an unreadable file, no memory — see @c last_error and
 *         hc_mbedtls_describe()). On error @p t needs no hc_mbedtls_free().
 */
hc_err_t hc_mbedtls_init(hc_mbedtls_t *t, const hc_transport_t *inner,
                         const hc_mbedtls_config_t *cfg);

/**
 * The transport over a TLS state.
 *
 * connect() connects the inner transport, then runs the handshake, resuming
 * the session kept from the last good handshake with the same host and
 * port. It returns HC_IO_TLS_VERIFY when the chain, validity dates or name
 * are rejected, HC_IO_TLS for any other handshake failure (the peer closing
 * mid-handshake included), and the inner transport's own errors unchanged.
 * A failed handshake closes the inner connection and forgets the session.
 *
 * recv() returns HC_IO_CLOSED only when the peer sent close_notify (and
 * sets @c peer_close_notify); a connection that ends without it is
 * HC_IO_ERROR, since anyone on the path can cut a TCP stream and a
 * close-delimited body must not end that way.
 *
 * send() has mbedTLS's retry rule: after HC_IO_WOULD_BLOCK call it again
 * with the same bytes (at least as many); a shorter buffer gets HC_IO_ERROR.
 *
 * close() sends close_notify if it can without waiting, then closes the
 * inner connection. now_ms, sleep_ms and random are the inner transport's.
 * @param[in] t the state; must outlive the transport and stay where it is
 * @return the transport, to copy into hc_config_t (by address)
 */
hc_transport_t hc_mbedtls_transport(hc_mbedtls_t *t);

/**
 * Forget the kept session: the next handshake is a full one.
 * @param[in,out] t the state
 */
void hc_mbedtls_forget_session(hc_mbedtls_t *t);

/**
 * Save the kept session (a TLS 1.2 session id or ticket, a TLS 1.3 ticket)
 * into @p buf, to resume it after a restart: RTC memory across deep sleep,
 * NVS, a file (hc_posix_file_save()). The bytes carry the host and port it
 * belongs to, its lifetime (the server's ticket lifetime; else, and at most,
 * HC_MBEDTLS_SESSION_LIFETIME_MAX) and when it was received, and a CRC-32;
 * mbedTLS's own serialisation inside also names its version and
 * configuration. They hold the session's secrets: keep them where only
 * this device or user can read them.
 *
 * With TLS 1.3 the ticket arrives after the handshake, with the first
 * response bytes read: save after a request, not right after connect().
 * @param[in,out] t the state (@c last_error is set when mbedTLS fails)
 * @param[in] now_s seconds (0 or more) on a clock that keeps counting
 *            across the restart — UNIX time from SNTP or an RTC, or any
 *            counter that survives it — or HC_MBEDTLS_TIME_UNKNOWN (any
 *            negative value). The receipt time saved is @p now_s minus the
 *            time since the session was received (on the inner transport's
 *            clock); without it, expiry is left to the server.
 * @param[out] buf where the bytes go
 * @param[in] cap bytes available: about 1.2 KB with mbedTLS keeping the
 *            server's certificate (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE, the
 *            default), a few hundred bytes without
 * @param[out] len bytes written; with HC_ERR_SESSION_SPACE, bytes needed
 * @return HC_OK; HC_ERR_SESSION_NONE (no session kept: no good handshake
 *         yet, a TLS 1.3 ticket not received yet, a failed handshake, or
 *         hc_mbedtls_forget_session()); HC_ERR_SESSION_SPACE (nothing
 *         useful written); HC_ERR_ARG; HC_ERR_TLS (mbedTLS could not
 *         serialise it).
 */
hc_err_t hc_mbedtls_session_save(hc_mbedtls_t *t, int64_t now_s, uint8_t *buf, size_t cap,
                                 size_t *len);

/**
 * Restore a session saved by hc_mbedtls_session_save(), possibly by an
 * earlier boot or process, as the kept session: the next connect() to
 * @p host and @p port offers it. A server that no longer accepts it (it
 * restarted, rotated its ticket keys, or the session expired there) answers
 * with a full handshake, which succeeds without an error.
 *
 * Expiry: with @p now_s and the saved receipt time both known, a session
 * whose age is negative (the clock went back) or at least its lifetime is
 * refused; otherwise it is restored and the server decides. A restored
 * TLS 1.3 ticket reports its age (0 when unknown) to the server.
 * @param[in,out] t the state, from hc_mbedtls_init()
 * @param[in] host the host the next connections go to
 * @param[in] port their port
 * @param[in] now_s on the same clock as the save's, or HC_MBEDTLS_TIME_UNKNOWN
 *            (any negative value)
 * @param[in] buf the saved bytes (more may follow: a fixed RTC area)
 * @param[in] len bytes at @p buf
 * @return HC_OK; HC_ERR_SESSION_FOREIGN (not a saved session: zeroed or
 *         erased memory, another file); HC_ERR_SESSION_INVALID (damaged,
 *         cut short, another format version, or mbedTLS of another version
 *         or configuration: see @c last_error); HC_ERR_SESSION_OTHER_SERVER;
 *         HC_ERR_SESSION_EXPIRED; HC_ERR_ARG; HC_ERR_TLS (no memory). On an
 *         error no session is kept: the next handshake is a full one.
 */
hc_err_t hc_mbedtls_session_restore(hc_mbedtls_t *t, const char *host, uint16_t port,
                                    int64_t now_s, const uint8_t *buf, size_t len);

/**
 * Describe the latest failure in English: the reasons the certificate was
 * rejected after HC_IO_TLS_VERIFY, else mbedTLS's text for @c last_error.
 * @param[in]  t   the state
 * @param[out] buf the text, always NUL-terminated when @p len > 0
 * @param[in]  len size of @p buf
 */
void hc_mbedtls_describe(const hc_mbedtls_t *t, char *buf, size_t len);

/**
 * Close any connection and release everything mbedTLS allocated.
 * @param[in,out] t the state; a zeroed or already freed one is fine
 */
void hc_mbedtls_free(hc_mbedtls_t *t);

#ifdef __cplusplus
}
#endif

#endif /* HC_PORT_MBEDTLS_H */
