/* Fuzz target: the whole ping path — client drivers, HTTP engine, ping
 * result mapping — over the mock port, with the input as everything the
 * server sends on the first connection. A retry it causes is answered by
 * one of a few fixed responses (200 OK, 503, a close before any byte): the
 * retry rules run on every input without the same bytes being parsed
 * again on each attempt. How the bytes trickle in (bytes per recv,
 * would-block storms), the method (GET, HEAD, POST with a body), the
 * retries' response and keep-alive follow from a hash of the input.
 *
 * The ping is sent twice on fresh clients: blocking (hc_ping_send) and
 * non-blocking (hc_ping_send_begin, then hc_ping_poll in a bounded loop that
 * moves the virtual clock on only when a poll made no progress). Checked:
 * each ends within the client's deadline on the virtual clock; it is
 * reported delivered exactly when it returns HC_OK, and then the status
 * is 2xx; the attempts stay within max_attempts; the response text is
 * NUL-terminated within its array; and both forms agree on the result,
 * the status, delivery and the number of connections. */
#include "fuzz_common.h"

#include "healthchecks/hc_ping.h"
#include "hc_port_mock.h"

#define ATTEMPTS 3
#define MAX_POLLS 1000000  /* far above any honest run, which needs a few thousand */

typedef struct outcome {
    hc_err_t result;
    hc_ping_result_t res;
    uint32_t elapsed_ms;
    size_t connects;
} outcome_t;

typedef struct setup {
    hc_mock_conn_t script[ATTEMPTS];
    hc_mock_t mock;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    uint8_t work[512];
} setup_t;

static void prepare(setup_t *s, const uint8_t *response, size_t len, uint32_t h)
{
    static const char *const retry_answers[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK",
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy",
        "",  /* the server closes without a byte */
    };
    const char *retry = retry_answers[(h >> 13) % 3u];
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < ATTEMPTS; i++) {
        s->script[i].response = i ? (const uint8_t *)retry : response;
        s->script[i].response_len = i ? strlen(retry) : len;
        s->script[i].max_read = h % 4u == 0 ? 0 : 1u + (h >> 2) % 64u;
        s->script[i].storm = (h >> 8) % 3u;
    }
    hc_mock_init(&s->mock, s->script, ATTEMPTS, NULL, 0);
    s->tp = hc_mock_transport(&s->mock);
    hc_config_defaults(&s->cfg);
    s->cfg.ping_url = "http://hc.test/ping";
    s->cfg.transport = &s->tp;
    s->cfg.work = s->work;
    s->cfg.work_size = sizeof s->work;
    s->cfg.max_attempts = ATTEMPTS;
    s->cfg.keep_alive = (h >> 10) & 1u;
    FUZZ_CHECK(hc_client_init(&s->client, &s->cfg) == HC_OK);
}

static hc_ping_t make_ping(uint32_t h)
{
    static const uint8_t body[] = "job output";
    hc_ping_t p = { .uuid = "45c9d87e-c6e4-42c7-ba1e-921cfc827121" };
    switch ((h >> 11) % 3u) {
    case 0: p.method = HC_METHOD_GET; break;
    case 1: p.method = HC_METHOD_HEAD; break;
    default:
        p.method = HC_METHOD_POST;
        p.signal = HC_SIGNAL_LOG;
        p.body = body;
        p.body_len = sizeof body - 1;
        break;
    }
    return p;
}

static void check_outcome(const setup_t *s, const outcome_t *o)
{
    FUZZ_CHECK(o->result != HC_IN_PROGRESS);
    FUZZ_CHECK(o->elapsed_ms <= s->cfg.deadline_ms);
    FUZZ_CHECK(o->res.delivered == (o->result == HC_OK));
    if (o->res.delivered)
        FUZZ_CHECK(o->res.status >= 200 && o->res.status <= 299);
    if (o->res.created)
        FUZZ_CHECK(o->res.status == 201);
    FUZZ_CHECK(o->res.status == 0 || o->res.status >= 100);
    FUZZ_CHECK(hc_client_attempts(&s->client) <= ATTEMPTS);
    FUZZ_CHECK(o->connects <= ATTEMPTS);
    FUZZ_CHECK(FUZZ_TERMINATED(s->client.text));
    FUZZ_CHECK(o->res.text != NULL && strlen(o->res.text) < HC_TEXT_MAX);
}

static void run_blocking(setup_t *s, const hc_ping_t *p, outcome_t *o)
{
    o->result = hc_ping_send(&s->client, p, &o->res);
    o->elapsed_ms = s->mock.now;
    o->connects = s->mock.next;
}

/* Progress the mock can see: bytes moved, connections opened or closed. */
static size_t activity(const hc_mock_t *m)
{
    return m->capture_len + m->resp_pos + m->next + m->n_closes + m->sent_on_conn;
}

static void run_polling(setup_t *s, const hc_ping_t *p, outcome_t *o)
{
    uint8_t capture[2048];
    s->mock.capture = capture;  /* makes request bytes count as activity */
    s->mock.capture_cap = sizeof capture;
    memset(&o->res, 0, sizeof o->res);
    hc_err_t r = hc_ping_send_begin(&s->client, p);
    FUZZ_CHECK(r == HC_OK);
    int idle = 0;
    long polls = 0;
    r = HC_IN_PROGRESS;
    while (r == HC_IN_PROGRESS && polls++ < MAX_POLLS) {
        size_t before = activity(&s->mock);
        r = hc_ping_poll(&s->client, &o->res);
        /* A storm costs at most two idle polls; more means the client
         * waits on the clock (a back-off), so let time pass. */
        if (activity(&s->mock) != before)
            idle = 0;
        else if (++idle > 4)
            s->mock.now += 10;
    }
    FUZZ_CHECK(polls <= MAX_POLLS);
    o->result = r;
    o->elapsed_ms = s->mock.now;
    o->connects = s->mock.next;
    s->mock.capture = NULL;
    s->mock.capture_cap = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static setup_t s;
    uint32_t h = fuzz_hash(data, size);
    uint8_t *response = fuzz_dup(data, size);
    hc_ping_t p = make_ping(h);
    outcome_t blocking, polling;

    prepare(&s, response, size, h);
    run_blocking(&s, &p, &blocking);
    check_outcome(&s, &blocking);
    hc_client_close(&s.client);

    prepare(&s, response, size, h);
    run_polling(&s, &p, &polling);
    check_outcome(&s, &polling);
    hc_client_close(&s.client);

    FUZZ_CHECK(blocking.result == polling.result);
    FUZZ_CHECK(blocking.res.status == polling.res.status);
    FUZZ_CHECK(blocking.res.delivered == polling.res.delivered);
    FUZZ_CHECK(blocking.connects == polling.connects);
    free(response);
    return 0;
}
