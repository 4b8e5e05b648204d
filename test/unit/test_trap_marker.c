/* The trap's "[hc: N bytes cut]" marker and hc_buf_put_i64(), which count
 * and format without a 64-bit division (32-bit firmware would link
 * libgcc's __aeabi_uldivmod for one). Both are checked against a
 * reference built on the C library: the marker against the original
 * two-round digit-count algorithm with snprintf, over every total up to
 * 1,200 bytes (all digit-count changes of the count and of the marker) and
 * beyond 4 GiB; the formatting against "%lld" over edge and random values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hc_test_assert.h"
#include "healthchecks/hc_buf.h"
#include "healthchecks/hc_trap.h"
#include "hc_mock_client.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define OK "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
#define BIG_PIECE ((size_t)1 << 20)

static hc_test_mock_client_t mc;
static uint8_t work[512];
static uint8_t capture[4096];
static char pattern[BIG_PIECE];  /* 'a' to 'z' over and over: filled once */

static void setup_client(void)
{
    static const hc_mock_conn_t script[1] = {
        { .response = (const uint8_t *)OK, .response_len = sizeof OK - 1 },
    };
    const hc_test_mock_spec_t spec = {
        .script = script, .n_script = 1, .capture = capture, .capture_cap = sizeof capture,
        .work = work, .work_size = sizeof work, .ping_url = "http://hc.test", .max_attempts = 1,
    };
    assert_err(hc_test_mock_client(&mc, &spec), HC_OK);
}

/* The body of the request the mock captured (it is text here). */
static const char *sent_body(void)
{
    static char text[512];
    const char *body = hc_test_sent_body(&mc.mock, text, sizeof text);
    assert_non_null(body);
    return body;
}

static int fill_pattern(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (char)('a' + i % 26u);
    return 0;
}

static size_t ref_digits(uint64_t v)
{
    size_t n = 1;
    while (v >= 10u) {
        v /= 10u;
        n++;
    }
    return n;
}

/* The body the trap sent before this change: the last @p cap bytes of
 * @p out (@p total bytes logged, the tail in @p tail), the marker taking
 * its room from the kept bytes. */
static void ref_body(char *dst, size_t dst_size, const char *tail, size_t tail_len,
                     uint64_t total, size_t cap)
{
    if (total <= cap) {
        snprintf(dst, dst_size, "%.*s", (int)tail_len, tail);
        return;
    }
    size_t fixed = strlen("[hc: ") + strlen(" bytes cut]\n");
    size_t mark = fixed + 1;
    for (int round = 0; round < 2; round++)
        mark = fixed + ref_digits(total - (cap > mark ? cap - mark : 0));
    size_t keep = cap > mark ? cap - mark : cap;
    const char *kept = tail + tail_len - keep;
    if (keep < cap)
        snprintf(dst, dst_size, "[hc: %llu bytes cut]\n%.*s",
                 (unsigned long long)(total - keep), (int)keep, kept);
    else
        snprintf(dst, dst_size, "%.*s", (int)keep, kept);
}

/* Logs @p total bytes of a repeating pattern in pieces of @p piece bytes
 * into a ring of @p ring_size, finishes, and compares with ref_body(). */
static void check_marker(uint64_t total, size_t ring_size, size_t piece)
{
    static uint8_t ring[64];
    static char tail[64];
    static char want[256];
    assert_true(ring_size <= sizeof ring && piece <= sizeof pattern);
    setup_client();
    hc_trap_config_t tc;
    hc_trap_config_defaults(&tc);
    tc.uuid = UUID;
    tc.use_rid = false;
    tc.start_ping = false;
    tc.ring = ring;
    tc.ring_size = ring_size;
    hc_trap_t t;
    assert_err(hc_trap_open(&t, &mc.client, &tc), HC_OK);
    uint64_t logged = 0;
    while (logged < total) {
        size_t n = total - logged < piece ? (size_t)(total - logged) : piece;
        hc_trap_log(&t, pattern, n);
        logged += n;
    }
    /* The ring's content, oldest first: the last bytes of the last pieces. */
    size_t tail_len = total < ring_size ? (size_t)total : ring_size;
    for (size_t i = 0; i < tail_len; i++) {
        uint64_t pos = total - tail_len + i;   /* offset in the whole output */
        tail[i] = pattern[(size_t)(pos % piece)];
    }
    assert_int_equal(hc_trap_cut(&t), total - tail_len);
    assert_err(hc_trap_close(&t, 0), HC_OK);
    ref_body(want, sizeof want, tail, tail_len, total, ring_size);
    assert_string_equal(sent_body(), want);
}

static void test_marker_matches_reference_up_to_1200(void **state)
{
    (void)state;
    /* In a 30-byte ring the count crosses 9/10, 99/100 and 999/1000
     * digits, where the two rounds of the marker length matter. */
    for (uint64_t total = 1; total <= 1200; total++)
        check_marker(total, 30, 26);
    /* Rings too small for any marker keep the plain tail, and so do rings
     * the marker would fill exactly (19 bytes for a two-digit count, 20 for
     * three, 21 for four): a body of nothing but a marker says less. */
    for (size_t ring = 1; ring <= 21; ring++) {
        check_marker(50, ring, 26);
        check_marker(500, ring, 26);
        check_marker(5000, ring, 26);
    }
}

static void test_marker_beyond_4_gib(void **state)
{
    (void)state;
    /* 5 GB in 1 MiB pieces: each piece copies only a ring-full. */
    const uint64_t five_gb = 5000000000u;
    check_marker(five_gb, 64, BIG_PIECE);
    check_marker(((uint64_t)1 << 32) + 7, 64, BIG_PIECE);
}

static void check_i64(int64_t v)
{
    char want[32], mem[32];
    snprintf(want, sizeof want, "%lld", (long long)v);
    hc_buf_t b;
    hc_buf_init(&b, mem, sizeof mem);
    hc_buf_put_i64(&b, v);
    assert_true(hc_buf_ok(&b));
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(mem, want, b.len);
}

static void test_i64_matches_printf(void **state)
{
    (void)state;
    /* Around every power of ten and of two, where the 16-bit steps of the
     * long division carry. */
    uint64_t p10 = 1;
    for (int i = 0; i < 19; i++, p10 *= 10u) {
        for (int64_t d = -2; d <= 2; d++) {
            check_i64((int64_t)p10 + d);
            check_i64(-((int64_t)p10 + d));
        }
    }
    for (int i = 0; i < 63; i++) {
        int64_t p2 = (int64_t)((uint64_t)1 << i);
        for (int64_t d = -1; d <= 1; d++) {
            check_i64(p2 + d);
            check_i64(-(p2 + d));
        }
    }
    check_i64(INT64_MAX);
    check_i64(INT64_MIN);
    check_i64(INT64_MIN + 1);
    uint64_t x = 0x9e3779b97f4a7c15u;  /* a fixed LCG: same values every run */
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        check_i64((int64_t)x);
        check_i64((int64_t)(x >> (i % 64)));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marker_matches_reference_up_to_1200),
        cmocka_unit_test(test_marker_beyond_4_gib),
        cmocka_unit_test(test_i64_matches_printf),
    };
    return cmocka_run_group_tests(tests, fill_pattern, NULL);
}
