/* What each management subcommand prints of the objects a server sent;
 * see hc_cli_print.h. */
#include "hc_cli_print.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hc_cli_text.h"

/* ------------------------------------------------------------------ checks */

#define CF(member, bit, type) { #member, HC_CHECK_F_##bit, CLI_F_##type, offsetof(hc_check_t, member) }

static const cli_field_t check_fields[] = {
    CF(name, NAME, STR), CF(slug, SLUG, STR), CF(tags, TAGS, STR), CF(desc, DESC, STR),
    CF(grace, GRACE, U32), CF(n_pings, N_PINGS, U32), CF(status, STATUS, STATUS),
    CF(started, STARTED, BOOL), CF(last_ping, LAST_PING, TIME), CF(next_ping, NEXT_PING, TIME),
    CF(manual_resume, MANUAL_RESUME, BOOL), CF(methods, METHODS, STR),
    CF(subject, SUBJECT, STR), CF(subject_fail, SUBJECT_FAIL, STR),
    CF(start_kw, START_KW, STR), CF(success_kw, SUCCESS_KW, STR),
    CF(failure_kw, FAILURE_KW, STR), CF(filter_subject, FILTER_SUBJECT, BOOL),
    CF(filter_body, FILTER_BODY, BOOL), CF(filter_http_body, FILTER_HTTP_BODY, BOOL),
    CF(filter_default_fail, FILTER_DEFAULT_FAIL, BOOL), CF(badge_url, BADGE_URL, STR),
    CF(last_duration, LAST_DURATION, U32), CF(unique_key, UNIQUE_KEY, STR),
    CF(uuid, UUID, STR), CF(ping_url, PING_URL, STR), CF(update_url, UPDATE_URL, STR),
    CF(pause_url, PAUSE_URL, STR), CF(resume_url, RESUME_URL, STR),
    CF(channels, CHANNELS, STR), CF(timeout, TIMEOUT, U32), CF(schedule, SCHEDULE, STR),
    CF(tz, TZ, STR),
};

cli_obj_t cli_check_obj(const hc_check_t *c)
{
    return (cli_obj_t){ check_fields, sizeof check_fields / sizeof check_fields[0], c,
                        c->present, c->nulls, c->truncated };
}

/* The identifier the key gives: uuid (read-write) or unique_key (read-only). */
static const char *check_id(const hc_check_t *c)
{
    return HC_PRESENT(c, HC_CHECK_F_UUID) ? c->uuid : c->unique_key;
}

void cli_print_check_line(FILE *f, const char *what, const hc_check_t *c)
{
    fprintf(f, "%s check '", what);
    cli_safe_puts(f, c->name);
    fputs("' (", f);
    cli_safe_puts(f, check_id(c));
    fputc(')', f);
}

static const cli_col_t check_cols[] = {
    { "NAME", 24 }, { "SLUG", 20 }, { "STATUS", 14 }, { "LAST PING", 20 }, { "ID", 0 },
};

cli_out_t cli_checks_out(bool json)
{
    return (cli_out_t){ .json = json, .cols = check_cols, .n_cols = 5 };
}

const char *cli_check_missing(const hc_check_t *c)
{
#define SENT(f) (HC_PRESENT(c, HC_CHECK_F_##f) && !HC_IS_NULL(c, HC_CHECK_F_##f))
    if (!SENT(NAME))
        return "name";
    if (!SENT(STATUS))
        return "status";
    if (!SENT(UUID) && !SENT(UNIQUE_KEY))
        return "uuid or unique_key";
    return NULL;
#undef SENT
}

hc_err_t cli_print_check_row(void *ctx, const void *item)
{
    const hc_check_t *c = item;
    cli_out_t *out = ctx;
    if ((out->missing = cli_check_missing(c)) != NULL)
        return HC_ERR_JSON;
    char status[32], last[32];
    snprintf(status, sizeof status, "%s%s", cli_status_name(c->status),
             c->started && c->status != HC_STATUS_STARTED ? " (started)" : "");
    bool pinged = HC_PRESENT(c, HC_CHECK_F_LAST_PING) && !HC_IS_NULL(c, HC_CHECK_F_LAST_PING);
    const char *cells[] = { c->name, c->slug, status,
                            pinged ? cli_time(c->last_ping, last, sizeof last) : "never",
                            check_id(c) };
    unsigned id_bit = HC_PRESENT(c, HC_CHECK_F_UUID) ? HC_CHECK_F_UUID : HC_CHECK_F_UNIQUE_KEY;
    uint32_t cut = (uint32_t)(HC_TRUNCATED(c, HC_CHECK_F_NAME) | HC_TRUNCATED(c, HC_CHECK_F_SLUG) << 1 |
                              HC_TRUNCATED(c, id_bit) << 4);
    cli_obj_t obj = cli_check_obj(c);
    cli_out_item(ctx, &obj, cells, cut);
    return HC_OK;
}

/* ------------------------------------------------------------------- pings */

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

cli_out_t cli_pings_out(bool json)
{
    return (cli_out_t){ .json = json, .cols = ping_cols, .n_cols = 6 };
}

hc_err_t cli_print_ping_row(void *ctx, const void *item)
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

/* --------------------------------------------------------------- ping-body */

static void put_safe(cli_body_out_t *b, const char *data, size_t len)
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

hc_err_t cli_write_body(void *ctx, const uint8_t *data, size_t len)
{
    cli_body_out_t *b = ctx;
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

void cli_body_end(cli_body_out_t *b)
{
    if (b->n_carry)
        cli_safe_write(stdout, b->carry, b->n_carry, true, true);
    b->n_carry = 0;
}

/* ------------------------------------------------------------------- flips */

#define FF(member, bit, type) { #member, HC_FLIP_F_##bit, CLI_F_##type, offsetof(hc_flip_t, member) }

static const cli_field_t flip_fields[] = { FF(timestamp, TIMESTAMP, TIME), FF(up, UP, UP) };
static const cli_col_t flip_cols[] = { { "TIMESTAMP", 20 }, { "STATUS", 0 } };

cli_out_t cli_flips_out(bool json)
{
    return (cli_out_t){ .json = json, .cols = flip_cols, .n_cols = 2 };
}

hc_err_t cli_print_flip_row(void *ctx, const void *item)
{
    const hc_flip_t *f = item;
    cli_obj_t obj = { flip_fields, 2, f, f->present, f->nulls, 0 };
    char when[32];
    const char *cells[] = { cli_time(f->timestamp, when, sizeof when), f->up ? "up" : "down" };
    cli_out_item(ctx, &obj, cells, 0);
    return HC_OK;
}

/* ---------------------------------------------------------------- channels */

#define CHF(member, bit) { #member, HC_CHANNEL_F_##bit, CLI_F_STR, offsetof(hc_channel_t, member) }

static const cli_field_t channel_fields[] = { CHF(id, ID), CHF(name, NAME), CHF(kind, KIND) };
static const cli_col_t channel_cols[] = { { "ID", 36 }, { "NAME", 24 }, { "KIND", 0 } };

cli_out_t cli_channels_out(bool json)
{
    return (cli_out_t){ .json = json, .cols = channel_cols, .n_cols = 3 };
}

hc_err_t cli_print_channel_row(void *ctx, const void *item)
{
    const hc_channel_t *c = item;
    cli_obj_t obj = { channel_fields, 3, c, c->present, c->nulls, c->truncated };
    const char *cells[] = { c->id, c->name, c->kind };
    cli_out_item(ctx, &obj, cells, c->truncated);
    return HC_OK;
}

/* ------------------------------------------------------------------ badges */

#define BF(member, bit) { #member, HC_BADGE_F_##bit, CLI_F_STR, offsetof(hc_badge_t, member) }

static const cli_field_t badge_fields[] = {
    BF(tag, TAG), BF(svg, SVG), BF(svg3, SVG3), BF(json, JSON), BF(json3, JSON3),
    BF(shields, SHIELDS), BF(shields3, SHIELDS3),
};
static const cli_col_t badge_cols[] = { { "TAG", 16 }, { "SVG", 0 } };

cli_out_t cli_badges_out(bool json)
{
    return (cli_out_t){ .json = json, .cols = badge_cols, .n_cols = 2 };
}

hc_err_t cli_print_badge_row(void *ctx, const void *item)
{
    const hc_badge_t *b = item;
    cli_obj_t obj = { badge_fields, 7, b, b->present, b->nulls, b->truncated };
    const char *cells[] = { b->tag, b->svg };
    cli_out_item(ctx, &obj, cells,
                 (uint32_t)(HC_TRUNCATED(b, HC_BADGE_F_TAG) | HC_TRUNCATED(b, HC_BADGE_F_SVG) << 1));
    return HC_OK;
}
