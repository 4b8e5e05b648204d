/**
 * @file hc_test_server.h
 * @brief Start and stop the local Healthchecks test server from a C test.
 *
 * The server is test/server/hc_test_server.py (see its docstring for the
 * whole behaviour). hc_test_server_start() runs it as a child process on a
 * free loopback port, with a fresh temporary directory in which it records
 * every request it receives as NNNN.http (1-based, the exact bytes of the
 * request line, headers and body). Requests under /_test/ (the server's
 * control API) are never recorded.
 *
 * The seeded state below is fixed: POST /_test/reset brings it back, and
 * also empties the record directory.
 *
 * Test code only: it forks, execs, uses the heap and libc freely.
 * HC_TEST_PYTHON, HC_TEST_SERVER_PY and HC_TEST_FIXTURES are set by
 * test/CMakeLists.txt.
 */
#ifndef HC_TEST_SERVER_H
#define HC_TEST_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- Seeded state (mirrors the constants in hc_test_server.py) ---------- */

/** Read-write API key of the test project. */
#define HC_TEST_RW_KEY "hcw_0123456789abcdef0123456789ab"
/** Read-only API key of the test project. */
#define HC_TEST_RO_KEY "hcr_0123456789abcdef0123456789ab"
/** Ping key of the test project (for slug URLs). */
#define HC_TEST_PING_KEY "pingkey0123456789abcde"
/** Keys of the second project, which owns HC_TEST_CHECK_OTHER only. */
#define HC_TEST_OTHER_RW_KEY "hcw_fedcba9876543210fedcba987654"
#define HC_TEST_OTHER_RO_KEY "hcr_fedcba9876543210fedcba987654"
#define HC_TEST_OTHER_PING_KEY "otherkey0123456789abcd"

/** The test project's two integrations (GET channels/ lists them in this order). */
#define HC_TEST_CHANNEL_EMAIL "c586f7b2-14f5-457a-8712-3377b09aab32" /* "Ops email", kind email */
#define HC_TEST_CHANNEL_SLACK "51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c" /* "Slack alerts", kind slack */

/** "Database Backup": timeout 86400, grace 1200, both integrations, status new. */
#define HC_TEST_CHECK_BACKUP "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define HC_TEST_CHECK_BACKUP_NAME "Database Backup"
#define HC_TEST_CHECK_BACKUP_SLUG "database-backup"
#define HC_TEST_CHECK_BACKUP_TAGS "production db"
#define HC_TEST_CHECK_BACKUP_UNIQUE_KEY "df14bf3280973f9c90f7bffc8188edf411f57858"

/** "Nightly Report": cron "15 5 * * *" in UTC, grace 300, tags "cron reports". */
#define HC_TEST_CHECK_CRON "d29deba8-39c6-497f-84ab-aae78a43cb90"
#define HC_TEST_CHECK_CRON_SLUG "nightly-report"
#define HC_TEST_CHECK_CRON_SCHEDULE "15 5 * * *"
#define HC_TEST_CHECK_CRON_TZ "UTC"
#define HC_TEST_CHECK_CRON_UNIQUE_KEY "93479b778f23d6627611c26d6b15d865b0351431"

/** "dup one" and "dup two" share a slug: pinging it by slug gives 409. */
#define HC_TEST_CHECK_DUP1 "595dd31c-aff6-4f75-a6a8-444b3ca96fd2"
#define HC_TEST_CHECK_DUP2 "c4b9d3d7-dac7-4da6-9af9-2de46b5f036d"
#define HC_TEST_DUP_SLUG "dup"

/** "Paused Job": paused; tags "production". A ping un-pauses it. */
#define HC_TEST_CHECK_PAUSED "3852da5a-8da3-42b9-a9a6-88eae1cabba1"
#define HC_TEST_CHECK_PAUSED_SLUG "paused-job"

/** The second project's check: the first project's key gets 403 for it. */
#define HC_TEST_CHECK_OTHER "2ae5287a-32c4-4280-9397-7ac0515bf82f"

/** Checks the test project starts with (plus N with --generate N, named gen-0001..). */
#define HC_TEST_SEEDED_CHECKS 5
/** The server's Ping-Body-Limit unless --ping-body-limit says otherwise. */
#define HC_TEST_PING_BODY_LIMIT 10000
/** A well-formed UUID that names no check. */
#define HC_TEST_UNKNOWN_UUID "00000000-0000-0000-0000-000000000000"

/* ---- Running the server ---------------------------------------------------- */

/** A running server. Filled by hc_test_server_start(); read-only after. */
typedef struct {
    pid_t pid;             /**< the server process; 0 when not running */
    uint16_t port;         /**< the port it listens on */
    char host[64];         /**< "127.0.0.1" or "::1" */
    char base_url[128];    /**< "http://127.0.0.1:PORT" or "http://[::1]:PORT" */
    char ping_url[160];    /**< base_url + "/ping" */
    char api_url[160];     /**< base_url + "/api" (a client appends "/v3/...") */
    char record_dir[256];  /**< where NNNN.http files appear */
    char port_file[256];   /**< where the server wrote its port */
} hc_test_server_t;

/**
 * Start the server on @p host and wait until it listens.
 *
 * Runs HC_TEST_PYTHON HC_TEST_SERVER_PY --host @p host --port 0 --port-file
 * --record-dir (in a fresh mkdtemp directory) --exit-with-parent, followed
 * by @p extra_args, and waits up to 10 s for the port file.
 *
 * @param s           filled in; zeroed first, and left zeroed on failure.
 * @param host        "127.0.0.1" or "::1": an IP literal, so that no name is
 *                    looked up (NULL means "127.0.0.1").
 * @param extra_args  NULL-terminated extra arguments such as
 *                    {"--framing", "chunked", NULL}, or NULL; at most 32.
 * A server still running when the test program exits (say, after a
 * failed assertion skipped hc_test_server_stop()) is stopped by an atexit
 * handler; the server also exits by itself if the test program is killed.
 *
 * @return 0 when the server listens; -1 if @p host is not an IP literal, the
 *         server could not be started, exited
 *         (bad arguments, port in use: its own message is on stderr) or did
 *         not listen in time. Nothing is left running or on disk then.
 */
int hc_test_server_start(hc_test_server_t *s, const char *host, const char *const *extra_args);

/**
 * Stop the server and remove its temporary directory.
 *
 * SIGTERM, then up to 5 s for it to exit, then SIGKILL; the process is
 * reaped before this returns. Safe on a zeroed or already stopped @p s.
 */
void hc_test_server_stop(hc_test_server_t *s);

/** Number of requests recorded so far (the NNNN.http files present). */
unsigned hc_test_server_request_count(const hc_test_server_t *s);

/**
 * The raw bytes of the @p n-th recorded request (1-based).
 *
 * The file exists before the server answers that request.
 *
 * @param buf  receives the bytes; NUL-terminated too when @p cap leaves room.
 * @return the request's length; -1 if there is no such request or it does
 *         not fit in @p cap bytes (nothing is cut silently).
 */
long hc_test_server_request(const hc_test_server_t *s, unsigned n, char *buf, size_t cap);

/**
 * Send @p len bytes as they are on a new connection, then half-close it,
 * and read everything the server sends until it closes.
 *
 * For checks of exact bytes on the wire (the request is recorded as sent).
 * Loopback only; every send and receive is bounded by a 10 s timeout.
 *
 * @param resp  receives the whole response (status line, headers, body as
 *              framed); NUL-terminated too when @p cap leaves room.
 * @return the response's length; -1 on a socket error, a timeout, or a
 *         response longer than @p cap.
 */
long hc_test_server_raw(const hc_test_server_t *s, const void *req, size_t len,
                        char *resp, size_t cap);

/**
 * One plain HTTP/1.1 request (Connection: close) to the server, for the
 * control API (POST /_test/config, /_test/reset, GET /_test/requests) or
 * any other path.
 *
 * @param method     "GET", "POST", ...
 * @param path       e.g. "/_test/config"; must not contain CR or LF.
 * @param json_body  sent with Content-Type: application/json, or NULL for
 *                   no body.
 * @param resp       receives the response body as sent (chunked framing is
 *                   not undone), NUL-terminated; may be NULL.
 * @param cap        size of @p resp.
 * @return the HTTP status; -1 on a connection error, a malformed response,
 *         or a body that does not fit in @p cap - 1 bytes.
 */
int hc_test_server_control(const hc_test_server_t *s, const char *method, const char *path,
                           const char *json_body, char *resp, size_t cap);

#endif /* HC_TEST_SERVER_H */
