/* Management API objects; see hc_objects.h. */
#include "healthchecks/hc_objects.h"
#include "healthchecks/hc_jwrite.h"

#include <string.h>

/* ------------------------------------------------------------- decoding */

/* How a member's value is decoded into its struct field. */
enum kind {
    K_STR,        /* char[size] */
    K_U32,        /* uint32_t from an integer */
    K_MS,         /* uint32_t milliseconds from decimal seconds */
    K_BOOL,       /* bool from true/false */
    K_UP,         /* bool from 0/1 or true/false */
    K_TIME,       /* int64_t UNIX seconds from ISO 8601 */
    K_STATUS,     /* hc_check_status_t from its name */
    K_PING_TYPE   /* hc_ping_type_t from its name */
};

/* One known member: its name, and where and how its value is stored.
 * Offsets and sizes are 16 bits to keep the tables small. */
typedef struct field {
    const char *key;
    uint8_t kind;
    uint8_t bit;
    uint16_t off;
    uint16_t size;
} field_t;

#define FIELD_KEY(key, type, member, kind, bit) \
    { key, kind, bit, (uint16_t)offsetof(type, member), (uint16_t)sizeof(((type *)0)->member) }
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

static const char *const status_names[] = { "new", "up", "grace", "down", "paused", "started" };
static const char *const ping_type_names[] = { "success", "start", "fail", "log", "ign" };

/* A string enum as 1 + its index in names, or 0 when unknown. */
static hc_err_t decode_enum(const hc_json_t *doc, int v, const char *const *names, size_t n,
                            int *out)
{
    char text[12];
    bool cut;
    hc_err_t err = hc_json_string(doc, v, text, sizeof text, &cut);
    *out = 0;
    for (size_t i = 0; err == HC_OK && !cut && i < n; i++) {
        if (strcmp(text, names[i]) == 0)
            *out = (int)i + 1;
    }
    return err;
}

static hc_err_t decode_up(const hc_json_t *doc, int v, bool *out)
{
    int64_t n;
    if (hc_json_bool(doc, v, out) == HC_OK)
        return HC_OK;
    if (hc_json_int(doc, v, 0, 1, &n) != HC_OK)
        return HC_ERR_JSON;
    *out = n == 1;
    return HC_OK;
}

static hc_err_t decode_u32(const hc_json_t *doc, int v, bool fixed_ms, uint32_t *out)
{
    int64_t n;
    hc_err_t err = fixed_ms ? hc_json_fixed(doc, v, 3, 0, UINT32_MAX, &n)
                            : hc_json_int(doc, v, 0, UINT32_MAX, &n);
    if (err == HC_OK)
        *out = (uint32_t)n;
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

    /* A repeated member replaces the earlier one entirely. */
    memset(p, 0, f->size);
    m->present |= bit;
    m->nulls &= ~bit;
    m->truncated &= ~bit;
    if (hc_json_is_null(doc, v)) {
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
    case K_MS:
        return decode_u32(doc, v, f->kind == K_MS, (uint32_t *)p);
    case K_BOOL:
        return hc_json_bool(doc, v, (bool *)p);
    case K_UP:
        return decode_up(doc, v, (bool *)p);
    case K_TIME:
        return hc_json_time(doc, v, (int64_t *)p);
    case K_STATUS:
        err = decode_enum(doc, v, status_names, sizeof status_names / sizeof *status_names, &e);
        *(hc_check_status_t *)p = (hc_check_status_t)e;
        return err;
    default: /* K_PING_TYPE */
        err = decode_enum(doc, v, ping_type_names,
                          sizeof ping_type_names / sizeof *ping_type_names, &e);
        *(hc_ping_type_t *)p = (hc_ping_type_t)e;
        return err;
    }
}

static const field_t *find_field(const hc_json_t *doc, int key, const field_t *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (hc_json_eq(doc, key, fields[i].key))
            return &fields[i];
    }
    return NULL;
}

/* Decode the members of the object at token obj that the table knows. */
static hc_err_t decode_object(const hc_json_t *doc, int obj, const field_t *fields, size_t n,
                              void *base, masks_t *m)
{
    int k;
    if (!doc || obj < 0 || obj >= doc->n || doc->tok[obj].type != JSMN_OBJECT)
        return HC_ERR_JSON;
    k = obj + 1;
    for (int i = 0; i < doc->tok[obj].size; i++) {
        const field_t *f;
        if (k + 1 >= doc->n)
            return HC_ERR_JSON;
        f = find_field(doc, k, fields, n);
        if (f) {
            hc_err_t err = decode_value(doc, k + 1, f, base, m);
            if (err != HC_OK)
                return err;
        }
        k = hc_json_next(doc, k + 1);
    }
    return HC_OK;
}

#define COUNT(a) (sizeof(a) / sizeof *(a))

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

static bool is_uuid(const char *s)
{
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex)
            return false;
    }
    return s[36] == '\0';
}

/* Servers before v3.5 send no uuid; the ping URL ends with it. */
static void uuid_from_ping_url(hc_check_t *c, masks_t *m)
{
    const char *tail;
    bool cut;
    if ((m->present & bit_of(HC_CHECK_F_UUID)) ||
        (m->truncated & bit_of(HC_CHECK_F_PING_URL)))
        return;
    tail = strrchr(c->ping_url, '/');
    if (!tail || !is_uuid(tail + 1))
        return;
    if (hc_json_unescape(tail + 1, 36, c->uuid, sizeof c->uuid, &cut) != HC_OK)
        return;
    m->present |= bit_of(HC_CHECK_F_UUID);
    if (cut)
        m->truncated |= bit_of(HC_CHECK_F_UUID);
}

hc_err_t hc_decode_check(hc_check_t *out, const hc_json_t *doc, int obj)
{
    masks_t m = { 0, 0, 0 };
    hc_err_t err;
    memset(out, 0, sizeof *out);
    err = decode_object(doc, obj, check_fields, COUNT(check_fields), out, &m);
    if (err == HC_OK)
        uuid_from_ping_url(out, &m);
    out->present = m.present;
    out->nulls = m.nulls;
    out->truncated = m.truncated;
    return err;
}

/* ------------------------------------------------------------------- ping */

static const field_t ping_fields[] = {
    FIELD(hc_ping_info_t, type, K_PING_TYPE, HC_PING_F_TYPE),
    FIELD(hc_ping_info_t, date, K_TIME, HC_PING_F_DATE),
    FIELD(hc_ping_info_t, n, K_U32, HC_PING_F_N),
    FIELD(hc_ping_info_t, scheme, K_STR, HC_PING_F_SCHEME),
    FIELD(hc_ping_info_t, remote_addr, K_STR, HC_PING_F_REMOTE_ADDR),
    FIELD(hc_ping_info_t, method, K_STR, HC_PING_F_METHOD),
    FIELD(hc_ping_info_t, ua, K_STR, HC_PING_F_UA),
    FIELD(hc_ping_info_t, rid, K_STR, HC_PING_F_RID),
    FIELD_KEY("duration", hc_ping_info_t, duration_ms, K_MS, HC_PING_F_DURATION),
    FIELD(hc_ping_info_t, body_url, K_STR, HC_PING_F_BODY_URL),
};

hc_err_t hc_decode_ping(hc_ping_info_t *out, const hc_json_t *doc, int obj)
{
    masks_t m = { 0, 0, 0 };
    hc_err_t err;
    memset(out, 0, sizeof *out);
    err = decode_object(doc, obj, ping_fields, COUNT(ping_fields), out, &m);
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
    masks_t m = { 0, 0, 0 };
    hc_err_t err;
    memset(out, 0, sizeof *out);
    err = decode_object(doc, obj, flip_fields, COUNT(flip_fields), out, &m);
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
    masks_t m = { 0, 0, 0 };
    hc_err_t err;
    memset(out, 0, sizeof *out);
    err = decode_object(doc, obj, channel_fields, COUNT(channel_fields), out, &m);
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
    masks_t m = { bit_of(HC_BADGE_F_TAG), 0, 0 };
    bool cut = false;
    hc_err_t err;
    memset(out, 0, sizeof *out);
    err = hc_json_unescape(tag_raw, tag_len, out->tag, sizeof out->tag, &cut);
    if (cut)
        m.truncated |= bit_of(HC_BADGE_F_TAG);
    if (err == HC_OK)
        err = decode_object(doc, obj, badge_fields, COUNT(badge_fields), out, &m);
    out->present = (uint8_t)m.present;
    out->nulls = (uint8_t)m.nulls;
    out->truncated = (uint8_t)m.truncated;
    return err;
}

/* -------------------------------------------------------- create / update */

enum spec_kind { S_STR, S_SECONDS, S_BOOL, S_UNIQUE };
enum spec_rule { R_ANY, R_SLUG, R_METHODS };

/* One request field: its name, bit, value and the server's limits. */
typedef struct spec_field {
    const char *key;
    uint32_t bit;
    uint16_t off;
    uint8_t kind;
    uint8_t max_chars;   /* 0: no limit */
    uint8_t rule;
} spec_field_t;

#define SPEC(member, bit, kind, max, rule) \
    { #member, bit, (uint16_t)offsetof(hc_check_spec_t, member), kind, max, rule }

/* In the API document's order, which is the order they are written. */
static const spec_field_t spec_fields[] = {
    SPEC(name, HC_SPEC_NAME, S_STR, 100, R_ANY),
    SPEC(slug, HC_SPEC_SLUG, S_STR, 100, R_SLUG),
    SPEC(tags, HC_SPEC_TAGS, S_STR, 0, R_ANY),
    SPEC(desc, HC_SPEC_DESC, S_STR, 0, R_ANY),
    SPEC(timeout, HC_SPEC_TIMEOUT, S_SECONDS, 0, R_ANY),
    SPEC(grace, HC_SPEC_GRACE, S_SECONDS, 0, R_ANY),
    SPEC(schedule, HC_SPEC_SCHEDULE, S_STR, 100, R_ANY),
    SPEC(tz, HC_SPEC_TZ, S_STR, 0, R_ANY),
    SPEC(manual_resume, HC_SPEC_MANUAL_RESUME, S_BOOL, 0, R_ANY),
    SPEC(methods, HC_SPEC_METHODS, S_STR, 0, R_METHODS),
    SPEC(channels, HC_SPEC_CHANNELS, S_STR, 0, R_ANY),
    SPEC(unique, HC_SPEC_UNIQUE, S_UNIQUE, 0, R_ANY),
    SPEC(subject, HC_SPEC_SUBJECT, S_STR, 200, R_ANY),
    SPEC(subject_fail, HC_SPEC_SUBJECT_FAIL, S_STR, 200, R_ANY),
    SPEC(start_kw, HC_SPEC_START_KW, S_STR, 200, R_ANY),
    SPEC(success_kw, HC_SPEC_SUCCESS_KW, S_STR, 200, R_ANY),
    SPEC(failure_kw, HC_SPEC_FAILURE_KW, S_STR, 200, R_ANY),
    SPEC(filter_subject, HC_SPEC_FILTER_SUBJECT, S_BOOL, 0, R_ANY),
    SPEC(filter_body, HC_SPEC_FILTER_BODY, S_BOOL, 0, R_ANY),
    SPEC(filter_http_body, HC_SPEC_FILTER_HTTP_BODY, S_BOOL, 0, R_ANY),
    SPEC(filter_default_fail, HC_SPEC_FILTER_DEFAULT_FAIL, S_BOOL, 0, R_ANY),
};

#define SPEC_ALL_BITS ((uint32_t)HC_SPEC_FILTER_DEFAULT_FAIL * 2u - 1u)
#define SECONDS_MIN 60u
#define SECONDS_MAX 31536000u

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
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return false;
    }
    return true;
}

static bool is_unique_name(const char *s)
{
    static const char *const names[] = { "name", "slug", "tags", "timeout", "grace" };
    for (size_t i = 0; i < COUNT(names); i++) {
        if (strcmp(s, names[i]) == 0)
            return true;
    }
    return false;
}

/* The field's value can be written: no NULL string or item. */
static bool spec_writable(const hc_check_spec_t *s, const spec_field_t *f)
{
    if (f->kind == S_STR)
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
    if (f->rule == R_SLUG && !slug_ok(v))
        return HC_ERR_ARG;
    if (f->rule == R_METHODS && strcmp(v, "") != 0 && strcmp(v, "POST") != 0)
        return HC_ERR_ARG;
    return HC_OK;
}

static hc_err_t validate_field(const hc_check_spec_t *s, const spec_field_t *f)
{
    uint32_t seconds;
    if (!spec_writable(s, f))
        return HC_ERR_ARG;
    switch (f->kind) {
    case S_STR:
        return validate_string(spec_str(s, f), f);
    case S_SECONDS:
        seconds = *(const uint32_t *)spec_member(s, f);
        return seconds < SECONDS_MIN || seconds > SECONDS_MAX ? HC_ERR_RANGE : HC_OK;
    case S_UNIQUE:
        for (size_t i = 0; i < s->n_unique; i++) {
            if (!is_unique_name(s->unique[i]))
                return HC_ERR_ARG;
        }
        return HC_OK;
    default:
        return HC_OK;
    }
}

hc_err_t hc_check_spec_validate(const hc_check_spec_t *spec)
{
    if (!spec || (spec->set & ~SPEC_ALL_BITS))
        return HC_ERR_ARG;
    for (size_t i = 0; i < COUNT(spec_fields); i++) {
        if (spec->set & spec_fields[i].bit) {
            hc_err_t err = validate_field(spec, &spec_fields[i]);
            if (err != HC_OK)
                return err;
        }
    }
    return HC_OK;
}

static void write_field(hc_jwrite_t *w, const hc_check_spec_t *s, const spec_field_t *f)
{
    switch (f->kind) {
    case S_STR:
        hc_jwrite_string(w, f->key, spec_str(s, f));
        break;
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
    if (!out || !spec)
        return HC_ERR_ARG;
    for (size_t i = 0; i < COUNT(spec_fields); i++) {
        if ((spec->set & spec_fields[i].bit) && !spec_writable(spec, &spec_fields[i]))
            return HC_ERR_ARG;
    }
    hc_jwrite_begin(&w, out);
    for (size_t i = 0; i < COUNT(spec_fields); i++) {
        if (spec->set & spec_fields[i].bit)
            write_field(&w, spec, &spec_fields[i]);
    }
    hc_jwrite_end(&w);
    return hc_buf_ok(out) ? HC_OK : HC_ERR_BUFFER;
}
