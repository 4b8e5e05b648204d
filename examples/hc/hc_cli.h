/* Shared plumbing of the hc command-line tool: the client it builds from
 * options and environment, and the helpers every subcommand uses. */
#ifndef HC_CLI_H
#define HC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include "healthchecks/hc_client.h"
#include "hc_port_posix.h"
#ifdef HC_CLI_TLS
#include "hc_cli_tls.h"
#endif

/** Options every subcommand understands. */
typedef struct cli_common {
    const char *ping_url, *api_url, *ping_key, *api_key, *user_agent;
    double timeout_s;     /**< overall deadline; 0 = library default */
    int retries;          /**< -1 = library default */
    bool verbose;
    const char *cacert;   /**< CA bundle for https (default: the system's) */
    bool insecure;        /**< skip certificate verification (loudly) */
    const char *tls_session; /**< file keeping the TLS session between runs, or NULL */
    uint8_t api_version;  /**< management API version 1..3; 0 = library default */
    const hc_header_t *headers; /**< extra request headers (hc run --header) */
    size_t n_headers;
} cli_common_t;

/** A client with its POSIX transport, a TLS transport for https URLs
 *  (set up by the first https connection), and buffers. */
typedef struct cli_client {
    hc_posix_t posix;
    hc_transport_t tp;
#ifdef HC_CLI_TLS
    cli_tls_t tls;
    hc_transport_t tls_tp;
#endif
    hc_client_t client;
    uint8_t work[4096];
} cli_client_t;

/** Defaults from the environment (HC_PING_URL, HC_PING_KEY, HC_API_URL, HC_API_KEY). */
void cli_common_init(cli_common_t *o);

/** If argv[*i] is a common option, consume it (and its value) and return 1;
 *  return 0 if it is not one, -1 after printing an error. */
int cli_common_option(cli_common_t *o, int argc, char **argv, int *i);

/** Build the client; prints the error and returns false on failure. */
bool cli_client_open(cli_client_t *cc, const cli_common_t *o);

/** Close the connection and release the TLS state (not @p cc itself). */
void cli_client_close(cli_client_t *cc);

/** Print "hc: <what>: <error text>" (plus the server's status and text when
 *  a response arrived) to stderr. */
void cli_report(const char *what, hc_err_t err, const cli_client_t *cc);

/** The text for @p err: hc_strerror(), or what the client could not set up. */
const char *cli_strerror(hc_err_t err, const cli_client_t *cc);

/** Print what more is known about @p err (no TLS support, the TLS
 *  verification failure's reason) to stderr, without a newline. */
void cli_explain(hc_err_t err, const cli_client_t *cc);

/** A canonical UUID (8-4-4-4-12 hex digits); only lowercase hex with
 *  @p lowercase_only, as in ping URLs. */
bool cli_is_uuid(const char *s, bool lowercase_only);

/** Check a ping's target the way the library will, before anything is
 *  sent; a refusal names the option and the rule it breaks.
 *  @return true when the target is fine, false after printing why. */
bool cli_check_target(const char *uuid, const char *slug, bool create, const char *ping_key);

/** True if descriptor @p fd (0, 1 or 2) was closed when hc started; main()
 *  holds it open on /dev/null so that no socket or pipe of hc takes its
 *  number and receives hc's messages. */
bool cli_std_was_closed(int fd);

/** Print to stderr and return 2 (the usage-error exit status). */
int cli_usage_error(const char *fmt, ...);

int cmd_ping(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_flush(int argc, char **argv);

/* The management subcommands (hc_cmd_checks.c, hc_cmd_api.c). */
int cmd_checks(int argc, char **argv);
int cmd_pings(int argc, char **argv);
int cmd_ping_body(int argc, char **argv);
int cmd_flips(int argc, char **argv);
int cmd_channels(int argc, char **argv);
int cmd_badges(int argc, char **argv);
int cmd_status(int argc, char **argv);

#endif /* HC_CLI_H */
