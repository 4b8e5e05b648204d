/* hc pings, ping-body, flips, channels, badges, status: the rest of the
 * Management API. Lists are streamed and printed row by row. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hc_cli_api.h"
#include "hc_cli_text.h"

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

#define PF(member, bit, type) \
    { #member, HC_PING_F_##bit, CLI_F_##type, offsetof(hc_received_ping_t, member) }

static const cli_field_t ping_fields[] = {
    PF(type, TYPE, PING_TYPE), PF(date, DATE, TIME_US), PF(n, N, U32), PF(scheme, SCHEME, STR),
    PF(remote_addr, REMOTE_ADDR, STR), PF(method, METHOD, STR), PF(ua, UA, STR),
    PF(rid, RID, STR), { "duration", HC_PING_F_DURATION, CLI_F_US, offsetof(hc_received_ping_t, duration_us) },
    PF(body_url, BODY_URL, STR),
};

static const cli_col_t ping_cols[] = {
    { "N", 6 }, { "TYPE", 7 }, { "DATE", 20 }, { "METHOD", 6 }, { "REMOTE ADDR", 24 },
    { "DURATION", 0 },
};

static hc_err_t print_ping_row(void *ctx, const void *item)
{
    const hc_received_ping_t *p = item;
    cli_obj_t obj = { ping_fields, sizeof ping_fields / sizeof ping_fields[0], p,
                      p->present, p->nulls, p->truncated };
    char n[16], date[32], duration[32] = "";
    snprintf(n, sizeof n, "%lu", (unsigned long)p->n);
    if (HC_PRESENT(p, HC_PING_F_DURATION) && !HC_IS_NULL(p, HC_PING_F_DURATION))
        cli_duration(p->duration_us, duration, sizeof duration);
    const char *cells[] = { n, cli_ping_type_name(p->type), cli_time(p->date, date, sizeof date),
                            p->method, p->remote_addr[0] ? p->remote_addr : "-", duration };
    uint32_t cut = (uint32_t)(HC_TRUNCATED(p, HC_PING_F_METHOD) << 3 |
                              HC_TRUNCATED(p, HC_PING_F_REMOTE_ADDR) << 4);
    cli_out_item(ctx, &obj, cells, cut);
    return HC_OK;
}

int cmd_pings(int argc, char **argv)
{
    cli_api_cmd_t cmd = { "pings", pings_usage, 1, 1, CLI_ID_UUID, NULL, NULL };
    cli_api_opts_t o;
    int status;
    cli_api_t *s = begin(&o, &cmd, argc, argv, true, &status);
    if (!s)
        return status;
    cli_out_t out = { .json = o.json, .cols = ping_cols, .n_cols = 6 };
    hc_received_ping_t item;
    hc_list_t list = { .items = &item, .capacity = 1, .each = print_ping_row, .ctx = &out };
    return cli_api_finish_list(s, hc_api_list_pings_begin(&s->api, o.pos[0], &list), cmd.name, &out);
}

/* -------------------------------------------------------------- ping-body */

/* Where a ping body goes: stdout, up to a bound, made safe on a terminal. */
typedef struct body_out {
    int64_t max, written;
    bool cut;              /* the body went on past max */
    bool terminal;
    char carry[4];         /* the start of a character cut between chunks */
    size_t n_carry;
} body_out_t;

static void put_safe(body_out_t *b, const char *data, size_t len)
{
    /* Complete a character cut between chunks, byte by byte. */
    for (; b->n_carry && len; data++, len--) {
        b->carry[b->n_carry++] = *data;
        size_t used = cli_safe_write(stdout, b->carry, b->n_carry, true, false);
        memmove(b->carry, b->carry + used, b->n_carry - used);
        b->n_carry -= used;
    }
    size_t used = cli_safe_write(stdout, data, len, true, false);
    memcpy(b->carry, data + used, len - used);  /* at most 3 bytes */
    b->n_carry = len - used;
}

static hc_err_t write_body(void *ctx, const uint8_t *data, size_t len)
{
    body_out_t *b = ctx;
    if ((int64_t)len > b->max - b->written) {
        len = (size_t)(b->max - b->written);
        b->cut = true;
    }
    if (b->terminal)
        put_safe(b, (const char *)data, len);
    else
        fwrite(data, 1, len, stdout);
    b->written += (int64_t)len;
    if (ferror(stdout))
        return HC_ERR_IO;
    return b->cut ? HC_ERR_BODY_TOO_LARGE : HC_OK;  /* stops the transfer */
}

static int max_bytes_option(void *ctx, int argc, char **argv, int *i)
{
    body_out_t *b = ctx;
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
    body_out_t body_out = { .max = DEFAULT_MAX_BYTES, .terminal = isatty(STDOUT_FILENO) == 1 };
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
    hc_bytes_t body = { .each = write_body, .ctx = &body_out };
    hc_err_t started = hc_api_get_ping_body_begin(&s->api, o.pos[0], (uint32_t)n, &body);
    hc_err_t err = started == HC_OK ? hc_api_wait(&s->api) : started;
    if (body_out.n_carry)
        cli_safe_write(stdout, body_out.carry, body_out.n_carry, true, true);
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

#define FF(member, bit, type) { #member, HC_FLIP_F_##bit, CLI_F_##type, offsetof(hc_flip_t, member) }

static const cli_field_t flip_fields[] = { FF(timestamp, TIMESTAMP, TIME), FF(up, UP, UP) };
static const cli_col_t flip_cols[] = { { "TIMESTAMP", 20 }, { "STATUS", 0 } };

static hc_err_t print_flip_row(void *ctx, const void *item)
{
    const hc_flip_t *f = item;
    cli_obj_t obj = { flip_fields, 2, f, f->present, f->nulls, 0 };
    char when[32];
    const char *cells[] = { cli_time(f->timestamp, when, sizeof when), f->up ? "up" : "down" };
    cli_out_item(ctx, &obj, cells, 0);
    return HC_OK;
}

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
    cli_out_t out = { .json = o.json, .cols = flip_cols, .n_cols = 2 };
    hc_flip_t item;
    hc_list_t list = { .items = &item, .capacity = 1, .each = print_flip_row, .ctx = &out };
    return cli_api_finish_list(s, hc_api_list_flips_begin(&s->api, o.pos[0], &q, &list), cmd.name, &out);
}

/* --------------------------------------------------------------- channels */

#define CHF(member, bit) { #member, HC_CHANNEL_F_##bit, CLI_F_STR, offsetof(hc_channel_t, member) }

static const cli_field_t channel_fields[] = { CHF(id, ID), CHF(name, NAME), CHF(kind, KIND) };
static const cli_col_t channel_cols[] = { { "ID", 36 }, { "NAME", 24 }, { "KIND", 0 } };

static hc_err_t print_channel_row(void *ctx, const void *item)
{
    const hc_channel_t *c = item;
    cli_obj_t obj = { channel_fields, 3, c, c->present, c->nulls, c->truncated };
    const char *cells[] = { c->id, c->name, c->kind };
    cli_out_item(ctx, &obj, cells, c->truncated);
    return HC_OK;
}

int cmd_channels(int argc, char **argv)
{
    cli_api_cmd_t cmd = { "channels", channels_usage, 0, 0, CLI_ID_NONE, NULL, NULL };
    cli_api_opts_t o;
    int status;
    cli_api_t *s = begin(&o, &cmd, argc, argv, true, &status);
    if (!s)
        return status;
    cli_out_t out = { .json = o.json, .cols = channel_cols, .n_cols = 3 };
    hc_channel_t item;
    hc_list_t list = { .items = &item, .capacity = 1, .each = print_channel_row, .ctx = &out };
    return cli_api_finish_list(s, hc_api_list_channels_begin(&s->api, &list), cmd.name, &out);
}

/* ----------------------------------------------------------------- badges */

#define BF(member, bit) { #member, HC_BADGE_F_##bit, CLI_F_STR, offsetof(hc_badge_t, member) }

static const cli_field_t badge_fields[] = {
    BF(tag, TAG), BF(svg, SVG), BF(svg3, SVG3), BF(json, JSON), BF(json3, JSON3),
    BF(shields, SHIELDS), BF(shields3, SHIELDS3),
};
static const cli_col_t badge_cols[] = { { "TAG", 16 }, { "SVG", 0 } };

static hc_err_t print_badge_row(void *ctx, const void *item)
{
    const hc_badge_t *b = item;
    cli_obj_t obj = { badge_fields, 7, b, b->present, b->nulls, b->truncated };
    const char *cells[] = { b->tag, b->svg };
    cli_out_item(ctx, &obj, cells,
                 (uint32_t)(HC_TRUNCATED(b, HC_BADGE_F_TAG) | HC_TRUNCATED(b, HC_BADGE_F_SVG) << 1));
    return HC_OK;
}

int cmd_badges(int argc, char **argv)
{
    cli_api_cmd_t cmd = { "badges", badges_usage, 0, 0, CLI_ID_NONE, NULL, NULL };
    cli_api_opts_t o;
    int status;
    cli_api_t *s = begin(&o, &cmd, argc, argv, true, &status);
    if (!s)
        return status;
    cli_out_t out = { .json = o.json, .cols = badge_cols, .n_cols = 2 };
    hc_badge_t item;
    hc_list_t list = { .items = &item, .capacity = 1, .each = print_badge_row, .ctx = &out };
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
