/* The outbox; see hc_outbox.h. */
#include "healthchecks/hc_outbox.h"
#include "hc_lex.h"

#include <stddef.h>
#include <string.h>

/* What an entry knows (saved in images, but for F_SAME_BOOT). */
#define F_SLUG 0x01u
#define F_CREATE 0x02u
#define F_RID 0x04u
#define F_WALL 0x08u
#define F_IMAGE 0x0fu
#define F_SAME_BOOT 0x10u   /* at_ms is on the clock that reads "now" */

#define WALL_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z: four-digit years */

/* Image layout (little-endian): magic, version, HC_OUTBOX_TARGET_MAX (u8),
 * HC_OUTBOX_BODY_MAX (u16), image length (u32), entries (u16), zero (u16),
 * dropped (u32); then each entry; then the CRC-32 of all that (u32). */
#define IMAGE_VERSION 1u
#define IMAGE_HEAD 20u
#define IMAGE_CRC 4u
/* An entry: signal, exit status, flags, target length (u8 each), merged,
 * body length (u16), body cut (u32), wall clock (i64), run id (16 bytes),
 * then the target and the body. */
#define ENTRY_HEAD 36u

/* The request of a delivery: the oldest kept entry, or the caller's ping. */
enum { SENDING_KEPT, SENDING_OWN };

/* A moment on both clocks. */
typedef struct stamp {
    int64_t wall_s;
    uint32_t ms;
    bool has_wall;
} stamp_t;

/* What the end of a request means for the signal it carried. */
typedef enum fate { DELIVERED, REFUSED_FOR_GOOD, REFUSED_LOCALLY, MAY_PASS } fate_t;

static fate_t fate_of(hc_err_t err, uint16_t status)
{
    if (err == HC_OK)
        return DELIVERED;
    if (status >= 400 && status < 500)
        return status == 408 || status == 429 ? MAY_PASS : REFUSED_FOR_GOOD;
    switch (err) {
    case HC_ERR_NOT_FOUND: /* the hosted service's 200 "OK (not found)" */
        return REFUSED_FOR_GOOD;
    case HC_ERR_ARG: case HC_ERR_UNSAFE_CHAR: case HC_ERR_URL: case HC_ERR_RANGE:
    case HC_ERR_TOO_LONG: case HC_ERR_BUFFER: case HC_ERR_BUSY: case HC_ERR_NO_TLS:
        return REFUSED_LOCALLY;
    default: /* the network, a timeout, 5xx, an answer that made no sense */
        return MAY_PASS;
    }
}

static stamp_t now_stamp(const hc_outbox_t *ob, const hc_client_t *c)
{
    const hc_transport_t *tp = c->cfg.transport;
    stamp_t s = { 0, tp->now_ms(tp->ctx), false };
    int64_t w;
    if (ob->wall_clock && ob->wall_clock(ob->wall_ctx, &w) && w >= 0 && w <= WALL_MAX) {
        s.wall_s = w;
        s.has_wall = true;
    }
    return s;
}

/* ------------------------------------------------------------- entries */

static const char *target_of(const hc_ping_t *p)
{
    return p->uuid ? p->uuid : p->slug;
}

static bool is_check_of(const hc_outbox_entry_t *e, const hc_ping_t *p)
{
    const char *t = target_of(p);
    size_t n = strlen(t);
    return (e->flags & F_SLUG) == (p->slug ? F_SLUG : 0u) && e->target_len == n &&
           memcmp(e->target, t, n) == 0;
}

static bool same_check(const hc_outbox_entry_t *e, const hc_outbox_entry_t *f)
{
    return ((e->flags ^ f->flags) & F_SLUG) == 0 && e->target_len == f->target_len &&
           memcmp(e->target, f->target, e->target_len) == 0;
}

/* A success without a run id that closes no kept start: a heartbeat, which
 * a newer success of its check makes redundant. */
static bool coalescible(const hc_outbox_t *ob, size_t i)
{
    const hc_outbox_entry_t *e = &ob->slots[i];
    if (e->signal != HC_SIGNAL_SUCCESS || (e->flags & F_RID))
        return false;
    while (i-- > 0) {
        const hc_outbox_entry_t *f = &ob->slots[i];
        if (same_check(e, f) && !(f->flags & F_RID) && f->signal != HC_SIGNAL_LOG)
            return f->signal != HC_SIGNAL_START;
    }
    return true;
}

static void remove_entry(hc_outbox_t *ob, size_t i)
{
    memmove(&ob->slots[i], &ob->slots[i + 1], (ob->count - i - 1u) * sizeof ob->slots[0]);
    ob->count--;
}

static uint8_t hex_value(char ch)
{
    return (uint8_t)(ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
}

/* @p s is a UUID (checked by hc_ping_validate()), in either case. */
static void rid_to_bytes(const char *s, uint8_t out[16])
{
    for (size_t i = 0; i < 16; i++) {
        if (*s == '-')
            s++;
        out[i] = (uint8_t)(hex_value(s[0]) << 4 | hex_value(s[1]));
        s += 2;
    }
}

static void rid_to_text(const uint8_t r[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[r[i] >> 4];
        out[o++] = hex[r[i] & 15u];
    }
    out[o] = '\0';
}

/* Fill @p e from a validated ping that happened at @p at. */
static void fill(hc_outbox_entry_t *e, const hc_ping_t *p, const stamp_t *at, uint16_t merged,
                 unsigned flags)
{
    const char *t = target_of(p);
    size_t n = strlen(t), len = p->body_len;
    memset(e, 0, offsetof(hc_outbox_entry_t, text));
    flags |= F_SAME_BOOT | (p->slug ? F_SLUG : 0u) | (p->create ? F_CREATE : 0u);
    if (p->rid) {
        rid_to_bytes(p->rid, e->rid);
        flags |= F_RID;
    }
    if (at->has_wall) {
        e->wall_s = at->wall_s;
        flags |= F_WALL;
    }
    e->flags = (uint8_t)flags;
    e->at_ms = at->ms;
    e->signal = (uint8_t)p->signal;
    e->exit_status = (uint8_t)(p->signal == HC_SIGNAL_EXIT ? p->exit_status : 0u);
    e->merged = merged;
    e->target_len = (uint8_t)n;
    memcpy(e->target, t, n);
    if (len > HC_OUTBOX_BODY_MAX) { /* the end of a log is what explains a failure */
        e->body_cut = (uint32_t)(len - HC_OUTBOX_BODY_MAX);
        len = HC_OUTBOX_BODY_MAX;
    }
    e->body_len = (uint16_t)len;
    if (len)
        memcpy(e->text + HC_OUTBOX_LINE_ROOM, p->body + (p->body_len - len), len);
}

/* Keep @p p (validated) by the coalescing and full-outbox rules. */
static void keep(hc_outbox_t *ob, const hc_ping_t *p, const stamp_t *at, hc_outbox_result_t *res)
{
    uint16_t merged = 0;
    unsigned flags = 0;
    if (p->signal == HC_SIGNAL_SUCCESS) {
        size_t i = ob->count;
        while (i > 0 && !is_check_of(&ob->slots[i - 1], p))
            i--;
        if (i > 0 && coalescible(ob, i - 1)) {
            const hc_outbox_entry_t *old = &ob->slots[i - 1];
            merged = old->merged == UINT16_MAX ? UINT16_MAX : (uint16_t)(old->merged + 1u);
            flags = old->flags & F_CREATE; /* the check may not exist without it */
            remove_entry(ob, i - 1);
            res->merged++;
        }
    }
    if (ob->count == ob->capacity) {
        size_t victim = 0;
        while (victim < ob->count && !coalescible(ob, victim))
            victim++;
        remove_entry(ob, victim < ob->count ? victim : 0);
        if (ob->dropped < UINT32_MAX)
            ob->dropped++;
        res->dropped++;
    }
    fill(&ob->slots[ob->count++], p, at, merged, flags);
    res->queued = true;
    res->waiting = ob->count;
}

/* ----------------------------------------------------------- late line */

/* UNIX seconds (0..WALL_MAX) as ISO 8601 UTC. Days to a civil date as in
 * Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms". */
static void put_time(hc_buf_t *b, int64_t t)
{
    /* 86400 = 128 * 675, and t >> 7 fits 32 bits: no 64-bit division. */
    uint32_t days = (uint32_t)(t >> 7) / 675u, secs = (uint32_t)(t - (int64_t)days * 86400);
    uint32_t z = days + 719468u, era = z / 146097u, doe = z - era * 146097u;
    uint32_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    uint32_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    uint32_t mp = (5u * doy + 2u) / 153u;
    uint32_t month = mp < 10u ? mp + 3u : mp - 9u;
    uint32_t year = yoe + era * 400u + (month <= 2u);
    const uint32_t field[7] = { year / 100u, year % 100u, month, doy - (153u * mp + 2u) / 5u + 1u,
                                secs / 3600u, secs / 60u % 60u, secs % 60u };
    static const char after[7] = { 0, '-', '-', 'T', ':', ':', 'Z' };
    for (size_t i = 0; i < 7; i++) {
        hc_buf_putc(b, (char)('0' + field[i] / 10u));
        hc_buf_putc(b, (char)('0' + field[i] % 10u));
        if (after[i])
            hc_buf_putc(b, after[i]);
    }
}

/* "; N <noun>[s]<verb>", when N is not 0. */
static void put_count(hc_buf_t *b, uint32_t n, const char *noun, const char *verb)
{
    if (!n)
        return;
    hc_buf_puts(b, "; ");
    hc_buf_put_u32(b, n);
    hc_buf_puts(b, noun);
    if (n != 1)
        hc_buf_putc(b, 's');
    hc_buf_puts(b, verb);
}

/* Write @p e's late line right in front of its body (it always fits the
 * room: its longest form is HC_OUTBOX_LINE_ROOM - 1 bytes). @return its length. */
static size_t write_late_line(hc_outbox_entry_t *e, const stamp_t *now, uint32_t dropped)
{
    hc_buf_t b;
    hc_buf_init(&b, e->text, HC_OUTBOX_LINE_ROOM);
    bool has_when = (e->flags & F_WALL) != 0, has_late = false;
    int64_t when = e->wall_s;
    uint32_t late = 0;
    if (has_when && now->has_wall && now->wall_s >= when && now->wall_s - when <= UINT32_MAX) {
        late = (uint32_t)(now->wall_s - when);
        has_late = true;
    } else if (e->flags & F_SAME_BOOT) {
        late = (now->ms - e->at_ms) / 1000u;
        has_late = true;
    }
    if (!has_when && has_late && now->has_wall && now->wall_s >= late) {
        when = now->wall_s - late;
        has_when = true;
    }
    if (!has_when && !has_late) {
        hc_buf_puts(&b, "late: time unknown (queued before a restart)");
    } else {
        hc_buf_puts(&b, "late: happened ");
        if (has_when)
            put_time(&b, when);
        if (has_when && has_late)
            hc_buf_puts(&b, ", ");
        if (has_late) {
            hc_buf_put_u32(&b, late);
            hc_buf_puts(&b, " s ago");
        }
    }
    put_count(&b, e->merged, " older success ping", " merged");
    put_count(&b, dropped, " signal", " dropped");
    put_count(&b, e->body_cut, " body byte", " cut");
    hc_buf_putc(&b, '\n');
    memmove(e->text + HC_OUTBOX_LINE_ROOM - b.len, e->text, b.len);
    return b.len;
}

/* ------------------------------------------------------------ delivery */

static void no_result(hc_ping_result_t *pr)
{
    memset(pr, 0, sizeof *pr);
    pr->text = "";
}

/* The oldest kept entry as a ping, its target and run id written as text
 * into @p target and @p rid, its body led by the late line. */
static void late_ping(hc_outbox_t *ob, hc_ping_t *p, char *target, char rid[37])
{
    hc_outbox_entry_t *e = &ob->slots[0];
    stamp_t now = now_stamp(ob, ob->client);
    memset(p, 0, sizeof *p);
    memcpy(target, e->target, e->target_len);
    target[e->target_len] = '\0';
    if (e->flags & F_SLUG)
        p->slug = target;
    else
        p->uuid = target;
    p->create = (e->flags & F_CREATE) != 0;
    if (e->flags & F_RID) {
        rid_to_text(e->rid, rid);
        p->rid = rid;
    }
    p->signal = (hc_signal_t)e->signal;
    p->exit_status = e->exit_status;
    p->method = HC_METHOD_POST;
    ob->reporting = ob->dropped;
    size_t n = write_late_line(e, &now, ob->reporting);
    p->body = e->text + HC_OUTBOX_LINE_ROOM - n;
    p->body_len = n + e->body_len;
}

static void keep_own(hc_outbox_t *ob)
{
    stamp_t at = { ob->own_wall_s, ob->own_ms, ob->own_has_wall };
    keep(ob, ob->own, &at, &ob->res);
    ob->own = NULL;
}

/* Take the end of the latest request. @return HC_IN_PROGRESS when the
 * delivery goes on, else its result. */
static hc_err_t request_ended(hc_outbox_t *ob, hc_err_t err, const hc_ping_result_t *pr)
{
    fate_t fate = fate_of(err, pr->status);
    ob->res.ping = *pr;
    if (ob->sending == SENDING_OWN) {
        ob->res.sent = fate == DELIVERED;
        if (fate == MAY_PASS)
            keep_own(ob);
        return err;
    }
    if (fate == DELIVERED) {
        ob->dropped -= ob->reporting;
        ob->res.delivered++;
    } else if (fate == REFUSED_FOR_GOOD) {
        ob->res.rejected++;
        ob->res.rejected_error = err;
    } else {
        /* It stays, and the caller's ping may not overtake it. */
        if (fate == MAY_PASS && ob->own)
            keep_own(ob);
        return err;
    }
    remove_entry(ob, 0);
    return HC_IN_PROGRESS;
}

/* The next request, into @p p. @return false when nothing is left. */
static bool next_request(hc_outbox_t *ob, hc_ping_t *p, char *target, char rid[37])
{
    if (ob->count) {
        late_ping(ob, p, target, rid);
        ob->sending = SENDING_KEPT;
        return true;
    }
    if (!ob->own)
        return false;
    *p = *ob->own;
    ob->sending = SENDING_OWN;
    return true;
}

static hc_err_t finish(hc_outbox_t *ob, hc_err_t result)
{
    ob->running = false;
    ob->own = NULL;
    ob->result = result;
    ob->res.waiting = ob->count;
    return result;
}

/* Move the delivery on: to its end when @p block, otherwise until a
 * request would have to wait. Each turn ends one request, and there is one
 * per kept entry plus the caller's ping. */
static hc_err_t run(hc_outbox_t *ob, bool block)
{
    for (size_t turns = (size_t)ob->count + 2u; turns > 0; turns--) {
        hc_ping_result_t pr;
        hc_err_t err;
        if (ob->in_flight) {
            err = hc_ping_poll(ob->client, &pr);
            if (err == HC_IN_PROGRESS)
                return err;
            ob->in_flight = false;
        } else {
            hc_ping_t p;
            char target[HC_OUTBOX_TARGET_MAX + 1], rid[37];
            if (!next_request(ob, &p, target, rid))
                break;
            if (block) {
                err = hc_ping_send(ob->client, &p, &pr);
            } else {
                err = hc_ping_send_begin(ob->client, &p);
                ob->in_flight = err == HC_OK;
                if (ob->in_flight)
                    return HC_IN_PROGRESS;
                no_result(&pr);
            }
        }
        err = request_ended(ob, err, &pr);
        if (err != HC_IN_PROGRESS)
            return finish(ob, err);
    }
    return finish(ob, HC_OK);
}

static void report(const hc_outbox_t *ob, hc_outbox_result_t *out)
{
    if (out)
        *out = ob->res;
}

/* A ping the outbox can take: @return HC_OK or why not. */
static hc_err_t check_ping(const hc_outbox_t *ob, const hc_client_t *c, const hc_ping_t *p)
{
    if (!ob)
        return HC_ERR_ARG;
    if (ob->running)
        return HC_ERR_BUSY;
    hc_err_t err = hc_ping_validate(c, p);
    if (err != HC_OK)
        return err;
    if (p->slug && strlen(p->slug) > HC_OUTBOX_TARGET_MAX)
        return HC_ERR_TOO_LONG;
    if ((uint32_t)p->body_len != p->body_len)
        return HC_ERR_RANGE;
    return HC_OK;
}

/* Start a delivery (a flush when @p own is NULL). */
static void start(hc_outbox_t *ob, hc_client_t *c, const hc_ping_t *own)
{
    memset(&ob->res, 0, sizeof ob->res);
    ob->res.ping.text = "";
    ob->client = c;
    ob->own = own;
    ob->running = true;
    ob->in_flight = false;
    if (own) {
        stamp_t at = now_stamp(ob, c);
        ob->own_wall_s = at.wall_s;
        ob->own_ms = at.ms;
        ob->own_has_wall = at.has_wall;
    }
}

hc_err_t hc_outbox_init(hc_outbox_t *ob, hc_outbox_entry_t *slots, size_t n_slots)
{
    if (!ob || !slots || !n_slots || n_slots > UINT16_MAX)
        return HC_ERR_ARG;
    memset(ob, 0, sizeof *ob);
    ob->slots = slots;
    ob->capacity = (uint16_t)n_slots;
    ob->res.ping.text = "";
    return HC_OK;
}

void hc_outbox_set_wall_clock(hc_outbox_t *ob, hc_wall_clock_fn fn, void *ctx)
{
    if (ob) {
        ob->wall_clock = fn;
        ob->wall_ctx = ctx;
    }
}

hc_err_t hc_outbox_push(hc_outbox_t *ob, const hc_client_t *c, const hc_ping_t *p,
                        hc_outbox_result_t *out)
{
    hc_err_t err = check_ping(ob, c, p);
    if (err != HC_OK)
        return err;
    hc_outbox_result_t res;
    memset(&res, 0, sizeof res);
    res.ping.text = "";
    stamp_t at = now_stamp(ob, c);
    keep(ob, p, &at, &res);
    if (out)
        *out = res;
    return HC_OK;
}

hc_err_t hc_outbox_send_begin(hc_outbox_t *ob, hc_client_t *c, const hc_ping_t *p)
{
    hc_err_t err = check_ping(ob, c, p);
    if (err != HC_OK)
        return err;
    start(ob, c, p);
    err = run(ob, false);
    return err == HC_IN_PROGRESS ? HC_OK : err;
}

hc_err_t hc_outbox_send(hc_outbox_t *ob, hc_client_t *c, const hc_ping_t *p,
                        hc_outbox_result_t *out)
{
    hc_err_t err = check_ping(ob, c, p);
    if (err != HC_OK)
        return err;
    start(ob, c, p);
    err = run(ob, true);
    report(ob, out);
    return err;
}

hc_err_t hc_outbox_flush_begin(hc_outbox_t *ob, hc_client_t *c)
{
    if (!ob || !c)
        return HC_ERR_ARG;
    if (ob->running)
        return HC_ERR_BUSY;
    start(ob, c, NULL);
    hc_err_t err = run(ob, false);
    return err == HC_IN_PROGRESS ? HC_OK : err;
}

hc_err_t hc_outbox_flush(hc_outbox_t *ob, hc_client_t *c, hc_outbox_result_t *out)
{
    if (!ob || !c)
        return HC_ERR_ARG;
    if (ob->running)
        return HC_ERR_BUSY;
    start(ob, c, NULL);
    hc_err_t err = run(ob, true);
    report(ob, out);
    return err;
}

hc_err_t hc_outbox_poll(hc_outbox_t *ob, hc_outbox_result_t *out)
{
    if (!ob)
        return HC_ERR_ARG;
    hc_err_t err = ob->running ? run(ob, false) : ob->result;
    if (err != HC_IN_PROGRESS)
        report(ob, out);
    return err;
}

/* -------------------------------------------------------------- images */

static const uint8_t image_magic[4] = { 'H', 'C', 'O', 'B' };

static uint8_t *put_le(uint8_t *o, uint32_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        o[i] = (uint8_t)(v >> (8u * i));
    return o + n;
}

static uint32_t get_le(const uint8_t *s, size_t n)
{
    uint32_t v = 0;
    while (n-- > 0)
        v = v << 8 | s[n];
    return v;
}

/* The wall clock field: 64 bits, as two 32-bit halves (no 64-bit shifts
 * in a loop on a 32-bit CPU). */
static uint8_t *put_wall(uint8_t *o, int64_t t)
{
    o = put_le(o, (uint32_t)t, 4);
    return put_le(o, (uint32_t)((uint64_t)t >> 32), 4);
}

static int64_t get_wall(const uint8_t *s)
{
    return (int64_t)(get_le(s, 4) | (uint64_t)get_le(s + 4, 4) << 32);
}

/* CRC-32 (IEEE 802.3, as zlib's crc32()), bit by bit: no table to store. */
static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

size_t hc_outbox_image_size(const hc_outbox_t *ob)
{
    size_t n = IMAGE_HEAD + IMAGE_CRC;
    for (size_t i = 0; i < ob->count; i++)
        n += ENTRY_HEAD + ob->slots[i].target_len + ob->slots[i].body_len;
    return n;
}

static uint8_t *save_entry(uint8_t *o, const hc_outbox_entry_t *e)
{
    *o++ = e->signal;
    *o++ = e->exit_status;
    *o++ = (uint8_t)(e->flags & F_IMAGE);
    *o++ = e->target_len;
    o = put_le(o, e->merged, 2);
    o = put_le(o, e->body_len, 2);
    o = put_le(o, e->body_cut, 4);
    o = put_wall(o, e->wall_s);
    memcpy(o, e->rid, sizeof e->rid);
    o += sizeof e->rid;
    memcpy(o, e->target, e->target_len);
    o += e->target_len;
    memcpy(o, e->text + HC_OUTBOX_LINE_ROOM, e->body_len);
    return o + e->body_len;
}

hc_err_t hc_outbox_save(const hc_outbox_t *ob, uint8_t *buf, size_t cap, size_t *len)
{
    if (!ob || !buf || !len)
        return HC_ERR_ARG;
    size_t n = hc_outbox_image_size(ob);
    if (n > cap || (uint32_t)n != n)
        return HC_ERR_IMAGE_SPACE;
    uint8_t *o = buf;
    memcpy(o, image_magic, sizeof image_magic);
    o += sizeof image_magic;
    *o++ = IMAGE_VERSION;
    *o++ = HC_OUTBOX_TARGET_MAX;
    o = put_le(o, HC_OUTBOX_BODY_MAX, 2);
    o = put_le(o, (uint32_t)n, 4);
    o = put_le(o, ob->count, 2);
    o = put_le(o, 0, 2);
    o = put_le(o, ob->dropped, 4);
    for (size_t i = 0; i < ob->count; i++)
        o = save_entry(o, &ob->slots[i]);
    put_le(o, crc32(buf, n - IMAGE_CRC), IMAGE_CRC);
    *len = n;
    return HC_OK;
}

static bool valid_target(const uint8_t *s, size_t n, unsigned flags)
{
    char t[HC_OUTBOX_TARGET_MAX + 1];
    memcpy(t, s, n);
    t[n] = '\0';
    if (!(flags & F_SLUG))
        return !(flags & F_CREATE) && hc_is_uuid(t, true);
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '-' ||
              t[i] == '_'))
            return false;
    return n > 0;
}

/* Check the entry at @p s (@p room bytes left before the CRC) as a ping
 * the outbox could have kept; @p size gets its length. */
static hc_err_t check_entry(const uint8_t *s, size_t room, size_t *size)
{
    if (room < ENTRY_HEAD)
        return HC_ERR_IMAGE_CORRUPT;
    unsigned flags = s[2];
    size_t target_len = s[3], body_len = get_le(s + 6, 2);
    *size = ENTRY_HEAD + target_len + body_len;
    if (*size > room || s[0] > HC_SIGNAL_EXIT || (flags & ~F_IMAGE) ||
        target_len > HC_OUTBOX_TARGET_MAX || body_len > HC_OUTBOX_BODY_MAX ||
        ((flags & F_WALL) && (uint64_t)get_wall(s + 12) > (uint64_t)WALL_MAX) ||
        !valid_target(s + ENTRY_HEAD, target_len, flags))
        return HC_ERR_IMAGE_CORRUPT;
    return HC_OK;
}

/* The whole image checked before anything is loaded. */
static hc_err_t check_image(const hc_outbox_t *ob, const uint8_t *buf, size_t len)
{
    if (memcmp(buf, image_magic, len < sizeof image_magic ? len : sizeof image_magic) != 0)
        return HC_ERR_IMAGE_FOREIGN;
    if (len < IMAGE_HEAD + IMAGE_CRC)
        return HC_ERR_IMAGE_TRUNCATED;
    if (buf[4] != IMAGE_VERSION)
        return HC_ERR_IMAGE_VERSION;
    if (buf[5] != HC_OUTBOX_TARGET_MAX || get_le(buf + 6, 2) != HC_OUTBOX_BODY_MAX)
        return HC_ERR_IMAGE_CONFIG;
    size_t total = get_le(buf + 8, 4);
    if (total < IMAGE_HEAD + IMAGE_CRC)
        return HC_ERR_IMAGE_CORRUPT;
    if (len < total)
        return HC_ERR_IMAGE_TRUNCATED;
    size_t end = total - IMAGE_CRC, count = get_le(buf + 12, 2);
    if (crc32(buf, end) != get_le(buf + end, IMAGE_CRC) || get_le(buf + 14, 2) != 0)
        return HC_ERR_IMAGE_CORRUPT;
    size_t pos = IMAGE_HEAD;
    for (size_t i = 0; i < count; i++) {
        size_t size;
        hc_err_t err = check_entry(buf + pos, end - pos, &size);
        if (err != HC_OK)
            return err;
        pos += size;
    }
    if (pos != end)
        return HC_ERR_IMAGE_CORRUPT;
    return count > ob->capacity ? HC_ERR_IMAGE_CAPACITY : HC_OK;
}

static const uint8_t *load_entry(hc_outbox_entry_t *e, const uint8_t *s)
{
    memset(e, 0, offsetof(hc_outbox_entry_t, text));
    e->signal = s[0];
    e->exit_status = s[1];
    e->flags = s[2]; /* without F_SAME_BOOT: that clock is gone */
    e->target_len = s[3];
    e->merged = (uint16_t)get_le(s + 4, 2);
    e->body_len = (uint16_t)get_le(s + 6, 2);
    e->body_cut = get_le(s + 8, 4);
    e->wall_s = get_wall(s + 12);
    memcpy(e->rid, s + 20, sizeof e->rid);
    s += ENTRY_HEAD;
    memcpy(e->target, s, e->target_len);
    s += e->target_len;
    memcpy(e->text + HC_OUTBOX_LINE_ROOM, s, e->body_len);
    return s + e->body_len;
}

hc_err_t hc_outbox_restore(hc_outbox_t *ob, const uint8_t *buf, size_t len)
{
    if (!ob || !buf)
        return HC_ERR_ARG;
    if (ob->running)
        return HC_ERR_BUSY;
    hc_err_t err = check_image(ob, buf, len);
    if (err != HC_OK)
        return err;
    ob->count = (uint16_t)get_le(buf + 12, 2);
    ob->dropped = get_le(buf + 16, 4);
    const uint8_t *s = buf + IMAGE_HEAD;
    for (size_t i = 0; i < ob->count; i++)
        s = load_entry(&ob->slots[i], s);
    return HC_OK;
}
