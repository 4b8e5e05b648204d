/* Plumbing shared by the management subcommands of hc (checks, pings,
 * ping-body, flips, channels, badges, status): option parsing, the API
 * session and error reports. Their output is hc_cli_out.h's. */
#ifndef HC_CLI_API_H
#define HC_CLI_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthchecks/hc_api.h"
#include "hc_cli.h"
#include "hc_cli_out.h"

/** Returned by cli_api_parse() when the command should go on. */
#define CLI_CONTINUE (-1)
/** Most positional arguments any management subcommand takes. */
#define CLI_API_MAX_POS 2

/** The options every management subcommand takes, for its --help. */
#define CLI_API_OPTIONS_HELP \
    "  --json               print JSON (re-encoded from what was decoded, every value\n" \
    "                       as precise as the server sent it) instead of a table\n" \
    "  --api-version N      management API version 1, 2 or 3 (default 3)\n" \
    "  --request-timeout S  give up after S seconds (the common --timeout, under a name\n" \
    "                       that hc checks create/update leave free for the check's timeout)\n" \
    "plus the common options of hc --help (--api-url/HC_API_URL, --api-key/HC_API_KEY, ...).\n" \
    "Exit status: 0 success, 1 failure (the reason on stderr), 2 usage error.\n"

/** Options of a management subcommand, after parsing. */
typedef struct cli_api_opts {
    cli_common_t common;
    bool json;                        /**< --json: print JSON instead of tables */
    const char *pos[CLI_API_MAX_POS]; /**< positional arguments */
    int n_pos;
} cli_api_opts_t;

/** A subcommand's own option: consume argv[*i] (and its value) and return
 *  1, return 0 if it is not one, or -1 after printing a usage error. */
typedef int (*cli_own_option_fn)(void *ctx, int argc, char **argv, int *i);

/** What the first positional argument must be. */
typedef enum cli_id {
    CLI_ID_NONE,             /**< anything (or there is none) */
    CLI_ID_UUID,             /**< a check's UUID */
    CLI_ID_UUID_OR_KEY       /**< a check's UUID or unique key */
} cli_id_t;

/** What cli_api_parse() needs to know about a subcommand. */
typedef struct cli_api_cmd {
    const char *name;        /**< "checks get", for messages */
    const char *usage;       /**< printed by --help */
    int min_pos, max_pos;    /**< positional arguments accepted */
    cli_id_t id;             /**< what pos[0] must be */
    cli_own_option_fn own;   /**< the subcommand's own options, or NULL */
    void *own_ctx;
} cli_api_cmd_t;

/**
 * Parse argv[1..argc) (argv[0] is the subcommand): the subcommand's own
 * options first, then --json, --api-version and --request-timeout, then
 * the common options, then positional arguments; checks pos[0] against
 * cmd->id.
 * @return CLI_CONTINUE, or the exit status to return now (0 after --help,
 *         2 after a usage error, which has been printed).
 */
int cli_api_parse(cli_api_opts_t *o, const cli_api_cmd_t *cmd, int argc, char **argv);

/** The value of option argv[*i], advancing *i; NULL (after printing a
 *  usage error) when it is missing. */
const char *cli_opt_value(int argc, char **argv, int *i);

/** Parse a whole decimal number in [lo, hi]. */
bool cli_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);

/** True if @p s is a canonical lowercase UUID, or also (when
 *  @p unique_key_ok) a 40-hex-digit unique key. */
bool cli_valid_id(const char *s, bool unique_key_ok);

/** An open management API session. */
typedef struct cli_api {
    cli_client_t cc;
    hc_api_t api;
    char elem[8192];          /**< largest single element (a check is ~1.2 KB) */
    jsmntok_t tok[256];
} cli_api_t;

/**
 * Allocate and open a session. @p needs_key: refuse (usage error) when no
 * API key was given. @return the session, or NULL after printing why
 * (*status is then the exit status).
 */
cli_api_t *cli_api_open(const cli_api_opts_t *o, bool needs_key, const char *cmd, int *status);

/** Run a started list call (cli_api_run()), end the output when it
 *  succeeded, and close the session; an item without a required field
 *  (out->missing) is a malformed response. @return as cli_api_run(). */
int cli_api_finish_list(cli_api_t *s, hc_err_t started, const char *cmd, cli_out_t *out);

/** Close and free a session (NULL is fine). */
void cli_api_close(cli_api_t *s);

/**
 * Run a started call to its end and report a failure on stderr:
 * "hc: <cmd>: <library error>: <server's error text> (HTTP nnn)".
 * @param started what the endpoint function returned.
 * @param hint    appended to the message when the server said 404, or NULL.
 * @return 0 on success; 2 when the library refused the request locally (a
 *         malformed argument); 1 for every other failure.
 */
int cli_api_run(cli_api_t *s, hc_err_t started, const char *cmd, const char *hint);

/** cli_api_run() for a call already run to its end (@p err: what
 *  hc_api_wait() returned, or @p started when that was not HC_OK). */
int cli_api_report(cli_api_t *s, hc_err_t started, hc_err_t err, const char *cmd,
                   const char *hint);

#endif /* HC_CLI_API_H */
