/* Mbed TLS 3.6 configuration of the heartbeat firmware (a full
 * replacement of mbedtls_config.h, given as MBEDTLS_CONFIG_FILE).
 *
 * What it must do: an HTTPS client on a Cortex-M, with no heap but a
 * static arena (MBEDTLS_MEMORY_BUFFER_ALLOC_C), TLS 1.2 and TLS 1.3,
 * session tickets for resumption, ECDSA P-256 certificates verified
 * against a CA compiled into the firmware, and the host name always
 * checked. Everything else is off.
 *
 * The server's chain here is the test PKI's (test/tls/gen-certs.sh, P-256).
 * A device talking to hc-ping.com needs what its chain needs as well: at
 * the time of writing Let's Encrypt's ECDSA intermediates are signed by
 * ISRG Root X1, an RSA key, so MBEDTLS_RSA_C, MBEDTLS_PKCS1_V15 and
 * MBEDTLS_PKCS1_V21 (about 10 KB of flash) and larger record buffers.
 */
#ifndef HB_MBEDTLS_CONFIG_H
#define HB_MBEDTLS_CONFIG_H

/* ---- platform: no libc heap, no stdio, the board's clock ---- */

#define MBEDTLS_HAVE_ASM
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
/* No calloc/free/printf/exit from libc behind mbedTLS's platform layer:
 * until mbedtls_memory_buffer_alloc_init() runs, every allocation fails. */
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
/* Peak counters (mbedtls_memory_buffer_alloc_max_get), for the figures
 * the firmware reports; a few words of RAM. */
#define MBEDTLS_MEMORY_DEBUG
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8

/* The allocator's "cannot happen" paths print and exit: to the board's
 * fatal handler, without stdio (the stream argument is never evaluated). */
#define MBEDTLS_PLATFORM_EXIT_MACRO hb_mbedtls_exit
#define MBEDTLS_PLATFORM_FPRINTF_MACRO(stream, ...) hb_mbedtls_diag(__VA_ARGS__)
void hb_mbedtls_exit(int status);
int hb_mbedtls_diag(const char *format, ...);
/* Only text output the firmware never calls (X.509 names, OID strings)
 * formats numbers: declared, never defined, so that a call that a link
 * keeps fails the link instead of pulling in libc's printf. */
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO hb_mbedtls_snprintf_unused
int hb_mbedtls_snprintf_unused(char *s, unsigned long n, const char *format, ...);

/* Certificates carry validity dates: wall-clock time from the board. */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_TIME_TYPE_MACRO int64_t
#define MBEDTLS_PLATFORM_TIME_MACRO hb_mbedtls_time
#include <stdint.h>
int64_t hb_mbedtls_time(int64_t *t);
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_PLATFORM_GMTIME_R_ALT

/* ---- crypto: P-256 ECDHE and ECDSA, AES-128-GCM, SHA-256 ---- */

#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_CTR_DRBG_C

/* PSA (TLS 1.3's key schedule runs through it): random numbers from the
 * board's source (mbedtls_psa_external_get_random), a fixed key store,
 * and no copies of the caller's buffers (they are never shared memory
 * here; the copy of the ClientHello's key share alone is as large as the
 * output buffer's free space). */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG
#define MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS
#define MBEDTLS_PSA_KEY_SLOT_COUNT 8

/* ---- X.509: parse and verify, no text output ---- */

#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_REMOVE_INFO

/* ---- TLS client ---- */

#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE /* TLS 1.3 in 3.6 needs it */
#define MBEDTLS_SSL_CIPHERSUITES \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
/* MBEDTLS_SSL_CLI_ALLOW_WEAK_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME
 * stays undefined: a handshake without a host name to check fails. */

/* Record buffers: the smallest that work against the test server
 * (stunnel, OpenSSL 3.0, the test PKI's P-256 chain), found by running
 * the firmware (test/firmware/find-record-sizes.sh) in steps of 64 bytes;
 * the firmware test shows one step less of either fails. Byte by byte,
 * this chain needed 867 and 446: the input buffer must hold the server's
 * largest record, the TLS 1.3 Certificate message; the output buffer the
 * ClientHello that carries the session ticket (208 of its bytes). Another
 * server's chain and tickets need measuring again. The build may override
 * them. */
#ifndef MBEDTLS_SSL_IN_CONTENT_LEN
#define MBEDTLS_SSL_IN_CONTENT_LEN 896
#endif
#ifndef MBEDTLS_SSL_OUT_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN 448
#endif

#endif /* HB_MBEDTLS_CONFIG_H */
