/* The test-server support itself: start on IPv4 and IPv6 loopback, raw
 * requests recorded byte for byte, the control API, and a clean stop. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hc_test_server.h"

#define RID "cabd8d03-d637-46e9-b652-805655b43815"

static char response[65536];

/* A start ping with a body, exactly as a client would put it on the wire. */
static int make_ping(const hc_test_server_t *s, char *buf, size_t cap)
{
    return snprintf(buf, cap,
                    "POST /ping/" HC_TEST_CHECK_BACKUP "/start?rid=" RID " HTTP/1.1\r\n"
                    "Host: %s\r\n"
                    "User-Agent: hc-support-test/1.0\r\n"
                    "Content-Type: text/plain\r\n"
                    "Content-Length: 11\r\n"
                    "Connection: close\r\n"
                    "\r\n"
                    "hello world",
                    s->base_url + strlen("http://"));
}

static int ends_with(const char *text, const char *tail)
{
    size_t a = strlen(text), b = strlen(tail);
    return a >= b && strcmp(text + a - b, tail) == 0;
}

static void assert_stopped(hc_test_server_t *s)
{
    pid_t pid = s->pid;
    char record_dir[sizeof s->record_dir];
    struct stat st;
    memcpy(record_dir, s->record_dir, sizeof record_dir);
    hc_test_server_stop(s);
    assert_int_equal(s->pid, 0);
    assert_int_equal(kill(pid, 0), -1); /* reaped: no such process any more */
    assert_int_equal(errno, ESRCH);
    assert_int_equal(stat(record_dir, &st), -1);
}

/* Ping through a raw socket; the record file holds exactly what was sent. */
static void ping_and_check_record(hc_test_server_t *s)
{
    char sent[512], recorded[512];
    int len = make_ping(s, sent, sizeof sent);
    long got;
    assert_true(len > 0 && (size_t)len < sizeof sent);
    assert_int_equal(hc_test_server_request_count(s), 0);

    got = hc_test_server_raw(s, sent, (size_t)len, response, sizeof response);
    assert_true(got > 0);
    assert_non_null(strstr(response, "HTTP/1.1 200 OK\r\n"));
    assert_ptr_equal(strstr(response, "HTTP/1.1 200 OK\r\n"), response);
    assert_non_null(strstr(response, "\r\nPing-Body-Limit: 10000\r\n"));
    assert_non_null(strstr(response, "\r\nServer: gunicorn\r\n"));
    assert_true(ends_with(response, "\r\n\r\nOK"));

    assert_int_equal(hc_test_server_request_count(s), 1);
    assert_int_equal(hc_test_server_request(s, 1, recorded, sizeof recorded), len);
    assert_memory_equal(recorded, sent, (size_t)len);
    assert_int_equal(recorded[len], '\0');
    /* no such request; and one that does not fit is refused, not cut */
    assert_int_equal(hc_test_server_request(s, 2, recorded, sizeof recorded), -1);
    assert_int_equal(hc_test_server_request(s, 0, recorded, sizeof recorded), -1);
    assert_int_equal(hc_test_server_request(s, 1, recorded, (size_t)len - 1), -1);
    assert_int_equal(hc_test_server_request(s, 1, recorded, (size_t)len), len);
}

static void test_ipv4_start_ping_record_stop(void **state)
{
    hc_test_server_t s;
    char expected[128], api[512];
    (void)state;
    assert_int_equal(hc_test_server_start(&s, "127.0.0.1", NULL), 0);
    assert_true(s.pid > 0);
    assert_true(s.port > 0);
    snprintf(expected, sizeof expected, "http://127.0.0.1:%u", (unsigned)s.port);
    assert_string_equal(s.base_url, expected);
    assert_string_equal(s.host, "127.0.0.1");
    strcat(expected, "/ping");
    assert_string_equal(s.ping_url, expected);
    snprintf(expected, sizeof expected, "http://127.0.0.1:%u/api", (unsigned)s.port);
    assert_string_equal(s.api_url, expected);

    ping_and_check_record(&s);

    /* the control API sees the same request, and is not recorded itself */
    assert_int_equal(hc_test_server_control(&s, "GET", "/_test/requests", NULL, response,
                                            sizeof response), 200);
    assert_non_null(strstr(response, "\"method\": \"POST\""));
    assert_non_null(strstr(response, "[\"User-Agent\", \"hc-support-test/1.0\"]"));
    assert_non_null(strstr(response, "\"body\": \"hello world\""));
    assert_int_equal(hc_test_server_request_count(&s), 1);

    /* the ping reached the check: the management API shows it started */
    snprintf(api, sizeof api,
             "GET /api/v3/checks/" HC_TEST_CHECK_BACKUP " HTTP/1.1\r\nHost: x\r\n"
             "X-Api-Key: " HC_TEST_RW_KEY "\r\n\r\n");
    assert_true(hc_test_server_raw(&s, api, strlen(api), response, sizeof response) > 0);
    assert_non_null(strstr(response, "\"n_pings\": 1, \"status\": \"new\", \"started\": true"));
    assert_int_equal(hc_test_server_request_count(&s), 2);

    assert_stopped(&s);
}

static int have_ipv6_loopback(void)
{
    struct sockaddr_in6 addr;
    int ok, fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    memset(&addr, 0, sizeof addr);
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    ok = bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(fd);
    return ok;
}

static void test_ipv6_start_ping_record_stop(void **state)
{
    hc_test_server_t s;
    char expected[128];
    (void)state;
    if (!have_ipv6_loopback())
        skip();
    assert_int_equal(hc_test_server_start(&s, "::1", NULL), 0);
    snprintf(expected, sizeof expected, "http://[::1]:%u", (unsigned)s.port);
    assert_string_equal(s.base_url, expected);
    ping_and_check_record(&s);
    assert_stopped(&s);
}

static void test_control_changes_and_resets_the_server(void **state)
{
    hc_test_server_t s;
    static const char ping[] = "GET /ping/" HC_TEST_CHECK_BACKUP " HTTP/1.1\r\nHost: x\r\n\r\n";
    (void)state;
    assert_int_equal(hc_test_server_start(&s, NULL, NULL), 0);

    assert_int_equal(hc_test_server_control(&s, "POST", "/_test/config", "{\"framing\": \"chunked\"}",
                                            response, sizeof response), 200);
    assert_non_null(strstr(response, "\"framing\": \"chunked\""));
    assert_true(hc_test_server_raw(&s, ping, sizeof ping - 1, response, sizeof response) > 0);
    assert_non_null(strstr(response, "\r\nTransfer-Encoding: chunked\r\n"));
    assert_null(strstr(response, "Content-Length"));

    assert_int_equal(hc_test_server_control(&s, "POST", "/_test/config", "{\"bogus\": 1}",
                                            response, sizeof response), 400);
    assert_non_null(strstr(response, "unknown config key: bogus"));
    /* a body larger than the caller's buffer is an error, not a cut */
    assert_int_equal(hc_test_server_control(&s, "GET", "/_test/requests", NULL, response, 8), -1);
    assert_int_equal(hc_test_server_control(&s, "GET", "/_test/x\r\n", NULL, NULL, 0), -1);

    assert_int_equal(hc_test_server_request_count(&s), 1);
    assert_int_equal(hc_test_server_control(&s, "POST", "/_test/reset", NULL, NULL, 0), 200);
    assert_int_equal(hc_test_server_request_count(&s), 0);
    assert_true(hc_test_server_raw(&s, ping, sizeof ping - 1, response, sizeof response) > 0);
    assert_non_null(strstr(response, "\r\nContent-Length: 2\r\n")); /* framing is back to length */
    assert_stopped(&s);
}

static void test_extra_arguments_reach_the_server(void **state)
{
    hc_test_server_t s;
    static const char *const hosted[] = { "--hosted", NULL };
    (void)state;
    assert_int_equal(hc_test_server_start(&s, "127.0.0.1", hosted), 0);
    assert_int_equal(hc_test_server_control(&s, "GET", "/ping/" HC_TEST_UNKNOWN_UUID, NULL,
                                            response, sizeof response), 200);
    assert_string_equal(response, "OK (not found)");
    assert_stopped(&s);
}

static void test_a_server_that_cannot_start_is_reported(void **state)
{
    hc_test_server_t s;
    static const char *const bad[] = { "--no-such-option", NULL };
    (void)state;
    assert_int_equal(hc_test_server_start(&s, "127.0.0.1", bad), -1);
    assert_int_equal(s.pid, 0);
    assert_int_equal(s.record_dir[0], '\0');
    assert_int_equal(hc_test_server_start(&s, "not an address", NULL), -1);
    assert_int_equal(s.pid, 0);
    hc_test_server_stop(&s); /* harmless on a zeroed server */
}

/* A test that fails halfway never calls stop(): exit must clean up. */
static void test_a_forgotten_server_is_stopped_at_exit(void **state)
{
    hc_test_server_t s;
    struct stat st;
    int fds[2], status;
    pid_t child;
    (void)state;
    assert_int_equal(pipe(fds), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        int ok = hc_test_server_start(&s, NULL, NULL) == 0 &&
                 write(fds[1], &s, sizeof s) == (ssize_t)sizeof s;
        exit(ok ? 0 : 1); /* without hc_test_server_stop() */
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], &s, sizeof s), (ssize_t)sizeof s);
    close(fds[0]);
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(s.pid > 0);
    assert_int_equal(kill(s.pid, 0), -1);
    assert_int_equal(errno, ESRCH);
    assert_int_equal(stat(s.record_dir, &st), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_start_ping_record_stop),
        cmocka_unit_test(test_ipv6_start_ping_record_stop),
        cmocka_unit_test(test_control_changes_and_resets_the_server),
        cmocka_unit_test(test_extra_arguments_reach_the_server),
        cmocka_unit_test(test_a_server_that_cannot_start_is_reported),
        cmocka_unit_test(test_a_forgotten_server_is_stopped_at_exit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
