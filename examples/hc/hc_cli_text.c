/* Terminal-safe text from servers; see hc_cli_text.h. */
#include "hc_cli_text.h"

#include <stdlib.h>
#include <string.h>

size_t cli_utf8_next(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t need;
    uint32_t min, v;
    *cp = CLI_NOT_UTF8;
    if (s[0] < 0x80u) {
        *cp = s[0];
        return 1;
    }
    if (s[0] < 0xC2u || s[0] > 0xF4u)
        return 1;
    if (s[0] < 0xE0u) {
        need = 2; min = 0x80u; v = s[0] & 0x1Fu;
    } else if (s[0] < 0xF0u) {
        need = 3; min = 0x800u; v = s[0] & 0x0Fu;
    } else {
        need = 4; min = 0x10000u; v = s[0] & 0x07u;
    }
    for (size_t k = 1; k < need; k++) {
        if (k == n)
            return 0;  /* cut short: the rest may follow */
        if ((s[k] & 0xC0u) != 0x80u)
            return 1;
        v = (v << 6) | (s[k] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFFu || (v >= 0xD800u && v <= 0xDFFFu))
        return 1;
    *cp = v;
    return need;
}

bool cli_is_unsafe(uint32_t cp)
{
    return cp < 0x20u || (cp >= 0x7Fu && cp <= 0x9Fu) || cp == 0x200Eu || cp == 0x200Fu ||
           (cp >= 0x2028u && cp <= 0x202Eu) || (cp >= 0x2066u && cp <= 0x2069u);
}

static void put_escape(FILE *f, uint32_t cp)
{
    if (cp == '\n')
        fputs("\\n", f);
    else if (cp == '\r')
        fputs("\\r", f);
    else if (cp == '\t')
        fputs("\\t", f);
    else if (cp <= 0x7Fu)
        fprintf(f, "\\x%02x", (unsigned)cp);
    else
        fprintf(f, "\\u%04x", (unsigned)cp);
}

size_t cli_safe_write(FILE *f, const char *s, size_t n, bool keep_lines, bool final)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = cli_utf8_next(s + i, n - i, &cp);
        if (len == 0) {
            if (!final)
                break;
            len = 1;  /* the input ends inside a character */
        }
        if (cp == CLI_NOT_UTF8)
            fputs("\xEF\xBF\xBD", f);  /* U+FFFD REPLACEMENT CHARACTER */
        else if (cli_is_unsafe(cp) && !(keep_lines && (cp == '\n' || cp == '\t')))
            put_escape(f, cp);
        else
            fwrite(s + i, 1, len, f);
        i += len;
    }
    return i;
}

void cli_safe_puts(FILE *f, const char *s)
{
    cli_safe_write(f, s, strlen(s), false, true);
}

char *cli_safe_dup(const char *s)
{
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    if (!f)
        return NULL;
    cli_safe_puts(f, s);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}
