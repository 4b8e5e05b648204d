/* The outbox; see hc_outbox.h. */
#include "healthchecks/hc_outbox.h"
#include "hc_lex.h"
#include "hc_request.h"

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

/* @p s is a UUID (checked by hc_ping_validate()), in either case. */
static void rid_to_bytes(const char *s, uint8_t out[16])
{
    for (size_t i = 0; i < 16; i++) {
        if (*s == '-')
            s++;
        out[i] = (uint8_t)(hc_lex_hex_value(s[0]) << 4 | hc_lex_hex_value(s[1]));
        s += 2;
    }
}

/* Fill @p e from a validated ping that happened at @p at. */
static void fill(hc_outbox_entry_t *e, const hc_ping_t *p, const stamp_t *at, uint16_t merged,
                 unsigned flags)
{
    const char *t = target_of(p);
    size_t n = strlen(t), len = p->body_len;
    memset(e, 0, offsetof(hc_outbox_entry_t, body));
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
        memcpy(e->body, p->body + (p->body_len - len), len);
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

/* @p sep, then @p v (0..99) in two digits. */
static void put_2_digits(hc_buf_t *b, char sep, uint32_t v)
{
    hc_buf_putc(b, sep);
    if (v < 10u)
        hc_buf_putc(b, '0');
    hc_buf_put_u32(b, v);
}

static uint32_t leap_days(uint32_t year)
{
    return (year % 4u == 0 && year % 100u != 0) || year % 400u == 0;
}

/* UNIX seconds (0..WALL_MAX) as ISO 8601 UTC. The date is counted out year
 * by year, then month by month: far less code than a closed formula, and
 * bounded (WALL_MAX is in 9999: 8,030 turns at most, 54 for 2024). */
static void put_time(hc_buf_t *b, int64_t t)
{
    static const uint8_t month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    /* 86400 = 128 * 675, and t >> 7 fits 32 bits: no 64-bit division. */
    uint32_t days = (uint32_t)(t >> 7) / 675u, secs = (uint32_t)(t - (int64_t)days * 86400);
    uint32_t year = 1970, month = 0;
    while (days >= 365u + leap_days(year))
        days -= 365u + leap_days(year++);
    for (uint32_t len; days >= (len = month_days[month] + (month == 1u ? leap_days(year) : 0u));
         month++)
        days -= len;
    hc_buf_put_u32(b, year); /* four digits: 1970..9999 */
    put_2_digits(b, '-', month + 1u);
    put_2_digits(b, '-', days + 1u);
    put_2_digits(b, 'T', secs / 3600u);
    put_2_digits(b, ':', secs / 60u % 60u);
    put_2_digits(b, ':', secs % 60u);
    hc_buf_putc(b, 'Z');
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

/* The request layer's body prefix of a late ping: the line saying when the
 * oldest kept signal happened, written once per request behind its head. */
static void write_late_line(const hc_outbox_t *ob, hc_buf_t *b)
{
    enum { WHEN = 1, LATE = 2 }; /* what the line can say */
    const hc_outbox_entry_t *e = &ob->slots[0];
    stamp_t now = now_stamp(ob, ob->client);
    unsigned known = e->flags & F_WALL ? WHEN : 0u;
    int64_t when = e->wall_s;
    uint32_t late = 0;
    if (known && now.has_wall && now.wall_s >= when && now.wall_s - when <= UINT32_MAX) {
        late = (uint32_t)(now.wall_s - when);
        known = WHEN | LATE;
    } else if (e->flags & F_SAME_BOOT) {
        late = (now.ms - e->at_ms) / 1000u;
        known |= LATE;
    }
    if (known == LATE && now.has_wall && now.wall_s >= late) {
        when = now.wall_s - late;
        known = WHEN | LATE;
    }
    hc_buf_puts(b, known ? "late: happened " : "late: time unknown (queued before a restart)");
    if (known & WHEN)
        put_time(b, when);
    if (known == (WHEN | LATE))
        hc_buf_puts(b, ", ");
    if (known & LATE) {
        hc_buf_put_u32(b, late);
        hc_buf_puts(b, " s ago");
    }
    put_count(b, e->merged, " older success ping", " merged");
    put_count(b, ob->reporting, " signal", " dropped");
    put_count(b, e->body_cut, " body byte", " cut");
    hc_buf_putc(b, '\n');
}

/* ------------------------------------------------------------ delivery */

static void no_result(hc_ping_result_t *pr)
{
    memset(pr, 0, sizeof *pr);
    pr->text = "";
}

/* The oldest kept entry as a ping, its target and run id written as text
 * into @p target and @p rid; its late line comes from write_late_line(). */
static void late_ping(hc_outbox_t *ob, hc_ping_t *p, char *target, char rid[37])
{
    const hc_outbox_entry_t *e = &ob->slots[0];
    memset(p, 0, sizeof *p);
    memcpy(target, e->target, e->target_len);
    target[e->target_len] = '\0';
    if (e->flags & F_SLUG)
        p->slug = target;
    else
        p->uuid = target;
    p->create = (e->flags & F_CREATE) != 0;
    if (e->flags & F_RID) {
        hc_lex_uuid_text(e->rid, rid);
        p->rid = rid;
    }
    p->signal = (hc_signal_t)e->signal;
    p->exit_status = e->exit_status;
    p->method = HC_METHOD_POST;
    p->body = e->body; /* even when empty: a POST with a body, the line */
    p->body_len = e->body_len;
    ob->reporting = ob->dropped;
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

/* Start the request of @p p. A kept signal's body starts with its late
 * line: written behind the target and parked at the end of the work
 * buffer, out of the head's way, where hc_request_start() takes it from.
 * A line that does not fit leaves the target overflowed (HC_ERR_BUFFER). */
static hc_err_t begin_request(hc_outbox_t *ob, const hc_ping_t *p)
{
    hc_buf_t target;
    hc_buf_t line;
    hc_request_t req;
    hc_err_t err = hc_ping_prepare(ob->client, p, &target, &req);
    if (err != HC_OK)
        return err;
    if (ob->sending == SENDING_KEPT) {
        hc_buf_init(&line, target.data + target.len, target.cap - target.len);
        write_late_line(ob, &line);
        target.overflow = target.overflow || line.overflow;
        target.cap -= line.len;
        memmove(target.data + target.cap, line.data, line.len);
        req.body_prefix_len = line.len;
        req.has_body = true;
    }
    return hc_request_start(ob->client, &target, &req);
}

/* Move the delivery on: to its end when @p block, otherwise until a
 * request would have to wait. Each turn ends one request, and there is one
 * per kept entry plus the caller's ping. */
static hc_err_t run(hc_outbox_t *ob, bool block)
{
    for (size_t turns = (size_t)ob->count + 2u; turns > 0; turns--) {
        hc_ping_result_t pr;
        hc_err_t err = HC_OK;
        if (!ob->in_flight) {
            hc_ping_t p;
            char target[HC_OUTBOX_TARGET_MAX + 1], rid[37];
            if (!next_request(ob, &p, target, rid))
                break;
            err = begin_request(ob, &p);
            ob->in_flight = err == HC_OK;
            if (!ob->in_flight)
                no_result(&pr);
            else if (!block)
                return HC_IN_PROGRESS;
        }
        if (ob->in_flight) {
            err = block ? hc_ping_wait(ob->client, &pr) : hc_ping_poll(ob->client, &pr);
            if (err == HC_IN_PROGRESS)
                return err;
            ob->in_flight = false;
        }
        err = request_ended(ob, err, &pr);
        if (err != HC_IN_PROGRESS)
            return finish(ob, err);
    }
    return finish(ob, HC_OK);
}

/* A ping the outbox can take (none for a flush): @return HC_OK or why not. */
static hc_err_t check_ping(const hc_outbox_t *ob, const hc_client_t *c, const hc_ping_t *p)
{
    if (!ob || !c)
        return HC_ERR_ARG;
    if (ob->running)
        return HC_ERR_BUSY;
    if (!p)
        return HC_OK;
    hc_err_t err = hc_ping_validate(c, p);
    if (err != HC_OK)
        return err;
    if (p->slug && strlen(p->slug) > HC_OUTBOX_TARGET_MAX)
        return HC_ERR_TOO_LONG;
    if ((uint32_t)p->body_len != p->body_len)
        return HC_ERR_RANGE;
    return HC_OK;
}

/* Start a delivery of the kept signals and then @p own (a flush when it is
 * NULL) and run it to its end when @p block, else until it would wait. */
static hc_err_t deliver(hc_outbox_t *ob, hc_client_t *c, const hc_ping_t *own, bool block,
                        hc_outbox_result_t *out)
{
    hc_err_t err = check_ping(ob, c, own);
    if (err != HC_OK)
        return err;
    memset(&ob->res, 0, sizeof ob->res);
    ob->res.ping.text = "";
    ob->client = c;
    ob->own = own;
    ob->running = true;
    ob->in_flight = false;
    stamp_t at = now_stamp(ob, c);
    ob->own_wall_s = at.wall_s;
    ob->own_ms = at.ms;
    ob->own_has_wall = at.has_wall;
    err = run(ob, block);
    if (!block)
        return err == HC_IN_PROGRESS ? HC_OK : err;
    if (out)
        *out = ob->res;
    return err;
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
    hc_err_t err = p ? check_ping(ob, c, p) : HC_ERR_ARG;
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
    return p ? deliver(ob, c, p, false, NULL) : HC_ERR_ARG;
}

hc_err_t hc_outbox_send(hc_outbox_t *ob, hc_client_t *c, const hc_ping_t *p,
                        hc_outbox_result_t *out)
{
    return p ? deliver(ob, c, p, true, out) : HC_ERR_ARG;
}

hc_err_t hc_outbox_flush_begin(hc_outbox_t *ob, hc_client_t *c)
{
    return deliver(ob, c, NULL, false, NULL);
}

hc_err_t hc_outbox_flush(hc_outbox_t *ob, hc_client_t *c, hc_outbox_result_t *out)
{
    return deliver(ob, c, NULL, true, out);
}

hc_err_t hc_outbox_poll(hc_outbox_t *ob, hc_outbox_result_t *out)
{
    if (!ob)
        return HC_ERR_ARG;
    hc_err_t err = ob->running ? run(ob, false) : ob->result;
    if (err != HC_IN_PROGRESS && out)
        *out = ob->res;
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
    memcpy(o, e->body, e->body_len);
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
        if (!hc_lex_is_slug_char(t[i]))
            return false;
    return n > 0;
}

/* Walk the @p count entries between the image's head and @p end, checking
 * each as a ping the outbox could have kept; with @p load (only once a
 * walk without it has found them all sound), also copy them into the slots. */
static hc_err_t walk_entries(hc_outbox_t *ob, const uint8_t *buf, size_t end, size_t count,
                             bool load)
{
    size_t pos = IMAGE_HEAD;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *s = buf + pos;
        if (end - pos < ENTRY_HEAD)
            return HC_ERR_IMAGE_CORRUPT;
        unsigned flags = s[2];
        size_t target_len = s[3], body_len = get_le(s + 6, 2);
        size_t size = ENTRY_HEAD + target_len + body_len;
        if (size > end - pos || s[0] > HC_SIGNAL_EXIT || (flags & ~F_IMAGE) ||
            target_len > HC_OUTBOX_TARGET_MAX || body_len > HC_OUTBOX_BODY_MAX ||
            ((flags & F_WALL) && (uint64_t)get_wall(s + 12) > (uint64_t)WALL_MAX) ||
            !valid_target(s + ENTRY_HEAD, target_len, flags))
            return HC_ERR_IMAGE_CORRUPT;
        if (load) {
            hc_outbox_entry_t *e = &ob->slots[i];
            memset(e, 0, offsetof(hc_outbox_entry_t, body));
            e->signal = s[0];
            e->exit_status = s[1];
            e->flags = (uint8_t)flags; /* without F_SAME_BOOT: that clock is gone */
            e->target_len = (uint8_t)target_len;
            e->merged = (uint16_t)get_le(s + 4, 2);
            e->body_len = (uint16_t)body_len;
            e->body_cut = get_le(s + 8, 4);
            e->wall_s = get_wall(s + 12);
            memcpy(e->rid, s + 20, sizeof e->rid);
            memcpy(e->target, s + ENTRY_HEAD, target_len);
            memcpy(e->body, s + ENTRY_HEAD + target_len, body_len);
        }
        pos += size;
    }
    return pos == end ? HC_OK : HC_ERR_IMAGE_CORRUPT;
}

hc_err_t hc_outbox_restore(hc_outbox_t *ob, const uint8_t *buf, size_t len)
{
    if (!ob || !buf)
        return HC_ERR_ARG;
    if (ob->running)
        return HC_ERR_BUSY;
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
    hc_err_t err = walk_entries(ob, buf, end, count, false);
    if (err == HC_OK && count > ob->capacity)
        err = HC_ERR_IMAGE_CAPACITY;
    if (err != HC_OK)
        return err;
    (void)walk_entries(ob, buf, end, count, true);
    ob->count = (uint16_t)count;
    ob->dropped = get_le(buf + 16, 4);
    return HC_OK;
}
