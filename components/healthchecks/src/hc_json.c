/* Reading one JSON element; see hc_json.h. */

/* jsmn's implementation, private to this file. JSMN_STRICT is not needed:
 * hc_jscan checks the full grammar before jsmn sees the text, and jsmn's
 * non-strict mode also accepts a number as the whole text. jsmn mixes
 * signed and unsigned positions, which is harmless for texts under INT_MAX
 * (hc_json_parse refuses longer ones). */
#define JSMN_STATIC
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
#endif
#include <jsmn.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include "healthchecks/hc_json.h"
#include "healthchecks/hc_jscan.h"

#include <limits.h>
#include <string.h>

/* ------------------------------------------------------------- tokens */

static bool text_is_json(const char *js, size_t len)
{
    hc_jscan_t scan;
    hc_jscan_init(&scan);
    for (size_t i = 0; i < len; i++) {
        uint8_t level;
        hc_jscan_ev_t ev = hc_jscan_step(&scan, js[i], &level);
        if (ev == HC_JSCAN_END_BEFORE)
            ev = hc_jscan_step(&scan, js[i], &level);
        if (ev == HC_JSCAN_ERROR)
            return false;
    }
    return hc_jscan_finish(&scan);
}

hc_err_t hc_json_parse(hc_json_t *doc, const char *js, size_t len,
                       jsmntok_t *tok, unsigned max_tok)
{
    jsmn_parser parser;
    int n;

    if (!doc || !js || !tok || max_tok == 0 || max_tok > INT_MAX)
        return HC_ERR_ARG;
    if (len > INT_MAX || !text_is_json(js, len))
        return HC_ERR_JSON;
    jsmn_init(&parser);
    n = jsmn_parse(&parser, js, len, tok, max_tok);
    if (n == JSMN_ERROR_NOMEM)
        return HC_ERR_JSON_TOO_LARGE;
    if (n < 1)
        return HC_ERR_JSON;
    doc->js = js;
    doc->len = len;
    doc->tok = tok;
    doc->n = n;
    return HC_OK;
}

static bool valid_index(const hc_json_t *doc, int i)
{
    return i >= 0 && i < doc->n;
}

static const char *tok_text(const hc_json_t *doc, int i, size_t *len)
{
    const jsmntok_t *t = &doc->tok[i];
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
    const char *p;
    if (!valid_index(doc, i))
        return false;
    p = tok_text(doc, i, &len);
    return strlen(s) == len && memcmp(p, s, len) == 0;
}

int hc_json_find(const hc_json_t *doc, int obj, const char *key)
{
    int found = -1;
    int k;
    if (!valid_index(doc, obj) || doc->tok[obj].type != JSMN_OBJECT)
        return -1;
    k = obj + 1;
    for (int m = 0; m < doc->tok[obj].size && k + 1 < doc->n; m++) {
        if (hc_json_eq(doc, k, key))
            found = k + 1;
        k = hc_json_next(doc, k + 1);
    }
    return found;
}

static bool is_primitive(const hc_json_t *doc, int i)
{
    return valid_index(doc, i) && doc->tok[i].type == JSMN_PRIMITIVE;
}

bool hc_json_is_null(const hc_json_t *doc, int i)
{
    return is_primitive(doc, i) && hc_json_eq(doc, i, "null");
}

hc_err_t hc_json_bool(const hc_json_t *doc, int i, bool *out)
{
    if (is_primitive(doc, i) && hc_json_eq(doc, i, "true"))
        *out = true;
    else if (is_primitive(doc, i) && hc_json_eq(doc, i, "false"))
        *out = false;
    else
        return HC_ERR_JSON;
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
    if (cp < 0x80u) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800u) {
        out[0] = (unsigned char)(0xC0u | (cp >> 6));
        out[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        out[0] = (unsigned char)(0xE0u | (cp >> 12));
        out[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
        out[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    out[0] = (unsigned char)(0xF0u | (cp >> 18));
    out[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
    out[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
    out[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 4;
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
    memcpy(o->out + o->len, bytes, n);
    o->len += n;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The code unit of "\uXXXX" at s (n bytes available), or -1. */
static long utf16_unit(const char *s, size_t n)
{
    long v = 0;
    if (n < 6 || s[0] != '\\' || s[1] != 'u')
        return -1;
    for (size_t k = 2; k < 6; k++) {
        int h = hex_value(s[k]);
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
        size_t used;
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
    const char *raw;
    if (!valid_index(doc, i) || doc->tok[i].type != JSMN_STRING)
        return HC_ERR_JSON;
    raw = tok_text(doc, i, &len);
    return hc_json_unescape(raw, len, out, cap, truncated);
}

/* --------------------------------------------------------------- numbers */

/* A JSON number split as (-1)^neg * mant * 10^exp10, keeping 19
 * significant digits (so mant < 10^19, which fits 64 bits). */
typedef struct {
    bool neg;
    bool integer;   /* no fraction and no exponent were written */
    uint64_t mant;
    long exp10;
} number_t;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void add_digit(number_t *num, int *sig, char c, bool fraction)
{
    if (*sig >= 19) {
        if (!fraction)
            num->exp10++; /* a dropped integer digit still scales */
        return;
    }
    num->mant = num->mant * 10u + (uint64_t)(c - '0');
    if (num->mant)
        (*sig)++;
    if (fraction && num->exp10 > -1000000) /* past this it is zero anyway */
        num->exp10--;
}

static bool split_number(const char *p, size_t n, number_t *num)
{
    size_t i = 0;
    int sig = 0;
    long e = 0;
    bool e_neg = false;

    memset(num, 0, sizeof *num);
    num->integer = true;
    if (i < n && p[i] == '-') {
        num->neg = true;
        i++;
    }
    if (i == n || !is_digit(p[i]))
        return false;
    while (i < n && is_digit(p[i]))
        add_digit(num, &sig, p[i++], false);
    if (i < n && p[i] == '.') {
        num->integer = false;
        if (++i == n || !is_digit(p[i]))
            return false;
        while (i < n && is_digit(p[i]))
            add_digit(num, &sig, p[i++], true);
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        num->integer = false;
        if (++i < n && (p[i] == '+' || p[i] == '-'))
            e_neg = p[i++] == '-';
        if (i == n || !is_digit(p[i]))
            return false;
        while (i < n && is_digit(p[i])) {
            if (e < 100000) /* far past any int64; stops overflow */
                e = e * 10 + (p[i] - '0');
            i++;
        }
    }
    num->exp10 += e_neg ? -e : e;
    return i == n;
}

/* Scale mant by 10^shift into a magnitude, rounding half up; false on
 * overflow past limit. */
static bool scale_magnitude(uint64_t mant, long shift, uint64_t limit, uint64_t *out)
{
    if (mant == 0) {
        *out = 0;
        return true;
    }
    if (shift >= 0) {
        for (long k = 0; k < shift; k++) {
            if (mant > limit / 10u)
                return false;
            mant *= 10u;
        }
    } else if (shift < -19) {
        mant = 0; /* mant < 10^19, so below one half */
    } else {
        uint64_t pow = 1;
        for (long k = 0; k < -shift; k++)
            pow *= 10u;
        uint64_t rem = mant % pow;
        mant = mant / pow + (rem >= pow - rem ? 1u : 0u);
    }
    if (mant > limit)
        return false;
    *out = mant;
    return true;
}

static hc_err_t number_to_int(const number_t *num, long shift, int64_t min, int64_t max,
                              int64_t *out)
{
    /* |INT64_MIN| = INT64_MAX + 1 */
    uint64_t limit = num->neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t mag;
    int64_t v;
    if (!scale_magnitude(num->mant, shift, limit, &mag))
        return HC_ERR_JSON;
    if (num->neg)
        v = mag == 0 ? 0 : -(int64_t)(mag - 1u) - 1;
    else
        v = (int64_t)mag;
    if (v < min || v > max)
        return HC_ERR_JSON;
    *out = v;
    return HC_OK;
}

static bool number_token(const hc_json_t *doc, int i, number_t *num)
{
    size_t len;
    const char *p;
    if (!is_primitive(doc, i))
        return false;
    p = tok_text(doc, i, &len);
    return split_number(p, len, num);
}

hc_err_t hc_json_int(const hc_json_t *doc, int i, int64_t min, int64_t max, int64_t *out)
{
    number_t num;
    if (!number_token(doc, i, &num) || !num.integer)
        return HC_ERR_JSON;
    return number_to_int(&num, num.exp10, min, max, out);
}

hc_err_t hc_json_fixed(const hc_json_t *doc, int i, unsigned decimals,
                       int64_t min, int64_t max, int64_t *out)
{
    number_t num;
    if (decimals > 9 || !number_token(doc, i, &num))
        return HC_ERR_JSON;
    return number_to_int(&num, num.exp10 + (long)decimals, min, max, out);
}

/* ------------------------------------------------------------------ time */

/* n decimal digits at s, or -1. */
static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t k = 0; k < n; k++) {
        if (!is_digit(s[k]))
            return -1;
        v = v * 10 + (s[k] - '0');
    }
    return v;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return days[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
    /* 32-bit is plenty for years 0..9999 (and spares a 64-bit division). */
    int32_t yy = y - (m <= 2 ? 1 : 0);
    int32_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int32_t yoe = yy - era * 400;
    int32_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)era * 146097 + doe - 719468;
}

/* "Z", "+HH:MM" or "-HH:MM" at s (exactly n bytes) into seconds east of UTC. */
static bool parse_offset(const char *s, size_t n, int *offset)
{
    int h;
    int m;
    if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *offset = 0;
        return true;
    }
    if (n != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
        return false;
    h = digits(s + 1, 2);
    m = digits(s + 4, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59)
        return false;
    *offset = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
    return true;
}

hc_err_t hc_json_parse_time(const char *s, size_t len, int64_t *out)
{
    int y, mo, d, h, mi, sec, offset;
    size_t i = 19;

    if (!s || len < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return HC_ERR_JSON;
    y = digits(s, 4);
    mo = digits(s + 5, 2);
    d = digits(s + 8, 2);
    h = digits(s + 11, 2);
    mi = digits(s + 14, 2);
    sec = digits(s + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
        h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
        return HC_ERR_JSON;
    if (s[i] == '.') {
        size_t first = ++i;
        while (i < len && is_digit(s[i]))
            i++;
        if (i == first)
            return HC_ERR_JSON;
    }
    if (!parse_offset(s + i, len - i, &offset))
        return HC_ERR_JSON;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    return HC_OK;
}

hc_err_t hc_json_time(const hc_json_t *doc, int i, int64_t *out)
{
    size_t len;
    const char *p;
    if (!valid_index(doc, i) || doc->tok[i].type != JSMN_STRING)
        return HC_ERR_JSON;
    p = tok_text(doc, i, &len);
    return hc_json_parse_time(p, len, out);
}
