/* Fuzz target: a ping body's way to the caller (hc_api_get_ping_body) over
 * the mock port; the input is everything the server sends on the first
 * connection (a retry gets a fixed answer). The body is fetched twice on fresh sessions: streamed to a
 * callback (blocking driver), which may stop the transfer after a number
 * of bytes as `hc ping-body --max-bytes` does, and into a buffer of a
 * capacity (polling driver); the stop, the capacity and how the bytes
 * trickle in follow from a hash of the input.
 *
 * Checked: the promises every call keeps at its end (fuzz_api_env.h); the
 * callback never gets an empty piece, nor any byte of a non-2xx body; the
 * buffer never holds more than its capacity and its count says what it
 * holds; and the two ways agree. While the body fits the buffer, both end
 * the same way with the same bytes; a body longer than the buffer is
 * HC_ERR_BODY_TOO_LARGE, never cut silently, and what the buffer got is
 * the body's beginning; a stopped stream ends with the callback's error
 * and only the bytes it took. */
#include "fuzz_api_env.h"

#define STREAM_CAP (1u << 16)  /* above any input the fuzzer is given */

typedef struct stream {
    uint8_t *bytes;      /* STREAM_CAP */
    size_t kept;
    size_t stop_at;      /* 0: never stop */
    bool stopped;
    size_t calls;
    const hc_client_t *client;
} stream_t;

static hc_err_t take(void *ctx, const uint8_t *data, size_t len)
{
    stream_t *s = ctx;
    uint16_t status = hc_client_response(s->client)->status;
    FUZZ_CHECK(len > 0);
    FUZZ_CHECK(status >= 200 && status <= 299);
    FUZZ_CHECK(!s->stopped);  /* an error stops the transfer for good */
    s->calls++;
    if (s->stop_at && len > s->stop_at - s->kept) {
        len = s->stop_at - s->kept;
        s->stopped = true;
    }
    FUZZ_CHECK(s->kept + len <= STREAM_CAP);
    memcpy(s->bytes + s->kept, data, len);
    s->kept += len;
    return s->stopped ? HC_ERR_BODY_TOO_LARGE : HC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_api_env_t env;
    static stream_t stream;
    static uint8_t *buf;
    if (!stream.bytes) {
        stream.bytes = malloc(STREAM_CAP);
        buf = malloc(STREAM_CAP);
        FUZZ_CHECK(stream.bytes && buf);
    }
    uint32_t h = fuzz_hash(data, size);
    uint8_t *response = fuzz_dup(data, size);

    /* Streamed, blocking. A retry gets a fixed answer, the same in both
     * runs: the input is parsed once per run. */
    fuzz_api_env_init(&env, response, size, h, fuzz_api_max_read(h), FUZZ_RETRY_FIXED);
    stream.kept = stream.calls = 0;
    stream.stopped = false;
    stream.stop_at = (h >> 12) % 4u == 0 ? 1u + (h >> 14) % 256u : 0;
    stream.client = &env.client;
    hc_bytes_t streamed = { .each = take, .ctx = &stream };
    FUZZ_CHECK(hc_api_get_ping_body_begin(&env.api, FUZZ_API_UUID, 7, &streamed) == HC_OK);
    hc_err_t a = hc_api_wait(&env.api);
    fuzz_api_check_end(&env, a);
    uint16_t a_status = hc_client_status(&env.client);
    FUZZ_CHECK(stream.stopped == (a == HC_ERR_BODY_TOO_LARGE));
    FUZZ_CHECK(streamed.len >= stream.kept);  /* counted as offered */
    if (a_status && (a_status < 200 || a_status > 299))
        FUZZ_CHECK(stream.calls == 0);
    hc_client_close(&env.client);

    /* Into a buffer, polling. */
    size_t cap = (h >> 22) % (size + 17u);
    fuzz_api_env_init(&env, response, size, h, fuzz_api_max_read(h), FUZZ_RETRY_FIXED);
    hc_bytes_t buffered = { .buf = buf, .cap = cap };
    FUZZ_CHECK(hc_api_get_ping_body_begin(&env.api, FUZZ_API_UUID, 7, &buffered) == HC_OK);
    hc_err_t b = fuzz_api_poll_to_end(&env);
    fuzz_api_check_end(&env, b);
    FUZZ_CHECK(buffered.len <= cap);
    hc_client_close(&env.client);

    /* What both got agrees as far as both went. */
    size_t common = stream.kept < buffered.len ? stream.kept : buffered.len;
    FUZZ_CHECK(common == 0 || memcmp(stream.bytes, buf, common) == 0);
    if (!stream.stopped) {
        if (stream.kept <= cap) {
            FUZZ_CHECK(b == a);
            FUZZ_CHECK(buffered.len == stream.kept);
            FUZZ_CHECK(hc_client_status(&env.client) == a_status);
        } else {
            FUZZ_CHECK(b == HC_ERR_BODY_TOO_LARGE);
        }
    }
    if (b == HC_OK)
        FUZZ_CHECK(!stream.stopped || buffered.len >= stream.kept);
    free(response);
    return 0;
}
