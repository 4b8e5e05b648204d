/**
 * @file hc_trap.h
 * @brief Run wrapper: monitor one run of a job with a start ping, the tail
 *        of its output, and a final ping carrying its outcome.
 *
 * The C counterpart of a Python `with CheckTrap(check):` block. Every ping
 * of a run carries the same run id. The job's output goes into a ring in
 * caller memory that keeps the last N bytes, N being the smaller of the
 * ring and the server's Ping-Body-Limit (learned from the start ping); when
 * bytes were dropped, the body starts with a marker saying how many.
 *
 * A failed or slow start ping never stops the job: hc_trap_open() returns
 * within the client's deadline whatever happens, and the run goes on.
 *
 * @code
 * hc_trap_t run;
 * hc_trap_config_t cfg;
 * hc_trap_config_defaults(&cfg);
 * cfg.uuid = CHECK_UUID;
 * cfg.ring = tail;                  // the last bytes of output go here
 * cfg.ring_size = sizeof tail;
 * hc_trap_open(&run, &client, &cfg);            // start ping
 * int code = run_the_job(&run);                 // calls hc_trap_log()
 * hc_trap_close(&run, code);                    // final ping with the tail
 * @endcode
 */
#ifndef HC_TRAP_H
#define HC_TRAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_ping.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the final ping says for an outcome. */
typedef enum hc_trap_action {
    HC_TRAP_SUCCESS,    /**< success ping */
    HC_TRAP_FAIL,       /**< /fail */
    HC_TRAP_LOG,        /**< /log: record the output, change nothing */
    HC_TRAP_EXIT_CODE,  /**< /EXIT_CODE (0..255) */
    HC_TRAP_NOTHING     /**< send no final ping */
} hc_trap_action_t;

/** The exit code to pass to hc_trap_close() when the job could not be run. */
#define HC_TRAP_EXEC_FAILED (-1)

/** How a run is reported. Zero-initialise, then hc_trap_config_defaults(). */
typedef struct hc_trap_config {
    const char *uuid;             /**< the check, by UUID ... */
    const char *slug;             /**< ... or by slug (ping key from the client) */
    bool create;                  /**< slug: create the check if missing */
    bool start_ping;              /**< send a start ping (default true) */
    bool use_rid;                 /**< one fresh run id, on every ping of the run
                                       (default true; left out when the transport
                                       has no randomness) */
    hc_trap_action_t on_success;  /**< exit code 0 (default HC_TRAP_SUCCESS) */
    hc_trap_action_t on_nonzero;  /**< exit code 1..255 (default HC_TRAP_EXIT_CODE) */
    hc_trap_action_t on_exec_fail;/**< could not run (default HC_TRAP_FAIL) */
    uint8_t *ring;                /**< output tail storage, or NULL for no body */
    size_t ring_size;             /**< bytes at @c ring */
    size_t body_limit;            /**< extra cap on the body; 0 = none */
} hc_trap_config_t;

/** One run. Opaque. */
typedef struct hc_trap {
    /** @cond INTERNAL */
    hc_client_t *client;
    /* The run's state first, where Thumb's short loads and stores reach. */
    hc_err_t start_result;        /* outcome of the start ping */
    bool pending;                 /* a ping begun by an *_begin call is in flight */
    hc_err_t result;              /* its latest result */
    size_t head;                  /* ring index of the next write */
    size_t len;                   /* bytes held in the ring */
    uint64_t total;               /* bytes ever appended */
    hc_trap_config_t cfg;
    hc_ping_t ping;               /* the final ping, kept while it is sent */
    char rid[37];
    /** @endcond */
} hc_trap_t;

/**
 * Fill a run's configuration with the defaults named in hc_trap_config_t.
 * @param[out] cfg overwritten entirely
 */
void hc_trap_config_defaults(hc_trap_config_t *cfg);

/**
 * Open a run: make the run id and send the start ping (blocking, bounded
 * by the client's deadline). The run goes on whatever this returns.
 * @param[out]    t   the run
 * @param[in,out] c   the client the run's pings go through; must outlive
 *                    the run, and run no other request until it is closed
 *                    (between the pings it is free)
 * @param[in]     cfg copied; the ring it points to must outlive the run
 * @return the start ping's result (HC_OK when delivered, or when start
 *         pings are off); HC_ERR_ARG for a bad target (checked first, and
 *         then nothing is sent for the whole run).
 */
hc_err_t hc_trap_open(hc_trap_t *t, hc_client_t *c, const hc_trap_config_t *cfg);

/**
 * Open a run without blocking: starts the start ping; drive it with
 * hc_trap_poll().
 * @param[out]    t   the run
 * @param[in,out] c   the client, as for hc_trap_open()
 * @param[in]     cfg copied; the ring it points to must outlive the run
 * @return HC_OK when started (or nothing to send); HC_ERR_ARG for a bad
 *         target; or the ping's refusal (as hc_ping_send_begin()).
 */
hc_err_t hc_trap_open_begin(hc_trap_t *t, hc_client_t *c, const hc_trap_config_t *cfg);

/**
 * Give the run its output ring after hc_trap_open(), for a caller that
 * sizes it from what the start ping learned (the server's Ping-Body-Limit)
 * rather than up front. Replaces the ring and ring_size given in the
 * config.
 * @param[in,out] t    the run
 * @param[in]     ring @p size bytes; must outlive the run
 * @param[in]     size its size (0: no body)
 * @return HC_OK; HC_ERR_ARG when output was already logged (it would be
 *         lost), or @p ring is NULL with a non-zero @p size.
 */
hc_err_t hc_trap_set_ring(hc_trap_t *t, uint8_t *ring, size_t size);

/**
 * Append job output to the tail ring; the oldest bytes give way. Never
 * blocks, never fails. Not while the final ping is in flight: its body is
 * sent straight from the ring, which hc_trap_close() rotated in place.
 * @param[in,out] t    the run
 * @param[in]     data @p len bytes of output; NULL takes nothing (and
 *                     counts nothing, whatever @p len says)
 * @param[in]     len  how many
 */
void hc_trap_log(hc_trap_t *t, const void *data, size_t len);

/**
 * Close the run: send the final ping the mapping chooses for @p exit_code,
 * with the output tail as its body, retried within the client's deadline.
 * Blocking.
 * @param[in,out] t         the run
 * @param[in]     exit_code 0..255, or HC_TRAP_EXEC_FAILED
 * @return the final ping's result; HC_OK also when the mapping says
 *         HC_TRAP_NOTHING.
 */
hc_err_t hc_trap_close(hc_trap_t *t, int exit_code);

/**
 * Close the run without blocking: starts the final ping; drive it with
 * hc_trap_poll().
 * @param[in,out] t         the run
 * @param[in]     exit_code 0..255, or HC_TRAP_EXEC_FAILED
 * @return HC_OK when started (or nothing to send); HC_ERR_BUSY while the
 *         start ping is still in flight (poll it to its end first); or the
 *         ping's refusal.
 */
hc_err_t hc_trap_close_begin(hc_trap_t *t, int exit_code);

/**
 * Advance the ping started by hc_trap_open_begin() or
 * hc_trap_close_begin(); never blocks.
 * @param[in,out] t the run
 * @return HC_IN_PROGRESS, or that ping's result (repeated on later calls);
 *         the refusal of a _begin call that did not start; HC_ERR_ARG for
 *         NULL or a zeroed run that was never opened.
 */
hc_err_t hc_trap_poll(hc_trap_t *t);

/**
 * Bytes of output dropped from the head so far.
 * @param[in] t the run
 * @return bytes appended minus bytes kept
 */
uint64_t hc_trap_cut(const hc_trap_t *t);

#ifdef __cplusplus
}
#endif

#endif /* HC_TRAP_H */
