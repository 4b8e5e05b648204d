/* Byte-at-a-time JSON syntax checker; see hc_jscan.h. */
#include "healthchecks/hc_jscan.h"

#include <string.h>

#include "hc_lex.h"

enum state {
    ST_VALUE,      /* a value is due (top level, after ':' or an array's ',') */
    ST_ARR_FIRST,  /* after '[': a value or ']' */
    ST_OBJ_FIRST,  /* after '{': a member name or '}' */
    ST_KEY,        /* after an object's ',': a member name */
    ST_COLON,      /* after a member name */
    ST_AFTER,      /* after a value inside a container: ',' or the closer */
    ST_DONE,       /* the top-level value is complete */
    ST_STR,        /* inside a string value */
    ST_KSTR,       /* inside a member name */
    ST_ESC,        /* after a backslash */
    ST_HEX,        /* inside the four hex digits of \u */
    ST_NUM,        /* inside a number; sub is its phase */
    ST_LIT,        /* inside true/false/null; literal is the position */
    ST_ERR
};

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

/* The three literals back to back; literal is a position in this text, and
 * a literal is complete where its NUL is. */
static const char literals[] = "true\0false\0null";

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}


void hc_jscan_init(hc_jscan_t *s)
{
    s->objects = 0;
    s->depth = 0;
    s->state = ST_VALUE;
    s->resume = ST_STR;
    s->sub = 0;
    s->literal = 0;
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

static hc_jscan_ev_t begin_value(hc_jscan_t *s, char c)
{
    if (c == '{' || c == '[')
        return open_container(s, c == '{');
    if (c == '"') {
        s->state = ST_STR;
    } else if (c == '-' || hc_lex_is_digit(c)) {
        s->state = ST_NUM;
        s->sub = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
    } else if (c == 't' || c == 'f' || c == 'n') {
        s->state = ST_LIT;
        s->literal = c == 't' ? 1 : c == 'f' ? 6 : 12; /* the byte after c in literals */
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
 * ends before the byte when complete, which the caller then steps again. */
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
    return HC_JSCAN_BYTE;
}

static hc_jscan_ev_t literal_byte(hc_jscan_t *s, char c)
{
    char want = literals[s->literal];
    if (want == '\0' || c != want)
        return end_scalar(s, want == '\0');
    s->literal++;
    return HC_JSCAN_BYTE;
}

static hc_jscan_ev_t string_byte(hc_jscan_t *s, char c)
{
    bool key = s->state == ST_KSTR;
    if (c == '"') {
        if (key) {
            s->state = ST_COLON;
            return HC_JSCAN_KEY_END;
        }
        after_value(s);
        return HC_JSCAN_END;
    }
    if ((unsigned char)c < 0x20u)
        return fail(s);
    if (c == '\\') {
        s->resume = s->state;
        s->state = ST_ESC;
    }
    return key ? HC_JSCAN_KEY_BYTE : HC_JSCAN_BYTE;
}

static hc_jscan_ev_t escape_byte(hc_jscan_t *s, char c)
{
    if (s->state == ST_ESC) {
        if (c == 'u') {
            s->state = ST_HEX;
            s->sub = 4;
        } else if (c != '\0' && strchr("\"\\/bfnrt", c)) {
            s->state = s->resume;
        } else {
            return fail(s);
        }
    } else {
        if (hc_lex_hex_value(c) < 0)
            return fail(s);
        if (--s->sub == 0)
            s->state = s->resume;
    }
    return s->resume == ST_KSTR ? HC_JSCAN_KEY_BYTE : HC_JSCAN_BYTE;
}

/* Whitespace and punctuation between values. */
static hc_jscan_ev_t between_values(hc_jscan_t *s, char c)
{
    if (is_ws(c))
        return HC_JSCAN_BYTE;
    switch (s->state) {
    case ST_VALUE:
        return begin_value(s, c);
    case ST_ARR_FIRST:
        return c == ']' ? close_container(s, c) : begin_value(s, c);
    case ST_OBJ_FIRST:
    case ST_KEY:
        if (c == '}' && s->state == ST_OBJ_FIRST)
            return close_container(s, c);
        if (c != '"')
            return fail(s);
        s->state = ST_KSTR;
        return HC_JSCAN_KEY_BEGIN;
    case ST_COLON:
        if (c != ':')
            return fail(s);
        s->state = ST_VALUE;
        return HC_JSCAN_BYTE;
    case ST_AFTER:
        if (c == ',') {
            s->state = top_is_object(s) ? ST_KEY : ST_VALUE;
            return HC_JSCAN_BYTE;
        }
        if (c == ']' || c == '}')
            return close_container(s, c);
        return fail(s);
    default: /* ST_DONE: only whitespace may follow */
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
        return string_byte(s, c);
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

hc_jscan_ev_t hc_jscan_step(hc_jscan_t *s, char c, uint8_t *level)
{
    uint8_t before = s->depth;
    hc_jscan_ev_t ev = step(s, c);
    /* Every event's level is the depth around it: the depth before an
     * opening bracket and after a closing one, which is the smaller of the
     * depths before and after the byte. */
    if (ev != HC_JSCAN_ERROR)
        *level = s->depth < before ? s->depth : before;
    return ev;
}

bool hc_jscan_finish(hc_jscan_t *s)
{
    if (s->depth != 0)
        return false;
    switch (s->state) {
    case ST_DONE: return true;
    case ST_NUM: return (N_COMPLETE >> s->sub) & 1u;
    case ST_LIT: return literals[s->literal] == '\0';
    default: return false;
    }
}
