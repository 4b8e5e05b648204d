/**
 * @file hc_port_mock.c
 * @brief The scripted transport: see hc_port_mock.h for the behaviour.
 *
 * No heap and no I/O, so it builds for every target the library does.
 */
#include "hc_port_mock.h"

#include <ctype.h>
#include <string.h>

#define HC_MOCK_SEED 0x2545F491u

/* Nothing to do before wait_until: the caller "waits" that long. */
static int32_t mock_would_block(hc_mock_t *m, uint32_t wait_until)
{
    if (!hc_time_reached(m->now, wait_until)) {
        m->now = wait_until;
    }
    m->n_would_block++;
    return HC_IO_WOULD_BLOCK;
}

/* Something becomes possible at @p ready: true (with the clock moved
 * there) when the caller's wait reaches it. */
static bool mock_wait_for(hc_mock_t *m, uint32_t ready, uint32_t wait_until)
{
    if (hc_time_reached(m->now, ready)) {
        return true;
    }
    if (!hc_time_reached(wait_until, ready)) {
        return false;
    }
    m->now = ready;
    return true;
}

/* A spurious would-block of a storm: no time passes. */
static bool mock_storming(hc_mock_t *m)
{
    if (m->storm_left == 0) {
        return false;
    }
    m->storm_left--;
    m->n_would_block++;
    return true;
}

static size_t mock_cap(size_t len, size_t cap)
{
    return (cap != 0 && len > cap) ? cap : len;
}

static void mock_copy_host(hc_mock_t *m, const char *host)
{
    size_t n = host ? strlen(host) : 0;
    if (n >= sizeof m->last_host) {
        n = sizeof m->last_host - 1;
    }
    if (n > 0) {
        memcpy(m->last_host, host, n);
    }
    m->last_host[n] = '\0';
}

void hc_mock_init(hc_mock_t *m, const hc_mock_conn_t *script, size_t n,
                  uint8_t *capture, size_t capture_cap)
{
    memset(m, 0, sizeof *m);
    m->script = script;
    m->n_script = script ? n : 0;
    m->rng = HC_MOCK_SEED;
    m->capture = capture;
    m->capture_cap = capture ? capture_cap : 0;
}

void hc_mock_expect(hc_mock_t *m, size_t request_bytes)
{
    m->expect = request_bytes;
}

/* The next request on the connection starts with the next byte sent. */
static void mock_next_request(hc_mock_t *m)
{
    m->head_done = false;
    m->content_length = 0;
    m->line_len = 0;
    m->request_len = m->expect != 0 ? m->sent_on_conn + m->expect : 0;
}

static void mock_start_conn(hc_mock_t *m)
{
    m->cur = &m->script[m->next++];
    m->connecting = true;
    m->connect_done_at = m->now + m->cur->connect_ms;
    m->answering = false;
    m->sent_on_conn = 0;
    m->resp_pos = 0;
    m->storm_left = m->cur->storm;
    m->capture_conn_start = m->capture_len;
    mock_next_request(m);
}

static int32_t mock_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    hc_mock_t *m = ctx;
    if (m->cur != NULL && !m->connecting) {
        return 0;
    }
    if (m->cur == NULL) {
        if (m->next >= m->n_script) {
            return HC_IO_REFUSED;
        }
        mock_copy_host(m, host);
        m->last_port = port;
        mock_start_conn(m);
    }
    if (!mock_wait_for(m, m->connect_done_at, wait_until)) {
        return mock_would_block(m, wait_until);
    }
    m->connecting = false;
    if (m->cur->connect_result != 0) {
        int32_t result = m->cur->connect_result;
        m->cur = NULL;
        return result;
    }
    m->n_connects++;
    return 0;
}

/* When the head line @p line (length @p len) is a Content-Length header,
 * its value goes to @p value (saturating). */
static void mock_content_length(const char *line, size_t len, size_t *value)
{
    static const char name[] = "content-length:";
    size_t i;
    if (len < sizeof name - 1) {
        return;
    }
    for (i = 0; i < sizeof name - 1; i++) {
        if (tolower((unsigned char)line[i]) != name[i]) {
            return;
        }
    }
    while (i < len && (line[i] == ' ' || line[i] == '\t')) {
        i++;
    }
    *value = 0;
    for (; i < len && line[i] >= '0' && line[i] <= '9'; i++) {
        size_t digit = (size_t)(line[i] - '0');
        *value = (*value > (SIZE_MAX - digit) / 10) ? SIZE_MAX : *value * 10 + digit;
    }
}

/* Follow the request head byte by byte until its empty line, keeping the
 * start of each line: enough to spot Content-Length. */
static void mock_scan_head(hc_mock_t *m, uint8_t c)
{
    if (c != '\n') {
        if (m->line_len < sizeof m->line) {
            m->line[m->line_len++] = (char)c;
        }
        return;
    }
    if (m->line_len == 1 && m->line[0] == '\r') {
        m->head_done = true;
        size_t body = m->content_length;
        m->request_len = (body > SIZE_MAX - m->sent_on_conn) ? SIZE_MAX : m->sent_on_conn + body;
    } else {
        mock_content_length(m->line, m->line_len, &m->content_length);
    }
    m->line_len = 0;
}

/* A whole request has arrived: the server answers the first one, and every
 * one while it keeps the connection open. */
static void mock_request_done(hc_mock_t *m)
{
    const hc_mock_conn_t *c = m->cur;
    if (!c->silent && (!m->answering || c->keep_open)) {
        m->answering = true;
        m->answer_at = m->now + c->response_delay_ms;
        m->resp_pos = 0;
    }
    mock_next_request(m);
}

static void mock_take_request(hc_mock_t *m, const uint8_t *buf, size_t n)
{
    size_t room = m->capture_cap - m->capture_len;
    size_t kept = n < room ? n : room;
    if (kept > 0) {
        memcpy(m->capture + m->capture_len, buf, kept);
        m->capture_len += kept;
    }
    if (kept < n && m->capture != NULL) {
        m->capture_overflow = true;
    }
    for (size_t i = 0; i < n; i++) {
        m->sent_on_conn++;
        if (m->expect == 0 && !m->head_done) {
            mock_scan_head(m, buf[i]);
        }
        if (m->request_len != 0 && m->sent_on_conn >= m->request_len) {
            mock_request_done(m);
        }
    }
}

static int32_t mock_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_mock_t *m = ctx;
    (void)wait_until; /* the mock server always has room */
    if (m->cur == NULL || m->connecting) {
        return HC_IO_ERROR;
    }
    if (mock_storming(m)) {
        return HC_IO_WOULD_BLOCK;
    }
    const hc_mock_conn_t *c = m->cur;
    size_t n = mock_cap(mock_cap(len, c->max_write), INT32_MAX);
    if (c->send_fails) {
        if (m->sent_on_conn >= c->send_fail_at) {
            return HC_IO_ERROR;
        }
        n = mock_cap(n, c->send_fail_at - m->sent_on_conn);
    }
    mock_take_request(m, buf, n);
    m->storm_left = c->storm;
    return (int32_t)n;
}

static int32_t mock_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_mock_t *m = ctx;
    if (m->cur == NULL || m->connecting) {
        return HC_IO_ERROR;
    }
    if (mock_storming(m)) {
        return HC_IO_WOULD_BLOCK;
    }
    const hc_mock_conn_t *c = m->cur;
    if (!m->answering || !mock_wait_for(m, m->answer_at, wait_until)) {
        return mock_would_block(m, wait_until);
    }
    size_t end = c->response ? c->response_len : 0;
    if (c->fail_after && c->fail_at <= end) {
        end = c->fail_at;
    }
    if (m->resp_pos >= end) {
        if (c->fail_after && m->resp_pos >= c->fail_at) {
            return c->fail_result != 0 ? c->fail_result : HC_IO_CLOSED;
        }
        return c->keep_open ? mock_would_block(m, wait_until) : HC_IO_CLOSED;
    }
    size_t n = mock_cap(mock_cap(mock_cap(len, c->max_read), end - m->resp_pos), INT32_MAX);
    memcpy(buf, c->response + m->resp_pos, n);
    m->resp_pos += n;
    m->storm_left = c->storm;
    return (int32_t)n;
}

static void mock_close(void *ctx)
{
    hc_mock_t *m = ctx;
    m->n_closes++;
    m->cur = NULL;
    m->connecting = false;
}

static uint32_t mock_now_ms(void *ctx)
{
    return ((hc_mock_t *)ctx)->now;
}

static void mock_sleep_ms(void *ctx, uint32_t ms)
{
    hc_mock_t *m = ctx;
    m->now += ms;
    m->n_sleeps++;
    m->slept_ms += ms;
}

/* xorshift32 (Marsaglia): deterministic, which is what tests want. */
static int mock_random(void *ctx, uint8_t *buf, size_t len)
{
    hc_mock_t *m = ctx;
    if (m->no_random) {
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        uint32_t x = m->rng ? m->rng : HC_MOCK_SEED;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        m->rng = x;
        buf[i] = (uint8_t)(x >> 24);
    }
    return 0;
}

hc_transport_t hc_mock_transport(hc_mock_t *m)
{
    hc_transport_t t = {
        .ctx = m,
        .connect = mock_connect,
        .send = mock_send,
        .recv = mock_recv,
        .close = mock_close,
        .now_ms = mock_now_ms,
        .sleep_ms = mock_sleep_ms,
        .random = mock_random,
    };
    return t;
}
