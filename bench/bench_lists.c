/* See bench_lists.h. */
#include "bench_lists.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "hc_fixture.h"

static const hc_bench_list_t lists[] = {
    { "checks", "api_checks_list.http" },
    { "pings", "api_check_pings.http" },
};

const hc_bench_list_t *hc_bench_list(const char *key)
{
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        if (strcmp(lists[i].key, key) == 0)
            return &lists[i];
    }
    fprintf(stderr, "no list '%s' (checks, pings)\n", key);
    exit(2);
}

/* The first element of the recorded list: from its '{' to the matching '}'. */
static const char *first_element(const char *body, size_t *len)
{
    const char *start = strchr(strchr(body, '['), '{');
    int depth = 0;
    bool in_string = false;
    for (const char *p = start; *p; p++) {
        if (in_string) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_string = false;
        } else if (*p == '"') {
            in_string = true;
        } else if (*p == '{') {
            depth++;
        } else if (*p == '}' && --depth == 0) {
            *len = (size_t)(p + 1 - start);
            return start;
        }
    }
    HC_BENCH_REQUIRE(false);
    return NULL;
}

char *hc_bench_list_response(const hc_bench_list_t *list, hc_bench_layout_t *layout)
{
    size_t raw_len, elem_len = 0;
    char *raw = hc_fixture_load(list->fixture, &raw_len);
    const char *body = hc_fixture_body(raw);
    HC_BENCH_REQUIRE(body != NULL);
    const char *elem = first_element(body, &elem_len);
    size_t cap = (size_t)(body - raw) + 64 + HC_BENCH_ELEMENTS * (elem_len + 2) + 32;
    char *r = malloc(cap);
    HC_BENCH_REQUIRE(r != NULL);
    size_t n = 0;
    for (const char *line = raw; line < body - 2;) {  /* the head's lines, not the blank one */
        const char *eol = strstr(line, "\r\n");
        if (strncmp(line, "Content-Length:", 15) != 0) {
            memcpy(r + n, line, (size_t)(eol + 2 - line));
            n += (size_t)(eol + 2 - line);
        }
        line = eol + 2;
    }
    size_t body_len = strlen("{\"\": []}") + strlen(list->key) + HC_BENCH_ELEMENTS * elem_len +
                      (HC_BENCH_ELEMENTS - 1) * 2;
    n += (size_t)sprintf(r + n, "Content-Length: %zu\r\n\r\n", body_len);
    layout->body_at = n;
    n += (size_t)sprintf(r + n, "{\"%s\": [", list->key);
    layout->first_elem = n;
    layout->elem_len = elem_len;
    for (size_t i = 0; i < HC_BENCH_ELEMENTS; i++) {
        if (i)
            n += (size_t)sprintf(r + n, ", ");
        memcpy(r + n, elem, elem_len);
        n += elem_len;
    }
    n += (size_t)sprintf(r + n, "]}");
    HC_BENCH_REQUIRE(n < cap && n - layout->body_at == body_len);
    free(raw);
    layout->len = n;
    return r;
}
