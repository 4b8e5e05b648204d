/* The https transport of hc: mbedTLS over a POSIX connection, set up on the
 * first https connection and not before. A plain-http run never reads the
 * CA bundle, and a bundle that cannot be used fails that connection (within
 * its deadline), never the whole command. With --tls-session FILE the
 * session is restored from FILE at set-up and saved back when hc ends, so
 * that the next run resumes it; FILE never fails a command. */
#ifndef HC_CLI_TLS_H
#define HC_CLI_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include "healthchecks/hc_error.h"
#include "healthchecks/hc_transport.h"
#include "hc_port_mbedtls.h"
#include "hc_port_posix.h"

/** Largest CA bundle hc reads (the Debian bundle is about 220 KB). */
#define CLI_TLS_CA_MAX (8u * 1024u * 1024u)

/** A TLS transport that sets itself up on its first connect(). */
typedef struct cli_tls {
    hc_posix_t tcp;           /**< the TCP connection under TLS */
    hc_transport_t inner;     /**< its transport */
    hc_mbedtls_t tls;         /**< valid once @c state is CLI_TLS_READY */
    hc_transport_t tls_tp;    /**< the transport over @c tls */
    const char *ca_file;      /**< CA bundle to trust */
    bool insecure;            /**< verify nothing (warned about at set-up) */
    enum { CLI_TLS_UNSET, CLI_TLS_READY, CLI_TLS_FAILED } state;
    int32_t failed_io;        /**< what every connect returns after a failed set-up */
    const char *session_file; /**< --tls-session FILE, or NULL */
    bool session_writable;    /**< FILE holds a session, is missing, or is stale: rewrite it */
    char why[256];            /**< why the set-up failed */
} cli_tls_t;

/** Prepare @p t (nothing is read or allocated yet) and return its
 *  transport; @p t must stay where it is while the transport is used. */
hc_transport_t cli_tls_transport(cli_tls_t *t, const char *ca_file, bool insecure);

/** True when @p err (HC_ERR_TLS or HC_ERR_TLS_VERIFY) came from a set-up
 *  that failed, not from a server. */
bool cli_tls_setup_failed(const cli_tls_t *t, hc_err_t err);

/** Append " (reason)" for a failed https request to stderr: the set-up
 *  failure, or mbedTLS's reason for @p err (HC_ERR_TLS, HC_ERR_TLS_VERIFY). */
void cli_tls_explain(const cli_tls_t *t, hc_err_t err);

/** Close the connection, save the session to @c session_file when there is
 *  one, and release what mbedTLS allocated. */
void cli_tls_free(cli_tls_t *t);

#endif /* HC_CLI_TLS_H */
