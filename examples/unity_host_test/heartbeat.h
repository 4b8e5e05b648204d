/**
 * @file heartbeat.h
 * @brief A firmware's heartbeat: ping a Healthchecks check on a schedule
 *        from the main loop, and back off when pings fail. Never blocks.
 *
 * This is the module under test in this example: the kind of code a
 * firmware team writes on top of the library, and tests on the host with
 * Unity and the library's mock transport (test_heartbeat.c).
 */
#ifndef HEARTBEAT_H
#define HEARTBEAT_H

#include <stdbool.h>
#include <stdint.h>
#include "healthchecks/hc_ping.h"

/** When to ping. */
typedef struct heartbeat_config {
    const char *uuid;        /**< the check */
    uint32_t interval_ms;    /**< from one delivered ping to the next */
    uint32_t retry_ms;       /**< wait after the first failed ping; doubles per failure */
    uint32_t retry_max_ms;   /**< longest wait after failures */
} heartbeat_config_t;

/** The heartbeat's state. Read the counters; change nothing. */
typedef struct heartbeat {
    heartbeat_config_t cfg;
    hc_client_t *client;
    hc_ping_t ping;           /**< the ping in flight */
    hc_ping_result_t result;  /**< the latest ping's outcome */
    char body[24];            /**< "seq=<n>", sent as the ping's body */
    bool sending;             /**< a ping is in flight */
    uint32_t next_at;         /**< when the next ping is due (ms) */
    uint32_t backoff_ms;      /**< the current wait after failures; 0 while healthy */
    uint32_t seq;             /**< pings started */
    uint32_t delivered;       /**< pings the server recorded */
    uint32_t failures;        /**< failed pings in a row */
    hc_err_t last_error;      /**< why the latest ping failed (HC_OK after a success) */
} heartbeat_t;

/**
 * Start a heartbeat; its first ping is due at once.
 * @param[out] hb     the heartbeat.
 * @param[in]  client a client with a transport, owned by the heartbeat
 *                    from now on (one request at a time).
 * @param[in]  cfg    copied; the UUID string must outlive @p hb.
 * @param[in]  now_ms the board's millisecond clock.
 */
void heartbeat_init(heartbeat_t *hb, hc_client_t *client, const heartbeat_config_t *cfg,
                    uint32_t now_ms);

/**
 * One turn of the main loop: start the ping that is due, or move the one
 * in flight forward. Returns at once, whatever the network does.
 * @param[in,out] hb     the heartbeat.
 * @param[in]     now_ms the board's millisecond clock.
 */
void heartbeat_poll(heartbeat_t *hb, uint32_t now_ms);

#endif /* HEARTBEAT_H */
