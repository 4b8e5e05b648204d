/* Unity tests of heartbeat.c on the host, over the library's mock
 * transport (port/mock): no network, no real time. Each test scripts what
 * the "server" does on each connection, drives the heartbeat the way the
 * main loop would, and checks the exact bytes sent and what the heartbeat
 * made of the answers. */
#include <string.h>

#include "unity.h"

#include "hc_port_mock.h"
#include "healthchecks/hc_client.h"
#include "heartbeat.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define OK "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
#define SERVER_ERROR "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!"
#define NOT_FOUND "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"

/* What a board would own: the mock stands in for the network stack, and
 * its virtual clock (mock.now) for the board's millisecond timer. */
static hc_mock_conn_t script[8];
static hc_mock_t mock;
static hc_transport_t transport;
static uint8_t work[512];
static uint8_t capture[2048];
static hc_client_t client;
static heartbeat_t hb;

static const heartbeat_config_t hb_config = {
    .uuid = UUID, .interval_ms = 60000, .retry_ms = 5000, .retry_max_ms = 30000,
};

/* Script entry n answers with @p response (a string literal). */
static void answer(size_t n, const char *response)
{
    script[n].response = (const uint8_t *)response;
    script[n].response_len = strlen(response);
}

/* The client as the firmware sets it up, on the mock transport; one
 * attempt per ping, so that retrying is the heartbeat's job. */
static void start(size_t n_script)
{
    memset(capture, 0, sizeof capture);  /* so that it reads as a string */
    hc_mock_init(&mock, script, n_script, capture, sizeof capture - 1);
    transport = hc_mock_transport(&mock);
    hc_config_t cfg;
    hc_config_defaults(&cfg);
    cfg.ping_url = "http://hc-ping.test";
    cfg.transport = &transport;
    cfg.work = work;
    cfg.work_size = sizeof work;
    cfg.max_attempts = 1;
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_client_init(&client, &cfg));
    heartbeat_init(&hb, &client, &hb_config, mock.now);
}

/* The main loop, for @p ms of virtual time: a turn every 10 ms. */
static void run_for(uint32_t ms)
{
    for (uint32_t t = 0; t < ms; t += 10) {
        heartbeat_poll(&hb, mock.now);
        mock.now += 10;
    }
}

/* Runs the loop until the ping in flight, or else the next one due, has
 * ended (each wait at most a minute). */
static void one_ping(void)
{
    for (unsigned i = 0; i < 6000 && !hb.sending; i++) {
        heartbeat_poll(&hb, mock.now);
        mock.now += 10;
    }
    TEST_ASSERT_TRUE(hb.sending);
    for (unsigned i = 0; i < 6000 && hb.sending; i++) {
        heartbeat_poll(&hb, mock.now);
        mock.now += 10;
    }
    TEST_ASSERT_FALSE(hb.sending);
}

void setUp(void)
{
    memset(script, 0, sizeof script);
}

void tearDown(void)
{
}

static void test_first_ping_goes_out_at_boot(void)
{
    answer(0, OK);
    start(1);
    heartbeat_poll(&hb, mock.now);
    TEST_ASSERT_TRUE(hb.sending);  /* due at boot */
    one_ping();

    const char *expected = "POST /" UUID " HTTP/1.1\r\n"  /* hc-ping.com has no /ping prefix */
                           "Host: hc-ping.test\r\n"
                           "Content-Type: text/plain; charset=utf-8\r\n"
                           "Content-Length: 5\r\n"
                           "Connection: close\r\n"
                           "\r\n"
                           "seq=1";
    TEST_ASSERT_EQUAL_STRING(expected, (const char *)capture);
    TEST_ASSERT_EQUAL_STRING("hc-ping.test", mock.last_host);
    TEST_ASSERT_EQUAL_UINT16(80, mock.last_port);
    TEST_ASSERT_EQUAL_UINT32(1, hb.delivered);
    TEST_ASSERT_EQUAL_UINT32(0, hb.failures);
    TEST_ASSERT_EQUAL_UINT16(200, hb.result.status);
}

static void test_next_ping_waits_for_the_interval(void)
{
    answer(0, OK);
    answer(1, OK);
    start(2);
    one_ping();
    uint32_t first_done = mock.now;
    run_for(59000);
    TEST_ASSERT_EQUAL_size_t(1, mock.next);  /* no second connection yet */
    one_ping();
    TEST_ASSERT_EQUAL_size_t(2, mock.next);
    TEST_ASSERT_EQUAL_UINT32(2, hb.delivered);
    TEST_ASSERT_TRUE(mock.now - first_done >= 60000);
    /* the second request carries the next sequence number */
    TEST_ASSERT_EQUAL_MEMORY("seq=2", capture + mock.capture_len - 5, 5);
}

static void test_backs_off_while_the_server_fails(void)
{
    answer(0, SERVER_ERROR);
    answer(1, SERVER_ERROR);
    answer(2, SERVER_ERROR);
    answer(3, OK);
    start(4);
    const uint32_t waits[] = { 5000, 10000, 20000 };
    for (size_t i = 0; i < 3; i++) {
        one_ping();
        TEST_ASSERT_EQUAL_INT(HC_ERR_SERVER, hb.last_error);
        TEST_ASSERT_EQUAL_UINT32(i + 1, hb.failures);
        TEST_ASSERT_EQUAL_UINT32(waits[i], hb.backoff_ms);
        run_for(waits[i] - 100);
        TEST_ASSERT_EQUAL_size_t(i + 1, mock.next);  /* waiting: no new connection */
        mock.now = hb.next_at;
    }
    one_ping();
    TEST_ASSERT_EQUAL_INT(HC_OK, hb.last_error);
    TEST_ASSERT_EQUAL_UINT32(0, hb.failures);
    TEST_ASSERT_EQUAL_UINT32(0, hb.backoff_ms);
    TEST_ASSERT_EQUAL_UINT32(1, hb.delivered);
    TEST_ASSERT_EQUAL_UINT32(4, hb.seq);
}

static void test_back_off_stops_growing_at_its_cap(void)
{
    for (size_t i = 0; i < 6; i++)
        script[i].connect_result = HC_IO_REFUSED;
    start(6);
    for (size_t i = 0; i < 6; i++) {
        one_ping();
        TEST_ASSERT_EQUAL_INT(HC_ERR_CONNECT, hb.last_error);
        mock.now = hb.next_at;
    }
    TEST_ASSERT_EQUAL_UINT32(6, hb.failures);
    TEST_ASSERT_EQUAL_UINT32(30000, hb.backoff_ms);
    TEST_ASSERT_EQUAL_UINT32(0, hb.delivered);
}

static void test_deleted_check_is_a_failure(void)
{
    answer(0, NOT_FOUND);
    start(1);
    one_ping();
    TEST_ASSERT_EQUAL_INT(HC_ERR_NOT_FOUND, hb.last_error);
    TEST_ASSERT_FALSE(hb.result.delivered);
    TEST_ASSERT_EQUAL_UINT16(404, hb.result.status);
    TEST_ASSERT_EQUAL_STRING("not found", hb.result.text);
    TEST_ASSERT_EQUAL_UINT32(1, hb.failures);
}

/* A slow server, a byte at a time: every turn of the loop returns at
 * once. The mock's clock moves only when a call waits, so a clock that
 * moved by exactly the loop's own 10 ms steps proves nothing waited. */
static void test_never_blocks_the_main_loop(void)
{
    answer(0, OK);
    script[0].response_delay_ms = 3000;
    script[0].max_read = 1;
    start(1);
    unsigned turns = 0;
    for (; turns < 1000 && (turns == 0 || hb.sending); turns++) {
        uint32_t before = mock.now;
        heartbeat_poll(&hb, mock.now);
        TEST_ASSERT_EQUAL_UINT32(before, mock.now);
        mock.now += 10;
    }
    TEST_ASSERT_FALSE(hb.sending);
    TEST_ASSERT_TRUE(turns > 300);  /* 3 s of turns, then a byte per turn */
    TEST_ASSERT_EQUAL_UINT32(1, hb.delivered);
    TEST_ASSERT_EQUAL_UINT32(0, mock.n_sleeps);
}

/* A check UUID the library refuses is a failure at once: nothing is sent. */
static void test_bad_uuid_sends_nothing(void)
{
    start(0);
    hb.cfg.uuid = "not-a-uuid";
    heartbeat_poll(&hb, mock.now);
    TEST_ASSERT_FALSE(hb.sending);
    TEST_ASSERT_EQUAL_INT(HC_ERR_ARG, hb.last_error);
    TEST_ASSERT_EQUAL_size_t(0, mock.next);
    TEST_ASSERT_EQUAL_size_t(0, mock.capture_len);
}

int main(void)
{
    UNITY_BEGIN();
    RUN_TEST(test_first_ping_goes_out_at_boot);
    RUN_TEST(test_next_ping_waits_for_the_interval);
    RUN_TEST(test_backs_off_while_the_server_fails);
    RUN_TEST(test_back_off_stops_growing_at_its_cap);
    RUN_TEST(test_deleted_check_is_a_failure);
    RUN_TEST(test_never_blocks_the_main_loop);
    RUN_TEST(test_bad_uuid_sends_nothing);
    return UNITY_END();
}
