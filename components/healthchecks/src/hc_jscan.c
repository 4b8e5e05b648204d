/* Byte-at-a-time JSON syntax checker; see hc_jscan.h. */
#include "healthchecks/hc_jscan.h"

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
    ST_LIT,        /* inside true/false/null; sub is the position */
    ST_ERR
};

/* Phases of the number grammar -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
enum num_phase { N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP };

static const char *const literals[] = { "true", "false", "null" };

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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

static hc_jscan_ev_t open_container(hc_jscan_t *s, bool object, uint8_t *level)
{
    if (s->depth >= HC_JSON_MAX_DEPTH)
        return fail(s);
    *level = s->depth;
    if (object)
        s->objects |= (uint32_t)1u << s->depth;
    s->depth++;
    s->state = object ? ST_OBJ_FIRST : ST_ARR_FIRST;
    return HC_JSCAN_BEGIN;
}

static hc_jscan_ev_t close_container(hc_jscan_t *s, char c, uint8_t *level)
{
    if (s->depth == 0 || top_is_object(s) != (c == '}'))
        return fail(s);
    s->depth--;
    s->objects &= ~((uint32_t)1u << s->depth);
    *level = s->depth;
    after_value(s);
    return HC_JSCAN_END;
}

static hc_jscan_ev_t begin_value(hc_jscan_t *s, char c, uint8_t *level)
{
    if (c == '{' || c == '[')
        return open_container(s, c == '{', level);
    *level = s->depth;
    if (c == '"') {
        s->state = ST_STR;
    } else if (c == '-' || is_digit(c)) {
        s->state = ST_NUM;
        s->sub = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
    } else if (c == 't' || c == 'f' || c == 'n') {
        s->state = ST_LIT;
        s->literal = c == 't' ? 0 : c == 'f' ? 1 : 2;
        s->sub = 1;
    } else {
        return fail(s);
    }
    return HC_JSCAN_BEGIN;
}

/* Next number phase for @p c, or -1 when @p c cannot continue the number. */
static int number_next(uint8_t phase, char c)
{
    bool digit = is_digit(c);
    bool exp = c == 'e' || c == 'E';
    switch (phase) {
    case N_MINUS: return c == '0' ? N_ZERO : digit ? N_INT : -1;
    case N_ZERO:  return c == '.' ? N_DOT : exp ? N_E : -1;
    case N_INT:   return digit ? N_INT : c == '.' ? N_DOT : exp ? N_E : -1;
    case N_DOT:   return digit ? N_FRAC : -1;
    case N_FRAC:  return digit ? N_FRAC : exp ? N_E : -1;
    case N_E:     return (c == '+' || c == '-') ? N_ESIGN : digit ? N_EXP : -1;
    case N_ESIGN: return digit ? N_EXP : -1;
    default:      return digit ? N_EXP : -1;
    }
}

static bool number_complete(uint8_t phase)
{
    return phase == N_ZERO || phase == N_INT || phase == N_FRAC || phase == N_EXP;
}

static bool literal_complete(const hc_jscan_t *s)
{
    return literals[s->literal][s->sub] == '\0';
}

/* A number or literal meets a byte that does not continue it: the scalar
 * ends before the byte when complete, which the caller then steps again. */
static hc_jscan_ev_t end_scalar(hc_jscan_t *s, bool complete, uint8_t *level)
{
    if (!complete)
        return fail(s);
    *level = s->depth;
    after_value(s);
    return HC_JSCAN_END_BEFORE;
}

static hc_jscan_ev_t string_byte(hc_jscan_t *s, char c, uint8_t *level)
{
    bool key = s->state == ST_KSTR;
    *level = s->depth;
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

static hc_jscan_ev_t escape_byte(hc_jscan_t *s, char c, uint8_t *level)
{
    if (s->state == ST_ESC) {
        if (c == 'u') {
            s->state = ST_HEX;
            s->sub = 4;
        } else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' ||
                   c == 'n' || c == 'r' || c == 't') {
            s->state = s->resume;
        } else {
            return fail(s);
        }
    } else {
        if (!is_hex(c))
            return fail(s);
        if (--s->sub == 0)
            s->state = s->resume;
    }
    *level = s->depth;
    return s->resume == ST_KSTR ? HC_JSCAN_KEY_BYTE : HC_JSCAN_BYTE;
}

/* Whitespace and punctuation between values. */
static hc_jscan_ev_t between_values(hc_jscan_t *s, char c, uint8_t *level)
{
    *level = s->depth;
    if (is_ws(c))
        return HC_JSCAN_BYTE;
    switch (s->state) {
    case ST_VALUE:
        return begin_value(s, c, level);
    case ST_ARR_FIRST:
        return c == ']' ? close_container(s, c, level) : begin_value(s, c, level);
    case ST_OBJ_FIRST:
    case ST_KEY:
        if (c == '}' && s->state == ST_OBJ_FIRST)
            return close_container(s, c, level);
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
            return close_container(s, c, level);
        return fail(s);
    default: /* ST_DONE: only whitespace may follow */
        return fail(s);
    }
}

hc_jscan_ev_t hc_jscan_step(hc_jscan_t *s, char c, uint8_t *level)
{
    switch (s->state) {
    case ST_ERR:
        return HC_JSCAN_ERROR;
    case ST_STR:
    case ST_KSTR:
        return string_byte(s, c, level);
    case ST_ESC:
    case ST_HEX:
        return escape_byte(s, c, level);
    case ST_NUM: {
        int next = number_next(s->sub, c);
        if (next < 0)
            return end_scalar(s, number_complete(s->sub), level);
        s->sub = (uint8_t)next;
        *level = s->depth;
        return HC_JSCAN_BYTE;
    }
    case ST_LIT:
        if (literal_complete(s) || c != literals[s->literal][s->sub])
            return end_scalar(s, literal_complete(s), level);
        s->sub++;
        *level = s->depth;
        return HC_JSCAN_BYTE;
    default:
        return between_values(s, c, level);
    }
}

bool hc_jscan_finish(hc_jscan_t *s)
{
    if (s->depth != 0)
        return false;
    switch (s->state) {
    case ST_DONE: return true;
    case ST_NUM: return number_complete(s->sub);
    case ST_LIT: return literal_complete(s);
    default: return false;
    }
}
