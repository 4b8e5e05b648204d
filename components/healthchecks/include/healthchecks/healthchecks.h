/**
 * @file healthchecks.h
 * @brief The whole library in one include, and its version.
 *
 * @mainpage healthchecks-c
 *
 * A Healthchecks.io client for microcontrollers and small Linux systems:
 * the Pinging API (success, start, fail, log and exit-status pings), the
 * Management API (checks, pings, flips, integrations, badges, status) and a
 * run wrapper that reports one run of a job. It allocates nothing and has
 * no global state; the HTTP/1.1 engine does no I/O, and a transport port
 * moves the bytes.
 *
 * Where to start:
 *  - hc_client.h: configure a client (hc_config_defaults(), hc_client_init());
 *  - hc_ping.h: send pings (hc_ping_send());
 *  - hc_trap.h: report a run of a job (hc_trap_open(), hc_trap_close());
 *  - hc_api.h: the Management API (hc_api_init(), hc_api_list_checks(), ...);
 *  - hc_transport.h: the contract a transport port implements;
 *  - the ports: hc_port_posix.h, hc_port_lwip_sockets.h,
 *    hc_port_lwip_raw.h, hc_port_mbedtls.h, hc_port_esp_idf.h, and
 *    hc_port_mock.h for tests.
 *
 * The conventions below hold for every function; the functions' own
 * documentation does not repeat them.
 *
 * @section conv_memory Memory and ownership
 *
 * The library never allocates. Every object (hc_client_t, hc_api_t,
 * hc_trap_t, the engine's hc_http_t, ...) is a struct the caller provides:
 * static, global, or on a stack that lives long enough. Structs documented
 * as opaque are read only through their functions; their size is public so
 * that the caller can provide them.
 *
 * Memory passed in is borrowed, never copied, unless the function says it
 * copies it:
 *  - what a configuration points to (URLs, keys, headers, transports, the
 *    work buffer) must outlive the object it configures;
 *  - what a call that starts an operation points to (a ping and its body,
 *    a list's items, a ping body's buffer) must stay valid and unchanged
 *    until the operation has ended;
 *  - what a function returns a pointer into (hc_client_text(),
 *    hc_api_error(), hc_ping_result_t::text) belongs to the object and is
 *    valid until its next request begins.
 *
 * A value that does not fit its field is cut and flagged (the @c truncated
 * masks and flags); a response that does not fit is an error with its own
 * code. Nothing is lost silently.
 *
 * @section conv_blocking Blocking, begin and poll
 *
 * Every operation that talks to the server comes in two forms:
 *  - hc_X() blocks: it starts the operation and waits for its end, bounded
 *    by the client's deadline (hc_ping_send(), hc_api_get_check(),
 *    hc_trap_open(), ...);
 *  - hc_X_begin() only starts it and returns at once; nothing is sent yet
 *    (hc_ping_send_begin(), hc_api_get_check_begin(), hc_trap_open_begin(),
 *    ...). The module's hc_M_poll() (hc_ping_poll(), hc_api_poll(),
 *    hc_trap_poll()) then advances it, never blocking, until it returns
 *    something other than HC_IN_PROGRESS: its result.
 *
 * The two forms share every line of protocol code; a main loop without
 * threads uses the second, a task that may wait uses the first. A client
 * runs one operation at a time: starting another meanwhile is refused with
 * HC_ERR_BUSY, and the running one goes on. hc_client_abort() abandons it.
 *
 * @section conv_deadlines Deadlines and retries
 *
 * Each attempt has a connect timeout, an I/O timeout (the longest wait
 * without progress) and a request timeout; all attempts together, with
 * their back-off, have the deadline (hc_config_t). Failed attempts are
 * retried on network errors, 408, 429 and 5xx, with exponential back-off
 * and jitter, as long as the deadline allows. A blocking call returns by
 * the deadline, give or take one transport call; a heartbeat never hangs
 * the job it reports on. Clock values are the transport's milliseconds and
 * wrap at 2^32; hc_time_reached() compares them.
 *
 * @section conv_errors Errors
 *
 * Every call that can fail returns an hc_err_t; HC_OK and HC_IN_PROGRESS
 * are not errors, and hc_strerror() names every code. A call refused before
 * anything is sent (a malformed UUID, a value with CR or LF, a request that
 * does not fit) sends nothing and changes nothing else. When the server
 * answered, its status and the first bytes of its answer stay readable
 * (hc_client_status(), hc_client_text(), hc_api_error()).
 *
 * @section conv_threads One owner, no callbacks after return
 *
 * A client, and the API session or run that uses it, belongs to one thread
 * or task at a time; the library takes no locks. Two clients share nothing,
 * so a program may run as many as it has memory for. Callbacks (a list's
 * @c each, a body sink) run only inside the library call the caller made
 * (a poll, a wait, a blocking form), never after it has returned, and must
 * not call back into the same client.
 *
 * @section conv_config Configuration
 *
 * Sizes the library keeps in its own structs are compile-time limits in
 * hc_config.h (override them with -D, or through Kconfig on ESP-IDF); all
 * other memory is the caller's. Runtime settings are in hc_config_t.
 * A ping-only build (HC_WITH_MANAGEMENT=0) leaves out the Management API
 * and its JSON layer.
 *
 * @section conv_states The states of a request
 *
 * @dotfile hc_client_states.dot "The states of a request in the client"
 */
#ifndef HC_HEALTHCHECKS_H
#define HC_HEALTHCHECKS_H

/** Major version: incompatible changes of the API. */
#define HC_VERSION_MAJOR 0
/** Minor version: additions that keep the API compatible. */
#define HC_VERSION_MINOR 1
/** Patch version: fixes only. */
#define HC_VERSION_PATCH 0
/** The version as text, "MAJOR.MINOR.PATCH". */
#define HC_VERSION_STRING "0.1.0"

/** Whether the Management API is part of this build: 0 in a ping-only
 *  library (the build defines it so; it must match the library's). */
#ifndef HC_WITH_MANAGEMENT
#define HC_WITH_MANAGEMENT 1
#endif

#include "healthchecks/hc_config.h"
#include "healthchecks/hc_error.h"
#include "healthchecks/hc_transport.h"
#include "healthchecks/hc_buf.h"
#include "healthchecks/hc_url.h"
#include "healthchecks/hc_http.h"
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_ping.h"
#include "healthchecks/hc_trap.h"
#if HC_WITH_MANAGEMENT
#include "healthchecks/hc_jscan.h"
#include "healthchecks/hc_jstream.h"
#include "healthchecks/hc_json.h"
#include "healthchecks/hc_jwrite.h"
#include "healthchecks/hc_objects.h"
#include "healthchecks/hc_api.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Every declaration is in the headers above, each with its own guard. */

#ifdef __cplusplus
}
#endif

#endif /* HC_HEALTHCHECKS_H */
