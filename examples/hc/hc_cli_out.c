/* Output of the management subcommands; see hc_cli_out.h. */
#include "hc_cli_out.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hc_cli_text.h"

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

/* ---------------------------------------------------------- server text */

/* The server's error text, on one line; an HTML error page says nothing
 * the status does not. */
void cli_put_server_text(FILE *f, const char *text)
{
    text += strspn(text, " \t\r\n");
    if (!*text || *text == '<')
        return;
    fputs(": \"", f);
    cli_safe_puts(f, text);
    fputc('"', f);
}
