/**
 * @file hc_port_mock.h
 * @brief A scripted transport for host tests: no network, a virtual clock,
 *        capture of every request byte, and fault injection.
 *
 * Firmware teams link this port into their own host tests (any framework)
 * to test heartbeat code without a network. Each connect() consumes the
 * next entry of the script; the entry says how that connection behaves.
 *
 * Time is virtual: now_ms() returns the mock's clock, which advances only
 * when a call would have waited (a would-block until @c wait_until jumps the
 * clock to @c wait_until), on sleep_ms(), and by the delays in the script.
 * Deadline and back-off tests are therefore exact and take no real time.
 */
#ifndef HC_PORT_MOCK_H
#define HC_PORT_MOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_transport.h"

/** How one scripted connection behaves. Zero-initialise, then set what
 *  matters: the zero value connects at once and answers nothing (as if the
 *  server closed without a response). */
typedef struct hc_mock_conn {
    int32_t connect_result;    /**< 0, or HC_IO_DNS, HC_IO_REFUSED, HC_IO_TLS_VERIFY, ... */
    uint32_t connect_ms;       /**< virtual time connect takes (would-block until then) */
    const uint8_t *response;   /**< bytes the server sends once the whole request
                                    (head and body) has arrived; may be NULL */
    size_t response_len;
    size_t max_read;           /**< most bytes per recv (1 = one byte at a time); 0 = no cap */
    size_t max_write;          /**< most bytes per send; 0 = no cap */
    uint32_t storm;            /**< would-blocks returned before each successful send/recv */
    bool silent;               /**< never answers: recv waits forever */
    bool keep_open;            /**< after the response, recv would-blocks instead of reporting close */
    bool fail_after;           /**< after @c fail_at response bytes, recv returns @c fail_result */
    size_t fail_at;
    int32_t fail_result;       /**< HC_IO_CLOSED (close) or HC_IO_ERROR (reset) */
    bool send_fails;           /**< send returns HC_IO_ERROR (peer reset while sending) */
    uint32_t response_delay_ms; /**< virtual time between request and first response byte */
} hc_mock_conn_t;

/** The mock port's state. Read the capture and counters directly. */
typedef struct hc_mock {
    const hc_mock_conn_t *script;
    size_t n_script;
    size_t next;              /**< script entries consumed (= connect attempts started) */
    const hc_mock_conn_t *cur;/**< connection in use, NULL when closed */
    bool connecting;
    uint32_t connect_done_at;
    uint32_t answer_at;
    bool answering;
    size_t sent_on_conn;      /**< request bytes received on this connection */
    size_t expect_on_conn;    /**< 0, or bytes after which the server answers */
    size_t resp_pos;
    uint32_t storm_left;

    uint32_t now;             /**< virtual clock (ms) */
    uint32_t rng;             /**< xorshift state for random() */
    uint32_t n_connects;      /**< connections established */
    uint32_t n_closes;        /**< close() calls on an open connection */
    uint32_t n_would_block;   /**< would-block results returned */
    uint32_t n_sleeps;
    uint32_t slept_ms;        /**< total virtual time passed in sleep_ms() */

    uint8_t *capture;         /**< every byte sent on any connection, in order */
    size_t capture_cap;
    size_t capture_len;
    bool capture_overflow;
} hc_mock_t;

/**
 * Start a mock over @p script (@p n entries, caller memory that must
 * outlive the mock). When the script runs out, connect() fails with
 * HC_IO_REFUSED. @p capture may be NULL.
 */
void hc_mock_init(hc_mock_t *m, const hc_mock_conn_t *script, size_t n,
                  uint8_t *capture, size_t capture_cap);

/**
 * Tell the mock how many request bytes a connection carries before the
 * server answers (default 0: answer after the request head, i.e. after the
 * first "\r\n\r\n", plus Content-Length bytes when the head has one).
 */
void hc_mock_expect(hc_mock_t *m, size_t request_bytes);

/** A transport over @p m (which must outlive it). */
hc_transport_t hc_mock_transport(hc_mock_t *m);

#endif /* HC_PORT_MOCK_H */
