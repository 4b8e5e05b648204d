/* The JSON grammar check, a state machine run over spans; see hc_jscan.h.
 *
 * absorb() takes what needs no event in tight loops (string content,
 * whitespace, and below the watch level whole members); step() does the
 * rest a byte at a time. */
#include "healthchecks/hc_jscan.h"

#include <string.h>

#include "hc_jchar.h"
#include "hc_lex.h"

/* A quote opens a string in the first four states and closes one in the
 * next two: the order quote() relies on. */
enum state {
    ST_VALUE,      /* a value is due (top level, after ':' or an array's ',') */
    ST_ARR_FIRST,  /* after '[': a value or ']' */
    ST_OBJ_FIRST,  /* after '{': a member name or '}' */
    ST_KEY,        /* after an object's ',': a member name */
    ST_STR,        /* inside a string value */
    ST_KSTR,       /* inside a member name */
    ST_COLON,      /* after a member name */
    ST_AFTER,      /* after a value inside a container: ',' or the closer */
    ST_DONE,       /* the top-level value is complete */
    ST_ESC,        /* after a backslash */
    ST_HEX,        /* inside the four hex digits of \u */
    ST_NUM,        /* inside a number; sub is its phase */
    ST_LIT,        /* inside true/false/null; sub is the place in literals */
    ST_ERR
};

/* The states in which whitespace may come and changes nothing. */
#define BETWEEN_VALUES ((1u << ST_VALUE) | (1u << ST_ARR_FIRST) | (1u << ST_OBJ_FIRST) | \
                        (1u << ST_KEY) | (1u << ST_COLON) | (1u << ST_AFTER) | (1u << ST_DONE))

/* Phases of the number grammar -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
enum num_phase { N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP };

/* Phases where the number may end. */
#define N_COMPLETE ((1u << N_ZERO) | (1u << N_INT) | (1u << N_FRAC) | (1u << N_EXP))

/* The bytes that can continue a number, in classes: '0', 1-9, '.', e/E, +/-. */
enum num_class { C_ZERO, C_DIGIT, C_DOT, C_EXP, C_SIGN, C_COUNT };

#define NO 0xFFu
/* The next phase for each phase and class: the grammar as a table, which is
 * smaller than the same transitions written as branches. */
static const uint8_t number_next[N_EXP + 1][C_COUNT] = {
    /*            0       1-9     .      e/E   +/-     */
    [N_MINUS] = { N_ZERO, N_INT,  NO,    NO,   NO      },
    [N_ZERO]  = { NO,     NO,     N_DOT, N_E,  NO      },
    [N_INT]   = { N_INT,  N_INT,  N_DOT, N_E,  NO      },
    [N_DOT]   = { N_FRAC, N_FRAC, NO,    NO,   NO      },
    [N_FRAC]  = { N_FRAC, N_FRAC, NO,    N_E,  NO      },
    [N_E]     = { N_EXP,  N_EXP,  NO,    NO,   N_ESIGN },
    [N_ESIGN] = { N_EXP,  N_EXP,  NO,    NO,   NO      },
    [N_EXP]   = { N_EXP,  N_EXP,  NO,    NO,   NO      },
};

/* The three literals back to back; sub is a position in this text, and a
 * literal is complete where its NUL is. */
static const char literals[] = "true\0false\0null";

/* The index of the first byte from p[i] on (up to n) in none of the
 * classes @p classes. */
static size_t skip(const char *p, size_t i, size_t n, unsigned classes)
{
    while (i < n && hc_jchar_is(p[i], classes))
        i++;
    return i;
}

void hc_jscan_init(hc_jscan_t *s, uint8_t watch)
{
    s->objects = 0;
    s->depth = 0;
    s->state = ST_VALUE;
    s->resume = ST_STR;
    s->sub = 0;
    s->watch = watch;
    s->ascii = true;
}

static hc_jscan_ev_t fail(hc_jscan_t *s)
{
    s->state = ST_ERR;
    return HC_JSCAN_ERROR;
}

static bool top_is_object(const hc_jscan_t *s)
{
    return (s->objects >> (s->depth - 1u)) & 1u;
}

/* A scalar or container just ended at the current depth. */
static void after_value(hc_jscan_t *s)
{
    s->state = s->depth ? ST_AFTER : ST_DONE;
}

/* A quote in one of the states where it opens or closes a string. */
static hc_jscan_ev_t quote(hc_jscan_t *s, unsigned st)
{
    switch (st) {
    case ST_STR:
        after_value(s);
        return HC_JSCAN_END;
    case ST_KSTR:
        s->state = ST_COLON;
        return HC_JSCAN_KEY_END;
    case ST_OBJ_FIRST:
    case ST_KEY:
        s->state = ST_KSTR;
        return HC_JSCAN_KEY_BEGIN;
    default:
        s->state = ST_STR;
        return HC_JSCAN_BEGIN;
    }
}

static hc_jscan_ev_t open_container(hc_jscan_t *s, bool object)
{
    if (s->depth >= HC_JSON_MAX_DEPTH)
        return fail(s);
    if (object)
        s->objects |= (uint32_t)1u << s->depth;
    s->depth++;
    s->state = object ? ST_OBJ_FIRST : ST_ARR_FIRST;
    return HC_JSCAN_BEGIN;
}

static hc_jscan_ev_t close_container(hc_jscan_t *s, char c)
{
    if (s->depth == 0 || top_is_object(s) != (c == '}'))
        return fail(s);
    s->depth--;
    s->objects &= ~((uint32_t)1u << s->depth);
    after_value(s);
    return HC_JSCAN_END;
}

/* A value other than a string begins with c. */
static hc_jscan_ev_t begin_value(hc_jscan_t *s, char c)
{
    if (c == '{' || c == '[')
        return open_container(s, c == '{');
    if (c == '-' || hc_lex_is_digit(c)) {
        s->state = ST_NUM;
        s->sub = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
    } else if (c == 't' || c == 'f' || c == 'n') {
        s->state = ST_LIT;
        s->sub = c == 't' ? 1 : c == 'f' ? 6 : 12; /* the byte after c in literals */
    } else {
        return fail(s);
    }
    return HC_JSCAN_BEGIN;
}

/* The class of a byte within a number, or C_COUNT when it cannot be one. */
static unsigned number_class(char c)
{
    if (c == '0')
        return C_ZERO;
    if (hc_lex_is_digit(c))
        return C_DIGIT;
    if (c == '.')
        return C_DOT;
    if (c == 'e' || c == 'E')
        return C_EXP;
    if (c == '+' || c == '-')
        return C_SIGN;
    return C_COUNT;
}

/* A number or literal meets a byte that does not continue it: the scalar
 * ends before the byte when complete, which is then read again. */
static hc_jscan_ev_t end_scalar(hc_jscan_t *s, bool complete)
{
    if (!complete)
        return fail(s);
    after_value(s);
    return HC_JSCAN_END_BEFORE;
}

static hc_jscan_ev_t number_byte(hc_jscan_t *s, char c)
{
    unsigned cls = number_class(c);
    uint8_t next = cls < C_COUNT ? number_next[s->sub][cls] : NO;
    if (next == NO)
        return end_scalar(s, (N_COMPLETE >> s->sub) & 1u);
    s->sub = next;
    return HC_JSCAN_MORE;
}

static hc_jscan_ev_t literal_byte(hc_jscan_t *s, char c)
{
    char want = literals[s->sub];
    if (want == '\0' || c != want)
        return end_scalar(s, want == '\0');
    s->sub++;
    return HC_JSCAN_MORE;
}

/* In a string, a byte absorb() did not take (a backslash, a byte past
 * ASCII, or a control byte), or the byte after a backslash, or a \u
 * escape's hex digit. */
static hc_jscan_ev_t escape_byte(hc_jscan_t *s, char c)
{
    switch (s->state) {
    case ST_STR:
    case ST_KSTR:
        if ((unsigned char)c < 0x20u)
            return fail(s);
        s->ascii = false;
        if (c == '\\') {
            s->resume = s->state;
            s->state = ST_ESC;
        }
        break;
    case ST_ESC:
        if (c == 'u') {
            s->state = ST_HEX;
            s->sub = 4;
        } else if (c != '\0' && strchr("\"\\/bfnrt", c)) {
            s->state = s->resume;
        } else {
            return fail(s);
        }
        break;
    default: /* ST_HEX */
        if (hc_lex_hex_value(c) < 0)
            return fail(s);
        if (--s->sub == 0)
            s->state = s->resume;
        break;
    }
    return HC_JSCAN_MORE;
}

/* A byte between values, after any whitespace. */
static hc_jscan_ev_t between_values(hc_jscan_t *s, char c)
{
    unsigned st = s->state;
    if (c == '"' && st <= ST_KEY)
        return quote(s, st);
    switch (st) {
    case ST_VALUE:
        return begin_value(s, c);
    case ST_ARR_FIRST:
        return c == ']' ? close_container(s, c) : begin_value(s, c);
    case ST_OBJ_FIRST:
        return c == '}' ? close_container(s, c) : fail(s);
    case ST_COLON:
        if (c != ':')
            return fail(s);
        s->state = ST_VALUE;
        return HC_JSCAN_MORE;
    case ST_AFTER:
        if (c == ',') {
            s->state = top_is_object(s) ? ST_KEY : ST_VALUE;
            return HC_JSCAN_MORE;
        }
        return c == ']' || c == '}' ? close_container(s, c) : fail(s);
    default: /* ST_KEY wants a quote, ST_DONE nothing more */
        return fail(s);
    }
}

static hc_jscan_ev_t step(hc_jscan_t *s, char c)
{
    switch (s->state) {
    case ST_ERR:
        return HC_JSCAN_ERROR;
    case ST_STR:
    case ST_KSTR:
        return c == '"' ? quote(s, s->state) : escape_byte(s, c);
    case ST_ESC:
    case ST_HEX:
        return escape_byte(s, c);
    case ST_NUM:
        return number_byte(s, c);
    case ST_LIT:
        return literal_byte(s, c);
    default:
        return between_values(s, c);
    }
}

/* Takes the bytes from p[i] on (up to n) that need no event: string
 * content (most of a response), whitespace between values, the digits of
 * a number, the letters of a literal as spelled; and, deeper than the
 * watch level, where no event is reported, also the quotes of strings and
 * the colons and commas between them, so that a member such as
 * "name": "value", is taken in one go. Returns the index of the first
 * byte not taken, which hc_jscan_run() reads. */
static size_t absorb(hc_jscan_t *s, const char *p, size_t i, size_t n)
{
    bool quiet = s->depth > s->watch;
    for (;;) {
        unsigned st = s->state;
        char c;
        switch (st) {
        case ST_STR:
        case ST_KSTR:
            /* Until a string is not plain ASCII, its bytes past ASCII stop
             * here (and clear ascii); after that they are taken too. */
            i = s->ascii ? skip(p, i, n, HC_JCHAR_ASCII) : skip(p, i, n, HC_JCHAR_PLAIN);
            if (i == n || p[i] != '"' || !quiet)
                return i;
            s->state = st == ST_STR ? ST_AFTER : ST_COLON; /* quiet: depth > 0 */
            i++;
            continue;
        case ST_NUM:
            if (s->sub == N_INT || s->sub == N_FRAC || s->sub == N_EXP) {
                while (i < n && hc_lex_is_digit(p[i]))
                    i++;
            }
            return i;
        case ST_LIT:
            while (i < n && literals[s->sub] != '\0' && p[i] == literals[s->sub]) {
                s->sub++;
                i++;
            }
            return i;
        case ST_ESC:
        case ST_HEX:
        case ST_ERR:
            return i;
        default:
            i = skip(p, i, n, HC_JCHAR_WS);
            if (i == n || !quiet)
                return i;
            c = p[i];
            if (c == ':' && st == ST_COLON)
                s->state = ST_VALUE;
            else if (c == ',' && st == ST_AFTER)
                s->state = top_is_object(s) ? ST_KEY : ST_VALUE;
            else if (c == '"' && st <= ST_KEY)
                s->state = st >= ST_OBJ_FIRST ? ST_KSTR : ST_STR;
            else
                return i;
            i++;
        }
    }
}

hc_jscan_ev_t hc_jscan_run(hc_jscan_t *s, const char *p, size_t n, size_t *used,
                           uint8_t *level)
{
    size_t i = 0;
    /* Bounded: each turn takes a byte, or ends a scalar before one. */
    while ((i = absorb(s, p, i, n)) < n) {
        uint8_t lv = s->depth;
        hc_jscan_ev_t ev = step(s, p[i]);
        if (ev == HC_JSCAN_ERROR)
            break;
        if (ev != HC_JSCAN_END_BEFORE) /* else the byte after a scalar goes again */
            i++;
        /* An event's level is the depth around it: the depth before an
         * opening bracket and after a closing one, which is the smaller of
         * the depths before and after the byte. */
        if (s->depth < lv)
            lv = s->depth;
        if (ev != HC_JSCAN_MORE && lv <= s->watch) {
            *used = i;
            *level = lv;
            return ev;
        }
    }
    *used = i;
    return s->state == ST_ERR ? HC_JSCAN_ERROR : HC_JSCAN_MORE;
}

bool hc_jscan_finish(const hc_jscan_t *s)
{
    if (s->depth != 0)
        return false;
    switch (s->state) {
    case ST_DONE: return true;
    case ST_NUM: return (N_COMPLETE >> s->sub) & 1u;
    case ST_LIT: return literals[s->sub] == '\0';
    default: return false;
    }
}

bool hc_jscan_check(const char *js, size_t len, bool *ascii)
{
    hc_jscan_t s;
    hc_jscan_init(&s, 0);
    /* Bounded: each turn takes a byte, or ends a scalar before one. */
    while (len) {
        size_t used;
        uint8_t level;
        if (hc_jscan_run(&s, js, len, &used, &level) == HC_JSCAN_ERROR)
            return false;
        js += used;
        len -= used;
    }
    if (ascii)
        *ascii = s.ascii;
    return hc_jscan_finish(&s);
}
