/* hc run: monitor one run of a command with start and finish pings, the
 * tail of its output as the finish ping's body, one run id for both.
 *
 * It also takes runitor's spellings (-uuid, -api-url, -api-timeout 5s,
 * -req-header, -ping-body-limit, -no-run-id, -silent, name=value) and its
 * environment variables, so a runitor command line keeps working. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "healthchecks/hc_trap.h"
#include "hc_cli.h"
#include "hc_cli_text.h"

static const char usage[] =
    "usage: hc run (--uuid U | --slug S) [options] [--] command [args...]\n"
    "\n"
    "Runs the command, passing its output through, and reports the run:\n"
    "a start ping, then a finish ping carrying the tail of the output and\n"
    "the outcome, both with the same run id. Exits with the command's exit\n"
    "status (128+N when killed by signal N; 127 when it could not be run).\n"
    "SIGINT, SIGTERM and SIGHUP sent to hc are passed on to the command.\n"
    "In a pipeline the command sees what it would without hc: when the reader\n"
    "of hc's stdout or stderr goes away, the command's goes too (SIGPIPE),\n"
    "and a descriptor closed for hc is closed for the command.\n"
    "\n"
    "  --uuid U               the check's UUID (CHECK_UUID)\n"
    "  --slug S               the check's slug, with --ping-key (CHECK_SLUG)\n"
    "                         U, S and the ping key may be file:PATH to read\n"
    "                         them from a file\n"
    "  --create               slug: create the check when it does not exist\n"
    "  --no-start-ping        send only the finish ping\n"
    "  --no-rid               send no run id              (--no-run-id)\n"
    "  --no-output-in-ping    send no output with the finish ping\n"
    "  --body-limit N         send at most the last N bytes of output, the\n"
    "                         \"[hc: N bytes cut]\" marker included\n"
    "                         (--ping-body-limit; default: the server's\n"
    "                         Ping-Body-Limit, or 10000 when it is unknown;\n"
    "                         0: the server's limit, or 10 MB; never more)\n"
    "  --on-success A         A: success, fail, log, exit-code, none (default success)\n"
    "  --on-nonzero-exit A    (default exit-code)\n"
    "  --on-exec-fail A       (default fail)\n"
    "  --header 'Name: value' extra request header, repeatable, at most 8\n"
    "                         (--req-header); not one hc writes itself: Host,\n"
    "                         Content-Length, Transfer-Encoding, Connection,\n"
    "                         Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade,\n"
    "                         Expect, User-Agent, X-Api-Key, Content-Type\n"
    "  --request-timeout S    give up one attempt after S seconds\n"
    "                         (--api-timeout, which also takes 5s, 1m30s, 500ms)\n"
    "  -q, --quiet            do not pass the command's stdout through\n"
    "  --silent               pass neither its stdout nor its stderr through\n"
    "                         (the finish ping carries both either way)\n"
    "  --api-url URL          runitor's name for the ping URL (HC_API_URL,\n"
    "                         when it is not a management URL ending in /api)\n"
    "plus the common options of hc --help: --timeout bounds each ping, retries\n"
    "included; a failed or slow start ping never stops the command.\n";

#define MAX_HEADERS 8
#define DEFAULT_BODY_LIMIT 10000u        /* a self-hosted server's default */
#define MAX_BODY (10u * 1000u * 1000u)  /* the most output ever held */
#define DRAIN_MS 200                     /* output still read after the command exits */

typedef struct run_options {
    hc_trap_config_t tc;
    const char *uuid, *slug;       /* from flags; the environment fills the gaps */
    const char *api_url;           /* runitor's --api-url: the ping URL */
    bool ping_url_given;
    hc_header_t headers[MAX_HEADERS];
    size_t n_headers;
    long body_limit;               /* -1: not given */
    double request_timeout_s;      /* 0: not given */
    bool no_output, quiet, silent;
} run_options_t;

/* Signal state shared with the handlers. */
static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t early_signal;  /* arrived before the command ran */
static int chld_pipe[2] = { -1, -1 };       /* SIGCHLD wakes the output loop */

/* A terminal signals its whole foreground process group, the command
 * included: passing such a signal on would deliver it twice. */
static bool from_terminal(const siginfo_t *info)
{
#ifdef SI_KERNEL
    return info->si_code == SI_KERNEL;
#else
    (void)info;
    return false;
#endif
}

static void on_signal(int sig, siginfo_t *info, void *uctx)
{
    (void)uctx;
    int saved = errno;
    if (child_pid <= 0) {
        if (!early_signal)
            early_signal = sig;
    } else if (!from_terminal(info)) {
        kill((pid_t)child_pid, sig);
    }
    errno = saved;
}

static void on_child(int sig)
{
    (void)sig;
    int saved = errno;
    if (write(chld_pipe[1], "", 1) < 0) { /* full: a wake-up is pending anyway */ }
    errno = saved;
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP };
#define N_FORWARDED (sizeof forwarded / sizeof forwarded[0])

/* Signals ignored when hc started (nohup, a background job) stay ignored,
 * for the command too, as a shell would leave them. */
static bool ignored[N_FORWARDED], sigpipe_ignored;

static bool is_ignored(int sig)
{
    struct sigaction old;
    return sigaction(sig, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
           old.sa_handler == SIG_IGN;
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sa.sa_sigaction = on_signal;
    for (size_t k = 0; k < N_FORWARDED; k++) {
        ignored[k] = is_ignored(forwarded[k]);
        if (!ignored[k])
            sigaction(forwarded[k], &sa, NULL);
    }
    /* A closed stdout must not kill hc before the finish ping. */
    sigpipe_ignored = is_ignored(SIGPIPE);
    signal(SIGPIPE, SIG_IGN);
}

/* In the child: the dispositions hc started with. */
static void restore_signals(void)
{
    for (size_t k = 0; k < N_FORWARDED; k++)
        if (!ignored[k])
            signal(forwarded[k], SIG_DFL);
    if (!sigpipe_ignored)
        signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
}

/* ---------------------------------------------------------- option parsing */

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

/* "Name: value", split in place, checked as the library will check it;
 * false after a usage error that names the header. */
static bool parse_header(char *s, hc_header_t *h)
{
    char *colon = strchr(s, ':');
    if (colon) {
        *colon = '\0';
        h->name = s;
        h->value = colon + 1 + strspn(colon + 1, " \t");
    }
    hc_header_t name_only = { s, NULL };
    hc_err_t name_err = colon ? hc_http_check_headers(&name_only, 1) : HC_ERR_ARG;
    hc_err_t err = name_err != HC_OK ? name_err : hc_http_check_headers(h, 1);
    if (err == HC_OK)
        return true;
    char *shown = cli_safe_dup(s);  /* the name, or the whole argument */
    const char *name = shown ? shown : "?";
    if (!colon)
        cli_usage_error("--header: '%s' is not 'Name: value'", name);
    else if (err == HC_ERR_HEADER_RESERVED)
        cli_usage_error("--header: %s is reserved: hc writes it itself%s", name,
                        strcasecmp(s, "User-Agent") ? "" : " (use --user-agent)");
    else if (name_err != HC_OK)
        cli_usage_error("--header: '%s' is not a header name (letters, digits and "
                        "!#$%%&'*+-.^_`|~ only)", name);
    else
        cli_usage_error("--header: the value of %s holds a line break or control character",
                        name);
    free(shown);
    return false;
}

/* Seconds, or a Go duration as runitor takes it: 5s, 1m30s, 500ms, 1h. */
static bool parse_duration(const char *s, double *seconds)
{
    static const struct { const char *unit; double scale; } units[] = {
        { "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 }, { "h", 3600 }, { "m", 60 }, { "s", 1 },
    };
    double total = 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return false;
    if (!*end) {
        *seconds = v;
        return v > 0;
    }
    for (int parts = 0; parts < 8; parts++) {
        size_t k = 0;
        while (k < sizeof units / sizeof units[0] &&
               strncmp(end, units[k].unit, strlen(units[k].unit)))
            k++;
        if (k == sizeof units / sizeof units[0])
            return false;
        total += v * units[k].scale;
        s = end + strlen(units[k].unit);
        if (!*s) {
            *seconds = total;
            return total > 0;
        }
        v = strtod(s, &end);
        if (end == s || v < 0)
            return false;
    }
    return false;
}

/* The canonical spelling of an option: "-uuid" and "--uuid=U" become
 * "--uuid" (with "U" in *value), runitor's names become ours. False when
 * @p arg is not an option at all. */
static bool canonical_option(char *arg, char *name, size_t size, char **value)
{
    static const char *const aliases[][2] = {
        { "--api-retries", "--retries" },   { "--ping-body-limit", "--body-limit" },
        { "--req-header", "--header" },     { "--no-run-id", "--no-rid" },
        { "--api-timeout", "--request-timeout" },
    };
    *value = NULL;
    if (arg[0] != '-' || !arg[1])
        return false;
    if (arg[1] != '-' && !arg[2]) {  /* -q, -v, -h */
        snprintf(name, size, "%s", arg);
        return true;
    }
    const char *body = arg + (arg[1] == '-' ? 2 : 1);
    size_t len = strcspn(body, "=");
    if (body[len] == '=')
        *value = (char *)body + len + 1;
    if (len + 3 > size)
        len = size - 3;  /* too long for any option: stays unknown */
    snprintf(name, size, "--%.*s", (int)len, body);
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (!strcmp(name, aliases[k][0]))
            snprintf(name, size, "%s", aliases[k][1]);
    return true;
}

/* One option of hc run, its value (if it takes one) in argv[*i + 1].
 * Returns 1 when consumed (advancing *i past a value), 0 when unknown,
 * -1 after printing an error. */
static int run_option(run_options_t *ro, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    static const char *const flags[] = { "--create", "--no-start-ping", "--no-rid",
                                         "--no-output-in-ping", "-q", "--quiet", "--silent" };
    size_t f = 0;
    while (f < sizeof flags / sizeof flags[0] && strcmp(a, flags[f]))
        f++;
    switch (f) {
    case 0: ro->tc.create = true; return 1;
    case 1: ro->tc.start_ping = false; return 1;
    case 2: ro->tc.use_rid = false; return 1;
    case 3: ro->no_output = true; return 1;
    case 4: case 5: ro->quiet = true; return 1;
    case 6: ro->silent = true; return 1;
    default: break;
    }
    static const char *const with_value[] = { "--uuid", "--slug", "--api-url", "--on-success",
        "--on-nonzero-exit", "--on-exec-fail", "--body-limit", "--header", "--request-timeout" };
    size_t w = 0;
    while (w < sizeof with_value / sizeof with_value[0] && strcmp(a, with_value[w]))
        w++;
    if (w == sizeof with_value / sizeof with_value[0])
        return 0;
    if (*i + 1 >= argc) {
        cli_usage_error("%s needs a value", a);
        return -1;
    }
    char *v = argv[*i + 1];
    if (!strcmp(a, "--uuid")) ro->uuid = v;
    else if (!strcmp(a, "--slug")) ro->slug = v;
    else if (!strcmp(a, "--api-url")) ro->api_url = v;
    else if (!strcmp(a, "--on-success") || !strcmp(a, "--on-nonzero-exit") || !strcmp(a, "--on-exec-fail")) {
        hc_trap_action_t *slot = a[5] == 's' ? &ro->tc.on_success
                               : a[5] == 'n' ? &ro->tc.on_nonzero : &ro->tc.on_exec_fail;
        if (!parse_action(v, slot)) {
            cli_usage_error("%s: %s is not success, fail, log, exit-code or none", a, v);
            return -1;
        }
    } else if (!strcmp(a, "--body-limit")) {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (end == v || *end || n < 0 || errno) {
            cli_usage_error("--body-limit: %s is not a number of bytes", v);
            return -1;
        }
        ro->body_limit = n;
    } else if (!strcmp(a, "--header")) {
        if (ro->n_headers == MAX_HEADERS) {
            cli_usage_error("--header: at most %d", MAX_HEADERS);
            return -1;
        }
        if (!parse_header(v, &ro->headers[ro->n_headers]))
            return -1;
        ro->n_headers++;
    } else if (!strcmp(a, "--request-timeout")) {
        if (!parse_duration(v, &ro->request_timeout_s) || ro->request_timeout_s > 86400) {
            cli_usage_error("%s: %s is not a duration (seconds, or like 5s, 1m30s, 500ms)", a, v);
            return -1;
        }
    }
    ++*i;
    return 1;
}

/* Parse the options; the command starts after "--" or, as with runitor,
 * at the first argument that is not an option. Returns the index of the
 * command, or -1 after an error was printed, or 0 after --help. */
static int parse_args(run_options_t *ro, cli_common_t *o, int argc, char **argv)
{
    int i = 1;
    for (; i < argc; i++) {
        char name[40], *inline_value;
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!canonical_option(argv[i], name, sizeof name, &inline_value))
            break;
        if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
            fputs(usage, stdout);
            return 0;
        }
        /* A small argv holding just this option and its value. */
        char *value = inline_value ? inline_value
                    : i + 1 < argc && strcmp(argv[i + 1], "--") ? argv[i + 1] : NULL;
        char *one[3] = { argv[0], name, value };
        int n = value ? 3 : 2, j = 1;
        if (!strcmp(name, "--ping-url"))
            ro->ping_url_given = true;
        /* hc run's own first: its --api-url is runitor's ping URL. */
        int r = run_option(ro, n, one, &j);
        if (r == 0)
            r = cli_common_option(o, n, one, &j);
        if (r < 0)
            return -1;
        if (r == 0) {
            cli_usage_error("unknown option %s (see hc run --help)", argv[i]);
            return -1;
        }
        if (inline_value && j == 1) {
            cli_usage_error("%s takes no value", name);
            return -1;
        }
        if (!inline_value)
            i += j - 1;
    }
    if (i >= argc) {
        cli_usage_error("no command to run (hc run [options] -- command ...)");
        return -1;
    }
    return i;
}

/* runitor's HC_API_URL is a ping URL; hc's own HC_API_URL is the management
 * URL (…/api), which is left alone. */
static const char *runitor_ping_url(void)
{
    const char *v = getenv("HC_API_URL");
    if (!v || !*v)
        return NULL;
    size_t n = strlen(v);
    while (n && v[n - 1] == '/')
        n--;
    return n >= 4 && !strncmp(v + n - 4, "/api", 4) ? NULL : v;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* A "file:PATH" value is read from PATH, surrounding blanks dropped (so a
 * secret need not sit in the command line or the environment). */
static bool resolve_file(const char **value, char *buf, size_t size, const char *what)
{
    if (!*value || strncmp(*value, "file:", 5))
        return true;
    FILE *f = fopen(*value + 5, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    bool failed = !f || ferror(f), whole = f && feof(f);
    if (f)
        fclose(f);
    buf[n] = '\0';
    char *s = buf + strspn(buf, " \t\r\n");
    size_t len = strlen(s);
    while (len && strchr(" \t\r\n", s[len - 1]))
        s[--len] = '\0';
    if (failed || !whole || !len) {
        cli_usage_error("%s: cannot read it from %s%s", what, *value + 5,
                        failed ? "" : !whole ? " (too long)" : " (empty)");
        return false;
    }
    *value = s;
    return true;
}

/* Settle the check, keys and URL from flags, then the environment. */
static bool settle_target(run_options_t *ro, cli_common_t *o, char bufs[3][256])
{
    if (ro->uuid || ro->slug) {      /* flags beat the environment */
        ro->tc.uuid = ro->uuid;
        ro->tc.slug = ro->uuid ? NULL : ro->slug;
    } else {                         /* runitor: CHECK_UUID beats CHECK_SLUG */
        ro->tc.uuid = env("CHECK_UUID");
        ro->tc.slug = ro->tc.uuid ? NULL : env("CHECK_SLUG");
    }
    if (!ro->ping_url_given) {
        if (ro->api_url)
            o->ping_url = ro->api_url;
        else if (!o->ping_url)
            o->ping_url = runitor_ping_url();
    }
    if (!resolve_file(&ro->tc.uuid, bufs[0], sizeof bufs[0], "--uuid") ||
        !resolve_file(&ro->tc.slug, bufs[1], sizeof bufs[1], "--slug") ||
        !resolve_file(&o->ping_key, bufs[2], sizeof bufs[2], "--ping-key"))
        return false;
    if (!ro->tc.uuid && !ro->tc.slug) {
        cli_usage_error("which check? give --uuid (CHECK_UUID) or --slug (CHECK_SLUG)");
        return false;
    }
    return cli_check_target(ro->tc.uuid, ro->tc.slug, ro->tc.create, o->ping_key);
}

/* Every attempt gets its --request-timeout; without --timeout the overall
 * deadline grows to hold all attempts and their back-off. */
static void apply_request_timeout(hc_config_t *cfg, double seconds, bool deadline_given)
{
    double ms = seconds * 1000.0 < 1.0 ? 1.0 : seconds * 1000.0;
    uint32_t t = (uint32_t)ms;
    cfg->request_timeout_ms = t;
    if (cfg->connect_timeout_ms > t) cfg->connect_timeout_ms = t;
    if (cfg->io_timeout_ms > t) cfg->io_timeout_ms = t;
    uint64_t all = (uint64_t)t * cfg->max_attempts + (uint64_t)cfg->backoff_max_ms * cfg->max_attempts;
    if (!deadline_given && all > cfg->deadline_ms)
        cfg->deadline_ms = all > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)all;
}

/* The body's size: the server's Ping-Body-Limit when the start ping learned
 * it (lowered by --body-limit), else --body-limit, else the default of a
 * self-hosted server, for a server keeps the first bytes of a body that is
 * too long, and the last ones are those that matter. */
static size_t body_size(long limit, const hc_client_t *c)
{
    size_t n;
    uint32_t server;
    if (hc_client_ping_body_limit(c, &server))
        n = limit > 0 && (unsigned long)limit < server ? (size_t)limit : server;
    else
        n = limit > 0 ? (size_t)limit : limit == 0 ? MAX_BODY : DEFAULT_BODY_LIMIT;
    return n > MAX_BODY ? MAX_BODY : n;
}

/* --------------------------------------------------------------- the run */

static void note(hc_trap_t *trap, const char *msg)
{
    fputs(msg, stderr);
    hc_trap_log(trap, msg, strlen(msg));
}

/* Start the command with its stdout and stderr on pipes. Returns the pid,
 * or -1 with errno set when it could not be started (an exec failure comes
 * back through a close-on-exec pipe). Signals are held while the pid is
 * not yet known, so none is lost. */
static pid_t spawn(char **argv, int out[2], int err[2])
{
    int report[2];
    if (pipe(out))
        return -1;
    if (pipe(err) || pipe(report)) {
        int e = errno;
        close(out[0]); close(out[1]);
        errno = e;
        return -1;
    }
    fcntl(report[1], F_SETFD, FD_CLOEXEC);
    sigset_t hold, old;
    sigemptyset(&hold);
    for (size_t k = 0; k < N_FORWARDED; k++)
        sigaddset(&hold, forwarded[k]);
    sigaddset(&hold, SIGCHLD);
    sigprocmask(SIG_BLOCK, &hold, &old);
    pid_t pid = fork();
    if (pid == 0) {
        restore_signals();
        sigprocmask(SIG_SETMASK, &old, NULL);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(out[0]); close(out[1]); close(err[0]); close(err[1]); close(report[0]);
        for (int fd = 0; fd < 3; fd++)
            if (cli_std_was_closed(fd))
                close(fd);  /* as it was given to hc */
        execvp(argv[0], argv);
        int e = errno;
        if (write(report[1], &e, sizeof e) < 0) { /* nothing more to do */ }
        _exit(127);
    }
    int fork_errno = errno;
    if (pid > 0)
        child_pid = pid;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(out[1]); close(err[1]); close(report[1]);
    int child_errno = 0;
    ssize_t n = -1;
    if (pid > 0)
        while ((n = read(report[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {}
    close(report[0]);
    if (pid < 0 || n == (ssize_t)sizeof child_errno) {
        child_pid = 0;
        if (pid > 0)
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        close(out[0]); close(err[0]);
        errno = pid < 0 ? fork_errno : child_errno;
        return -1;
    }
    return pid;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Write all of @p p; false (errno set) when hc's own output failed. */
static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* True once the child has exited; it stays a zombie (so its pid cannot be
 * reused under a late kill()) until wait_status() reaps it. */
static bool child_exited(pid_t pid)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/* The child's wait status, reaped. */
static int wait_status(pid_t pid)
{
    int st = 0;
    child_pid = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return st;
}

/* Pass the command's output through and into the trap's ring until both
 * pipes close (hc closes one itself when the reader of its own output has
 * gone), or, once the command has exited, until DRAIN_MS pass (a
 * background process it left may hold the pipes open for ever). Returns
 * the command's wait status. */
static int pump_output(hc_trap_t *trap, pid_t pid, int out_fd, int err_fd, const run_options_t *ro)
{
    struct pollfd fds[3] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 }, { chld_pipe[0], POLLIN, 0 } };
    bool pass[2] = { !ro->quiet && !ro->silent, !ro->silent };
    uint64_t drain_end = 0;
    char buf[4096];
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        int timeout = -1;
        if (drain_end) {
            uint64_t now = now_ms();
            if (now >= drain_end)
                break;
            timeout = (int)(drain_end - now);
        }
        int r = poll(fds, 3, timeout);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (fds[2].revents) {
            while (read(chld_pipe[0], buf, sizeof buf) > 0) {}
            if (child_exited(pid)) {
                fds[2].fd = -1;
                drain_end = now_ms() + DRAIN_MS;
            }
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
                continue;
            }
            hc_trap_log(trap, buf, (size_t)n);
            if (pass[k] && !write_all(k ? STDERR_FILENO : STDOUT_FILENO, buf, (size_t)n)) {
                pass[k] = false;
                if (errno == EPIPE) {
                    /* The reader of hc's output is gone: the command's pipe
                     * goes too, so its next write fails (SIGPIPE, EPIPE) as
                     * it would have without hc. Other errors (a full disk)
                     * are hc's alone: the command runs on, still captured. */
                    close(fds[k].fd);
                    fds[k].fd = -1;
                }
            }
        }
    }
    for (int k = 0; k < 2; k++)
        if (fds[k].fd >= 0)
            close(fds[k].fd);
    return wait_status(pid);
}

/* Run the command; its exit status, 128+N when killed by signal N, or
 * HC_TRAP_EXEC_FAILED. */
static int run_command(hc_trap_t *trap, char **command, const run_options_t *ro)
{
    char msg[256];
    if (early_signal) {
        snprintf(msg, sizeof msg, "hc: signal %d arrived before %s started; not running it\n",
                 (int)early_signal, command[0]);
        note(trap, msg);
        return 128 + early_signal;
    }
    if (pipe(chld_pipe) == 0) {
        for (int k = 0; k < 2; k++) {
            fcntl(chld_pipe[k], F_SETFL, O_NONBLOCK);
            fcntl(chld_pipe[k], F_SETFD, FD_CLOEXEC);
        }
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
        sa.sa_handler = on_child;
        sigaction(SIGCHLD, &sa, NULL);
    }
    int out[2], err[2];
    pid_t pid = spawn(command, out, err);
    if (pid < 0) {
        snprintf(msg, sizeof msg, "hc: cannot run %s: %s\n", command[0], strerror(errno));
        note(trap, msg);
        return HC_TRAP_EXEC_FAILED;
    }
    int st = pump_output(trap, pid, out[0], err[0], ro);
    if (!WIFSIGNALED(st))
        return WEXITSTATUS(st);
    snprintf(msg, sizeof msg, "hc: %s was killed by signal %d (%s)\n", command[0], WTERMSIG(st),
             strsignal(WTERMSIG(st)));
    note(trap, msg);
    return 128 + WTERMSIG(st);
}

static void report(const char *what, hc_err_t err, const cli_client_t *cc, bool verbose)
{
    if (err != HC_OK)
        cli_report(what, err, cc);
    else if (verbose)
        fprintf(stderr, "hc: %s: delivered (HTTP %u)\n", what, hc_client_status(&cc->client));
}

int cmd_run(int argc, char **argv)
{
    cli_common_t o;
    cli_common_init(&o);
    run_options_t ro;
    memset(&ro, 0, sizeof ro);
    hc_trap_config_defaults(&ro.tc);
    ro.body_limit = -1;
    int first = parse_args(&ro, &o, argc, argv);
    if (first <= 0)
        return first < 0 ? 2 : 0;
    char **command = argv + first;
    char bufs[3][256];
    if (!settle_target(&ro, &o, bufs))
        return 2;

    cli_client_t *cc = calloc(1, sizeof *cc);
    if (!cc) {
        fputs("hc: out of memory\n", stderr);
        return 1;
    }
    o.headers = ro.headers;
    o.n_headers = ro.n_headers;
    if (!cli_client_open(cc, &o)) {
        free(cc);
        return 2;
    }
    if (ro.request_timeout_s > 0)
        apply_request_timeout(&cc->client.cfg, ro.request_timeout_s, o.timeout_s > 0);

    install_handlers();
    hc_trap_t trap;
    hc_err_t err = hc_trap_open(&trap, &cc->client, &ro.tc);
    if (err == HC_ERR_ARG || err == HC_ERR_UNSAFE_CHAR || err == HC_ERR_TOO_LONG) {
        cli_report("bad check (a lowercase UUID, or a slug of a-z 0-9 - _)", err, NULL);
        cli_client_close(cc);
        free(cc);
        return 2;
    }
    if (ro.tc.start_ping)
        report(err == HC_OK ? "start ping" : "start ping not delivered (running the command anyway)",
               err, cc, o.verbose);

    /* Sized now that the start ping may have learned the server's limit. */
    uint8_t *ring = NULL;
    if (!ro.no_output) {
        size_t size = body_size(ro.body_limit, &cc->client);
        ring = size ? malloc(size) : NULL;
        if (size && !ring)
            fputs("hc: out of memory for the output tail; the finish ping goes without it\n", stderr);
        hc_trap_set_ring(&trap, ring, ring ? size : 0);
    }

    int code = run_command(&trap, command, &ro);
    err = hc_trap_close(&trap, code);
    report(err == HC_OK ? "finish ping" : "finish ping not delivered", err, cc, o.verbose);
    cli_client_close(cc);
    free(ring);
    free(cc);
    return code == HC_TRAP_EXEC_FAILED ? 127 : code;
}
