/* Plumbing of the management subcommands; see hc_cli_api.h. */
#include "hc_cli_api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "healthchecks/hc_ping.h"
#include "hc_cli_text.h"

/* ------------------------------------------------------------- options */

const char *cli_opt_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_usage_error("%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

bool cli_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    int64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*s - '0');
    }
    if (*s || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

bool cli_valid_id(const char *s, bool unique_key_ok)
{
    if (cli_is_uuid(s, true))
        return true;
    size_t n = strspn(s, "0123456789abcdef");
    return unique_key_ok && n == 40 && s[n] == '\0';
}

/* --json, --api-version, --request-timeout; as cli_common_option(). */
static int api_option(cli_api_opts_t *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--json")) {
        o->json = true;
        return 1;
    }
    if (!strcmp(a, "--request-timeout")) {
        if (*i + 1 >= argc) {
            cli_usage_error("%s needs a value", a);
            return -1;
        }
        char name[] = "--timeout";
        char *as_common[] = { name, argv[*i + 1] };
        int k = 0;
        int c = cli_common_option(&o->common, 2, as_common, &k);
        ++*i;
        return c;
    }
    if (strcmp(a, "--api-version"))
        return 0;
    const char *v = cli_opt_value(argc, argv, i);
    int64_t n;
    if (!v)
        return -1;
    if (!cli_parse_int(v, 1, 3, &n)) {
        cli_usage_error("--api-version must be 1, 2 or 3");
        return -1;
    }
    o->common.api_version = (uint8_t)n;
    return 1;
}

int cli_api_parse(cli_api_opts_t *o, const cli_api_cmd_t *cmd, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    cli_common_init(&o->common);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cmd->usage, stdout);
            return 0;
        }
        int c = cmd->own ? cmd->own(cmd->own_ctx, argc, argv, &i) : 0;
        if (c == 0)
            c = api_option(o, argc, argv, &i);
        if (c == 0)
            c = cli_common_option(&o->common, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9'))
            return cli_usage_error("unknown option %s (see hc %s --help)", a, cmd->name);
        if (o->n_pos >= cmd->max_pos)
            return cli_usage_error("unexpected argument '%s' (see hc %s --help)", a, cmd->name);
        o->pos[o->n_pos++] = a;
    }
    if (o->n_pos < cmd->min_pos) {
        int line = (int)strcspn(cmd->usage, "\n");
        return cli_usage_error("%s: missing argument; %.*s", cmd->name, line, cmd->usage);
    }
    if (cmd->id != CLI_ID_NONE && !cli_valid_id(o->pos[0], cmd->id == CLI_ID_UUID_OR_KEY))
        return cli_usage_error("%s: '%s' is not a check UUID%s", cmd->name, o->pos[0],
                               cmd->id == CLI_ID_UUID_OR_KEY ? " or unique key" : "");
    return CLI_CONTINUE;
}

/* ------------------------------------------------------------- session */

cli_api_t *cli_api_open(const cli_api_opts_t *o, bool needs_key, const char *cmd, int *status)
{
    if (needs_key && (!o->common.api_key || !*o->common.api_key)) {
        *status = cli_usage_error("%s needs an API key: --api-key KEY or HC_API_KEY", cmd);
        return NULL;
    }
    *status = 1;
    cli_api_t *s = calloc(1, sizeof *s);
    if (!s) {
        fputs("hc: out of memory\n", stderr);
        return NULL;
    }
    if (!cli_client_open(&s->cc, &o->common)) {
        free(s);
        return NULL;
    }
    hc_api_mem_t mem = { s->elem, sizeof s->elem, s->tok, sizeof s->tok / sizeof s->tok[0] };
    hc_err_t err = hc_api_init(&s->api, &s->cc.client, &mem);
    if (err != HC_OK) {
        cli_report("setting up the management API", err, NULL);
        cli_api_close(s);
        return NULL;
    }
    return s;
}

void cli_api_close(cli_api_t *s)
{
    if (!s)
        return;
    cli_client_close(&s->cc);
    free(s);
}

int cli_api_finish_list(cli_api_t *s, hc_err_t started, const char *cmd, cli_out_t *out)
{
    hc_err_t err = started == HC_OK ? hc_api_wait(&s->api) : started;
    int status = 1;
    if (out->missing)
        fprintf(stderr, "hc: %s: malformed response: an item without its %s\n", cmd,
                out->missing);
    else
        status = cli_api_report(s, started, err, cmd, NULL);
    if (status == 0)
        cli_out_end(out);
    cli_api_close(s);
    return status;
}

/* The server's error text, on one line; an HTML error page says nothing
 * the status does not. */
static void put_server_text(const char *text)
{
    text += strspn(text, " \t\r\n");
    if (!*text || *text == '<')
        return;
    fputs(": \"", stderr);
    cli_safe_puts(stderr, text);
    fputc('"', stderr);
}

static bool is_local_refusal(hc_err_t err)
{
    return err == HC_ERR_ARG || err == HC_ERR_RANGE || err == HC_ERR_TOO_LONG ||
           err == HC_ERR_UNSAFE_CHAR || err == HC_ERR_URL;
}

int cli_api_run(cli_api_t *s, hc_err_t started, const char *cmd, const char *hint)
{
    return cli_api_report(s, started, started == HC_OK ? hc_api_wait(&s->api) : started, cmd,
                          hint);
}

int cli_api_report(cli_api_t *s, hc_err_t started, hc_err_t err, const char *cmd,
                   const char *hint)
{
    if (err == HC_OK)
        return 0;
    const char *what = cli_strerror(err, &s->cc);
    fprintf(stderr, "hc: %s: %s", cmd, what);
    uint16_t status = started == HC_OK ? hc_client_status(&s->cc.client) : 0;
    if (status && (status < 200 || status > 299)) {
        put_server_text(hc_api_error(&s->api));
        char code[8];
        snprintf(code, sizeof code, "(%u)", status);
        if (!strstr(what, code))
            fprintf(stderr, " (HTTP %u)", status);
        if (status == 404 && hint)
            fprintf(stderr, " (%s)", hint);
    }
    cli_explain(err, &s->cc);
    fputc('\n', stderr);
    return started != HC_OK && is_local_refusal(started) ? 2 : 1;
}

/* -------------------------------------------------------------- values */

const char *cli_time(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, cap, "%" PRId64, t);
    return buf;
}

const char *cli_duration(uint64_t us, char *buf, size_t cap)
{
    uint64_t ms = us / 1000u;
    snprintf(buf, cap, "%" PRIu64 ".%03" PRIu64 " s", ms / 1000u, ms % 1000u);
    return buf;
}

const char *cli_status_name(hc_check_status_t s)
{
    static const char *const names[] = { "unknown", "new", "up", "grace", "down", "paused",
                                         "started" };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

const char *cli_ping_type_name(hc_ping_type_t t)
{
    static const char *const names[] = { "unknown", "success", "start", "fail", "log", "ign" };
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

static const void *field_at(const cli_obj_t *o, const cli_field_t *f)
{
    return (const char *)o->obj + f->off;
}

static bool has_bit(uint64_t mask, unsigned bit)
{
    return (mask >> bit) & 1u;
}

/* A field's value as text (tables and "field: value" lines); strings are
 * returned in place, other values are formatted into @p buf. */
static const char *field_text(const cli_obj_t *o, const cli_field_t *f, char *buf, size_t cap)
{
    const void *p = field_at(o, f);
    if (has_bit(o->nulls, f->bit))
        return "-";
    switch (f->type) {
    case CLI_F_STR: return p;
    case CLI_F_U32: snprintf(buf, cap, "%" PRIu32, *(const uint32_t *)p); return buf;
    case CLI_F_BOOL: return *(const bool *)p ? "true" : "false";
    case CLI_F_UP: return *(const bool *)p ? "up" : "down";
    case CLI_F_TIME:
    case CLI_F_TIME_US: return cli_time(*(const int64_t *)p, buf, cap);
    case CLI_F_STATUS: return cli_status_name(*(const hc_check_status_t *)p);
    case CLI_F_PING_TYPE: return cli_ping_type_name(*(const hc_ping_type_t *)p);
    case CLI_F_US: return cli_duration(*(const uint64_t *)p, buf, cap);
    }
    return "";
}

/* ---------------------------------------------------------------- JSON */

/* A JSON string that is also safe on a terminal: every unsafe character
 * (see hc_cli_text.h) as a \u escape, which loses nothing; a byte that is
 * not UTF-8, which JSON cannot hold, as U+FFFD. */
static void json_string(const char *s)
{
    putchar('"');
    for (size_t n = strlen(s), i = 0; i < n;) {
        uint32_t cp;
        size_t len = cli_utf8_next(s + i, n - i, &cp);
        if (len == 0)
            len = 1;
        if (cp == '"' || cp == '\\')
            printf("\\%c", (char)cp);
        else if (cp == CLI_NOT_UTF8)
            fputs("\\ufffd", stdout);
        else if (cli_is_unsafe(cp))
            printf("\\u%04x", (unsigned)cp);
        else
            fwrite(s + i, 1, len, stdout);
        i += len;
    }
    putchar('"');
}

/* Microseconds as the seconds a server sends: all the digits that are not
 * trailing zeros, one at least (Python's repr() of the float). */
static void json_seconds(uint64_t us)
{
    char frac[8];
    snprintf(frac, sizeof frac, "%06" PRIu64, us % 1000000u);
    size_t n = 6;
    while (n > 1 && frac[n - 1] == '0')
        n--;
    printf("%" PRIu64 ".%.*s", us / 1000000u, (int)n, frac);
}

static void json_value(const cli_obj_t *o, const cli_field_t *f)
{
    const void *p = field_at(o, f);
    char buf[40];
    if (has_bit(o->nulls, f->bit)) {
        fputs("null", stdout);
        return;
    }
    switch (f->type) {
    case CLI_F_U32: printf("%" PRIu32, *(const uint32_t *)p); break;
    case CLI_F_BOOL: fputs(*(const bool *)p ? "true" : "false", stdout); break;
    case CLI_F_UP: putchar(*(const bool *)p ? '1' : '0'); break;
    case CLI_F_US: json_seconds(*(const uint64_t *)p); break;
    case CLI_F_TIME:
    case CLI_F_TIME_US: {
        /* The server's own form: microseconds when there are any (Python's
         * isoformat()), and an explicit +00:00 offset. */
        size_t n = strlen(cli_time(*(const int64_t *)p, buf, sizeof buf));
        uint32_t us = f->type != CLI_F_TIME_US ? 0
                    : *(const uint32_t *)((const char *)p + sizeof(int64_t));
        if (n && buf[n - 1] == 'Z')
            n--;
        if (us)
            n += (size_t)snprintf(buf + n, sizeof buf - n, ".%06" PRIu32, us % 1000000u);
        snprintf(buf + n, sizeof buf - n, "+00:00");
        json_string(buf);
        break;
    }
    default: json_string(field_text(o, f, buf, sizeof buf)); break;
    }
}

/* One object on one line, with the fields the server sent, in its order. */
static void json_object(cli_out_t *out, const cli_obj_t *o)
{
    bool first = true;
    putchar('{');
    for (size_t k = 0; k < o->n_fields; k++) {
        const cli_field_t *f = &o->fields[k];
        if (!has_bit(o->present, f->bit))
            continue;
        if (!first)
            putchar(',');
        first = false;
        json_string(f->name);
        putchar(':');
        json_value(o, f);
        if (has_bit(o->truncated, f->bit))
            out->cut++;
    }
    putchar('}');
}

static void warn_cut(const cli_out_t *o)
{
    if (o->cut)
        fprintf(stderr, "hc: warning: %u value%s longer than this build of hc keeps "
                        "(limits in hc_config.h) and %s cut\n",
                o->cut, o->cut == 1 ? " was" : "s were", o->cut == 1 ? "was" : "were");
}

/* --------------------------------------------------------------- tables */

/* Bytes of the first @p chars UTF-8 characters of @p s. */
static size_t utf8_prefix(const char *s, size_t chars)
{
    size_t i = 0, seen = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (seen == chars)
                break;
            seen++;
        }
    }
    return i;
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A cell of @p width characters (0: as long as it is), cut with "…" when
 * it is wider or was already cut by the library; server text made safe
 * first, so the width counts what the terminal shows. */
static void put_cell(const char *text, int width, bool cut)
{
    char *safe = cli_safe_dup(text);
    const char *s = safe ? safe : "";
    size_t len = utf8_len(s), keep = len;
    if (width > 0 && (len > (size_t)width || (cut && len >= (size_t)width))) {
        keep = (size_t)width - 1;
        cut = true;
    }
    fwrite(s, 1, utf8_prefix(s, keep), stdout);
    if (cut)
        fputs("\xE2\x80\xA6", stdout); /* U+2026 HORIZONTAL ELLIPSIS */
    for (size_t n = keep + cut; width > 0 && n < (size_t)width; n++)
        putchar(' ');
    free(safe);
}

/* Cells padded to their column, but no trailing blanks after the last
 * non-empty one. */
static void table_row(const cli_out_t *o, const char *const *cells, uint32_t cut_cells)
{
    size_t n = o->n_cols;
    while (n > 1 && !cells[n - 1][0])
        n--;
    for (size_t k = 0; k < n; k++) {
        if (k)
            fputs("  ", stdout);
        put_cell(cells[k], k + 1 < n ? o->cols[k].width : 0, (cut_cells >> k) & 1u);
    }
    putchar('\n');
}

static void table_header(const cli_out_t *o)
{
    const char *titles[16];
    for (size_t k = 0; k < o->n_cols && k < 16; k++)
        titles[k] = o->cols[k].title;
    table_row(o, titles, 0);
}

void cli_out_item(cli_out_t *o, const cli_obj_t *obj, const char *const *cells, uint32_t cut_cells)
{
    if (o->json) {
        fputs(o->items ? ",\n" : "[\n", stdout);
        json_object(o, obj);
    } else {
        if (!o->items)
            table_header(o);
        table_row(o, cells, cut_cells);
    }
    o->items++;
}

void cli_out_end(cli_out_t *o)
{
    if (o->json)
        fputs(o->items ? "\n]\n" : "[]\n", stdout);
    else if (!o->items)
        table_header(o);
    warn_cut(o);
}

void cli_out_object(cli_out_t *o, const cli_obj_t *obj)
{
    if (o->json) {
        json_object(o, obj);
        putchar('\n');
        warn_cut(o);
        return;
    }
    for (size_t k = 0; k < obj->n_fields; k++) {
        const cli_field_t *f = &obj->fields[k];
        char buf[40];
        if (!has_bit(obj->present, f->bit))
            continue;
        const char *value = field_text(obj, f, buf, sizeof buf);
        printf(*value ? "%-20s " : "%s", f->name);
        put_cell(value, 0, has_bit(obj->truncated, f->bit));
        putchar('\n');
    }
}
