/* examples/bare_metal_heartbeat, run as built for the host (its superloop
 * over Debian's lwIP) on a TAP device in a private network namespace,
 * pinging the python test server on the Linux side. Exits 77 (skipped)
 * when no namespace or TAP can be had, or the example was not built. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hc_lwip_testnet.h"
#include "hc_test_server.h"

#ifndef HC_HEARTBEAT_EXAMPLE
int main(void)
{
    printf("SKIP: examples/bare_metal_heartbeat was not built\n");
    return 77;
}
#else

static hc_test_server_t server;
static char tap[16];

typedef struct {
    int status;       /* exit status, or -1 when it had to be killed */
    char out[512];    /* its standard output */
    uint32_t took_ms;
} run_t;

static uint32_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Run the example with HB_COUNT=@p count, for at most 30 s. */
static void run_example(run_t *run, const char *count)
{
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    uint32_t t0 = now_ms();
    fflush(stdout);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        setenv("HB_TAP", tap, 1);
        setenv("HB_IP", HC_LWIP_TAP_LWIP_IP, 1);
        setenv("HB_GW", HC_LWIP_TAP_HOST_IP, 1);
        setenv("HB_PING_URL", server.ping_url, 1);
        setenv("HB_CHECK", HC_TEST_CHECK_BACKUP, 1);
        setenv("HB_INTERVAL_MS", "300", 1);
        setenv("HB_RETRY_MS", "100", 1);
        setenv("HB_COUNT", count, 1);
        execl(HC_HEARTBEAT_EXAMPLE, HC_HEARTBEAT_EXAMPLE, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    int status = 0;
    run->status = -1;
    for (int i = 0; i < 3000; i++) { /* 30 s */
        if (waitpid(pid, &status, WNOHANG) == pid) {
            run->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            break;
        }
        struct timespec ts = { 0, 10000000L };
        nanosleep(&ts, NULL);
    }
    if (run->status == -1 && waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    run->took_ms = now_ms() - t0;
    ssize_t n = read(pipefd[0], run->out, sizeof run->out - 1);
    run->out[n > 0 ? n : 0] = '\0';
    close(pipefd[0]);
}

static int count_pings(void)
{
    static char log[65536];
    int status = hc_test_server_control(&server, "GET", "/_test/requests", NULL, log, sizeof log);
    assert_int_equal(status, 200);
    int n = 0;
    for (const char *p = log; (p = strstr(p, "\"/ping/" HC_TEST_CHECK_BACKUP "\"")) != NULL; p++)
        n++;
    return n;
}

static int reset_server(void **state)
{
    (void)state;
    char out[1024];
    return hc_test_server_control(&server, "POST", "/_test/reset", NULL, out, sizeof out) == 200
               ? 0 : -1;
}

/* Three pings, 300 ms apart, all delivered; the loop then ends cleanly. */
static void test_pings_on_cadence(void **state)
{
    (void)state;
    run_t run;
    run_example(&run, "3");
    assert_int_equal(run.status, 0);
    assert_non_null(strstr(run.out, "3 sent, 3 delivered, 0 failed"));
    assert_int_equal(count_pings(), 3);
    assert_true(run.took_ms >= 600); /* the cadence was kept, not rushed */
}

/* The server fails the first ping's three attempts (500): the client's
 * own retries give up, the heartbeat retries after HB_RETRY_MS, and the
 * cadence resumes. */
static void test_failed_ping_is_retried(void **state)
{
    (void)state;
    char out[1024];
    assert_int_equal(hc_test_server_control(&server, "POST", "/_test/config",
                                            "{\"fail_next\": 3, \"fail_mode\": \"500\"}", out,
                                            sizeof out), 200);
    run_t run;
    run_example(&run, "3");
    assert_int_equal(run.status, 1); /* not every ping was delivered */
    assert_non_null(strstr(run.out, "3 sent, 2 delivered, 1 failed"));
    assert_int_equal(count_pings(), 5); /* 3 failed attempts + 2 pings */
}

int main(void)
{
    char why[256];
    if (hc_lwip_test_netns_tap(tap, sizeof tap, why, sizeof why) != 0) {
        printf("SKIP: %s\n", why);
        return 77;
    }
    /* Started from inside the namespace, the server lives there too. */
    if (hc_test_server_start(&server, HC_LWIP_TAP_HOST_IP, NULL) != 0) {
        fprintf(stderr, "the test server did not start in the namespace\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_pings_on_cadence, reset_server),
        cmocka_unit_test_setup(test_failed_ping_is_retried, reset_server),
    };
    int failed = cmocka_run_group_tests_name("bare-metal heartbeat example over TAP", tests,
                                             NULL, NULL);
    hc_test_server_stop(&server);
    return failed;
}
#endif /* HC_HEARTBEAT_EXAMPLE */
