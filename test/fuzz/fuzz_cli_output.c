/* Fuzz target: everything hc prints of what a server sent (the CLI's
 * hc_cli_out.c, hc_cli_print.c and hc_cli_text.c). The input is read as a
 * command and its objects: checks, pings, flips, channels or badges with
 * every string, number, enum and mask taken from the input (strings may
 * hold any byte: control characters, escapes, bidirectional controls,
 * invalid UTF-8), a ping body in pieces, or the server's error text; as
 * tables, "field: value" lines or JSON.
 *
 * Checked on what comes out: it is valid UTF-8 with no control character
 * but the line ends the command writes itself (a ping body on a terminal
 * keeps its LF and TAB), no DEL, C1 control, bidirectional-text control or
 * line separator, so no server string can move the cursor, set a title or
 * forge a row; tables have one line per row after the heading, "field:
 * value" output one line per field sent, JSON one object per line, each
 * of them valid JSON; the one-line messages are one line; a ping body to a
 * pipe is the body byte for byte, and never more than --max-bytes. */
#define _GNU_SOURCE  /* open_memstream */
#include "fuzz_common.h"

#include "hc_cli_print.h"
#include "hc_cli_text.h"

/* ------------------------------------------------------------- the input */

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader_t;

static uint8_t rd_u8(reader_t *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

/* Raw bytes into any scalar (zeros once the input runs out). */
static void rd_raw(reader_t *r, void *dst, size_t size)
{
    size_t k = size < r->n ? size : r->n;
    memset(dst, 0, size);
    memcpy(dst, r->p, k);
    r->p += k;
    r->n -= k;
}

/* A string the way a decoder leaves it: NUL-terminated inside its array,
 * but here with any bytes at all before the NUL. */
static void rd_str(reader_t *r, char *dst, size_t cap)
{
    size_t len = rd_u8(r) % cap;
    if (len > r->n)
        len = r->n;
    memcpy(dst, r->p, len);
    dst[len] = '\0';
    r->p += len;
    r->n -= len;
}

static bool rd_bool(reader_t *r)
{
    return rd_u8(r) & 1u;
}

#define STR(o, f) rd_str(r, (o)->f, sizeof (o)->f)

static void rd_check(reader_t *r, hc_check_t *c)
{
    memset(c, 0, sizeof *c);
    rd_raw(r, &c->present, sizeof c->present);
    rd_raw(r, &c->nulls, sizeof c->nulls);
    rd_raw(r, &c->truncated, sizeof c->truncated);
    rd_raw(r, &c->last_ping, sizeof c->last_ping);
    rd_raw(r, &c->next_ping, sizeof c->next_ping);
    rd_raw(r, &c->grace, sizeof c->grace);
    rd_raw(r, &c->n_pings, sizeof c->n_pings);
    rd_raw(r, &c->last_duration, sizeof c->last_duration);
    rd_raw(r, &c->timeout, sizeof c->timeout);
    c->status = (hc_check_status_t)(rd_u8(r) % 9u);  /* past the known ones too */
    c->started = rd_bool(r);
    c->manual_resume = rd_bool(r);
    c->filter_subject = rd_bool(r);
    c->filter_body = rd_bool(r);
    c->filter_http_body = rd_bool(r);
    c->filter_default_fail = rd_bool(r);
    STR(c, name); STR(c, slug); STR(c, tags); STR(c, desc); STR(c, methods);
    STR(c, subject); STR(c, subject_fail); STR(c, start_kw); STR(c, success_kw);
    STR(c, failure_kw); STR(c, badge_url); STR(c, unique_key); STR(c, uuid);
    STR(c, ping_url); STR(c, update_url); STR(c, pause_url); STR(c, resume_url);
    STR(c, channels); STR(c, schedule); STR(c, tz);
}

static void rd_ping(reader_t *r, hc_received_ping_t *p)
{
    memset(p, 0, sizeof *p);
    rd_raw(r, &p->date, sizeof p->date);
    rd_raw(r, &p->date_us, sizeof p->date_us);
    rd_raw(r, &p->n, sizeof p->n);
    rd_raw(r, &p->duration_us, sizeof p->duration_us);
    p->type = (hc_ping_type_t)(rd_u8(r) % 8u);
    rd_raw(r, &p->present, sizeof p->present);
    rd_raw(r, &p->nulls, sizeof p->nulls);
    rd_raw(r, &p->truncated, sizeof p->truncated);
    STR(p, scheme); STR(p, remote_addr); STR(p, method); STR(p, ua); STR(p, rid);
    STR(p, body_url);
}

static void rd_flip(reader_t *r, hc_flip_t *f)
{
    memset(f, 0, sizeof *f);
    rd_raw(r, &f->timestamp, sizeof f->timestamp);
    rd_raw(r, &f->present, sizeof f->present);
    rd_raw(r, &f->nulls, sizeof f->nulls);
    f->up = rd_bool(r);
}

static void rd_channel(reader_t *r, hc_channel_t *c)
{
    memset(c, 0, sizeof *c);
    rd_raw(r, &c->present, sizeof c->present);
    rd_raw(r, &c->nulls, sizeof c->nulls);
    rd_raw(r, &c->truncated, sizeof c->truncated);
    STR(c, id); STR(c, name); STR(c, kind);
}

static void rd_badge(reader_t *r, hc_badge_t *b)
{
    memset(b, 0, sizeof *b);
    rd_raw(r, &b->present, sizeof b->present);
    rd_raw(r, &b->nulls, sizeof b->nulls);
    rd_raw(r, &b->truncated, sizeof b->truncated);
    STR(b, tag); STR(b, svg); STR(b, svg3); STR(b, json); STR(b, json3); STR(b, shields);
    STR(b, shields3);
}

/* ------------------------------------------------------- what came out */

/* One UTF-8 character, decoded strictly (written out here, not the CLI's
 * decoder): its length, or 0 when the bytes are not UTF-8. */
static size_t utf8_char(const uint8_t *s, size_t n, uint32_t *cp)
{
    size_t need = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
                : s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    if (!need || need > n)
        return 0;
    uint32_t v = need == 1 ? s[0] : s[0] & (0x7Fu >> need);
    for (size_t k = 1; k < need; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[k] & 0x3Fu);
    }
    static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (v < min[need] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return need;
}

/* Valid UTF-8 that cannot steer a terminal; LF (and TAB when @p tab_ok)
 * are the only control characters. Returns the number of lines. */
static size_t check_terminal_safe(const uint8_t *s, size_t n, bool tab_ok)
{
    size_t lines = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_char(s + i, n - i, &cp);
        FUZZ_CHECK(len > 0);
        if (cp == '\n')
            lines++;
        else
            FUZZ_CHECK(cp >= 0x20 || (tab_ok && cp == '\t'));
        FUZZ_CHECK(cp != 0x7F && !(cp >= 0x80 && cp <= 0x9F));
        FUZZ_CHECK(cp != 0x200E && cp != 0x200F && !(cp >= 0x2028 && cp <= 0x202E) &&
                   !(cp >= 0x2066 && cp <= 0x2069));
        i += len;
    }
    return lines;
}

/* Each line is one JSON value that the library's strict parser takes. */
static void check_json_lines(const uint8_t *s, size_t n, size_t from_line, size_t count,
                             char first_char)
{
    static jsmntok_t tok[1024];
    size_t line = 0, start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\n')
            continue;
        size_t len = i - start;
        if (line >= from_line && line < from_line + count) {
            const char *text = (const char *)s + start;
            if (len && text[len - 1] == ',')
                len--;  /* the separator between list items */
            hc_json_t doc;
            FUZZ_CHECK(len > 0 && text[0] == first_char);
            FUZZ_CHECK(hc_json_parse(&doc, text, len, tok, sizeof tok / sizeof tok[0]) == HC_OK);
        }
        line++;
        start = i + 1;
    }
}

/* --------------------------------------------------------------- commands */

enum command { LIST, GET, CHECK_LINE, PINGS, FLIPS, CHANNELS, BADGES, BODY, ERROR_TEXT, N_CMDS };

static void run_list(reader_t *r, enum command cmd, bool json, cli_out_t *out, size_t *rows)
{
    static hc_check_t check;
    static hc_received_ping_t ping;
    static hc_flip_t flip;
    static hc_channel_t channel;
    static hc_badge_t badge;
    size_t n = rd_u8(r) % 4u;
    switch (cmd) {
    case LIST: *out = cli_checks_out(json); break;
    case PINGS: *out = cli_pings_out(json); break;
    case FLIPS: *out = cli_flips_out(json); break;
    case CHANNELS: *out = cli_channels_out(json); break;
    default: *out = cli_badges_out(json); break;
    }
    *rows = 0;
    for (size_t k = 0; k < n; k++) {
        hc_err_t err;
        switch (cmd) {
        case LIST: rd_check(r, &check); err = cli_print_check_row(out, &check); break;
        case PINGS: rd_ping(r, &ping); err = cli_print_ping_row(out, &ping); break;
        case FLIPS: rd_flip(r, &flip); err = cli_print_flip_row(out, &flip); break;
        case CHANNELS: rd_channel(r, &channel); err = cli_print_channel_row(out, &channel); break;
        default: rd_badge(r, &badge); err = cli_print_badge_row(out, &badge); break;
        }
        if (err != HC_OK) {  /* a malformed item stops the list, printing nothing */
            FUZZ_CHECK(cmd == LIST && out->missing != NULL);
            return;
        }
        FUZZ_CHECK(out->items == ++*rows);
    }
    cli_out_end(out);
}

/* A ping body in pieces, as hc ping-body writes it. */
static void run_body(reader_t *r, bool terminal, uint8_t *sent, size_t *sent_len,
                     cli_body_out_t *b)
{
    memset(b, 0, sizeof *b);
    b->terminal = terminal;
    b->max = 1 + rd_u8(r) * 4;
    *sent_len = 0;
    while (r->n) {
        size_t len = 1u + rd_u8(r) % 64u;
        if (len > r->n)
            len = r->n;
        if (!len)
            break;
        memcpy(sent + *sent_len, r->p, len);
        *sent_len += len;
        hc_err_t err = cli_write_body(b, r->p, len);
        r->p += len;
        r->n -= len;
        if (err != HC_OK) {
            FUZZ_CHECK(err == HC_ERR_BODY_TOO_LARGE && b->cut);
            break;
        }
    }
    cli_body_end(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t sent[1u << 16];
    static hc_check_t check;
    reader_t r = { data, size };
    enum command cmd = (enum command)(rd_u8(&r) % N_CMDS);
    bool json = rd_bool(&r);

    char *text = NULL, *errors = NULL;
    size_t len = 0, errors_len = 0;
    FILE *saved_out = stdout, *saved_err = stderr;
    stdout = open_memstream(&text, &len);
    stderr = open_memstream(&errors, &errors_len);
    FUZZ_CHECK(stdout && stderr);

    cli_out_t out;
    cli_body_out_t body;
    size_t rows = 0, sent_len = 0, fields = 0;
    switch (cmd) {
    case GET: {
        rd_check(&r, &check);
        out = (cli_out_t){ .json = json };
        cli_obj_t obj = cli_check_obj(&check);
        cli_out_object(&out, &obj);
        for (size_t k = 0; k < obj.n_fields; k++)
            fields += (obj.present >> obj.fields[k].bit) & 1u;
        break;
    }
    case CHECK_LINE:
        rd_check(&r, &check);
        cli_print_check_line(stdout, "paused", &check);
        break;
    case BODY:
        run_body(&r, json, sent, &sent_len, &body);
        break;
    case ERROR_TEXT: {
        char server[HC_TEXT_MAX];
        rd_str(&r, server, sizeof server);
        cli_put_server_text(stdout, server);
        break;
    }
    default:
        run_list(&r, cmd, json, &out, &rows);
        break;
    }
    FUZZ_CHECK(fclose(stdout) == 0 && fclose(stderr) == 0);
    stdout = saved_out;
    stderr = saved_err;

    const uint8_t *o = (const uint8_t *)text;
    if (cmd == BODY && !json) {
        /* to a pipe: the body byte for byte, up to the bound */
        FUZZ_CHECK(len == (size_t)body.written && body.written <= body.max);
        FUZZ_CHECK(len <= sent_len && (len == 0 || memcmp(o, sent, len) == 0));
        FUZZ_CHECK(body.cut == (sent_len > (size_t)body.max));
    } else {
        size_t lines = check_terminal_safe(o, len, cmd == BODY);
        switch (cmd) {
        case GET:
            FUZZ_CHECK(lines == (json ? 1 : fields));
            if (json)
                check_json_lines(o, len, 0, 1, '{');
            break;
        case CHECK_LINE:
        case ERROR_TEXT:
            FUZZ_CHECK(lines == 0);
            break;
        case BODY:
            FUZZ_CHECK(body.written <= body.max);
            break;
        default:
            if (out.missing)
                break;  /* the list stopped; what was printed is checked above */
            FUZZ_CHECK(lines == (json ? (rows ? rows + 2 : 1) : rows + 1));
            if (json && rows)
                check_json_lines(o, len, 1, rows, '{');
            break;
        }
    }
    check_terminal_safe((const uint8_t *)errors, errors_len, false);
    free(text);
    free(errors);
    return 0;
}
