/* Fuzz target: outbox images (hc_outbox_restore), the bytes a device reads
 * back from RTC memory, NVS, flash or a file, which may be torn, foreign or
 * from another build.
 *
 * The first input byte says how to take the rest: as it is (even), or
 * resealed first (odd: its length field and CRC-32 made to match, so the
 * fuzzer gets past the checksum it cannot forge, to the entries behind it).
 * The image is restored into an outbox that already holds one entry.
 * Checked: a refused image leaves that outbox exactly as it was (its saved
 * image is the same before and after); an accepted one saves back to the
 * very bytes it was read from, and every entry it holds is then delivered
 * over the mock port as a POST, one connection per entry, the outbox empty
 * at the end. */
#include "fuzz_common.h"

#include "healthchecks/hc_outbox.h"
#include "hc_port_mock.h"
#include "hc_crc32_ref.h"

#define SLOTS 8
#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"

static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";

static void put32(uint8_t *o, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        o[i] = (uint8_t)(v >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = size - 1;
    uint8_t *img = fuzz_dup(data + 1, len);
    if ((data[0] & 1u) && len >= 24) {
        put32(img + 8, (uint32_t)len);
        put32(img + len - 4, crc32_ref(img, len - 4));
    }

    static hc_mock_conn_t script[SLOTS];
    static uint8_t capture[SLOTS * 1024], work[512];
    for (size_t i = 0; i < SLOTS; i++) {
        memset(&script[i], 0, sizeof script[i]);
        script[i].response = (const uint8_t *)ok;
        script[i].response_len = sizeof ok - 1;
    }
    hc_mock_t mock;
    hc_mock_init(&mock, script, SLOTS, capture, sizeof capture);
    hc_transport_t tp = hc_mock_transport(&mock);
    hc_config_t cfg;
    hc_config_defaults(&cfg);
    cfg.ping_url = "http://hc.test/ping";
    cfg.ping_key = "pingkey0123456789abcde";
    cfg.transport = &tp;
    cfg.work = work;
    cfg.work_size = sizeof work;
    cfg.max_attempts = 1;
    hc_client_t client;
    FUZZ_CHECK(hc_client_init(&client, &cfg) == HC_OK);

    static hc_outbox_entry_t slots[SLOTS];
    hc_outbox_t ob;
    FUZZ_CHECK(hc_outbox_init(&ob, slots, SLOTS) == HC_OK);
    hc_ping_t held = { .uuid = UUID, .signal = HC_SIGNAL_FAIL };
    FUZZ_CHECK(hc_outbox_push(&ob, &client, &held, NULL) == HC_OK);
    static uint8_t before[HC_OUTBOX_IMAGE_MAX(SLOTS)], after[HC_OUTBOX_IMAGE_MAX(SLOTS)];
    size_t before_len, after_len;
    FUZZ_CHECK(hc_outbox_save(&ob, before, sizeof before, &before_len) == HC_OK);

    hc_err_t err = hc_outbox_restore(&ob, img, len);
    FUZZ_CHECK(hc_outbox_save(&ob, after, sizeof after, &after_len) == HC_OK);
    if (err != HC_OK) {
        FUZZ_CHECK(err >= HC_ERR_IMAGE_FOREIGN && err <= HC_ERR_IMAGE_CAPACITY);
        FUZZ_CHECK(after_len == before_len && memcmp(after, before, before_len) == 0);
    } else {
        FUZZ_CHECK(after_len <= len && memcmp(after, img, after_len) == 0);
        size_t kept = hc_outbox_count(&ob);
        hc_outbox_result_t res;
        FUZZ_CHECK(hc_outbox_flush(&ob, &client, &res) == HC_OK);
        FUZZ_CHECK(res.delivered == kept && hc_outbox_count(&ob) == 0);
        /* one connection per entry (a body may well contain "POST /ping/") */
        FUZZ_CHECK(mock.n_connects == kept && !mock.capture_overflow);
        FUZZ_CHECK(kept == 0 || memcmp(capture, "POST /ping/", 11) == 0);
    }
    free(img);
    return 0;
}
