/* hc run: monitor one run of a command with start and finish pings, the
 * tail of its output as the finish ping's body, one run id for both. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "healthchecks/hc_trap.h"
#include "hc_cli.h"

static const char usage[] =
    "usage: hc run (--uuid U | --slug S) [options] -- command [args...]\n"
    "\n"
    "Runs the command, passing its output through, and reports the run:\n"
    "a start ping, then a finish ping carrying the tail of the output and\n"
    "the outcome, both with the same run id. Exits with the command's exit\n"
    "status (128+N when killed by signal N; 127 when it could not be run).\n"
    "\n"
    "  --uuid U               the check's UUID              (CHECK_UUID)\n"
    "  --slug S               the check's slug              (CHECK_SLUG)\n"
    "  --create               slug: create the check when it does not exist\n"
    "  --no-start-ping        send only the finish ping\n"
    "  --no-rid               send no run id\n"
    "  --no-output-in-ping    send no output with the finish ping\n"
    "  --body-limit N         send at most the last N bytes of output\n"
    "                         (default 100000; the server's Ping-Body-Limit\n"
    "                         lowers it further)\n"
    "  --on-success A         A: success, fail, log, exit-code, none (default success)\n"
    "  --on-nonzero-exit A    (default exit-code)\n"
    "  --on-exec-fail A       (default fail)\n"
    "  --header 'Name: value' extra request header (repeatable, at most 8)\n"
    "  -q, --quiet            do not pass the command's output through\n"
    "plus the common options of hc --help (--timeout and --retries apply to\n"
    "each ping; a failed start ping never stops the command).\n";

#define MAX_HEADERS 8

static volatile sig_atomic_t child_pid;

static void forward_signal(int sig)
{
    if (child_pid > 0)
        kill((pid_t)child_pid, sig);
}

static bool parse_action(const char *s, hc_trap_action_t *a)
{
    static const char *const names[] = { "success", "fail", "log", "exit-code", "none" };
    for (unsigned k = 0; k < 5; k++)
        if (!strcmp(s, names[k])) {
            *a = (hc_trap_action_t)k;
            return true;
        }
    return false;
}

static bool parse_header(char *s, hc_header_t *h)
{
    char *colon = strchr(s, ':');
    if (!colon || colon == s)
        return false;
    *colon = '\0';
    h->name = s;
    h->value = colon + 1 + strspn(colon + 1, " \t");
    return true;
}

/* Start the command with its stdout and stderr on pipes. Returns the pid,
 * or -1 with errno set when it could not be started (exec failure is
 * reported back through a close-on-exec pipe). */
static pid_t spawn(char **argv, int out[2], int err[2])
{
    int report[2];
    if (pipe(out) || pipe(err) || pipe(report))
        return -1;
    fcntl(report[1], F_SETFD, FD_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(out[0]); close(out[1]); close(err[0]); close(err[1]); close(report[0]);
        signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL); signal(SIGHUP, SIG_DFL);
        execvp(argv[0], argv);
        int e = errno;
        if (write(report[1], &e, sizeof e) < 0) { /* nothing more to do */ }
        _exit(127);
    }
    close(out[1]); close(err[1]); close(report[1]);
    int child_errno = 0;
    ssize_t n = pid > 0 ? read(report[0], &child_errno, sizeof child_errno) : -1;
    close(report[0]);
    if (pid > 0 && n == (ssize_t)sizeof child_errno) {
        waitpid(pid, NULL, 0);
        close(out[0]); close(err[0]);
        errno = child_errno;
        return -1;
    }
    return pid;
}

/* Copy the command's output through and into the trap's ring until both
 * pipes close. */
static void pump_output(hc_trap_t *trap, int out_fd, int err_fd, bool quiet)
{
    struct pollfd fds[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
    int open_fds = 2;
    char buf[4096];
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int k = 0; k < 2; k++) {
            if (fds[k].fd < 0 || !fds[k].revents)
                continue;
            ssize_t n = read(fds[k].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                close(fds[k].fd);
                fds[k].fd = -1;
                open_fds--;
                continue;
            }
            hc_trap_log(trap, buf, (size_t)n);
            if (!quiet && write(k ? STDERR_FILENO : STDOUT_FILENO, buf, (size_t)n) < 0) {
                /* our own output is gone; keep capturing the command's */
            }
        }
    }
}

static int wait_exit_code(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return 127;
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int cmd_run(int argc, char **argv)
{
    cli_common_t o;
    cli_common_init(&o);
    hc_trap_config_t tc;
    hc_trap_config_defaults(&tc);
    tc.uuid = getenv("CHECK_UUID");
    tc.slug = getenv("CHECK_SLUG");
    hc_header_t headers[MAX_HEADERS];
    size_t n_headers = 0, body_limit = 100000;
    bool quiet = false, no_output = false;
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--"); i++) {
        const char *a = argv[i];
        int c = cli_common_option(&o, argc, argv, &i);
        if (c < 0) return 2;
        if (c > 0) continue;
        bool has_value = i + 1 < argc && strcmp(argv[i + 1], "--");
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(usage, stdout); return 0; }
        else if (!strcmp(a, "--create")) tc.create = true;
        else if (!strcmp(a, "--no-start-ping")) tc.start_ping = false;
        else if (!strcmp(a, "--no-rid")) tc.use_rid = false;
        else if (!strcmp(a, "--no-output-in-ping")) no_output = true;
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) quiet = true;
        else if (!has_value) return cli_usage_error("%s: unknown, or missing its value (see hc run --help)", a);
        else if (!strcmp(a, "--uuid")) { tc.uuid = argv[++i]; tc.slug = NULL; }
        else if (!strcmp(a, "--slug")) { tc.slug = argv[++i]; tc.uuid = NULL; }
        else if (!strcmp(a, "--on-success") || !strcmp(a, "--on-nonzero-exit") || !strcmp(a, "--on-exec-fail")) {
            hc_trap_action_t *slot = a[5] == 's' ? &tc.on_success : a[5] == 'n' ? &tc.on_nonzero : &tc.on_exec_fail;
            if (!parse_action(argv[++i], slot))
                return cli_usage_error("%s: use success, fail, log, exit-code or none", a);
        } else if (!strcmp(a, "--body-limit")) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 0) return cli_usage_error("--body-limit: a number of bytes");
            body_limit = (size_t)v;
        } else if (!strcmp(a, "--header")) {
            if (n_headers == MAX_HEADERS || !parse_header(argv[++i], &headers[n_headers++]))
                return cli_usage_error("--header: 'Name: value', at most %d", MAX_HEADERS);
        } else {
            return cli_usage_error("unknown option %s (see hc run --help)", a);
        }
    }
    if (i + 1 >= argc)
        return cli_usage_error("no command to run (hc run [options] -- command ...)");
    char **command = argv + i + 1;

    cli_client_t *cc = calloc(1, sizeof *cc);
    uint8_t *ring = no_output || !body_limit ? NULL : malloc(body_limit);
    if (!cc || (!ring && !no_output && body_limit)) {
        fputs("hc: out of memory\n", stderr);
        return 1;
    }
    tc.ring = ring;
    tc.ring_size = ring ? body_limit : 0;
    if (!cli_client_open(cc, &o)) {
        free(ring); free(cc);
        return 2;
    }
    cc->client.cfg.extra_headers = headers;
    cc->client.cfg.n_extra_headers = n_headers;

    hc_trap_t trap;
    hc_err_t err = hc_trap_begin(&trap, &cc->client, &tc);
    if (err == HC_ERR_ARG || err == HC_ERR_UNSAFE_CHAR || err == HC_ERR_TOO_LONG) {
        cli_report("bad check (give --uuid, or --slug with a ping key)", err, NULL);
        free(ring); free(cc);
        return 2;
    }
    if (err != HC_OK)
        cli_report("start ping not delivered (running the command anyway)", err, &cc->client);

    struct sigaction sa = { 0 };
    sa.sa_handler = forward_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    int out[2], errp[2], code;
    pid_t pid = spawn(command, out, errp);
    if (pid < 0) {
        char msg[256];
        int n = snprintf(msg, sizeof msg, "hc: cannot run %s: %s\n", command[0], strerror(errno));
        fputs(msg, stderr);
        hc_trap_log(&trap, msg, (size_t)n);
        code = HC_TRAP_EXEC_FAILED;
    } else {
        child_pid = pid;
        pump_output(&trap, out[0], errp[0], quiet);
        code = wait_exit_code(pid);
        child_pid = 0;
    }

    err = hc_trap_end(&trap, code);
    if (err != HC_OK)
        cli_report("finish ping not delivered", err, &cc->client);
    free(ring);
    free(cc);
    return code == HC_TRAP_EXEC_FAILED ? 127 : code;
}
