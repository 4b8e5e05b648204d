/* Uses the installed package the way an application would: a ping through
 * the mock port, a POSIX transport, and the JSON layer (which needs jsmn.h
 * through the package), all through the one umbrella header, beside the
 * application's own copy of jsmn (own_jsmn.c). Exits non-zero on the first
 * thing that is wrong. */
#include <stdio.h>
#include <string.h>

#include <healthchecks/healthchecks.h>  /* the umbrella: every module */
#include <hc_port_mock.h>
#include <hc_port_posix.h>

#include "own_jsmn.h"

#define UUID "5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278"

static int fail(const char *what)
{
    fprintf(stderr, "hc_consumer: %s\n", what);
    return 1;
}

static int ping_through_mock(void)
{
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
    const hc_mock_conn_t script[] = {
        { .response = (const uint8_t *)ok, .response_len = sizeof ok - 1 },
    };
    uint8_t capture[512];
    hc_mock_t mock;
    hc_mock_init(&mock, script, 1, capture, sizeof capture);
    hc_transport_t tp = hc_mock_transport(&mock);

    uint8_t work[512];
    hc_config_t cfg;
    hc_config_defaults(&cfg);
    cfg.ping_url = "http://localhost";
    cfg.transport = &tp;
    cfg.work = work;
    cfg.work_size = sizeof work;
    hc_client_t client;
    if (hc_client_init(&client, &cfg) != HC_OK)
        return fail("hc_client_init failed");

    hc_ping_t ping = { .signal = HC_SIGNAL_SUCCESS, .uuid = UUID };
    hc_ping_result_t result;
    hc_err_t err = hc_ping_send(&client, &ping, &result);
    if (err != HC_OK || !result.delivered || result.status != 200)
        return fail("the ping was not delivered");
    if (mock.capture_len < 6 || memcmp(capture, "GET /" UUID, 5 + strlen(UUID)) != 0)
        return fail("the request line is not the ping's");
    return 0;
}

static int posix_transport_is_complete(void)
{
    hc_posix_t p;
    hc_posix_init(&p);
    hc_transport_t tp = hc_posix_transport(&p);
    if (!tp.connect || !tp.send || !tp.recv || !tp.close || !tp.now_ms || !tp.random)
        return fail("the POSIX transport is incomplete");
    tp.close(tp.ctx);
    return 0;
}

static int json_layer_links(void)
{
    static const char js[] = "{\"name\": \"backup\"}";
    jsmntok_t tok[8];
    hc_json_t doc;
    if (hc_json_parse(&doc, js, sizeof js - 1, tok, 8) != HC_OK || doc.n != 3)
        return fail("hc_json_parse did not tokenize a small object");
    /* The library's jsmn is strict: it refuses what the application's
     * (jsmn's default, non-strict) takes. Both are linked in. */
    if (hc_json_parse(&doc, "[tru]", 5, tok, 8) != HC_ERR_JSON)
        return fail("hc_json_parse accepted [tru]");
    if (own_jsmn_count("[tru]", 5) != 2)
        return fail("the application's own jsmn did not link, or is not its own");
    return 0;
}

int main(void)
{
    if (ping_through_mock() || posix_transport_is_complete() || json_layer_links())
        return 1;
    puts("hc_consumer: OK");
    return 0;
}
