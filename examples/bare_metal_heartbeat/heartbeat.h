/**
 * @file heartbeat.h
 * @brief A heartbeat for a superloop: a success ping every interval,
 *        never blocking the loop.
 *
 * Each interval is one cycle. In its plainest form a cycle is a success
 * ping. With @c with_start it is a run: a start ping, then a success ping
 * with the same run id (Healthchecks shows the time between them). With a
 * @c report callback, a log ping carrying the text it writes follows the
 * success ping, on the same connection. A connection lives for one cycle
 * at most: it is closed after the start ping (the device's work comes
 * between start and success) and when the cycle ends.
 *
 * Two layers of retry. Within one ping the client retries network errors
 * and 5xx answers itself (3 attempts, back-off 1 s doubling to 8 s, within
 * the deadline). A failed start ping does not stop the run: the success
 * ping is sent anyway. When the success ping fails, the heartbeat tries
 * again after @c retry_min_ms, doubling each time up to the interval, and
 * returns to the regular cadence after the first cycle that gets through.
 */
#ifndef HEARTBEAT_H
#define HEARTBEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_ping.h"

struct heartbeat;

/**
 * Writes the body of a cycle's log ping.
 * @param[in]  arg  the settings' @c report_arg.
 * @param[in]  hb   the heartbeat, its run id in @c rid.
 * @param[out] buf  where the text goes.
 * @param[in]  size bytes available at @p buf.
 * @return bytes written (0 sends no log ping).
 */
typedef size_t (*hb_report_fn)(void *arg, const struct heartbeat *hb, char *buf, size_t size);

/** What to ping and how often. The strings must outlive the heartbeat. */
typedef struct hb_settings {
    const char *ping_url;    /**< ping base, e.g. "https://hc-ping.com" */
    const char *check_uuid;  /**< the check's UUID */
    uint32_t interval_ms;    /**< one cycle per interval */
    uint32_t retry_min_ms;   /**< first retry after a failed cycle */
    bool with_start;         /**< each cycle is a run: start, then success */
    hb_report_fn report;     /**< a log ping after the success ping; or NULL */
    void *report_arg;
    uint32_t connect_timeout_ms; /**< DNS + connect + TLS handshake; 0: the client's 5 s */
    uint32_t deadline_ms;    /**< one ping with its retries; 0: the client's 30 s */
} hb_settings_t;

/** The ping of a cycle in flight. */
typedef enum hb_step { HB_IDLE, HB_START, HB_SUCCESS, HB_LOG } hb_step_t;

/** Heartbeat state; all of it lives here (make it static). */
typedef struct heartbeat {
    hb_settings_t settings;
    hc_client_t client;
    hc_ping_t ping;
    uint8_t work[512];       /**< the client's work buffer: enough for any ping */
    char rid[37];            /**< run id of the current cycle ("" without start) */
    char report[256];        /**< the log ping's body */
    hb_step_t step;          /**< the ping in flight, HB_IDLE between cycles */
    bool busy;               /**< a ping is in flight */
    uint32_t started_at;     /**< when the current or last cycle began */
    uint32_t next_due;       /**< when the next cycle begins */
    uint32_t retry_delay;    /**< wait after the next failure */
    uint32_t sent, delivered, failed; /**< pings */
    uint32_t cycles;         /**< cycles ended */
    hc_err_t last_result;
} heartbeat_t;

/**
 * Set up @p hb to ping through @p tp (http://) and @p tls (https://, may
 * be NULL), which must outlive it. The first cycle is due at once.
 * @param[out] hb       the heartbeat.
 * @param[in]  settings what to ping (copied; its strings are not).
 * @param[in]  tp       the plain transport.
 * @param[in]  tls      the TLS transport, or NULL.
 * @return HC_OK, or HC_ERR_ARG for missing settings, a malformed UUID or
 *         a bad timeout (nothing is sent).
 */
hc_err_t heartbeat_init(heartbeat_t *hb, const hb_settings_t *settings,
                        const hc_transport_t *tp, const hc_transport_t *tls);

/**
 * One turn of the superloop: start a cycle when due, or advance the ping
 * in flight. Never blocks.
 * @param[in,out] hb the heartbeat.
 */
void heartbeat_poll(heartbeat_t *hb);

#endif /* HEARTBEAT_H */
