/* See tgt_support.h. */
#include "tgt_support.h"

#include <string.h>
#include "unity.h"

hc_test_mock_client_t tgt_mc;
hc_api_t tgt_api;
uint8_t tgt_capture[TGT_CAPTURE_SIZE + 1];  /* + the NUL of tgt_sent() */
static uint8_t work[1024];
static char elem[2048];
static jsmntok_t tok[80];

const tgt_fixture_t *tgt_fixture(const char *name)
{
    for (size_t i = 0; i < tgt_fixture_count; i++)
        if (strcmp(tgt_fixtures[i].name, name) == 0)
            return &tgt_fixtures[i];
    TEST_FAIL_MESSAGE(name);
    return NULL;
}

hc_mock_conn_t tgt_answer(const tgt_fixture_t *f)
{
    hc_mock_conn_t c;
    memset(&c, 0, sizeof c);
    c.response = f->data;
    c.response_len = f->len;
    return c;
}

void tgt_setup_mem(const hc_mock_conn_t *script, size_t n, uint8_t max_attempts, size_t elem_size)
{
    TEST_ASSERT_TRUE(elem_size <= sizeof elem);
    memset(tgt_capture, 0, sizeof tgt_capture);
    const hc_test_mock_spec_t spec = {
        .script = script, .n_script = n, .capture = tgt_capture, .capture_cap = TGT_CAPTURE_SIZE,
        .work = work, .work_size = sizeof work, .ping_url = "http://hc.test/ping",
        .ping_key = TGT_PING_KEY, .api_url = "http://hc.test/api", .api_key = TGT_API_KEY,
        .max_attempts = max_attempts,
    };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_test_mock_client(&tgt_mc, &spec));
    const hc_api_mem_t mem = { elem, elem_size, tok, sizeof tok / sizeof tok[0] };
    TEST_ASSERT_EQUAL_INT(HC_OK, hc_api_init(&tgt_api, &tgt_mc.client, &mem));
}

void tgt_setup(const hc_mock_conn_t *script, size_t n, uint8_t max_attempts)
{
    tgt_setup_mem(script, n, max_attempts, sizeof elem);
}

hc_err_t tgt_api_poll_to_end(void)
{
    for (unsigned i = 0; i < TGT_POLL_LIMIT; i++) {
        hc_err_t r = hc_api_poll(&tgt_api);
        if (r != HC_IN_PROGRESS)
            return r;
        tgt_mc.mock.now++;
    }
    TEST_FAIL_MESSAGE("the call did not end");
    return HC_ERR_TIMEOUT;
}

const char *tgt_sent(void)
{
    TEST_ASSERT_FALSE(tgt_mc.mock.capture_overflow);
    tgt_capture[tgt_mc.mock.capture_len] = '\0';
    return (const char *)tgt_capture;
}
