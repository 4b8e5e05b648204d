/* hc pings, ping-body, flips, channels, badges, status: the rest of the
 * Management API. Lists are streamed and printed row by row. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_cli_api.h"
#include "hc_cli_print.h"

#define TAIL "\n" CLI_API_OPTIONS_HELP

static const char pings_usage[] =
    "usage: hc pings UUID [options]\n"
    "\n"
    "The check's ping log, newest first: number, type, date (UTC), method, remote\n"
    "address, and the duration of runs that a start ping opened. Needs a\n"
    "read-write key.\n" TAIL;

#define DEFAULT_MAX_BYTES 10000000  /* the most hc run ever sends, too */

static const char ping_body_usage[] =
    "usage: hc ping-body UUID N [--max-bytes B] [options]\n"
    "\n"
    "Writes the body of the check's ping number N to stdout as it arrives (--json\n"
    "does not apply): byte for byte to a pipe or file; on a terminal, control\n"
    "characters other than newline and tab are shown escaped (\\r, \\x1b, ...)\n"
    "and bytes that are not UTF-8 as U+FFFD. Needs a read-write key.\n"
    "  --max-bytes B        stop after B bytes (default 10000000): a longer body is\n"
    "                       cut there, said on stderr, and hc exits with 1\n" TAIL;

static const char flips_usage[] =
    "usage: hc flips ID [--seconds N | --start T --end T] [options]\n"
    "\n"
    "The check's status changes (up/down), newest first. ID is its UUID or, with a\n"
    "read-only key, its unique key.\n"
    "  --seconds N          only the last N seconds (0..31536000)\n"
    "  --start T            only flips at or after T\n"
    "  --end T              only flips before T\n"
    "T is UNIX seconds or an ISO 8601 time with an offset (2024-05-01T00:00:00Z).\n" TAIL;

static const char channels_usage[] =
    "usage: hc channels [options]\n"
    "\n"
    "The project's integrations: id, name, kind. Needs a read-write key.\n" TAIL;

static const char badges_usage[] =
    "usage: hc badges [options]\n"
    "\n"
    "The project's badges, one per tag and \"*\" for all checks: tag and SVG URL\n"
    "(--json gives every format).\n" TAIL;

static const char status_usage[] =
    "usage: hc status [options]\n"
    "\n"
    "Asks the server whether it is up (GET status/, no key needed): prints OK.\n" TAIL;

/* Parse, and open a session; NULL with *status set when the command ends here. */
static cli_api_t *begin(cli_api_opts_t *o, const cli_api_cmd_t *cmd, int argc, char **argv,
                        bool needs_key, int *status)
{
    *status = cli_api_parse(o, cmd, argc, argv);
    return *status == CLI_CONTINUE ? cli_api_open(o, needs_key, cmd->name, status) : NULL;
}

/* ------------------------------------------------------------------ pings */

int cmd_pings(int argc, char **argv)
{
    cli_api_cmd_t cmd = { "pings", pings_usage, 1, 1, CLI_ID_UUID, NULL, NULL };
    cli_api_opts_t o;
    int status;
    cli_api_t *s = begin(&o, &cmd, argc, argv, true, &status);
    if (!s)
        return status;
    cli_out_t out = cli_pings_out(o.json);
    hc_received_ping_t item;
    hc_list_t list = { .items = &item, .capacity = 1, .each = cli_print_ping_row, .ctx = &out };
    return cli_api_finish_list(s, hc_api_list_pings_begin(&s->api, o.pos[0], &list), cmd.name, &out);
}

/* -------------------------------------------------------------- ping-body */

static int max_bytes_option(void *ctx, int argc, char **argv, int *i)
{
    cli_body_out_t *b = ctx;
    if (strcmp(argv[*i], "--max-bytes"))
        return 0;
    const char *v = cli_opt_value(argc, argv, i);
    if (!v)
        return -1;
    if (!cli_parse_int(v, 1, INT64_MAX, &b->max)) {
        cli_usage_error("--max-bytes: '%s' is not a number of bytes (1 or more)", v);
        return -1;
    }
    return 1;
}

int cmd_ping_body(int argc, char **argv)
{
    cli_body_out_t body_out = { .max = DEFAULT_MAX_BYTES, .terminal = isatty(STDOUT_FILENO) == 1 };
    cli_api_cmd_t cmd = { "ping-body", ping_body_usage, 2, 2, CLI_ID_UUID, max_bytes_option,
                          &body_out };
    cli_api_opts_t o;
    int64_t n;
    int status = cli_api_parse(&o, &cmd, argc, argv);
    if (status != CLI_CONTINUE)
        return status;
    if (!cli_parse_int(o.pos[1], 0, UINT32_MAX, &n))
        return cli_usage_error("ping-body: '%s' is not a ping number", o.pos[1]);
    cli_api_t *s = cli_api_open(&o, true, cmd.name, &status);
    if (!s)
        return status;
    hc_bytes_t body = { .each = cli_write_body, .ctx = &body_out };
    hc_err_t started = hc_api_get_ping_body_begin(&s->api, o.pos[0], (uint32_t)n, &body);
    hc_err_t err = started == HC_OK ? hc_api_wait(&s->api) : started;
    cli_body_end(&body_out);
    bool written = fflush(stdout) == 0;  /* the body before any message about it */
    int write_errno = errno;
    if (body_out.cut) {
        fprintf(stderr, "hc: ping-body: the body is longer than --max-bytes %" PRId64
                        "; cut there\n", body_out.max);
        status = 1;
    } else {
        status = cli_api_report(s, started, err, cmd.name,
                                "no such check or ping, or the ping has no body");
    }
    if (!written && status == 0) {
        fprintf(stderr, "hc: ping-body: writing to stdout: %s\n", strerror(write_errno));
        status = 1;
    }
    cli_api_close(s);
    return status;
}

/* ------------------------------------------------------------------ flips */

/* UNIX seconds, or ISO 8601 with an offset. */
static bool parse_when(const char *s, int64_t *out)
{
    return cli_parse_int(s, 0, 10000000000LL, out) ||
           (hc_json_parse_time(s, strlen(s), out) == HC_OK && *out >= 0 && *out <= 10000000000LL);
}

static int flips_option(void *ctx, int argc, char **argv, int *i)
{
    hc_flip_query_t *q = ctx;
    const char *a = argv[*i];
    bool seconds = !strcmp(a, "--seconds"), start = !strcmp(a, "--start");
    if (!seconds && !start && strcmp(a, "--end"))
        return 0;
    const char *v = cli_opt_value(argc, argv, i);
    int64_t n;
    if (!v)
        return -1;
    if (seconds ? !cli_parse_int(v, 0, 31536000, &n) : !parse_when(v, &n)) {
        cli_usage_error("%s: '%s' is not %s", a, v,
                        seconds ? "a number of seconds 0..31536000"
                                : "UNIX seconds or an ISO 8601 time with an offset");
        return -1;
    }
    if (seconds) {
        q->has_seconds = true;
        q->seconds = (uint32_t)n;
    } else if (start) {
        q->has_start = true;
        q->start = n;
    } else {
        q->has_end = true;
        q->end = n;
    }
    return 1;
}

int cmd_flips(int argc, char **argv)
{
    hc_flip_query_t q;
    memset(&q, 0, sizeof q);
    cli_api_cmd_t cmd = { "flips", flips_usage, 1, 1, CLI_ID_UUID_OR_KEY, flips_option, &q };
    cli_api_opts_t o;
    int status = cli_api_parse(&o, &cmd, argc, argv);
    if (status != CLI_CONTINUE)
        return status;
    if (q.has_seconds && (q.has_start || q.has_end))
        return cli_usage_error("flips: give --seconds or --start/--end, not both");
    cli_api_t *s = cli_api_open(&o, true, cmd.name, &status);
    if (!s)
        return status;
    cli_out_t out = cli_flips_out(o.json);
    hc_flip_t item;
    hc_list_t list = { .items = &item, .capacity = 1, .each = cli_print_flip_row, .ctx = &out };
    return cli_api_finish_list(s, hc_api_list_flips_begin(&s->api, o.pos[0], &q, &list), cmd.name, &out);
}

/* --------------------------------------------------------------- channels */

int cmd_channels(int argc, char **argv)
{
    cli_api_cmd_t cmd = { "channels", channels_usage, 0, 0, CLI_ID_NONE, NULL, NULL };
    cli_api_opts_t o;
    int status;
    cli_api_t *s = begin(&o, &cmd, argc, argv, true, &status);
    if (!s)
        return status;
    cli_out_t out = cli_channels_out(o.json);
    hc_channel_t item;
    hc_list_t list = { .items = &item, .capacity = 1, .each = cli_print_channel_row, .ctx = &out };
    return cli_api_finish_list(s, hc_api_list_channels_begin(&s->api, &list), cmd.name, &out);
}

/* ----------------------------------------------------------------- badges */

int cmd_badges(int argc, char **argv)
{
    cli_api_cmd_t cmd = { "badges", badges_usage, 0, 0, CLI_ID_NONE, NULL, NULL };
    cli_api_opts_t o;
    int status;
    cli_api_t *s = begin(&o, &cmd, argc, argv, true, &status);
    if (!s)
        return status;
    cli_out_t out = cli_badges_out(o.json);
    hc_badge_t item;
    hc_list_t list = { .items = &item, .capacity = 1, .each = cli_print_badge_row, .ctx = &out };
    return cli_api_finish_list(s, hc_api_list_badges_begin(&s->api, &list), cmd.name, &out);
}

/* ----------------------------------------------------------------- status */

int cmd_status(int argc, char **argv)
{
    cli_api_cmd_t cmd = { "status", status_usage, 0, 0, CLI_ID_NONE, NULL, NULL };
    cli_api_opts_t o;
    int status;
    cli_api_t *s = begin(&o, &cmd, argc, argv, false, &status);
    if (!s)
        return status;
    status = cli_api_run(s, hc_api_status_begin(&s->api), cmd.name, NULL);
    if (status == 0)
        puts(o.json ? "{\"status\":\"OK\"}" : "OK");
    cli_api_close(s);
    return status;
}
