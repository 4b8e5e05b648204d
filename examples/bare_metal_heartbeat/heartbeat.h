/**
 * @file heartbeat.h
 * @brief A heartbeat for a superloop: a success ping every interval,
 *        never blocking the loop.
 *
 * Two layers of retry. Within one ping the client retries network errors
 * and 5xx answers itself (3 attempts, back-off 1 s doubling to 8 s, all
 * within 30 s). When a ping fails even so, the heartbeat tries again after
 * @c retry_min_ms, doubling each time up to the interval, and returns to
 * the regular cadence after the first ping that gets through.
 */
#ifndef HEARTBEAT_H
#define HEARTBEAT_H

#include <stdbool.h>
#include <stdint.h>
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_ping.h"

/** What to ping and how often. The strings must outlive the heartbeat. */
typedef struct hb_settings {
    const char *ping_url;    /**< ping base, e.g. "http://hc-ping.com" */
    const char *check_uuid;  /**< the check's UUID */
    uint32_t interval_ms;    /**< one ping per interval */
    uint32_t retry_min_ms;   /**< first retry after a failed ping */
} hb_settings_t;

/** Heartbeat state; all of it lives here (make it static). */
typedef struct heartbeat {
    hb_settings_t settings;
    hc_client_t client;
    hc_ping_t ping;
    uint8_t work[512];       /**< the client's work buffer: enough for any ping */
    bool busy;               /**< a ping is in flight */
    uint32_t started_at;     /**< when the current or last ping began */
    uint32_t next_due;       /**< when the next ping begins */
    uint32_t retry_delay;    /**< wait after the next failure */
    uint32_t sent, delivered, failed;
    hc_err_t last_result;
} heartbeat_t;

/**
 * Set up @p hb to ping through @p tp (which must outlive it). The first
 * ping is due at once.
 * @return HC_OK, or HC_ERR_ARG for missing settings or a malformed UUID
 *         (nothing is sent).
 */
hc_err_t heartbeat_init(heartbeat_t *hb, const hb_settings_t *settings,
                        const hc_transport_t *tp);

/** One turn of the superloop: start a ping when due, or advance the one
 *  in flight. Never blocks. */
void heartbeat_poll(heartbeat_t *hb);

#endif /* HEARTBEAT_H */
