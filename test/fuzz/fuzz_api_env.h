/* Shared by the fuzz targets of the Management API: a client and an API
 * session over the mock port, every connection answered with the same
 * fuzzed bytes, and the two ways to drive a call to its end (blocking, and
 * polling on the virtual clock). Static inline: each target is one file. */
#ifndef HC_FUZZ_API_ENV_H
#define HC_FUZZ_API_ENV_H

#include "fuzz_common.h"

#include "healthchecks/hc_api.h"
#include "hc_port_mock.h"
#include "hc_request.h"  /* hc_status_error(): what a status means */

/* Two attempts: enough for the retry rules (a sink that has taken bytes is
 * never retried). */
#define FUZZ_API_ATTEMPTS 2
#define FUZZ_API_MAX_POLLS 1000000  /* far above any honest run */
#define FUZZ_API_UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"

typedef struct fuzz_api_env {
    hc_mock_conn_t script[FUZZ_API_ATTEMPTS];
    hc_mock_t mock;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    hc_api_t api;
    uint8_t work[1024];
    char elem[2048];
    jsmntok_t tok[128];
    uint8_t capture[4096];
} fuzz_api_env_t;

/* How a retry is answered. */
typedef enum fuzz_retry {
    FUZZ_RETRY_SAME,   /* with the input again */
    FUZZ_RETRY_FIXED   /* with a fixed answer the hash picks (a check, 503, a
                          close before any byte): the retry rules run without
                          the input being parsed a second time */
} fuzz_retry_t;

/* A fresh client and session whose first connection answers @p response
 * and whose retry answers as @p retry says; how the bytes trickle in
 * (@p max_read bytes per recv at most, 0 for no bound; would-block storms)
 * and whether the connection is kept follow from @p h, a hash of the
 * input. */
static inline void fuzz_api_env_init(fuzz_api_env_t *e, const uint8_t *response, size_t len,
                                     uint32_t h, size_t max_read, fuzz_retry_t retry)
{
    static const char *const fixed[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 35\r\n\r\n{\"name\": \"retried\", \"status\": \"up\"}",
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy",
        "",
    };
    const char *answer = fixed[(h >> 24) % 3u];
    memset(e, 0, offsetof(fuzz_api_env_t, work));
    for (size_t i = 0; i < FUZZ_API_ATTEMPTS; i++) {
        bool same = i == 0 || retry == FUZZ_RETRY_SAME;
        e->script[i].response = same ? response : (const uint8_t *)answer;
        e->script[i].response_len = same ? len : strlen(answer);
        e->script[i].max_read = max_read;
        e->script[i].storm = (h >> 8) % 3u;
    }
    hc_mock_init(&e->mock, e->script, FUZZ_API_ATTEMPTS, e->capture, sizeof e->capture);
    e->tp = hc_mock_transport(&e->mock);
    hc_config_defaults(&e->cfg);
    e->cfg.api_url = "http://hc.test/api";
    e->cfg.api_key = "hcw_0123456789abcdef0123456789ab";
    e->cfg.transport = &e->tp;
    e->cfg.work = e->work;
    e->cfg.work_size = sizeof e->work;
    e->cfg.max_attempts = FUZZ_API_ATTEMPTS;
    e->cfg.keep_alive = (h >> 10) & 1u;
    FUZZ_CHECK(hc_client_init(&e->client, &e->cfg) == HC_OK);
    hc_api_mem_t mem = { e->elem, sizeof e->elem, e->tok, sizeof e->tok / sizeof e->tok[0] };
    FUZZ_CHECK(hc_api_init(&e->api, &e->client, &mem) == HC_OK);
}

/* A bound on the bytes per recv from the hash: none, or 1..64. */
static inline size_t fuzz_api_max_read(uint32_t h)
{
    return h % 4u == 0 ? 0 : 1u + (h >> 2) % 64u;
}

/* Progress the mock can see: bytes moved, connections opened or closed. */
static inline size_t fuzz_api_activity(const hc_mock_t *m)
{
    return m->capture_len + m->resp_pos + m->next + m->n_closes + m->sent_on_conn;
}

/* Polls a started call to its end. The virtual clock moves only when polls
 * stop making progress (a back-off), so a poll itself never waits. */
static inline hc_err_t fuzz_api_poll_to_end(fuzz_api_env_t *e)
{
    hc_err_t r = HC_IN_PROGRESS;
    long polls = 0;
    int idle = 0;
    while (r == HC_IN_PROGRESS && polls++ < FUZZ_API_MAX_POLLS) {
        size_t before = fuzz_api_activity(&e->mock);
        uint32_t clock = e->mock.now;
        r = hc_api_poll(&e->api);
        FUZZ_CHECK(e->mock.now == clock);
        if (fuzz_api_activity(&e->mock) != before)
            idle = 0;
        else if (++idle > 4)
            e->mock.now += 10;
    }
    FUZZ_CHECK(polls <= FUZZ_API_MAX_POLLS);
    return r;
}

/* What every call promises at its end, whatever the bytes were. */
static inline void fuzz_api_check_end(fuzz_api_env_t *e, hc_err_t r)
{
    uint16_t status = hc_client_status(&e->client);
    FUZZ_CHECK(r != HC_IN_PROGRESS);
    FUZZ_CHECK(hc_api_poll(&e->api) == r);  /* the result is repeated */
    FUZZ_CHECK(e->mock.now <= e->cfg.deadline_ms);
    FUZZ_CHECK(hc_client_attempts(&e->client) <= FUZZ_API_ATTEMPTS);
    FUZZ_CHECK(e->mock.next <= FUZZ_API_ATTEMPTS);
    FUZZ_CHECK(!e->mock.capture_overflow);
    FUZZ_CHECK(FUZZ_TERMINATED(e->api.error));
    FUZZ_CHECK(FUZZ_TERMINATED(e->client.text));
    FUZZ_CHECK(status == 0 || (status >= 100 && status <= 999));
    if (r == HC_OK) {
        FUZZ_CHECK(status >= 200 && status <= 299);
        FUZZ_CHECK(hc_api_error(&e->api)[0] == '\0');
    }
    if (hc_api_created(&e->api))
        FUZZ_CHECK(status == 201);
    /* A status is kept only when the last attempt's response arrived
     * whole; a status the call does not take is then the result. */
    if (status && (status < 200 || status > 299))
        FUZZ_CHECK(r == hc_status_error(status));
}

#endif /* HC_FUZZ_API_ENV_H */
