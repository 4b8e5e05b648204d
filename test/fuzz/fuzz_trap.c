/* Fuzz target: the run wrapper's tail (hc_trap.h) and the server's
 * Ping-Body-Limit on its way to it, over the mock port.
 *
 * The input is, in order: the Ping-Body-Limit header value the start ping's
 * response carries (up to the first LF); three bytes choosing the ring
 * size, the caller's body limit, and whether the ring is given up front or
 * sized after the start ping from what the server announced (as `hc run`
 * does); then the job's output as chunks, each a length byte, a repeat
 * count byte and that many bytes, logged that many times.
 *
 * Checked against a model written out here: the limit is learned exactly
 * when the start ping succeeded and the value is 1 to 95 digits (blanks
 * around them allowed) of at most 2^32 - 1; the bytes counted as cut are
 * those logged minus those kept; the final ping's body is the whole output
 * when it fits the smallest of ring, body limit and server limit, and
 * otherwise exactly that many bytes: "[hc: N bytes cut]\n" followed by the
 * output's last bytes, N counting every byte not sent (or, for a limit too
 * small for any marker, the last bytes alone). Content-Length says the
 * same. */
#include "fuzz_common.h"

#include "healthchecks/hc_trap.h"
#include "hc_port_mock.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define VALUE_MAX 200
#define LATE_RING_MAX 4096     /* ring sized from the server's limit, at most */
#define MARK_MAX 37            /* "[hc: " + 20 digits + " bytes cut]\n" */
#define OUTPUT_MAX (1u << 20)  /* 255 bytes x 255 repeats x 16 chunks fit */

static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";

typedef struct setup {
    hc_mock_conn_t script[2];
    hc_mock_t mock;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    hc_trap_t trap;
    uint8_t work[1024];
    uint8_t capture[16384];     /* the final ping's body is at most the ring */
    uint8_t start_response[VALUE_MAX + 128];
    uint8_t ring[2048 + LATE_RING_MAX];
} setup_t;

/* The engine's rule for Ping-Body-Limit, written out: blanks around 1 to
 * 95 digits whose value fits 32 bits. */
static bool limit_model(const uint8_t *v, size_t n, uint32_t *out)
{
    while (n && (v[0] == ' ' || v[0] == '\t'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n == 0 || n > HC_HTTP_VALUE_MAX - 1)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        x = x * 10u + (uint64_t)(v[i] - '0');
        if (x > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)x;
    return true;
}

/* The final request's body: after the blank line of the latest connection's
 * head; Content-Length must say its length. NULL when it has none. */
static const uint8_t *final_body(const hc_mock_t *m, size_t *len)
{
    const uint8_t *start = m->capture + m->capture_conn_start;
    size_t n = m->capture_len - m->capture_conn_start;
    const uint8_t *end = NULL;
    for (size_t i = 0; i + 4 <= n && !end; i++)
        if (!memcmp(start + i, "\r\n\r\n", 4))
            end = start + i + 4;
    FUZZ_CHECK(end != NULL);
    size_t head_len = (size_t)(end - start);
    *len = n - head_len;
    static const char name[] = "\r\nContent-Length: ";
    const char *cl = NULL;
    for (size_t i = 0; i + sizeof name - 1 <= head_len && !cl; i++)
        if (!memcmp(start + i, name, sizeof name - 1))
            cl = (const char *)start + i;
    if (!cl) {
        FUZZ_CHECK(*len == 0 && !memcmp(start, "GET ", 4));
        return NULL;
    }
    FUZZ_CHECK((size_t)strtoul(cl + 18, NULL, 10) == *len);
    FUZZ_CHECK(!memcmp(start, "POST ", 5));
    return end;
}

/* "[hc: N bytes cut]\n" at the start of @p b: N and the marker's length. */
static bool parse_marker(const uint8_t *b, size_t len, uint64_t *n, size_t *used)
{
    static const char head[] = "[hc: ", tail[] = " bytes cut]\n";
    size_t i = sizeof head - 1, digits = 0;
    if (len < i || memcmp(b, head, i))
        return false;
    for (*n = 0; i < len && b[i] >= '0' && b[i] <= '9' && digits < 20; i++, digits++)
        *n = *n * 10u + (uint64_t)(b[i] - '0');
    if (!digits || len - i < sizeof tail - 1 || memcmp(b + i, tail, sizeof tail - 1))
        return false;
    *used = i + sizeof tail - 1;
    return true;
}

/* The body against the output it summarises. */
static void check_body(const uint8_t *body, size_t len, const uint8_t *output, size_t total,
                       size_t cap)
{
    if (total <= cap) {
        FUZZ_CHECK(len == total && (total == 0 || !memcmp(body, output, total)));
        return;
    }
    FUZZ_CHECK(len == cap);
    size_t used;
    uint64_t cut;
    if (parse_marker(body, len, &cut, &used)) {
        size_t rest = len - used;
        FUZZ_CHECK(cut == total - rest);
        FUZZ_CHECK(rest == 0 || !memcmp(body + used, output + total - rest, rest));
    } else {
        /* too small for a marker: the last bytes alone */
        FUZZ_CHECK(cap <= MARK_MAX);
        FUZZ_CHECK(len == 0 || !memcmp(body, output + total - len, len));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static setup_t s;
    static uint8_t *output;
    if (!output) {
        output = malloc(OUTPUT_MAX);
        FUZZ_CHECK(output != NULL);
    }
    const uint8_t *lf = memchr(data, '\n', size < VALUE_MAX ? size : VALUE_MAX);
    size_t value_len = lf ? (size_t)(lf - data) : (size < VALUE_MAX ? size : VALUE_MAX);
    size_t pos = value_len + (lf != NULL);
    uint8_t p[3] = { 0, 0, 0 };
    for (int i = 0; i < 3 && pos < size; i++)
        p[i] = data[pos++];

    /* The start response, with the fuzzed value, then the final one. */
    memset(&s, 0, offsetof(setup_t, work));
    static const char head[] = "HTTP/1.1 200 OK\r\nPing-Body-Limit: ";
    static const char tail[] = "\r\nContent-Length: 2\r\n\r\nOK";
    size_t r = 0;
    memcpy(s.start_response, head, sizeof head - 1);
    r += sizeof head - 1;
    memcpy(s.start_response + r, data, value_len);
    r += value_len;
    memcpy(s.start_response + r, tail, sizeof tail - 1);
    r += sizeof tail - 1;
    s.script[0].response = s.start_response;
    s.script[0].response_len = r;
    s.script[1].response = (const uint8_t *)ok;
    s.script[1].response_len = sizeof ok - 1;
    hc_mock_init(&s.mock, s.script, 2, s.capture, sizeof s.capture);
    s.tp = hc_mock_transport(&s.mock);
    hc_config_defaults(&s.cfg);
    s.cfg.ping_url = "http://hc.test/ping";
    s.cfg.transport = &s.tp;
    s.cfg.work = s.work;
    s.cfg.work_size = sizeof s.work;
    s.cfg.max_attempts = 1;
    FUZZ_CHECK(hc_client_init(&s.client, &s.cfg) == HC_OK);

    bool late = p[2] & 1u;
    hc_trap_config_t tc;
    hc_trap_config_defaults(&tc);
    tc.uuid = UUID;
    tc.ring = late ? NULL : s.ring;
    tc.ring_size = late ? 0 : (size_t)p[0] * 8u;
    tc.body_limit = p[1] ? (size_t)p[1] * 3u : 0;
    hc_err_t start = hc_trap_open(&s.trap, &s.client, &tc);

    uint32_t limit = 0, model = 0;
    bool learned = hc_client_ping_body_limit(&s.client, &limit);
    bool expected = start == HC_OK && limit_model(data, value_len, &model);
    FUZZ_CHECK(learned == expected);
    FUZZ_CHECK(!learned || limit == model);
    size_t ring_size = tc.ring_size;
    if (late) {
        ring_size = learned && limit < LATE_RING_MAX ? limit : LATE_RING_MAX;
        FUZZ_CHECK(hc_trap_set_ring(&s.trap, s.ring, ring_size) == HC_OK);
    }

    /* The job's output. */
    size_t total = 0;
    for (int chunk = 0; pos < size && chunk < 16; chunk++) {
        size_t n = data[pos++];
        size_t times = pos < size ? 1u + data[pos++] % 255u : 1u;
        if (n > size - pos)
            n = size - pos;
        for (size_t k = 0; k < times; k++) {
            hc_trap_log(&s.trap, data + pos, n);
            memcpy(output + total, data + pos, n);
            total += n;
        }
        pos += n;
    }
    size_t kept = total < ring_size ? total : ring_size;
    FUZZ_CHECK(hc_trap_cut(&s.trap) == total - kept);

    hc_err_t end = hc_trap_close(&s.trap, p[2] >> 1);
    FUZZ_CHECK(end == HC_OK);
    size_t cap = ring_size;
    if (tc.body_limit && tc.body_limit < cap)
        cap = tc.body_limit;
    if (learned && limit < cap)
        cap = limit;
    size_t len;
    const uint8_t *body = final_body(&s.mock, &len);
    if (kept == 0)
        FUZZ_CHECK(body == NULL);
    else
        check_body(body, len, output, total, cap);
    return 0;
}
