/* Management API objects; see hc_objects.h. */
#include "healthchecks/hc_objects.h"
#include "healthchecks/hc_jwrite.h"

#include <string.h>

#include "hc_lex.h"

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ------------------------------------------------------------- decoding */

/* How a member's value is decoded into its struct field. */
enum kind {
    K_STR,        /* char[size] */
    K_U32,        /* uint32_t from an integer */
    K_US,         /* uint64_t microseconds from decimal seconds */
    K_BOOL,       /* bool from true/false */
    K_UP,         /* bool from 0/1 or true/false */
    K_TIME,       /* int64_t UNIX seconds from ISO 8601 */
    K_TIME_US,    /* K_TIME, then its microseconds in the uint32_t right after */
    K_STATUS,     /* hc_check_status_t from its name */
    K_PING_TYPE   /* hc_ping_type_t from its name */
};

/* One known member: its name and the name's length, and where and how its
 * value is stored. Offsets and sizes are 16 bits to keep the tables small. */
typedef struct field {
    const char *key;
    uint16_t off;
    uint16_t size;
    uint8_t key_len;
    uint8_t kind;
    uint8_t bit;
} field_t;

#define FIELD_SPAN(key, kind, bit, off, size) \
    { key, (uint16_t)(off), (uint16_t)(size), (uint8_t)(sizeof key - 1), kind, bit }
#define FIELD_KEY(key, type, member, kind, bit) \
    FIELD_SPAN(key, kind, bit, offsetof(type, member), sizeof(((type *)0)->member))
#define FIELD(type, member, kind, bit) FIELD_KEY(#member, type, member, kind, bit)

/* The tables' 16-bit offsets hold only while every struct stays under 64 KiB. */
typedef char hc_check_fits_tables[sizeof(hc_check_t) < 65536u ? 1 : -1];

typedef struct masks {
    uint64_t present;
    uint64_t nulls;
    uint64_t truncated;
} masks_t;

static uint64_t bit_of(unsigned f)
{
    return (uint64_t)1u << f;
}

/* The names of a string enum's values from 1 on, one after the other,
 * each after its length; length 0 ends them. */
static const char status_names[] = "\003new\002up\005grace\004down\006paused\007started";
static const char ping_type_names[] = "\007success\005start\004fail\003log\003ign";

/* A string enum as its value (1 + its place in names), or 0 when unknown. */
static hc_err_t decode_enum(const hc_json_t *doc, int v, const char *names, int *out)
{
    char text[12];
    bool cut;
    hc_err_t err = hc_json_string(doc, v, text, sizeof text, &cut);
    size_t len = err == HC_OK ? strlen(text) : 0;
    int e = 1;
    *out = 0;
    for (; err == HC_OK && !cut && *names; names += *names + 1, e++) {
        if ((size_t)*names == len && memcmp(names + 1, text, len) == 0)
            *out = e;
    }
    return err;
}

static hc_err_t decode_u32(const hc_json_t *doc, int v, uint32_t *out)
{
    int64_t n;
    hc_err_t err = hc_json_int(doc, v, 0, UINT32_MAX, &n);
    if (err == HC_OK)
        *out = (uint32_t)n;
    return err;
}

/* true or false, or the integer 0 or 1 */
static hc_err_t decode_up(const hc_json_t *doc, int v, bool *out)
{
    uint32_t n;
    if (hc_json_bool(doc, v, out) == HC_OK)
        return HC_OK;
    if (decode_u32(doc, v, &n) != HC_OK || n > 1)
        return HC_ERR_JSON;
    *out = n == 1;
    return HC_OK;
}

static hc_err_t decode_us(const hc_json_t *doc, int v, uint64_t *out)
{
    int64_t n;
    hc_err_t err = hc_json_fixed(doc, v, 6, 0, INT64_MAX, &n);
    if (err == HC_OK)
        *out = (uint64_t)n;
    return err;
}

static hc_err_t decode_value(const hc_json_t *doc, int v, const field_t *f, void *base,
                             masks_t *m)
{
    void *p = (char *)base + f->off;
    uint64_t bit = bit_of(f->bit);
    bool cut = false;
    int e = 0;
    hc_err_t err;

    /* A repeated member replaces the earlier one entirely (the first finds
     * its field and bits zeroed with the struct). */
    if (m->present & bit) {
        memset(p, 0, f->size);
        m->nulls &= ~bit;
        m->truncated &= ~bit;
    }
    m->present |= bit;
    if (doc->tok[v].type == JSMN_PRIMITIVE && doc->js[doc->tok[v].start] == 'n') { /* null */
        m->nulls |= bit;
        return HC_OK;
    }
    switch (f->kind) {
    case K_STR:
        err = hc_json_string(doc, v, (char *)p, f->size, &cut);
        if (cut)
            m->truncated |= bit;
        return err;
    case K_U32:
        return decode_u32(doc, v, (uint32_t *)p);
    case K_US:
        return decode_us(doc, v, (uint64_t *)p);
    case K_BOOL:
        return hc_json_bool(doc, v, (bool *)p);
    case K_UP:
        return decode_up(doc, v, (bool *)p);
    case K_TIME:
        return hc_json_time(doc, v, (int64_t *)p);
    case K_TIME_US:
        return hc_json_time_us(doc, v, (int64_t *)p, (uint32_t *)((char *)p + sizeof(int64_t)));
    case K_STATUS:
        err = decode_enum(doc, v, status_names, &e);
        *(hc_check_status_t *)p = (hc_check_status_t)e;
        return err;
    default: /* K_PING_TYPE */
        err = decode_enum(doc, v, ping_type_names, &e);
        *(hc_ping_type_t *)p = (hc_ping_type_t)e;
        return err;
    }
}

/* The field named by member name token @p key, or NULL. A server writes
 * the members in the table's order, so the search starts at *next, the
 * field after the one found last: one comparison per member, wherever the
 * name is in the table. */
static const field_t *find_field(const hc_json_t *doc, int key, const field_t *fields, size_t n,
                                 size_t *next)
{
    const jsmntok_t *t = &doc->tok[key];
    const char *name = doc->js + t->start;
    size_t len = (size_t)(t->end - t->start);
    size_t i = *next;
    for (size_t tried = 0; tried < n; tried++, i++) {
        if (i == n)
            i = 0;
        if (fields[i].key_len == len && memcmp(fields[i].key, name, len) == 0) {
            *next = i + 1;
            return &fields[i];
        }
    }
    return NULL;
}

/* Zero the struct at base (size bytes) and m, then decode the members of
 * the object at token obj that the table knows. */
static hc_err_t decode_object(const hc_json_t *doc, int obj, const field_t *fields, size_t n,
                              void *base, size_t size, masks_t *m)
{
    int k;
    size_t next = 0;
    memset(base, 0, size);
    memset(m, 0, sizeof *m);
    if (!doc || obj < 0 || obj >= doc->n || doc->tok[obj].type != JSMN_OBJECT)
        return HC_ERR_JSON;
    k = obj + 1;
    for (int i = 0; i < doc->tok[obj].size; i++) {
        const field_t *f;
        if (k + 1 >= doc->n)
            return HC_ERR_JSON;
        f = find_field(doc, k, fields, n, &next);
        if (f) {
            hc_err_t err = decode_value(doc, k + 1, f, base, m);
            if (err != HC_OK)
                return err;
        }
        /* Past the value: a childless one (most are) is one token. */
        k = doc->tok[k + 1].size == 0 ? k + 2 : hc_json_next(doc, k + 1);
    }
    return HC_OK;
}

/* ------------------------------------------------------------------ check */

static const field_t check_fields[] = {
    FIELD(hc_check_t, name, K_STR, HC_CHECK_F_NAME),
    FIELD(hc_check_t, slug, K_STR, HC_CHECK_F_SLUG),
    FIELD(hc_check_t, tags, K_STR, HC_CHECK_F_TAGS),
    FIELD(hc_check_t, desc, K_STR, HC_CHECK_F_DESC),
    FIELD(hc_check_t, grace, K_U32, HC_CHECK_F_GRACE),
    FIELD(hc_check_t, n_pings, K_U32, HC_CHECK_F_N_PINGS),
    FIELD(hc_check_t, status, K_STATUS, HC_CHECK_F_STATUS),
    FIELD(hc_check_t, started, K_BOOL, HC_CHECK_F_STARTED),
    FIELD(hc_check_t, last_ping, K_TIME, HC_CHECK_F_LAST_PING),
    FIELD(hc_check_t, next_ping, K_TIME, HC_CHECK_F_NEXT_PING),
    FIELD(hc_check_t, manual_resume, K_BOOL, HC_CHECK_F_MANUAL_RESUME),
    FIELD(hc_check_t, methods, K_STR, HC_CHECK_F_METHODS),
    FIELD(hc_check_t, subject, K_STR, HC_CHECK_F_SUBJECT),
    FIELD(hc_check_t, subject_fail, K_STR, HC_CHECK_F_SUBJECT_FAIL),
    FIELD(hc_check_t, start_kw, K_STR, HC_CHECK_F_START_KW),
    FIELD(hc_check_t, success_kw, K_STR, HC_CHECK_F_SUCCESS_KW),
    FIELD(hc_check_t, failure_kw, K_STR, HC_CHECK_F_FAILURE_KW),
    FIELD(hc_check_t, filter_subject, K_BOOL, HC_CHECK_F_FILTER_SUBJECT),
    FIELD(hc_check_t, filter_body, K_BOOL, HC_CHECK_F_FILTER_BODY),
    FIELD(hc_check_t, filter_http_body, K_BOOL, HC_CHECK_F_FILTER_HTTP_BODY),
    FIELD(hc_check_t, filter_default_fail, K_BOOL, HC_CHECK_F_FILTER_DEFAULT_FAIL),
    FIELD(hc_check_t, badge_url, K_STR, HC_CHECK_F_BADGE_URL),
    FIELD(hc_check_t, last_duration, K_U32, HC_CHECK_F_LAST_DURATION),
    FIELD(hc_check_t, unique_key, K_STR, HC_CHECK_F_UNIQUE_KEY),
    FIELD(hc_check_t, uuid, K_STR, HC_CHECK_F_UUID),
    FIELD(hc_check_t, ping_url, K_STR, HC_CHECK_F_PING_URL),
    FIELD(hc_check_t, update_url, K_STR, HC_CHECK_F_UPDATE_URL),
    FIELD(hc_check_t, pause_url, K_STR, HC_CHECK_F_PAUSE_URL),
    FIELD(hc_check_t, resume_url, K_STR, HC_CHECK_F_RESUME_URL),
    FIELD(hc_check_t, channels, K_STR, HC_CHECK_F_CHANNELS),
    FIELD(hc_check_t, timeout, K_U32, HC_CHECK_F_TIMEOUT),
    FIELD(hc_check_t, schedule, K_STR, HC_CHECK_F_SCHEDULE),
    FIELD(hc_check_t, tz, K_STR, HC_CHECK_F_TZ),
};

/* Servers before v3.5 send no uuid; the ping URL ends with it. */
static void uuid_from_ping_url(hc_check_t *c, masks_t *m)
{
    const char *tail;
    bool cut;
    if ((m->present & bit_of(HC_CHECK_F_UUID)) ||
        (m->truncated & bit_of(HC_CHECK_F_PING_URL)))
        return;
    tail = strrchr(c->ping_url, '/');
    if (!tail || !hc_is_uuid(tail + 1, false))
        return;
    if (hc_json_unescape(tail + 1, 36, c->uuid, sizeof c->uuid, &cut) != HC_OK)
        return;
    m->present |= bit_of(HC_CHECK_F_UUID);
    if (cut)
        m->truncated |= bit_of(HC_CHECK_F_UUID);
}

hc_err_t hc_decode_check(hc_check_t *out, const hc_json_t *doc, int obj)
{
    masks_t m;
    hc_err_t err = decode_object(doc, obj, check_fields, COUNT(check_fields), out, sizeof *out, &m);
    if (err == HC_OK)
        uuid_from_ping_url(out, &m);
    out->present = m.present;
    out->nulls = m.nulls;
    out->truncated = m.truncated;
    return err;
}

/* ------------------------------------------------------------------- ping */

/* K_TIME_US: date_us follows date, and the field spans both. */
typedef char hc_ping_date_us_follows[offsetof(hc_received_ping_t, date_us) ==
                                     offsetof(hc_received_ping_t, date) + sizeof(int64_t) ? 1 : -1];

static const field_t ping_fields[] = {
    FIELD(hc_received_ping_t, type, K_PING_TYPE, HC_PING_F_TYPE),
    FIELD_SPAN("date", K_TIME_US, HC_PING_F_DATE, offsetof(hc_received_ping_t, date),
               sizeof(int64_t) + sizeof(uint32_t)),
    FIELD(hc_received_ping_t, n, K_U32, HC_PING_F_N),
    FIELD(hc_received_ping_t, scheme, K_STR, HC_PING_F_SCHEME),
    FIELD(hc_received_ping_t, remote_addr, K_STR, HC_PING_F_REMOTE_ADDR),
    FIELD(hc_received_ping_t, method, K_STR, HC_PING_F_METHOD),
    FIELD(hc_received_ping_t, ua, K_STR, HC_PING_F_UA),
    FIELD(hc_received_ping_t, rid, K_STR, HC_PING_F_RID),
    FIELD_KEY("duration", hc_received_ping_t, duration_us, K_US, HC_PING_F_DURATION),
    FIELD(hc_received_ping_t, body_url, K_STR, HC_PING_F_BODY_URL),
};

hc_err_t hc_decode_received_ping(hc_received_ping_t *out, const hc_json_t *doc, int obj)
{
    masks_t m;
    hc_err_t err = decode_object(doc, obj, ping_fields, COUNT(ping_fields), out, sizeof *out, &m);
    out->present = (uint16_t)m.present;
    out->nulls = (uint16_t)m.nulls;
    out->truncated = (uint16_t)m.truncated;
    return err;
}

/* ------------------------------------------------------------------- flip */

static const field_t flip_fields[] = {
    FIELD(hc_flip_t, timestamp, K_TIME, HC_FLIP_F_TIMESTAMP),
    FIELD(hc_flip_t, up, K_UP, HC_FLIP_F_UP),
};

hc_err_t hc_decode_flip(hc_flip_t *out, const hc_json_t *doc, int obj)
{
    masks_t m;
    hc_err_t err = decode_object(doc, obj, flip_fields, COUNT(flip_fields), out, sizeof *out, &m);
    out->present = (uint8_t)m.present;
    out->nulls = (uint8_t)m.nulls;
    return err;
}

/* ---------------------------------------------------------------- channel */

static const field_t channel_fields[] = {
    FIELD(hc_channel_t, id, K_STR, HC_CHANNEL_F_ID),
    FIELD(hc_channel_t, name, K_STR, HC_CHANNEL_F_NAME),
    FIELD(hc_channel_t, kind, K_STR, HC_CHANNEL_F_KIND),
};

hc_err_t hc_decode_channel(hc_channel_t *out, const hc_json_t *doc, int obj)
{
    masks_t m;
    hc_err_t err = decode_object(doc, obj, channel_fields, COUNT(channel_fields), out, sizeof *out, &m);
    out->present = (uint8_t)m.present;
    out->nulls = (uint8_t)m.nulls;
    out->truncated = (uint8_t)m.truncated;
    return err;
}

/* ------------------------------------------------------------------ badge */

static const field_t badge_fields[] = {
    FIELD(hc_badge_t, svg, K_STR, HC_BADGE_F_SVG),
    FIELD(hc_badge_t, svg3, K_STR, HC_BADGE_F_SVG3),
    FIELD(hc_badge_t, json, K_STR, HC_BADGE_F_JSON),
    FIELD(hc_badge_t, json3, K_STR, HC_BADGE_F_JSON3),
    FIELD(hc_badge_t, shields, K_STR, HC_BADGE_F_SHIELDS),
    FIELD(hc_badge_t, shields3, K_STR, HC_BADGE_F_SHIELDS3),
};

hc_err_t hc_decode_badge(hc_badge_t *out, const char *tag_raw, size_t tag_len,
                         const hc_json_t *doc, int obj)
{
    masks_t m;
    bool cut = false;
    /* Decoding the members zeroes the tag (it is no member), so the tag
     * comes second; its error still takes precedence, as the tag's name
     * comes before the object. */
    hc_err_t err = decode_object(doc, obj, badge_fields, COUNT(badge_fields), out, sizeof *out, &m);
    hc_err_t tag_err = hc_json_unescape(tag_raw, tag_len, out->tag, sizeof out->tag, &cut);
    m.present |= bit_of(HC_BADGE_F_TAG);
    if (cut)
        m.truncated |= bit_of(HC_BADGE_F_TAG);
    out->present = (uint8_t)m.present;
    out->nulls = (uint8_t)m.nulls;
    out->truncated = (uint8_t)m.truncated;
    return tag_err != HC_OK ? tag_err : err;
}

/* -------------------------------------------------------- create / update */

/* How a request field is checked and written. The three string kinds
 * differ only in what validation allows. */
enum spec_kind { S_STR, S_SLUG, S_METHODS, S_SECONDS, S_BOOL, S_UNIQUE };

/* One request field: its name, where its value is and the server's limit.
 * Its HC_SPEC_* bit is 1 << its index in spec_fields. */
typedef struct spec_field {
    const char *key;
    uint16_t off;
    uint8_t kind;
    uint8_t max_chars;   /* 0: no limit */
} spec_field_t;

#define SPEC(member, kind, max) { #member, (uint16_t)offsetof(hc_check_spec_t, member), kind, max }

/* In the API document's order, which is the order they are written and
 * the order of the HC_SPEC_* bits. */
static const spec_field_t spec_fields[] = {
    SPEC(name, S_STR, 100),
    SPEC(slug, S_SLUG, 100),
    SPEC(tags, S_STR, 0),
    SPEC(desc, S_STR, 0),
    SPEC(timeout, S_SECONDS, 0),
    SPEC(grace, S_SECONDS, 0),
    SPEC(schedule, S_STR, 100),
    SPEC(tz, S_STR, 0),
    SPEC(manual_resume, S_BOOL, 0),
    SPEC(methods, S_METHODS, 0),
    SPEC(channels, S_STR, 0),
    SPEC(unique, S_UNIQUE, 0),
    SPEC(subject, S_STR, 200),
    SPEC(subject_fail, S_STR, 200),
    SPEC(start_kw, S_STR, 200),
    SPEC(success_kw, S_STR, 200),
    SPEC(failure_kw, S_STR, 200),
    SPEC(filter_subject, S_BOOL, 0),
    SPEC(filter_body, S_BOOL, 0),
    SPEC(filter_http_body, S_BOOL, 0),
    SPEC(filter_default_fail, S_BOOL, 0),
};

/* One entry per HC_SPEC_* bit: the last bit is the last entry's. */
typedef char hc_spec_bits_match_table[
    (uint32_t)HC_SPEC_FILTER_DEFAULT_FAIL == 1u << (COUNT(spec_fields) - 1) ? 1 : -1];

#define SPEC_ALL_BITS ((uint32_t)HC_SPEC_FILTER_DEFAULT_FAIL * 2u - 1u)
#define SECONDS_MIN 60u
#define SECONDS_MAX 31536000u

/* The fields a create may name in "unique". */
#define UNIQUE_OK (HC_SPEC_NAME | HC_SPEC_SLUG | HC_SPEC_TAGS | HC_SPEC_TIMEOUT | HC_SPEC_GRACE)

static const void *spec_member(const hc_check_spec_t *s, const spec_field_t *f)
{
    return (const char *)s + f->off;
}

static const char *spec_str(const hc_check_spec_t *s, const spec_field_t *f)
{
    return *(const char *const *)spec_member(s, f);
}

static bool slug_ok(const char *s)
{
    for (; *s; s++) {
        if (!hc_lex_is_slug_char(*s))
            return false;
    }
    return true;
}

static bool is_unique_name(const char *s)
{
    for (size_t i = 0; i < COUNT(spec_fields); i++) {
        if ((((uint32_t)UNIQUE_OK >> i) & 1u) && strcmp(s, spec_fields[i].key) == 0)
            return true;
    }
    return false;
}

static bool is_string(const spec_field_t *f)
{
    return f->kind <= S_METHODS;
}

/* The field's value can be written: no NULL string or item. */
static bool spec_writable(const hc_check_spec_t *s, const spec_field_t *f)
{
    if (is_string(f))
        return spec_str(s, f) != NULL;
    if (f->kind == S_UNIQUE) {
        if (s->n_unique && !s->unique)
            return false;
        for (size_t i = 0; i < s->n_unique; i++) {
            if (!s->unique[i])
                return false;
        }
    }
    return true;
}

static hc_err_t validate_string(const char *v, const spec_field_t *f)
{
    size_t chars;
    if (!hc_json_utf8_check(v, strlen(v), &chars))
        return HC_ERR_ARG;
    if (f->max_chars && chars > f->max_chars)
        return HC_ERR_TOO_LONG;
    if (f->kind == S_SLUG && !slug_ok(v))
        return HC_ERR_ARG;
    if (f->kind == S_METHODS && strcmp(v, "") != 0 && strcmp(v, "POST") != 0)
        return HC_ERR_ARG;
    return HC_OK;
}

/* Check one set field: only that it can be written, or (full) also what
 * the server would reject. */
static hc_err_t check_field(const hc_check_spec_t *s, const spec_field_t *f, bool full)
{
    if (!spec_writable(s, f))
        return HC_ERR_ARG;
    if (!full)
        return HC_OK;
    if (is_string(f))
        return validate_string(spec_str(s, f), f);
    if (f->kind == S_SECONDS) {
        uint32_t seconds = *(const uint32_t *)spec_member(s, f);
        return seconds < SECONDS_MIN || seconds > SECONDS_MAX ? HC_ERR_RANGE : HC_OK;
    }
    if (f->kind == S_UNIQUE) {
        for (size_t i = 0; i < s->n_unique; i++) {
            if (!is_unique_name(s->unique[i]))
                return HC_ERR_ARG;
        }
    }
    return HC_OK;
}

/* check_field() over the set fields, in order: the first failure decides. */
static hc_err_t check_set_fields(const hc_check_spec_t *spec, bool full)
{
    for (size_t i = 0; i < COUNT(spec_fields); i++) {
        if ((spec->set >> i) & 1u) {
            hc_err_t err = check_field(spec, &spec_fields[i], full);
            if (err != HC_OK)
                return err;
        }
    }
    return HC_OK;
}

hc_err_t hc_check_spec_validate(const hc_check_spec_t *spec)
{
    if (!spec || (spec->set & ~SPEC_ALL_BITS))
        return HC_ERR_ARG;
    return check_set_fields(spec, true);
}

static void write_field(hc_jwrite_t *w, const hc_check_spec_t *s, const spec_field_t *f)
{
    if (is_string(f)) {
        hc_jwrite_string(w, f->key, spec_str(s, f));
        return;
    }
    switch (f->kind) {
    case S_SECONDS:
        hc_jwrite_int(w, f->key, *(const uint32_t *)spec_member(s, f));
        break;
    case S_BOOL:
        hc_jwrite_bool(w, f->key, *(const bool *)spec_member(s, f));
        break;
    default: /* S_UNIQUE */
        hc_jwrite_strings(w, f->key, s->unique, s->n_unique);
        break;
    }
}

hc_err_t hc_check_spec_write(hc_buf_t *out, const hc_check_spec_t *spec)
{
    hc_jwrite_t w;
    if (!out || !spec || (spec->set & ~SPEC_ALL_BITS))
        return HC_ERR_ARG;
    if (check_set_fields(spec, false) != HC_OK)
        return HC_ERR_ARG;
    hc_jwrite_begin(&w, out);
    for (size_t i = 0; i < COUNT(spec_fields); i++) {
        if ((spec->set >> i) & 1u)
            write_field(&w, spec, &spec_fields[i]);
    }
    hc_jwrite_end(&w);
    return hc_buf_ok(out) ? HC_OK : HC_ERR_BUFFER;
}
