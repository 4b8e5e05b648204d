/**
 * @file hc_port_mock.h
 * @brief A scripted transport for host tests: no network, a virtual clock,
 *        capture of every request byte, and fault injection.
 *
 * Firmware teams link this port into their own host tests (Unity, cmocka,
 * anything) to test heartbeat code without a network. It uses no heap and
 * builds for any target, so the same tests can also run on the device.
 *
 * Each connect() consumes the next entry of a script (an array of
 * hc_mock_conn_t the test owns); the entry says how that connection
 * behaves. The mock "server" answers once it has received the whole
 * request, then closes; a connection told to stay open answers every
 * further request with the same response. Entries are read at each call,
 * so a test may change one between calls (clear @c keep_open to have a
 * kept-alive connection go stale).
 *
 * Time is virtual. now_ms() returns the mock's clock, which moves only
 * when a call has to wait, on sleep_ms(), and never on its own:
 * - a call that has nothing to do before its @c wait_until jumps the clock
 *   to @c wait_until and returns HC_IO_WOULD_BLOCK, as if it had waited;
 * - a call that would succeed at a moment before its @c wait_until (a slow
 *   connect, a delayed response) jumps the clock to that moment and
 *   succeeds;
 * - a would-block storm returns HC_IO_WOULD_BLOCK at once and leaves the
 *   clock alone, like a spurious wake-up; each storm costs the caller
 *   polls, never time.
 * A non-blocking driver passes @c wait_until == now, so the clock does not
 * move under it. Deadline and back-off tests are exact and take no real
 * time.
 *
 * Usage (a test of code that sends one ping):
 * @code
 *   static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK";
 *   const hc_mock_conn_t script[] = {
 *       { .connect_result = HC_IO_REFUSED },              // first try fails
 *       { .response = (const uint8_t *)ok,                // retry answers,
 *         .response_len = sizeof ok - 1, .max_read = 1 }, // one byte a time
 *   };
 *   uint8_t capture[1024];
 *   hc_mock_t mock;
 *   hc_mock_init(&mock, script, 2, capture, sizeof capture);
 *   hc_transport_t t = hc_mock_transport(&mock);
 *
 *   run_code_under_test(&t);
 *
 *   assert(mock.next == 2 && mock.n_connects == 1);
 *   assert(strcmp(mock.last_host, "hc-ping.com") == 0);
 *   assert(memcmp(capture + mock.capture_conn_start, "HEAD /", 6) == 0);
 *   assert(mock.slept_ms > 0);                            // it backed off
 * @endcode
 */
#ifndef HC_PORT_MOCK_H
#define HC_PORT_MOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_config.h"
#include "healthchecks/hc_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How one scripted connection behaves. Zero-initialise, then set what
 *  matters: the zero value connects at once, takes the request and closes
 *  without a response. */
typedef struct hc_mock_conn {
    /** Result of connect: 0, or a negative hc_io such as HC_IO_DNS,
     *  HC_IO_REFUSED, HC_IO_TIMEOUT, HC_IO_TLS or HC_IO_TLS_VERIFY. */
    int32_t connect_result;
    /** Virtual time connect takes before it reports its result; until then
     *  it would-blocks (a slow connect, or a slow DNS failure). */
    uint32_t connect_ms;
    /** Bytes the server sends once the whole request has arrived; may be
     *  NULL. Caller memory that must outlive the mock. */
    const uint8_t *response;
    size_t response_len;           /**< length of @c response */
    /** Virtual time between the end of the request and the first response
     *  byte. */
    uint32_t response_delay_ms;
    size_t max_read;               /**< most bytes per recv (1 = byte by byte); 0 = no cap */
    size_t max_write;              /**< most bytes per send (1 = byte by byte); 0 = no cap */
    /** Would-blocks returned before every successful send and recv. */
    uint32_t storm;
    /** The server never answers: recv would-blocks for ever. */
    bool silent;
    /** After the response, recv would-blocks instead of reporting the
     *  close, and each further request on the connection is answered with
     *  @c response again (a server keeping the connection alive; a request
     *  sent before the previous response was read restarts it). */
    bool keep_open;
    /** Once @c fail_at response bytes were delivered, recv returns
     *  @c fail_result: a close or reset inside the head or the body. */
    bool fail_after;
    size_t fail_at;                /**< response bytes delivered before the failure */
    int32_t fail_result;           /**< HC_IO_CLOSED when 0, or e.g. HC_IO_ERROR */
    /** Once @c send_fail_at request bytes were accepted, send returns
     *  HC_IO_ERROR (the peer reset the connection while we were sending). */
    bool send_fails;
    size_t send_fail_at;           /**< request bytes accepted before the failure */
} hc_mock_conn_t;

/** The mock port's state. Tests read the capture, counters and clock
 *  directly; the fields marked private are the mock's own. */
typedef struct hc_mock {
    const hc_mock_conn_t *script;  /**< private */
    size_t n_script;               /**< private */
    size_t expect;                 /**< private: see hc_mock_expect() */

    /* the connection in use (private, but for @c cur) */
    const hc_mock_conn_t *cur;     /**< script entry in use; NULL when no connection is open or opening */
    bool connecting;               /**< connect started, result not yet reported */
    bool answering;                /**< a whole request has arrived and is being answered */
    bool head_done;                /**< the current request's empty line has arrived */
    uint32_t connect_done_at;      /**< when the pending connect reports */
    uint32_t answer_at;            /**< when the first response byte is ready */
    size_t sent_on_conn;           /**< request bytes accepted on this connection */
    size_t request_len;            /**< bytes on the connection at the end of the current request; 0 = not yet known */
    size_t content_length;         /**< Content-Length of this request's head */
    char line[32];                 /**< start of the request head line being received */
    size_t line_len;               /**< bytes in @c line */
    size_t resp_pos;               /**< response bytes delivered */
    uint32_t storm_left;           /**< would-blocks still due before the next success */

    /* observable state */
    uint32_t now;                  /**< virtual clock (ms); tests may set it */
    uint32_t rng;                  /**< xorshift32 state for random(); tests may reseed (non-zero) */
    bool no_random;                /**< set to make random() report -1 (no entropy) */
    size_t next;                   /**< script entries consumed (= connect attempts started) */
    uint32_t n_connects;           /**< connections established */
    uint32_t n_closes;             /**< close() calls, including those with nothing open */
    uint32_t n_would_block;        /**< would-block results returned by any call */
    uint32_t n_sleeps;             /**< sleep_ms() calls */
    uint32_t slept_ms;             /**< virtual time passed in sleep_ms() */
    char last_host[HC_HOST_MAX];   /**< host of the latest connect (cut to fit) */
    uint16_t last_port;            /**< port of the latest connect */

    uint8_t *capture;              /**< every byte sent on any connection, in order */
    size_t capture_cap;            /**< size of @c capture */
    size_t capture_len;            /**< bytes stored in @c capture */
    size_t capture_conn_start;     /**< offset in @c capture where the latest connection's bytes begin */
    bool capture_overflow;         /**< bytes were sent that did not fit in a non-NULL @c capture */
} hc_mock_t;

/**
 * Start a mock. The clock starts at 0 and the random generator at a fixed
 * seed, so every run is the same. When the script runs out, connect()
 * fails with HC_IO_REFUSED.
 *
 * @param[out] m           the mock
 * @param[in]  script      @p n entries, one per connection; caller memory
 *                         that must outlive the mock (read at each call)
 * @param[in]  n           entries in @p script
 * @param[out] capture     buffer receiving every byte sent, or NULL. Bytes
 *                         that do not fit are dropped and
 *                         @c capture_overflow is set.
 * @param[in]  capture_cap size of @p capture.
 */
void hc_mock_init(hc_mock_t *m, const hc_mock_conn_t *script, size_t n,
                  uint8_t *capture, size_t capture_cap);

/**
 * Tell the mock how many bytes each request carries, from the next request
 * on: the server answers once that many have arrived.
 * @param[in,out] m             the mock
 * @param[in]     request_bytes the count; 0 (the default) means: the
 *                              request head up to its first empty line
 *                              ("\r\n\r\n"), plus the Content-Length the
 *                              head gives (matched case-insensitively; none
 *                              means no body).
 */
void hc_mock_expect(hc_mock_t *m, size_t request_bytes);

/**
 * A transport over a mock. Send and recv on a closed or still connecting
 * mock return HC_IO_ERROR.
 * @param[in] m the mock; must outlive the transport
 * @return the transport, to copy into hc_config_t (by address)
 */
hc_transport_t hc_mock_transport(hc_mock_t *m);

#ifdef __cplusplus
}
#endif

#endif /* HC_PORT_MOCK_H */
