/* Reading one JSON element; see hc_json.h. */
#include "healthchecks/hc_json.h"
#include "healthchecks/hc_jscan.h"

#include <limits.h>
#include <string.h>

#include "hc_jchar.h"
#include "hc_jsmn.h"
#include "hc_lex.h"

/* ------------------------------------------------------------- tokens */

hc_err_t hc_json_parse(hc_json_t *doc, const char *js, size_t len,
                       jsmntok_t *tok, unsigned max_tok)
{
    bool ascii;
    if (!doc || !js || !tok || max_tok == 0 || max_tok > INT_MAX)
        return HC_ERR_ARG;
    /* The grammar decides first: a text both wrong and large is HC_ERR_JSON. */
    if (!hc_jscan_check(js, len, &ascii))
        return HC_ERR_JSON;
    return hc_jsmn_tokenize(doc, js, len, tok, max_tok, ascii);
}

/* The text of token i (*len bytes) when it exists and is of the given
 * type (JSMN_UNDEFINED: any), else NULL. */
static const char *token_text(const hc_json_t *doc, int i, jsmntype_t type, size_t *len)
{
    const jsmntok_t *t;
    if (i < 0 || i >= doc->n)
        return NULL;
    t = &doc->tok[i];
    if (type != JSMN_UNDEFINED && t->type != type)
        return NULL;
    *len = (size_t)(t->end - t->start);
    return doc->js + t->start;
}

int hc_json_next(const hc_json_t *doc, int i)
{
    /* Each token owes its own slot plus one subtree per child (a member
     * name owes its value). */
    int owed = 1;
    while (owed > 0 && i < doc->n) {
        owed += doc->tok[i].size - 1;
        i++;
    }
    return i;
}

bool hc_json_eq(const hc_json_t *doc, int i, const char *s)
{
    size_t len;
    const char *p = token_text(doc, i, JSMN_UNDEFINED, &len);
    return p && strlen(s) == len && memcmp(p, s, len) == 0;
}

int hc_json_find(const hc_json_t *doc, int obj, const char *key)
{
    int found = -1;
    int k;
    size_t len;
    if (!token_text(doc, obj, JSMN_OBJECT, &len))
        return -1;
    k = obj + 1;
    for (int m = 0; m < doc->tok[obj].size && k + 1 < doc->n; m++) {
        if (hc_json_eq(doc, k, key))
            found = k + 1;
        k = hc_json_next(doc, k + 1);
    }
    return found;
}

/* The first byte of primitive token i, 0 when i is not a primitive. A
 * primitive is a number or a literal that hc_jscan checked in full, so its
 * first byte tells true, false and null apart. */
static char primitive_kind(const hc_json_t *doc, int i)
{
    size_t len;
    const char *p = token_text(doc, i, JSMN_PRIMITIVE, &len);
    return p ? *p : '\0';
}

bool hc_json_is_null(const hc_json_t *doc, int i)
{
    return primitive_kind(doc, i) == 'n';
}

hc_err_t hc_json_bool(const hc_json_t *doc, int i, bool *out)
{
    char kind = primitive_kind(doc, i);
    if (kind != 't' && kind != 'f')
        return HC_ERR_JSON;
    *out = kind == 't';
    return HC_OK;
}

/* ---------------------------------------------------------------- UTF-8 */

/* Length of the well-formed UTF-8 character at s (n bytes available), 0 if
 * malformed; its code point goes to *cp. */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t need;
    uint32_t min;
    uint32_t v;
    if (s[0] < 0x80u) {
        *cp = s[0];
        return 1;
    }
    if (s[0] < 0xC2u || s[0] > 0xF4u)
        return 0;
    if (s[0] < 0xE0u) {
        need = 2; min = 0x80u; v = s[0] & 0x1Fu;
    } else if (s[0] < 0xF0u) {
        need = 3; min = 0x800u; v = s[0] & 0x0Fu;
    } else {
        need = 4; min = 0x10000u; v = s[0] & 0x07u;
    }
    if (n < need)
        return 0;
    for (size_t k = 1; k < need; k++) {
        if ((s[k] & 0xC0u) != 0x80u)
            return 0;
        v = (v << 6) | (s[k] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFFu || (v >= 0xD800u && v <= 0xDFFFu))
        return 0;
    *cp = v;
    return need;
}

bool hc_json_utf8_check(const char *s, size_t len, size_t *chars)
{
    size_t count = 0;
    if (!s && len)
        return false;
    for (size_t i = 0; i < len; count++) {
        uint32_t cp;
        size_t n = utf8_char((const unsigned char *)s + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    *chars = count;
    return true;
}

static size_t utf8_encode(uint32_t cp, unsigned char out[4])
{
    static const unsigned char lead[5] = { 0, 0, 0xC0u, 0xE0u, 0xF0u };
    size_t n = cp < 0x80u ? 1 : cp < 0x800u ? 2 : cp < 0x10000u ? 3 : 4;
    for (size_t k = n - 1; k > 0; k--, cp >>= 6)
        out[k] = (unsigned char)(0x80u | (cp & 0x3Fu));
    out[0] = (unsigned char)(lead[n] | cp);
    return n;
}

/* --------------------------------------------------------------- strings */

/* Decoded output: whole characters only, then a NUL. */
typedef struct {
    char *out;
    size_t cap;
    size_t len;
    bool cut;
} sink_t;

static void put_char(sink_t *o, const unsigned char *bytes, size_t n)
{
    if (o->cut || n > o->cap - 1u - o->len) {
        o->cut = true; /* once cut, nothing after may follow */
        return;
    }
    for (size_t k = 0; k < n; k++)
        o->out[o->len++] = (char)bytes[k];
}

/* n one-byte characters: as many as fit. */
static void put_run(sink_t *o, const char *p, size_t n)
{
    size_t room = o->cap - 1u - o->len;
    if (o->cut)
        return;
    if (n > room) {
        n = room;
        o->cut = true;
    }
    memcpy(o->out + o->len, p, n);
    o->len += n;
}

/* The code unit of "\uXXXX" at s (n bytes available), or -1. */
static long utf16_unit(const char *s, size_t n)
{
    long v = 0;
    if (n < 6 || s[0] != '\\' || s[1] != 'u')
        return -1;
    for (size_t k = 2; k < 6; k++) {
        int h = hc_lex_hex_value(s[k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Decode the escape at s (a backslash, n bytes available) into *cp.
 * @return bytes used, 0 when malformed. */
static size_t unescape_one(const char *s, size_t n, uint32_t *cp)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    long hi;
    long lo;
    const char *simple = n >= 2 && s[1] != '\0' ? strchr(from, s[1]) : NULL;

    if (simple) {
        *cp = (unsigned char)to[simple - from];
        return 2;
    }
    hi = utf16_unit(s, n);
    if (hi < 0 || hi == 0 || (hi >= 0xDC00 && hi <= 0xDFFF))
        return 0; /* bad hex, \u0000, or a low surrogate first */
    if (hi < 0xD800 || hi > 0xDBFF) {
        *cp = (uint32_t)hi;
        return 6;
    }
    lo = utf16_unit(s + 6, n - 6);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return 0; /* a high surrogate needs a low one right after */
    *cp = 0x10000u + (((uint32_t)hi - 0xD800u) << 10) + ((uint32_t)lo - 0xDC00u);
    return 12;
}

hc_err_t hc_json_unescape(const char *raw, size_t len, char *out, size_t cap, bool *truncated)
{
    sink_t o = { out, cap, 0, false };
    size_t i = 0;

    if (!out || cap == 0 || (!raw && len))
        return HC_ERR_ARG;
    while (i < len) {
        unsigned char bytes[4];
        uint32_t cp;
        size_t used = i;
        /* A run of plain ASCII is copied in one go, as far as it fits. */
        while (used < len && hc_jchar_is(raw[used], HC_JCHAR_ASCII))
            used++;
        if (used > i) {
            put_run(&o, raw + i, used - i);
            i = used;
            continue;
        }
        if (raw[i] == '\\') {
            used = unescape_one(raw + i, len - i, &cp);
            if (used == 0)
                return HC_ERR_JSON;
            put_char(&o, bytes, utf8_encode(cp, bytes));
        } else {
            used = utf8_char((const unsigned char *)raw + i, len - i, &cp);
            if (used == 0 || cp < 0x20u || cp == '"')
                return HC_ERR_JSON;
            put_char(&o, (const unsigned char *)raw + i, used);
        }
        i += used;
    }
    out[o.len] = '\0';
    if (truncated)
        *truncated = o.cut;
    return HC_OK;
}

hc_err_t hc_json_string(const hc_json_t *doc, int i, char *out, size_t cap, bool *truncated)
{
    size_t len;
    const char *raw = token_text(doc, i, JSMN_STRING, &len);
    bool cut;
    if (!raw)
        return HC_ERR_JSON;
    if (!doc->ascii || cap == 0 || !out) /* the slow path also refuses a missing out */
        return hc_json_unescape(raw, len, out, cap, truncated);
    /* The grammar check saw every byte: the text is the value, one byte a
     * character, copied as far as it fits. */
    cut = len > cap - 1u;
    if (cut)
        len = cap - 1u;
    memcpy(out, raw, len);
    out[len] = '\0';
    if (truncated)
        *truncated = cut;
    return HC_OK;
}

/* --------------------------------------------------------------- numbers */

/* Scale mant (< 10^19) by 10^shift into a magnitude, rounding half up;
 * false on overflow past limit. Going down, whole digits are dropped and
 * only the last one rounds: floor((floor(m / 10^(k-1)) + 5) / 10) is m / 10^k
 * rounded half up. */
static bool scale_magnitude(uint64_t mant, int64_t shift, uint64_t limit, uint64_t *out)
{
    if (shift < -20)
        shift = -20; /* 20 places down leaves 0 from any mant */
    for (; shift < -1; shift++)
        mant /= 10u;
    if (shift == -1)
        mant = (mant + 5u) / 10u;
    for (; shift > 0 && mant != 0; shift--) {
        if (mant > limit / 10u)
            return false;
        mant *= 10u;
    }
    if (mant > limit)
        return false;
    *out = mant;
    return true;
}

/* Number token i times 10^decimals, rounded half away from zero, into
 * [min, max]; with integer_only, a fraction or an exponent is refused. The
 * number is read as mant * 10^shift, mant keeping 19 significant digits
 * (so it fits 64 bits). Every primitive token is a number or literal that
 * hc_jscan accepted, so a token starting with '-' or a digit follows the
 * number grammar and needs no second check here. A token has at most
 * INT_MAX bytes, so the digits move shift by less than that either way
 * (it fits a long), and an exponent saturated past INT_MAX + 40 gives 0 or
 * an overflow whatever they did: both are counted in full. */
static hc_err_t number_value(const hc_json_t *doc, int i, long decimals, bool integer_only,
                             int64_t min, int64_t max, int64_t *out)
{
    enum { INTEGER, FRACTION, EXPONENT } part = INTEGER;
    size_t len;
    const char *p = token_text(doc, i, JSMN_PRIMITIVE, &len);
    uint64_t mant = 0;
    uint64_t mag;
    long shift = decimals;
    unsigned long e = 0;
    int sig = 0;
    bool neg, e_neg = false;
    int64_t v;

    if (!p)
        return HC_ERR_JSON;
    neg = p[0] == '-';
    if (!hc_lex_is_digit(p[neg]))
        return HC_ERR_JSON; /* true, false or null */
    for (size_t k = neg; k < len; k++) {
        char c = p[k];
        if (c == '.') {
            part = FRACTION;
        } else if (c == 'e' || c == 'E') {
            part = EXPONENT;
        } else if (c == '+' || c == '-') {
            e_neg = c == '-'; /* only an exponent's sign is left */
        } else if (part == EXPONENT) {
            e = e < 300000000u ? e * 10u + (unsigned long)(c - '0') : 3000000000u;
        } else if (sig < 19) {
            mant = mant * 10u + (uint64_t)(c - '0');
            sig += mant != 0;
            if (part == FRACTION)
                shift--;
        } else if (part == INTEGER) {
            shift++; /* a dropped integer digit still scales */
        }
    }
    if (integer_only && part != INTEGER)
        return HC_ERR_JSON;
    /* |INT64_MIN| = INT64_MAX + 1 */
    if (!scale_magnitude(mant, (int64_t)shift + (e_neg ? -(int64_t)e : (int64_t)e),
                         (uint64_t)INT64_MAX + neg, &mag))
        return HC_ERR_JSON;
    v = !neg ? (int64_t)mag : mag == 0 ? 0 : -(int64_t)(mag - 1u) - 1;
    if (v < min || v > max)
        return HC_ERR_JSON;
    *out = v;
    return HC_OK;
}

hc_err_t hc_json_int(const hc_json_t *doc, int i, int64_t min, int64_t max, int64_t *out)
{
    return number_value(doc, i, 0, true, min, max, out);
}

hc_err_t hc_json_fixed(const hc_json_t *doc, int i, unsigned decimals,
                       int64_t min, int64_t max, int64_t *out)
{
    if (decimals > 9)
        return HC_ERR_JSON;
    return number_value(doc, i, (long)decimals, false, min, max, out);
}

/* ------------------------------------------------------------------ time */

/* The n digits at s as a number, or -1 when one is not a digit. */
static int digits_at(const char *s, int n)
{
    int v = 0;
    for (; n > 0; n--, s++) {
        unsigned d = (unsigned)(*s - '0');
        if (d > 9u)
            return -1;
        v = v * 10 + (int)d;
    }
    return v;
}

/* Days from 1970-01-01 to y-m-d (year 0..9999; month 1..13, where 13 is
 * January of the next year) in the proleptic Gregorian calendar, after
 * H. Hinnant's days_from_civil: years counted from March put the leap day
 * last. Adding 400 years (146097 days) keeps the year positive for January
 * and February of year 0, so plain divisions floor and no era split is
 * needed; 32 bits are plenty. */
static int32_t days_from_civil(int y, int m, int d)
{
    uint32_t yy = (uint32_t)(y + 400 - (m <= 2 ? 1 : 0));
    uint32_t doy = (153u * (uint32_t)(m > 2 ? m - 3 : m + 9) + 2u) / 5u + (uint32_t)d - 1u;
    return (int32_t)(yy * 365u + yy / 4u - yy / 100u + yy / 400u + doy) - 719468 - 146097;
}

/* "Z", "+HH:MM" or "-HH:MM" at s (exactly n bytes) into seconds east of UTC. */
static bool parse_offset(const char *s, size_t n, int *offset)
{
    int hours, minutes;
    if (n == 1 && (s[0] | 0x20) == 'z') {
        *offset = 0;
        return true;
    }
    if (n != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
        return false;
    hours = digits_at(s + 1, 2);
    minutes = digits_at(s + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
        return false;
    *offset = (hours * 3600 + minutes * 60) * (s[0] == '-' ? -1 : 1);
    return true;
}

hc_err_t hc_json_parse_time(const char *s, size_t len, int64_t *out)
{
    uint32_t us;
    return hc_json_parse_time_us(s, len, out, &us);
}

hc_err_t hc_json_parse_time_us(const char *s, size_t len, int64_t *out, uint32_t *us)
{
    /* "YYYY-MM-DDTHH:MM:SS": after the year, five two-digit fields at
     * fixed places, each after its separator and within its range (the day
     * within its month once the month is known). */
    static const char before[5] = "--t::";
    static const uint8_t lowest[5] = { 1, 1, 0, 0, 0 };
    static const uint8_t highest[5] = { 12, 31, 23, 59, 60 };
    int f[6]; /* year, month, day, hour, minute, second */
    int offset;
    int32_t days;
    size_t i = 19;
    uint32_t frac = 0;
    int places = 0;

    if (!s)
        return HC_ERR_ARG;
    if (len < 20 || (f[0] = digits_at(s, 4)) < 0)
        return HC_ERR_JSON;
    for (int k = 0; k < 5; k++) {
        const char *at = s + 5 + 3 * k;
        char sep = at[-1];
        if (k == 2)
            sep = (char)(sep | 0x20); /* 'T' or 't' */
        f[k + 1] = digits_at(at, 2);
        if (sep != before[k] || f[k + 1] < lowest[k] || f[k + 1] > highest[k])
            return HC_ERR_JSON;
    }
    if (s[i] == '.') {
        size_t first = ++i;
        for (; i < len && hc_lex_is_digit(s[i]); i++) {
            if (places < 6) {
                frac = frac * 10u + (uint32_t)(s[i] - '0');
                places++;
            }
        }
        if (i == first)
            return HC_ERR_JSON;
    }
    for (; places < 6; places++)
        frac *= 10u;
    if (!parse_offset(s + i, len - i, &offset))
        return HC_ERR_JSON;
    days = days_from_civil(f[0], f[1], f[2]);
    if (f[2] > 28 && days >= days_from_civil(f[0], f[1] + 1, 1))
        return HC_ERR_JSON; /* past the month's last day */
    *out = (int64_t)days * 86400 + (f[3] * 3600 + f[4] * 60 + f[5] - offset);
    *us = frac;
    return HC_OK;
}

hc_err_t hc_json_time(const hc_json_t *doc, int i, int64_t *out)
{
    uint32_t us;
    return hc_json_time_us(doc, i, out, &us);
}

hc_err_t hc_json_time_us(const hc_json_t *doc, int i, int64_t *out, uint32_t *us)
{
    size_t len;
    const char *p = token_text(doc, i, JSMN_STRING, &len);
    return p ? hc_json_parse_time_us(p, len, out, us) : HC_ERR_JSON;
}
