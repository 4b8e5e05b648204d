/* Writing one flat JSON object; see hc_jwrite.h. */
#include "healthchecks/hc_jwrite.h"

#include <string.h>

void hc_jwrite_quoted(hc_buf_t *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;

    if (!s && n) {
        out->overflow = true;  /* bytes that cannot be read are missing */
        return;
    }
    hc_buf_putc(out, '"');
    while (i < n) {
        /* The bytes up to the next one that needs an escape go as they are. */
        size_t run = i;
        while (i < n && (unsigned char)s[i] >= 0x20u && s[i] != '"' && s[i] != '\\')
            i++;
        hc_buf_put(out, s + run, i - run);
        if (i < n) {
            unsigned char c = (unsigned char)s[i++];
            /* '"' and '\\' keep their character after the backslash; a
             * control character becomes \u00XX. */
            char esc[6] = { '\\', c < 0x20u ? 'u' : (char)c, '0', '0', hex[c >> 4], hex[c & 15u] };
            hc_buf_put(out, esc, c < 0x20u ? sizeof esc : 2);
        }
    }
    hc_buf_putc(out, '"');
}

void hc_jwrite_begin(hc_jwrite_t *w, hc_buf_t *out)
{
    w->out = out;
    w->first = true;
    hc_buf_putc(out, '{');
}

void hc_jwrite_end(hc_jwrite_t *w)
{
    hc_buf_putc(w->out, '}');
}

static void member(hc_jwrite_t *w, const char *key)
{
    if (!w->first)
        hc_buf_putc(w->out, ',');
    w->first = false;
    hc_jwrite_quoted(w->out, key, strlen(key));
    hc_buf_putc(w->out, ':');
}

void hc_jwrite_string(hc_jwrite_t *w, const char *key, const char *value)
{
    member(w, key);
    hc_jwrite_quoted(w->out, value, strlen(value));
}

void hc_jwrite_int(hc_jwrite_t *w, const char *key, int64_t value)
{
    member(w, key);
    hc_buf_put_i64(w->out, value);
}

void hc_jwrite_bool(hc_jwrite_t *w, const char *key, bool value)
{
    member(w, key);
    hc_buf_puts(w->out, value ? "true" : "false");
}

void hc_jwrite_strings(hc_jwrite_t *w, const char *key, const char *const *items, size_t n)
{
    member(w, key);
    if (!items && n)
        w->out->overflow = true;  /* strings that cannot be read are missing */
    hc_buf_putc(w->out, '[');
    for (size_t i = 0; items && i < n; i++) {
        if (i)
            hc_buf_putc(w->out, ',');
        const char *s = items[i];
        hc_jwrite_quoted(w->out, s, s ? strlen(s) : 1u);  /* NULL: overflow */
    }
    hc_buf_putc(w->out, ']');
}
