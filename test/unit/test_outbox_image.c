/* The outbox's image: its exact byte layout, a round trip, and refusal of
 * every image that is not one whole, matching, intact image: cut at every
 * length, a bit flipped anywhere, foreign, of another version or other
 * configured sizes, more entries than slots, or CRC-valid with impossible
 * content. On every refusal the outbox keeps what it held. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "healthchecks/hc_outbox.h"
#include "hc_mock_client.h"
#include "hc_crc32_ref.h"

#define A "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define B "d29deba8-39c6-497f-84ab-aae78a43cb90"
#define RID "cabd8d03-d637-46e9-b652-805655b43815"
#define KEY "pingkey0123456789abcde"
#define T0 1714557600 /* 2024-05-01T10:00:00Z */

static hc_test_mock_client_t mc;
static hc_mock_conn_t script[8];
static uint8_t capture[8192];
static uint8_t work[512];
static int64_t wall_now;

static bool wall_clock(void *ctx, int64_t *t)
{
    (void)ctx;
    *t = wall_now;
    return wall_now != 0;
}

static void setup_client(size_t deliveries)
{
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
    for (size_t i = 0; i < deliveries; i++) {
        memset(&script[i], 0, sizeof script[i]);
        script[i].response = (const uint8_t *)ok;
        script[i].response_len = sizeof ok - 1;
    }
    memset(capture, 0, sizeof capture);
    hc_test_mock_spec_t spec = { .script = script, .n_script = deliveries, .capture = capture,
                                 .capture_cap = sizeof capture - 1, .work = work,
                                 .work_size = sizeof work, .ping_url = "http://hc.test/ping",
                                 .ping_key = KEY, .max_attempts = 1 };
    assert_int_equal(hc_test_mock_client(&mc, &spec), HC_OK);
}

static void init(hc_outbox_t *ob, hc_outbox_entry_t *slots, size_t n)
{
    assert_int_equal(hc_outbox_init(ob, slots, n), HC_OK);
    hc_outbox_set_wall_clock(ob, wall_clock, NULL);
}

static void push(hc_outbox_t *ob, hc_ping_t p)
{
    assert_int_equal(hc_outbox_push(ob, &mc.client, &p, NULL), HC_OK);
}

static void put32(uint8_t *o, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        o[i] = (uint8_t)(v >> (8 * i));
}

/* Recompute an edited image's CRC (its length field says where it is). */
static void reseal(uint8_t *img)
{
    uint32_t total = (uint32_t)img[8] | (uint32_t)img[9] << 8 | (uint32_t)img[10] << 16 |
                     (uint32_t)img[11] << 24;
    put32(img + total - 4, crc32_ref(img, total - 4));
}

/* An outbox with one of everything an entry can hold. */
static hc_outbox_entry_t rich_slots[6];
static hc_outbox_t rich;
static uint8_t rich_image[HC_OUTBOX_IMAGE_MAX(6)];
static size_t rich_len;

static void make_rich(void)
{
    setup_client(0);
    init(&rich, rich_slots, 6);
    char body[100];
    memset(body, 'b', sizeof body);
    wall_now = T0;
    push(&rich, (hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_START, .rid = RID,
                             .body = (const uint8_t *)"go", .body_len = 2 });
    wall_now = 0;
    mc.mock.now = 5000;
    push(&rich, (hc_ping_t){ .slug = "db_backup-2", .create = true, .signal = HC_SIGNAL_LOG });
    wall_now = T0 + 60;
    push(&rich, (hc_ping_t){ .uuid = B, .signal = HC_SIGNAL_EXIT, .exit_status = 7,
                             .body = (const uint8_t *)body, .body_len = sizeof body });
    push(&rich, (hc_ping_t){ .uuid = B });
    push(&rich, (hc_ping_t){ .uuid = B });
    rich.dropped = 3;
    assert_int_equal(hc_outbox_count(&rich), 4);
    assert_int_equal(hc_outbox_save(&rich, rich_image, sizeof rich_image, &rich_len), HC_OK);
    assert_int_equal(rich_len, hc_outbox_image_size(&rich));
    assert_int_equal(rich_len, 24 + (36 + 36 + 2) + (36 + 11) + (36 + 36 + 64) + (36 + 36));
}

/* What @p ob holds, as its image. */
static size_t snapshot(const hc_outbox_t *ob, uint8_t *buf, size_t cap)
{
    size_t len;
    assert_int_equal(hc_outbox_save(ob, buf, cap, &len), HC_OK);
    return len;
}

/* ---------------------------------------------------------------- tests */

static void test_layout_is_explicit_little_endian(void **state)
{
    (void)state;
#if HC_OUTBOX_TARGET_MAX == 48 && HC_OUTBOX_BODY_MAX == 64
    static const uint8_t expected[98] = {
        'H', 'C', 'O', 'B', 1, 48, 64, 0,          /* magic, version, target and body sizes */
        98, 0, 0, 0, 1, 0, 0, 0,                    /* length, entries, zero */
        0, 0, 0, 0,                                 /* dropped */
        1, 0, 0x0c, 36, 0, 0, 2, 0,                 /* start, exit 0, rid+wall, target length,
                                                       merged, body length */
        0, 0, 0, 0,                                 /* body cut */
        0xa0, 0x12, 0x32, 0x66, 0, 0, 0, 0,         /* 1714557600 */
        0xca, 0xbd, 0x8d, 0x03, 0xd6, 0x37, 0x46, 0xe9, /* the run id */
        0xb6, 0x52, 0x80, 0x56, 0x55, 0xb4, 0x38, 0x15,
        '4', '5', 'c', '9', 'd', '8', '7', 'e', '-', 'c', '6', 'e', '4', '-', '4', '2', 'c',
        '7', '-', 'b', 'a', '1', 'e', '-', '9', '2', '1', 'c', 'f', 'c', '8', '2', '7', '1',
        '2', '1', 'h', 'i',
        0xff, 0x08, 0xdd, 0x38,                     /* zlib.crc32 of all the above */
    };
    setup_client(0);
    hc_outbox_entry_t slots[2];
    hc_outbox_t ob;
    init(&ob, slots, 2);
    wall_now = T0;
    push(&ob, (hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_START, .rid = "CABD8D03-D637-46E9-B652-805655B43815",
                           .body = (const uint8_t *)"hi", .body_len = 2 });
    uint8_t img[HC_OUTBOX_IMAGE_MAX(2)];
    size_t len = snapshot(&ob, img, sizeof img);
    assert_int_equal(len, sizeof expected);
    assert_memory_equal(img, expected, sizeof expected);
    assert_int_equal(crc32_ref((const uint8_t *)"123456789", 9), 0xcbf43926u);
#else
    skip();
#endif
}

static void test_round_trip_keeps_everything_but_the_old_boot_clock(void **state)
{
    (void)state;
    make_rich();
    hc_outbox_entry_t slots[6];
    hc_outbox_t ob;
    init(&ob, slots, 6);
    uint8_t padded[sizeof rich_image + 16];
    memset(padded, 0xee, sizeof padded); /* a fixed area longer than the image */
    memcpy(padded, rich_image, rich_len);
    assert_int_equal(hc_outbox_restore(&ob, padded, sizeof padded), HC_OK);
    assert_int_equal(hc_outbox_count(&ob), 4);
    assert_int_equal(hc_outbox_dropped(&ob), 3);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(slots[i].flags, rich_slots[i].flags & 0x0f);
        assert_int_equal(slots[i].signal, rich_slots[i].signal);
        assert_int_equal(slots[i].merged, rich_slots[i].merged);
        assert_int_equal(slots[i].body_cut, rich_slots[i].body_cut);
        assert_int_equal(slots[i].at_ms, 0);
    }
    uint8_t again[sizeof rich_image];
    assert_int_equal(snapshot(&ob, again, sizeof again), rich_len);
    assert_memory_equal(again, rich_image, rich_len);

    /* delivered after the restart: dated by the wall clock, or not at all */
    setup_client(4);
    wall_now = T0 + 100;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_OK);
    char expected[1024];
    char tail[HC_OUTBOX_BODY_MAX + 1];
    memset(tail, 'b', HC_OUTBOX_BODY_MAX);
    tail[HC_OUTBOX_BODY_MAX] = '\0';
    snprintf(expected, sizeof expected,
             "POST /ping/" A "/start?rid=" RID " HTTP/1.1\r\n|late: happened 2024-05-01T10:00:00Z, "
             "100 s ago; 3 signals dropped\ngo|"
             "POST /ping/" KEY "/db_backup-2/log?create=1 HTTP/1.1\r\n|late: time unknown (queued "
             "before a restart)\n|"
             "POST /ping/" B "/7 HTTP/1.1\r\n|late: happened 2024-05-01T10:01:00Z, 40 s ago; "
             "%d body bytes cut\n%s|"
             "POST /ping/" B " HTTP/1.1\r\n|late: happened 2024-05-01T10:01:00Z, 40 s ago; "
             "1 older success ping merged\n|",
             100 - HC_OUTBOX_BODY_MAX, tail);
    /* each request as "line\r\n|body|" */
    char got[2048] = "";
    const char *p = (const char *)capture;
    for (int n = 0; n < 4; n++) {
        const char *eol = strstr(p, "\r\n"), *head_end = strstr(p, "\r\n\r\n");
        const char *next = strstr(head_end + 4, "POST /");
        size_t body_len = next ? (size_t)(next - head_end - 4) : strlen(head_end + 4);
        strncat(got, p, (size_t)(eol - p) + 2);
        strcat(got, "|");
        strncat(got, head_end + 4, body_len);
        strcat(got, "|");
        p = head_end + 4 + body_len;
    }
    assert_string_equal(got, expected);
    assert_int_equal(hc_outbox_dropped(&ob), 0);

    /* no wall clock now: the date is all there is to say */
    init(&ob, slots, 6);
    assert_int_equal(hc_outbox_restore(&ob, rich_image, rich_len), HC_OK);
    setup_client(1);
    wall_now = 0;
    assert_int_equal(hc_outbox_flush(&ob, &mc.client, NULL), HC_ERR_CONNECT); /* one answer only */
    const char *body = strstr((const char *)capture, "\r\n\r\n");
    assert_non_null(body);
    assert_string_equal(body + 4, "late: happened 2024-05-01T10:00:00Z; 3 signals dropped\ngo");
}

static void test_every_cut_is_refused_and_changes_nothing(void **state)
{
    (void)state;
    make_rich();
    hc_outbox_entry_t slots[6];
    hc_outbox_t ob;
    init(&ob, slots, 6);
    push(&ob, (hc_ping_t){ .uuid = B, .signal = HC_SIGNAL_FAIL });
    uint8_t before[HC_OUTBOX_IMAGE_MAX(6)], after[HC_OUTBOX_IMAGE_MAX(6)];
    size_t before_len = snapshot(&ob, before, sizeof before);
    for (size_t len = 0; len < rich_len; len++) {
        assert_int_equal(hc_outbox_restore(&ob, rich_image, len), HC_ERR_IMAGE_TRUNCATED);
        assert_int_equal(snapshot(&ob, after, sizeof after), before_len);
        assert_memory_equal(after, before, before_len);
    }
    /* a head cut short is truncated, whatever version it says or would say */
    uint8_t later[sizeof rich_image];
    memcpy(later, rich_image, rich_len);
    later[4] = 2;
    for (size_t len = 4; len < 24; len++)
        assert_int_equal(hc_outbox_restore(&ob, later, len), HC_ERR_IMAGE_TRUNCATED);
    assert_int_equal(hc_outbox_restore(&ob, rich_image, rich_len), HC_OK);
    assert_int_equal(hc_outbox_count(&ob), 4);
}

static void test_every_flipped_bit_is_refused_and_changes_nothing(void **state)
{
    (void)state;
    make_rich();
    hc_outbox_entry_t slots[6];
    hc_outbox_t ob;
    init(&ob, slots, 6);
    push(&ob, (hc_ping_t){ .uuid = B, .signal = HC_SIGNAL_FAIL });
    uint8_t before[HC_OUTBOX_IMAGE_MAX(6)], after[HC_OUTBOX_IMAGE_MAX(6)];
    size_t before_len = snapshot(&ob, before, sizeof before);
    static uint8_t img[sizeof rich_image];
    for (size_t i = 0; i < rich_len; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            memcpy(img, rich_image, rich_len);
            img[i] ^= (uint8_t)(1u << bit);
            hc_err_t err = hc_outbox_restore(&ob, img, rich_len);
            if (err == HC_OK)
                print_message("byte %zu bit %u: accepted\n", i, bit);
            assert_int_not_equal(err, HC_OK);
            if (i < 4)
                assert_int_equal(err, HC_ERR_IMAGE_FOREIGN);
            else if (i == 4)
                assert_int_equal(err, HC_ERR_IMAGE_VERSION);
            else if (i < 8)
                assert_int_equal(err, HC_ERR_IMAGE_CONFIG);
            else if (i >= 12)
                assert_int_equal(err, HC_ERR_IMAGE_CORRUPT);
        }
        assert_int_equal(snapshot(&ob, after, sizeof after), before_len);
        assert_memory_equal(after, before, before_len);
    }
}

static void test_foreign_images_are_refused(void **state)
{
    (void)state;
    make_rich();
    hc_outbox_entry_t slots[6];
    hc_outbox_t ob;
    init(&ob, slots, 6);
    uint8_t img[sizeof rich_image];
    memset(img, 0, sizeof img); /* RTC memory at the first boot */
    assert_int_equal(hc_outbox_restore(&ob, img, sizeof img), HC_ERR_IMAGE_FOREIGN);
    memset(img, 0xff, sizeof img); /* an erased flash page */
    assert_int_equal(hc_outbox_restore(&ob, img, sizeof img), HC_ERR_IMAGE_FOREIGN);
    assert_int_equal(hc_outbox_restore(&ob, (const uint8_t *)"HCOX", 4), HC_ERR_IMAGE_FOREIGN);

    memcpy(img, rich_image, rich_len);
    img[4] = 2; /* a later format: its CRC may sit elsewhere, so not even read */
    assert_int_equal(hc_outbox_restore(&ob, img, rich_len), HC_ERR_IMAGE_VERSION);
    memcpy(img, rich_image, rich_len);
    img[6] = 128;
    reseal(img); /* a build with HC_OUTBOX_BODY_MAX 128 */
    assert_int_equal(hc_outbox_restore(&ob, img, rich_len), HC_ERR_IMAGE_CONFIG);
    memcpy(img, rich_image, rich_len);
    img[5] = 100;
    reseal(img);
    assert_int_equal(hc_outbox_restore(&ob, img, rich_len), HC_ERR_IMAGE_CONFIG);
    assert_int_equal(hc_outbox_count(&ob), 0);

    hc_outbox_entry_t few[3];
    init(&ob, few, 3); /* four entries do not fit */
    assert_int_equal(hc_outbox_restore(&ob, rich_image, rich_len), HC_ERR_IMAGE_CAPACITY);
    assert_int_equal(hc_outbox_count(&ob), 0);
    assert_int_equal(hc_outbox_restore(NULL, rich_image, rich_len), HC_ERR_ARG);
    assert_int_equal(hc_outbox_restore(&ob, NULL, 0), HC_ERR_ARG);
}

/* Edit @p at of the rich image to @p v (with a fresh CRC): refused as corrupt. */
static void check_corrupt(size_t at, uint8_t v)
{
    hc_outbox_entry_t slots[6];
    hc_outbox_t ob;
    init(&ob, slots, 6);
    uint8_t img[sizeof rich_image];
    memcpy(img, rich_image, rich_len);
    img[at] = v;
    reseal(img);
    hc_err_t err = hc_outbox_restore(&ob, img, rich_len);
    if (err != HC_ERR_IMAGE_CORRUPT)
        print_message("byte %zu = %u: %s\n", at, v, hc_strerror(err));
    assert_int_equal(err, HC_ERR_IMAGE_CORRUPT);
    assert_int_equal(hc_outbox_count(&ob), 0);
}

static void test_checksummed_nonsense_is_refused(void **state)
{
    (void)state;
    make_rich();
    const size_t e0 = 20, e1 = e0 + 36 + 36 + 2, e2 = e1 + 36 + 11;
    check_corrupt(e0 + 0, 5);           /* no such signal */
    check_corrupt(e0 + 2, 0x1c);        /* an unknown flag */
    check_corrupt(e0 + 2, 0x0e);        /* create on a UUID */
    check_corrupt(e0 + 3, 49);          /* target longer than the configured room */
    check_corrupt(e0 + 3, 35);          /* a UUID of 35 characters */
    check_corrupt(e0 + 36 + 1, 'X');    /* an uppercase UUID */
    check_corrupt(e0 + 6, 65);          /* body longer than the configured room */
    check_corrupt(e0 + 19, 0x7f);       /* a wall clock far past year 9999 */
    check_corrupt(e1 + 36, 'D');        /* a slug with an uppercase letter */
    check_corrupt(e1 + 37, '.');        /* or a dot */
    check_corrupt(e1 + 37, '~');
    check_corrupt(e1 + 3, 49);          /* a slug longer than the configured room */
    check_corrupt(e0 + 7, 1);           /* a body length's high byte counts too */
    check_corrupt(e1 + 3, 0);           /* an empty slug */
    check_corrupt(e2 + 3, 200);         /* an entry running past the end */
    check_corrupt(12, 5);               /* more entries than there are */
    check_corrupt(12, 3);               /* fewer: bytes left over */
    check_corrupt(14, 1);               /* the zero field */
    check_corrupt(15, 1);               /* both its bytes */

    /* shorter than an empty image */
    hc_outbox_entry_t slots[6];
    hc_outbox_t ob;
    init(&ob, slots, 6);
    uint8_t img[sizeof rich_image];
    memcpy(img, rich_image, rich_len);
    put32(img + 8, 23);
    assert_int_equal(hc_outbox_restore(&ob, img, rich_len), HC_ERR_IMAGE_CORRUPT);
    put32(img + 8, 0); /* shorter than its own CRC */
    assert_int_equal(hc_outbox_restore(&ob, img, rich_len), HC_ERR_IMAGE_CORRUPT);

    /* a length over 16 MiB is read whole, not as its low three bytes: the
     * CRC where the short reading would look for it does not make it whole */
    memcpy(img, rich_image, rich_len);
    img[11] = 1;
    put32(img + rich_len - 4, crc32_ref(img, rich_len - 4));
    assert_int_equal(hc_outbox_restore(&ob, img, rich_len), HC_ERR_IMAGE_TRUNCATED);

    /* damaged and too big for the outbox: the damage is what is reported */
    hc_outbox_entry_t few[3];
    init(&ob, few, 3);
    memcpy(img, rich_image, rich_len);
    img[e2] = 5;
    reseal(img);
    assert_int_equal(hc_outbox_restore(&ob, img, rich_len), HC_ERR_IMAGE_CORRUPT);
    assert_int_equal(hc_outbox_count(&ob), 0);
}

/* Restore from a heap copy of exactly @p len bytes, so that AddressSanitizer
 * sees any read past the image. */
static hc_err_t restore_exact(hc_outbox_t *ob, const uint8_t *img, size_t len)
{
    uint8_t *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, img, len);
    hc_err_t err = hc_outbox_restore(ob, copy, len);
    free(copy);
    return err;
}

/* An entry that claims more than the image holds is refused without reading
 * past the image's end. */
static void test_entries_past_the_end_are_refused_unread(void **state)
{
    (void)state;
    make_rich();
    const size_t e3 = 20 + (36 + 36 + 2) + (36 + 11) + (36 + 36 + 64);
    hc_outbox_entry_t slots[6];
    hc_outbox_t ob;
    init(&ob, slots, 6);
    uint8_t img[sizeof rich_image];

    memcpy(img, rich_image, rich_len);
    img[12] = 5; /* one entry more than there is */
    reseal(img);
    assert_int_equal(restore_exact(&ob, img, rich_len), HC_ERR_IMAGE_CORRUPT);

    memcpy(img, rich_image, rich_len);
    img[e3 + 2] |= 0x01; /* the last target read as a slug ... */
    img[e3 + 3] = HC_OUTBOX_TARGET_MAX; /* ... longer than what is left */
    reseal(img);
    assert_int_equal(restore_exact(&ob, img, rich_len), HC_ERR_IMAGE_CORRUPT);
    assert_int_equal(hc_outbox_count(&ob), 0);
    assert_int_equal(restore_exact(&ob, rich_image, rich_len), HC_OK);
}

/* A whole, checksummed image of one entry whose body is one byte longer
 * than this build keeps: refused, not copied past the slot. */
static void test_a_body_longer_than_the_room_is_refused(void **state)
{
    (void)state;
    setup_client(0);
    hc_outbox_entry_t slots[2];
    hc_outbox_t ob;
    init(&ob, slots, 2);
    wall_now = 0;
    char body[HC_OUTBOX_BODY_MAX];
    memset(body, 'b', sizeof body);
    push(&ob, (hc_ping_t){ .uuid = A, .body = (const uint8_t *)body, .body_len = sizeof body });
    uint8_t img[HC_OUTBOX_IMAGE_MAX(2) + 1];
    size_t len = snapshot(&ob, img, sizeof img);
    assert_int_equal(len, 24 + 36 + 36 + HC_OUTBOX_BODY_MAX);
    size_t body_len = HC_OUTBOX_BODY_MAX + 1;
    img[len - 4] = 'b'; /* the extra byte where the CRC was */
    img[20 + 6] = (uint8_t)body_len;
    img[20 + 7] = (uint8_t)(body_len >> 8);
    put32(img + 8, (uint32_t)len + 1);
    reseal(img);
    hc_outbox_entry_t other[2];
    hc_outbox_t fresh;
    init(&fresh, other, 2);
    assert_int_equal(hc_outbox_restore(&fresh, img, len + 1), HC_ERR_IMAGE_CORRUPT);
    assert_int_equal(hc_outbox_count(&fresh), 0);
}

/* Counts at their largest and the last second a line can date come back
 * whole; a wall clock field the flags say is unset is not read at all. */
static void test_extremes_round_trip(void **state)
{
    (void)state;
    setup_client(1);
    hc_outbox_entry_t slots[2], copy_slots[2];
    hc_outbox_t ob, copy;
    init(&ob, slots, 2);
    init(&copy, copy_slots, 2);
    wall_now = 253402300799; /* 9999-12-31T23:59:59Z */
    push(&ob, (hc_ping_t){ .uuid = A });
    slots[0].merged = UINT16_MAX;     /* as many as can be counted, */
    slots[0].body_cut = UINT32_MAX;   /* the way the outbox's own tests reach them */
    ob.dropped = UINT32_MAX;
    uint8_t img[HC_OUTBOX_IMAGE_MAX(2)], again[HC_OUTBOX_IMAGE_MAX(2)];
    size_t len = snapshot(&ob, img, sizeof img);
    assert_int_equal(hc_outbox_restore(&copy, img, len), HC_OK);
    assert_int_equal(snapshot(&copy, again, sizeof again), len);
    assert_memory_equal(again, img, len);
    assert_int_equal(hc_outbox_flush(&copy, &mc.client, NULL), HC_OK);
    const char *body = strstr((const char *)capture, "\r\n\r\n");
    assert_non_null(body);
    assert_string_equal(body + 4, "late: happened 9999-12-31T23:59:59Z, 0 s ago; 65535 older "
                                  "success pings merged; 4294967295 signals dropped; "
                                  "4294967295 body bytes cut\n");

    /* no wall clock when it happened: whatever the field holds is ignored */
    init(&ob, slots, 2);
    wall_now = 0;
    push(&ob, (hc_ping_t){ .uuid = A });
    len = snapshot(&ob, img, sizeof img);
    assert_int_equal(img[20 + 2] & 0x08, 0);
    memset(img + 20 + 12, 0xff, 8);
    reseal(img);
    assert_int_equal(hc_outbox_restore(&copy, img, len), HC_OK);
    setup_client(1);
    assert_int_equal(hc_outbox_flush(&copy, &mc.client, NULL), HC_OK);
    body = strstr((const char *)capture, "\r\n\r\n");
    assert_non_null(body);
    assert_string_equal(body + 4, "late: time unknown (queued before a restart)\n");
}

/* An image refused for an entry after the first leaves every kept entry
 * as it was, not just the count. */
static void test_a_bad_later_entry_changes_nothing(void **state)
{
    (void)state;
    make_rich();
    hc_outbox_entry_t slots[6];
    hc_outbox_t ob;
    init(&ob, slots, 6);
    push(&ob, (hc_ping_t){ .uuid = B, .signal = HC_SIGNAL_FAIL });
    push(&ob, (hc_ping_t){ .uuid = A, .signal = HC_SIGNAL_LOG });
    uint8_t before[HC_OUTBOX_IMAGE_MAX(6)], after[HC_OUTBOX_IMAGE_MAX(6)];
    size_t before_len = snapshot(&ob, before, sizeof before);
    uint8_t img[sizeof rich_image];
    memcpy(img, rich_image, rich_len);
    const size_t e3 = 20 + (36 + 36 + 2) + (36 + 11) + (36 + 36 + 64);
    img[e3] = 5; /* the last entry's signal: no such signal */
    reseal(img);
    assert_int_equal(hc_outbox_restore(&ob, img, rich_len), HC_ERR_IMAGE_CORRUPT);
    assert_int_equal(snapshot(&ob, after, sizeof after), before_len);
    assert_memory_equal(after, before, before_len);
}

/* More than 255 entries: the count is two bytes, and its high byte is no
 * part of the zero field after it. */
static void test_hundreds_of_entries_round_trip(void **state)
{
    (void)state;
    enum { N = 300 };
    static hc_outbox_entry_t slots[N], copy_slots[N];
    static uint8_t img[HC_OUTBOX_IMAGE_MAX(N)], again[HC_OUTBOX_IMAGE_MAX(N)];
    hc_outbox_t ob, copy;
    setup_client(0);
    init(&ob, slots, N);
    init(&copy, copy_slots, N);
    for (size_t i = 0; i < N; i++)
        push(&ob, (hc_ping_t){ .uuid = i % 2 ? A : B, .signal = HC_SIGNAL_LOG });
    size_t len = snapshot(&ob, img, sizeof img);
    assert_int_equal(img[12], N % 256);
    assert_int_equal(img[13], N / 256);
    assert_int_equal(hc_outbox_restore(&copy, img, len), HC_OK);
    assert_int_equal(hc_outbox_count(&copy), N);
    assert_int_equal(snapshot(&copy, again, sizeof again), len);
    assert_memory_equal(again, img, len);
}

/* The shortest slug, one character, is a target like any other. */
static void test_one_character_slug_round_trips(void **state)
{
    (void)state;
    setup_client(0);
    hc_outbox_entry_t slots[2], copy_slots[2];
    hc_outbox_t ob, copy;
    init(&ob, slots, 2);
    init(&copy, copy_slots, 2);
    push(&ob, (hc_ping_t){ .slug = "a", .signal = HC_SIGNAL_FAIL });
    uint8_t img[HC_OUTBOX_IMAGE_MAX(2)], again[HC_OUTBOX_IMAGE_MAX(2)];
    size_t len = snapshot(&ob, img, sizeof img);
    assert_int_equal(len, 24 + 36 + 1);
    assert_int_equal(hc_outbox_restore(&copy, img, len), HC_OK);
    assert_int_equal(hc_outbox_count(&copy), 1);
    assert_int_equal(snapshot(&copy, again, sizeof again), len);
    assert_memory_equal(again, img, len);
}

static void test_save_needs_room(void **state)
{
    (void)state;
    make_rich();
    uint8_t img[sizeof rich_image];
    size_t len = 0;
    memset(img, 0x5a, sizeof img);
    assert_int_equal(hc_outbox_save(&rich, img, rich_len - 1, &len), HC_ERR_IMAGE_SPACE);
    for (size_t i = 0; i < sizeof img; i++)
        assert_int_equal(img[i], 0x5a); /* nothing written */
    assert_int_equal(len, 0);
    assert_int_equal(hc_outbox_save(&rich, img, rich_len, &len), HC_OK);
    assert_int_equal(len, rich_len);
    assert_memory_equal(img, rich_image, rich_len);
    for (size_t i = rich_len; i < sizeof img; i++)
        assert_int_equal(img[i], 0x5a); /* nothing past the image */
    assert_int_equal(hc_outbox_save(NULL, img, sizeof img, &len), HC_ERR_ARG);
    assert_int_equal(hc_outbox_save(&rich, NULL, sizeof img, &len), HC_ERR_ARG);
    assert_int_equal(hc_outbox_save(&rich, img, sizeof img, NULL), HC_ERR_ARG);

    /* HC_OUTBOX_IMAGE_MAX holds a full outbox of the longest entries */
    setup_client(0);
    hc_outbox_entry_t slots[3];
    hc_outbox_t ob;
    init(&ob, slots, 3);
    char slug[HC_OUTBOX_TARGET_MAX + 1], body[HC_OUTBOX_BODY_MAX + 1];
    memset(body, 'x', sizeof body);
    for (char c = 'a'; c < 'd'; c++) {
        memset(slug, c, HC_OUTBOX_TARGET_MAX);
        slug[HC_OUTBOX_TARGET_MAX] = '\0';
        push(&ob, (hc_ping_t){ .slug = slug, .signal = HC_SIGNAL_LOG,
                               .body = (const uint8_t *)body, .body_len = sizeof body });
    }
    uint8_t full[HC_OUTBOX_IMAGE_MAX(3)];
    assert_int_equal(hc_outbox_save(&ob, full, sizeof full, &len), HC_OK);
    assert_int_equal(len, sizeof full);
    hc_outbox_t copy;
    hc_outbox_entry_t copy_slots[3];
    init(&copy, copy_slots, 3);
    assert_int_equal(hc_outbox_restore(&copy, full, len), HC_OK);
    assert_int_equal(hc_outbox_count(&copy), 3);

    /* an empty outbox saves and restores too */
    init(&ob, slots, 3);
    assert_int_equal(hc_outbox_save(&ob, full, sizeof full, &len), HC_OK);
    assert_int_equal(len, 24);
    assert_int_equal(hc_outbox_restore(&copy, full, len), HC_OK);
    assert_int_equal(hc_outbox_count(&copy), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_is_explicit_little_endian),
        cmocka_unit_test(test_round_trip_keeps_everything_but_the_old_boot_clock),
        cmocka_unit_test(test_every_cut_is_refused_and_changes_nothing),
        cmocka_unit_test(test_every_flipped_bit_is_refused_and_changes_nothing),
        cmocka_unit_test(test_foreign_images_are_refused),
        cmocka_unit_test(test_checksummed_nonsense_is_refused),
        cmocka_unit_test(test_entries_past_the_end_are_refused_unread),
        cmocka_unit_test(test_a_body_longer_than_the_room_is_refused),
        cmocka_unit_test(test_one_character_slug_round_trips),
        cmocka_unit_test(test_extremes_round_trip),
        cmocka_unit_test(test_hundreds_of_entries_round_trip),
        cmocka_unit_test(test_a_bad_later_entry_changes_nothing),
        cmocka_unit_test(test_save_needs_room),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
