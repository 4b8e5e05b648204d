/* What the client driver tests share; see client_env.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "client_env.h"

fixture_t fx;

hc_mock_conn_t answer(const char *response)
{
    hc_mock_conn_t c = { 0 };
    c.response = (const uint8_t *)response;
    c.response_len = strlen(response);
    return c;
}

void setup_with(const hc_mock_conn_t *script, size_t n)
{
    memset(&fx, 0, sizeof fx);
    hc_mock_init(&fx.mock, script, n, fx.capture, sizeof fx.capture);
    fx.tp = hc_mock_transport(&fx.mock);
    hc_config_defaults(&fx.cfg);
    fx.cfg.ping_url = "http://hc.test/ping";
    fx.cfg.api_url = "http://hc.test/api";
    fx.cfg.transport = &fx.tp;
    fx.cfg.work = fx.work;
    fx.cfg.work_size = sizeof fx.work;
    assert_err(hc_client_init(&fx.client, &fx.cfg), HC_OK);
}

void reinit(void)
{
    assert_err(hc_client_init(&fx.client, &fx.cfg), HC_OK);
}

hc_err_t start_get(const char *path, bool idempotent)
{
    hc_buf_t b;
    hc_err_t err = hc_request_begin(&fx.client, &b, HC_BASE_PING, "GET");
    if (err != HC_OK)
        return err;
    hc_buf_puts(&b, path);
    hc_request_t req = { .idempotent = idempotent };
    return hc_request_start(&fx.client, &b, &req);
}

hc_err_t blocking_get(const char *path)
{
    hc_err_t err = start_get(path, true);
    return err == HC_OK ? hc_client_wait(&fx.client) : err;
}

/* Polls until done; asserts no poll moved the virtual clock (a poll that
 * waits would) and returns the number of polls. */
unsigned poll_to_end(hc_err_t *result, unsigned limit)
{
    unsigned polls = 0;
    hc_err_t r;
    do {
        uint32_t before = fx.mock.now;
        r = hc_client_poll(&fx.client);
        assert_int_equal(fx.mock.now, before);
        polls++;
        assert_true(polls < limit);
    } while (r == HC_IN_PROGRESS);
    *result = r;
    return polls;
}

void captured_equals(const char *expected)
{
    assert_int_equal(fx.mock.capture_len, strlen(expected));
    assert_memory_equal(fx.mock.capture, expected, strlen(expected));
}

void park_body_prefix(hc_buf_t *target, hc_request_t *req, const void *bytes, size_t len)
{
    hc_buf_t line;
    hc_buf_init(&line, target->data + target->len, target->cap - target->len);
    hc_buf_put(&line, bytes, len);
    target->overflow = target->overflow || line.overflow;
    target->cap -= line.len;
    memmove(target->data + target->cap, line.data, line.len);
    req->body_prefix_len = line.len;
    req->has_body = true;
}
