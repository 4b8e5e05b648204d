/* See hc_mock_client.h. */
#include "hc_mock_client.h"

#include <stdbool.h>
#include <string.h>

hc_err_t hc_test_mock_client(hc_test_mock_client_t *mc, const hc_test_mock_spec_t *spec)
{
    hc_mock_init(&mc->mock, spec->script, spec->n_script, spec->capture, spec->capture_cap);
    mc->transport = hc_mock_transport(&mc->mock);
    hc_config_t *cfg = &mc->cfg;
    hc_config_defaults(cfg);
    cfg->transport = &mc->transport;
    cfg->work = spec->work;
    cfg->work_size = spec->work_size;
    if (spec->ping_url)
        cfg->ping_url = spec->ping_url;
    if (spec->ping_key)
        cfg->ping_key = spec->ping_key;
    if (spec->api_url)
        cfg->api_url = spec->api_url;
    if (spec->api_key)
        cfg->api_key = spec->api_key;
    if (spec->max_attempts)
        cfg->max_attempts = spec->max_attempts;
    return hc_client_init(&mc->client, cfg);
}

/* The first occurrence of @p needle in [@p from, @p to), or NULL. */
static const char *find(const char *from, const char *to, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = from; p + n <= to; p++)
        if (memcmp(p, needle, n) == 0)
            return p;
    return NULL;
}

/* Copies [@p from, @p to) NUL-terminated into @p dst, or NULL if it does
 * not fit. */
static const char *copy_text(const char *from, const char *to, char *dst, size_t size)
{
    size_t len = (size_t)(to - from);
    if (len >= size)
        return NULL;
    memcpy(dst, from, len);
    dst[len] = '\0';
    return dst;
}

/* The latest connection's bytes up to the first @p mark, or (@p after)
 * those following it, copied as copy_text() does; NULL without a mark. */
static const char *sent_text(const hc_mock_t *m, const char *mark, bool after, char *dst,
                             size_t size)
{
    if (!m->capture)
        return NULL;
    const char *start = (const char *)m->capture + m->capture_conn_start;
    const char *end = (const char *)m->capture + m->capture_len;
    const char *at = find(start, end, mark);
    if (!at)
        return NULL;
    return after ? copy_text(at + strlen(mark), end, dst, size) : copy_text(start, at, dst, size);
}

const char *hc_test_sent_line(const hc_mock_t *m, char *dst, size_t size)
{
    return sent_text(m, "\r\n", false, dst, size);
}

const char *hc_test_sent_body(const hc_mock_t *m, char *dst, size_t size)
{
    return sent_text(m, "\r\n\r\n", true, dst, size);
}
