/* Writing one flat JSON object; see hc_jwrite.h. */
#include "healthchecks/hc_jwrite.h"

#include <string.h>

void hc_jwrite_quoted(hc_buf_t *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* bytes at s[i - run .. i) that need no escape */

    hc_buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20u && c != '"' && c != '\\') {
            run++;
            continue;
        }
        if (run)
            hc_buf_put(out, s + i - run, run);
        run = 0;
        if (c < 0x20u) {
            char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15u] };
            hc_buf_put(out, esc, sizeof esc);
        } else {
            char esc[2] = { '\\', (char)c };
            hc_buf_put(out, esc, sizeof esc);
        }
    }
    if (run)
        hc_buf_put(out, s + n - run, run);
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
    hc_buf_putc(w->out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            hc_buf_putc(w->out, ',');
        hc_jwrite_quoted(w->out, items[i], strlen(items[i]));
    }
    hc_buf_putc(w->out, ']');
}
