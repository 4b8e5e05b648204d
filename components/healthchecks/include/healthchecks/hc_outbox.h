/**
 * @file hc_outbox.h
 * @brief The outbox: signals that could not be delivered, kept in caller
 *        memory and sent late, oldest first, once the network is back.
 *
 * A device on a flaky link sends its pings through an outbox. A ping that
 * fails for a reason that may pass — a network error, a timeout, 408, 429
 * or 5xx after the client's retries — is kept; one the server refused for
 * good (any other 4xx, "OK (not found)") is reported, never kept, since it
 * would fail again. Each kept signal has its target, signal, exit status,
 * run id, the moment it happened (the device clock, and the wall clock
 * when the caller gives one) and the last HC_OUTBOX_BODY_MAX bytes of its
 * body.
 *
 * The server cannot be told when a signal happened, so a late ping's body
 * starts with one line saying so, then the body as given:
 * @code
 *   late: happened 2024-05-01T10:00:00Z, 3725 s ago\n      wall clock known
 *   late: happened 3725 s ago\n                            device clock only (same boot)
 *   late: happened 2024-05-01T10:00:00Z\n                  how late is unknown
 *   late: time unknown (queued before a restart)\n          neither
 * @endcode
 * followed, when they apply, by "; N older success pings merged",
 * "; N signals dropped" (the outbox was full) and "; N body bytes cut"
 * before the newline. Lateness comes from the wall clock when it was known
 * both then and now, else from the device clock (the client's transport
 * clock, 32-bit milliseconds: exact for up to 24 days), which means nothing
 * after a restart: restored entries drop it.
 *
 * Rules:
 * - Order: signals leave oldest first; a signal sent through the outbox
 *   while older ones wait goes after them, so an end never reaches the
 *   server before its start.
 * - Coalescing: a success ping replaces the newest kept entry of the same
 *   check when that is a success ping without a run id that closes no kept
 *   start (a backlog of heartbeats is noise; the late line counts them).
 *   Start, fail, log and exit signals, and successes with a run id, are
 *   kept as they are.
 * - Full: the oldest coalescible success goes first, then the oldest
 *   entry; the count is reported by the next delivered late ping
 *   ("; N signals dropped") and by hc_outbox_dropped() until then.
 * - Delivery stops at the first failure that may pass (the rest waits);
 *   an entry the server refuses for good is removed and counted in
 *   hc_outbox_result_t::rejected.
 *
 * Memory: the caller's array of hc_outbox_entry_t, nothing else; an entry
 * is 152 bytes with the default HC_OUTBOX_TARGET_MAX (48) and
 * HC_OUTBOX_BODY_MAX (64), on Cortex-M4 and x86-64 alike: 40 bytes of
 * fields, the target and the body. The late line is written into the
 * client's work buffer, right after the request head, once per request:
 * the work buffer needs room for it (at most HC_OUTBOX_LINE_MAX bytes;
 * 512 bytes hold any UUID ping with the longest line). Persistence: hc_outbox_save() and
 * hc_outbox_restore() move the outbox to and from caller bytes (RTC
 * memory, NVS, a flash page, a file) in a versioned, CRC-checked,
 * little-endian image: 24 bytes plus, per entry, 36 bytes, its target (36
 * for a UUID) and its body.
 *
 * An outbox belongs to one thread or task at a time, like a client.
 *
 * Usage (a device that wakes, pings and sleeps):
 * @code
 *   static hc_outbox_entry_t slots[8];
 *   RTC_DATA_ATTR static uint8_t saved[HC_OUTBOX_IMAGE_MAX(8)];
 *   hc_outbox_t ob;
 *   hc_outbox_init(&ob, slots, 8);
 *   hc_outbox_restore(&ob, saved, sizeof saved);   // nothing saved yet: refused, stays empty
 *   hc_outbox_result_t res;
 *   hc_ping_t ping = { .uuid = "..." };
 *   hc_err_t err = hc_outbox_send(&ob, &client, &ping, &res); // queued ones first
 *   size_t len;
 *   hc_outbox_save(&ob, saved, sizeof saved, &len);
 * @endcode
 */
#ifndef HC_OUTBOX_H
#define HC_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_config.h"
#include "healthchecks/hc_ping.h"

#ifdef __cplusplus
extern "C" {
#endif

#if HC_OUTBOX_TARGET_MAX < 36 || HC_OUTBOX_TARGET_MAX > 100
#error "HC_OUTBOX_TARGET_MAX must hold a UUID (36) and be at most 100"
#endif
#if HC_OUTBOX_BODY_MAX < 0 || HC_OUTBOX_BODY_MAX > 65535
#error "HC_OUTBOX_BODY_MAX must be 0..65535"
#endif

/** The longest late line, newline included: what a late ping needs in the
 *  client's work buffer beside its head and 64 bytes of receive space. */
#define HC_OUTBOX_LINE_MAX 143

/** Bytes of an image of @p n entries with the longest targets and
 *  bodies: size a save buffer with it. */
#define HC_OUTBOX_IMAGE_MAX(n) \
    (24u + (size_t)(n) * (36u + HC_OUTBOX_TARGET_MAX + HC_OUTBOX_BODY_MAX))

/** One kept signal. Caller memory; treat as opaque. */
typedef struct hc_outbox_entry {
    /** @cond INTERNAL */
    int64_t wall_s;            /**< when it happened, UNIX seconds (if known) */
    uint32_t at_ms;            /**< when it happened, device clock (same boot only) */
    uint32_t body_cut;         /**< bytes cut from the head of the body to fit */
    uint16_t body_len;         /**< body bytes kept */
    uint16_t merged;           /**< older success pings merged into this one */
    uint8_t signal;            /**< hc_signal_t */
    uint8_t exit_status;
    uint8_t flags;             /**< what is known: slug, create, rid, wall, same boot */
    uint8_t target_len;
    uint8_t rid[16];           /**< the run id, binary */
    char target[HC_OUTBOX_TARGET_MAX]; /**< UUID or slug, not NUL-terminated */
    uint8_t body[HC_OUTBOX_BODY_MAX > 0 ? HC_OUTBOX_BODY_MAX : 1]; /**< the end of the body */
    /** @endcond */
} hc_outbox_entry_t;

/**
 * A wall clock: sets @p *unix_s to the current UNIX time in seconds.
 * @param[in] ctx the context given to hc_outbox_set_wall_clock().
 * @param[out] unix_s the time.
 * @return false while the time is unknown (before SNTP, say).
 */
typedef bool (*hc_wall_clock_fn)(void *ctx, int64_t *unix_s);

/** What an outbox call did. */
typedef struct hc_outbox_result {
    uint16_t delivered;        /**< kept signals the server recorded */
    uint16_t rejected;         /**< kept signals the server refused for good: removed */
    hc_err_t rejected_error;   /**< why the latest of those was refused */
    uint16_t merged;           /**< kept success pings replaced by this call's ping */
    uint16_t dropped;          /**< entries this call dropped to make room */
    uint16_t waiting;          /**< entries left in the outbox */
    bool sent;                 /**< send: the caller's ping was delivered */
    bool queued;               /**< the caller's ping is kept for later */
    hc_ping_result_t ping;     /**< the latest request's result (zero if none) */
} hc_outbox_result_t;

/** An outbox. Treat as opaque; read it through the accessors. */
typedef struct hc_outbox {
    /** @cond INTERNAL */
    /* The delivery's flags first, where Thumb's short loads and stores
     * reach. */
    bool own_has_wall;
    bool running;              /**< a delivery has begun and not ended */
    bool in_flight;            /**< its request was begun and is being polled */
    uint8_t sending;           /**< what that request carries: slots[0] or own */
    hc_err_t result;           /**< the latest delivery's result */
    uint16_t capacity;
    uint16_t count;            /**< entries kept, oldest at slots[0] */
    hc_outbox_entry_t *slots;
    uint32_t dropped;          /**< entries dropped and not yet reported to the server */
    hc_wall_clock_fn wall_clock;
    void *wall_ctx;
    /* a delivery in progress */
    hc_client_t *client;
    const hc_ping_t *own;      /**< the caller's ping, until sent or kept */
    int64_t own_wall_s;        /**< when the caller's ping happened */
    uint32_t own_ms;
    uint32_t reporting;        /**< drops the entry in flight reports */
    hc_outbox_result_t res;    /**< what the latest delivery did */
    /** @endcond */
} hc_outbox_t;

/**
 * Start an empty outbox over @p slots (caller memory, which must outlive it).
 * @param[out] ob the outbox.
 * @param[in] slots @p n_slots entries; their contents are not read.
 * @param[in] n_slots 1..65535.
 * @return HC_OK, or HC_ERR_ARG.
 */
hc_err_t hc_outbox_init(hc_outbox_t *ob, hc_outbox_entry_t *slots, size_t n_slots);

/**
 * Give the outbox a wall clock, read when a signal happens and when it is
 * delivered; without one, only the device clock dates signals.
 * @param[in,out] ob the outbox.
 * @param[in] fn the clock, or NULL for none.
 * @param[in] ctx passed to @p fn.
 */
void hc_outbox_set_wall_clock(hc_outbox_t *ob, hc_wall_clock_fn fn, void *ctx);

/**
 * Keep @p p for later without sending anything (a device that knows it is
 * offline), by the coalescing and full-outbox rules.
 * @param[in,out] ob the outbox.
 * @param[in] c a client: it validates the ping (a slug needs its ping key)
 *            and its transport's clock dates it.
 * @param[in] p the ping; its body is copied (the last HC_OUTBOX_BODY_MAX
 *            bytes), its method ignored (late pings are POSTs). An
 *            uppercase run id is kept in lowercase.
 * @param[out] out what happened (may be NULL).
 * @return HC_OK; hc_ping_validate()'s refusals; HC_ERR_TOO_LONG for a
 *         slug over HC_OUTBOX_TARGET_MAX; HC_ERR_BUSY during a delivery.
 *         Nothing changes on an error.
 */
hc_err_t hc_outbox_push(hc_outbox_t *ob, const hc_client_t *c, const hc_ping_t *p,
                        hc_outbox_result_t *out);

/**
 * Send @p p after whatever the outbox holds: the kept signals go first,
 * oldest first, each with its late line; then @p p, directly from the
 * caller's memory. When a request fails in a way that may pass, the
 * delivery stops and @p p is kept (unsent, if older ones still wait).
 * Blocking: each request is bounded by the client's deadline, so this
 * takes at most one deadline per kept signal delivered, plus one.
 * @param[in,out] ob the outbox.
 * @param[in,out] c the client.
 * @param[in] p the ping, validated before anything is sent.
 * @param[out] out what happened (may be NULL).
 * @return HC_OK when @p p was delivered; else why not: the error that
 *         stopped the delivery (@p p is then kept: out->queued), the
 *         server's refusal of @p p, or a refusal before anything was sent
 *         (as hc_outbox_push(), nothing changed).
 */
hc_err_t hc_outbox_send(hc_outbox_t *ob, hc_client_t *c, const hc_ping_t *p,
                        hc_outbox_result_t *out);

/**
 * Non-blocking hc_outbox_send(): starts it; hc_outbox_poll() advances it.
 * @p p and its body must stay valid until the poll stops returning
 * HC_IN_PROGRESS.
 * @param[in,out] ob the outbox.
 * @param[in,out] c the client, used until the delivery ends.
 * @param[in] p the ping.
 * @return HC_OK when started; a refusal (nothing changed) otherwise.
 */
hc_err_t hc_outbox_send_begin(hc_outbox_t *ob, hc_client_t *c, const hc_ping_t *p);

/**
 * Deliver what the outbox holds, oldest first, until it is empty or a
 * request fails in a way that may pass. Blocking, one client deadline per
 * request at most.
 * @param[in,out] ob the outbox.
 * @param[in,out] c the client.
 * @param[out] out what happened (may be NULL).
 * @return HC_OK when nothing waits any more (entries the server refused
 *         for good are counted in out->rejected); the error that stopped
 *         the delivery; HC_ERR_BUSY when a delivery is already running;
 *         a local refusal of a kept entry (say HC_ERR_ARG: a slug entry,
 *         and @p c has no ping key), which stops it.
 */
hc_err_t hc_outbox_flush(hc_outbox_t *ob, hc_client_t *c, hc_outbox_result_t *out);

/**
 * Non-blocking hc_outbox_flush(): starts it; hc_outbox_poll() advances it.
 * @param[in,out] ob the outbox.
 * @param[in,out] c the client, used until the delivery ends.
 * @return HC_OK when started (or nothing to send); HC_ERR_BUSY, HC_ERR_ARG,
 *         or the first entry's local refusal.
 */
hc_err_t hc_outbox_flush_begin(hc_outbox_t *ob, hc_client_t *c);

/**
 * Advance the delivery started by hc_outbox_send_begin() or
 * hc_outbox_flush_begin(); never blocks.
 * @param[in,out] ob the outbox.
 * @param[out] out what happened, once the delivery has ended (may be NULL).
 * @return HC_IN_PROGRESS; then what the blocking form returns (repeated
 *         on later calls); HC_ERR_ARG for NULL.
 */
hc_err_t hc_outbox_poll(hc_outbox_t *ob, hc_outbox_result_t *out);

/**
 * Bytes hc_outbox_save() writes for the outbox as it is now.
 * @param[in] ob the outbox.
 * @return the image's length.
 */
size_t hc_outbox_image_size(const hc_outbox_t *ob);

/**
 * Write the outbox into @p buf as an image (see hc_outbox_restore()).
 * Allowed during a delivery: the entry in flight is saved as still kept.
 * @param[in] ob the outbox.
 * @param[out] buf where the image goes.
 * @param[in] cap bytes available at @p buf (HC_OUTBOX_IMAGE_MAX(capacity)
 *            always suffices).
 * @param[out] len the image's length.
 * @return HC_OK; HC_ERR_IMAGE_SPACE when @p cap is too small (nothing
 *         written); HC_ERR_ARG for NULL.
 */
hc_err_t hc_outbox_save(const hc_outbox_t *ob, uint8_t *buf, size_t cap, size_t *len);

/**
 * Replace the outbox's contents with the image in @p buf. The image is
 * checked whole before anything changes: on any error the outbox keeps
 * what it held. Bytes after the image are ignored, so a fixed RTC or flash
 * area may be passed whole. Restored entries no longer know the device
 * clock of the boot that saved them (a wall clock time they carry stays).
 * @param[in,out] ob the outbox.
 * @param[in] buf the image.
 * @param[in] len bytes at @p buf.
 * @return HC_OK; HC_ERR_IMAGE_FOREIGN (no outbox image: another magic, or
 *         never saved); HC_ERR_IMAGE_VERSION (another format version);
 *         HC_ERR_IMAGE_CONFIG (saved with another HC_OUTBOX_TARGET_MAX or
 *         HC_OUTBOX_BODY_MAX); HC_ERR_IMAGE_TRUNCATED (cut short);
 *         HC_ERR_IMAGE_CORRUPT (checksum or content wrong: a torn write);
 *         HC_ERR_IMAGE_CAPACITY (more entries than the outbox has slots);
 *         HC_ERR_BUSY during a delivery; HC_ERR_ARG for NULL.
 */
hc_err_t hc_outbox_restore(hc_outbox_t *ob, const uint8_t *buf, size_t len);

/**
 * Entries kept.
 * @param[in] ob the outbox.
 * @return how many signals wait for delivery.
 */
static inline size_t hc_outbox_count(const hc_outbox_t *ob) { return ob->count; }

/**
 * Entries dropped to make room that no delivered late ping has reported yet.
 * @param[in] ob the outbox.
 * @return the count, reset once a late ping has carried it to the server.
 */
static inline uint32_t hc_outbox_dropped(const hc_outbox_t *ob) { return ob->dropped; }

#ifdef __cplusplus
}
#endif

#endif /* HC_OUTBOX_H */
