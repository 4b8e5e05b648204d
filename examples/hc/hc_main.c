/* hc: the Healthchecks command-line client. Dispatches to a subcommand. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "healthchecks/hc_ping.h"
#include "healthchecks/hc_url.h"
#include "hc_cli.h"
#include "hc_cli_text.h"

static const char usage[] =
    "usage: hc <command> [options]\n"
    "\n"
    "commands:\n"
    "  ping [success|start|fail|log|<0-255>]  send a ping (hc ping --help)\n"
    "  run [options] -- command [args...]     monitor one run of a command (hc run --help)\n"
    "  flush --queue FILE                     deliver the pings a queue file keeps, for\n"
    "                                         hc ping --queue (hc flush --help)\n"
    "  checks list|get|create|update|pause|resume|delete  manage checks (hc checks --help)\n"
    "  pings UUID                             a check's ping log\n"
    "  ping-body UUID N [--max-bytes B]       the body of ping N to stdout (escaped on a terminal)\n"
    "  flips ID [--seconds N | --start T --end T]  a check's status changes\n"
    "  channels                               the project's integrations\n"
    "  badges                                 the project's badge URLs per tag\n"
    "  status                                 is the server up (no key needed)\n"
    "  (management commands also take --json, --api-version 1|2|3; see their --help)\n"    "  Server text is never printed raw: control characters are shown escaped.\n"
    "\n"
    "common options (also from the environment):\n"
    "  --ping-url URL   ping base URL        (HC_PING_URL, default https://hc-ping.com)\n"
    "  --ping-key KEY   project ping key     (HC_PING_KEY)\n"
    "  --api-url URL    management base URL  (HC_API_URL, default https://healthchecks.io/api)\n"
    "  --api-key KEY    management API key   (HC_API_KEY)\n"
    "  --user-agent UA  User-Agent header    (default hc/" HC_CLI_VERSION ")\n"
    "  --cacert FILE    CA bundle for https  (HC_CACERT, default the system's; read only\n"
    "                   when an https URL is used, a regular file, within --timeout)\n"
    "  --insecure       do not verify the server's certificate (never in production)\n"
    "  --tls-session FILE  keep the TLS session in FILE (mode 0600) so that the next\n"
    "                   run resumes it instead of a full handshake; a stale or\n"
    "                   foreign FILE is ignored with a warning\n"
    "  --timeout S      give up after S seconds, retries included\n"
    "  --retries N      retry N times on network errors, 408, 429 and 5xx\n"
    "  -v, --verbose    say what happened (hc ping: stdout; hc run: stderr)\n";

void cli_common_init(cli_common_t *o)
{
    memset(o, 0, sizeof *o);
    o->ping_url = getenv("HC_PING_URL");
    o->ping_key = getenv("HC_PING_KEY");
    o->api_url = getenv("HC_API_URL");
    o->api_key = getenv("HC_API_KEY");
    o->cacert = getenv("HC_CACERT");
    o->user_agent = "hc/" HC_CLI_VERSION;
    o->retries = -1;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hc: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n", stderr);
    va_end(ap);
    return 2;
}

#define SLUG_RULE "1 to 100 of a-z 0-9 - _"

bool cli_is_uuid(const char *s, bool lowercase_only)
{
    static const size_t group[] = { 8, 4, 4, 4, 12 };
    const char *hex = lowercase_only ? "0123456789abcdef" : "0123456789abcdefABCDEF";
    for (size_t g = 0; g < sizeof group / sizeof group[0]; g++) {
        if (g && *s++ != '-')
            return false;
        size_t n = strspn(s, hex);
        if (n != group[g])
            return false;
        s += n;
    }
    return *s == '\0';
}

static bool has_control_byte(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

bool cli_check_target(const char *uuid, const char *slug, bool create, const char *ping_key)
{
    if (uuid && slug)
        cli_usage_error("give --uuid or --slug, not both");
    else if (!uuid && !slug)
        cli_usage_error("which check? give --uuid or --slug");
    else if (uuid && !cli_is_uuid(uuid, true))
        cli_usage_error("--uuid '%s' is not a check UUID (8-4-4-4-12 lowercase hex digits, "
                        "as in its ping URL)", uuid);
    else if (uuid && create)
        cli_usage_error("--create works with --slug only (a check's UUID exists already)");
    else if (slug && strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(slug))
        cli_usage_error("--slug '%s' is not a slug (" SLUG_RULE ")", slug);
    else if (slug && (!*slug || strlen(slug) > 100))
        cli_usage_error("--slug is %s (" SLUG_RULE ")", *slug ? "longer than 100 characters" : "empty");
    else if (slug && (!ping_key || !*ping_key))
        cli_usage_error("--slug needs the project's ping key (--ping-key or HC_PING_KEY)");
    else if (slug && has_control_byte(ping_key))
        cli_usage_error("--ping-key holds a control character (CR, LF, ...); no URL may");
    else
        return true;
    return false;
}

static bool parse_number(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

int cli_common_option(cli_common_t *o, int argc, char **argv, int *i)
{
    static const struct { const char *name; size_t off; } strings[] = {
        { "--ping-url", offsetof(cli_common_t, ping_url) },
        { "--ping-key", offsetof(cli_common_t, ping_key) },
        { "--api-url", offsetof(cli_common_t, api_url) },
        { "--api-key", offsetof(cli_common_t, api_key) },
        { "--user-agent", offsetof(cli_common_t, user_agent) },
        { "--cacert", offsetof(cli_common_t, cacert) },
        { "--tls-session", offsetof(cli_common_t, tls_session) },
    };
    const char *arg = argv[*i];
    if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose")) {
        o->verbose = true;
        return 1;
    }
    if (!strcmp(arg, "--insecure")) {
        o->insecure = true;
        return 1;
    }
    bool is_timeout = !strcmp(arg, "--timeout"), is_retries = !strcmp(arg, "--retries");
    size_t k = 0;
    while (k < sizeof strings / sizeof strings[0] && strcmp(arg, strings[k].name))
        k++;
    if (!is_timeout && !is_retries && k == sizeof strings / sizeof strings[0])
        return 0;
    if (*i + 1 >= argc) {
        cli_usage_error("%s needs a value", arg);
        return -1;
    }
    const char *val = argv[++*i];
    double v;
    if (is_timeout) {
        if (!parse_number(val, 0.001, 86400, &v)) {
            cli_usage_error("--timeout: %s is not a number of seconds", val);
            return -1;
        }
        o->timeout_s = v;
    } else if (is_retries) {
        if (!parse_number(val, 0, 20, &v) || v != (int)v) {
            cli_usage_error("--retries: %s is not a whole number 0..20", val);
            return -1;
        }
        o->retries = (int)v;
    } else {
        *(const char **)((char *)o + strings[k].off) = val;
    }
    return 1;
}

void cli_client_close(cli_client_t *cc)
{
    hc_client_close(&cc->client);
#ifdef HC_CLI_TLS
    cli_tls_free(&cc->tls);
#endif
}

bool cli_client_open(cli_client_t *cc, const cli_common_t *o)
{
    hc_posix_init(&cc->posix);
    cc->tp = hc_posix_transport(&cc->posix);
    hc_config_t cfg;
    hc_config_defaults(&cfg);
    if (o->ping_url) cfg.ping_url = o->ping_url;
    if (o->api_url) cfg.api_url = o->api_url;
    cfg.ping_key = o->ping_key;
    cfg.api_key = o->api_key;
    cfg.user_agent = o->user_agent;
    cfg.extra_headers = o->headers;
    cfg.n_extra_headers = o->n_headers;
    cfg.transport = &cc->tp;
    cfg.work = cc->work;
    cfg.work_size = sizeof cc->work;
    if (o->timeout_s > 0) {
        uint32_t ms = (uint32_t)(o->timeout_s * 1000.0);
        cfg.deadline_ms = ms;
        if (cfg.request_timeout_ms > ms) cfg.request_timeout_ms = ms;
        if (cfg.io_timeout_ms > ms) cfg.io_timeout_ms = ms;
        if (cfg.connect_timeout_ms > ms) cfg.connect_timeout_ms = ms;
    }
    if (o->retries >= 0)
        cfg.max_attempts = (uint8_t)(o->retries + 1);
    if (o->api_version)
        cfg.api_version = o->api_version;
#ifdef HC_CLI_TLS
    /* Nothing is read yet: parsing the system's CA bundle costs more than a
     * whole plain-HTTP ping, and a broken bundle must not stop one. */
    cc->tls_tp = cli_tls_transport(&cc->tls, o->cacert, o->insecure);
    cc->tls.session_file = o->tls_session;
    cfg.tls_transport = &cc->tls_tp;
#endif
    hc_err_t err = hc_client_init(&cc->client, &cfg);
    if (err != HC_OK) {
        cli_report("setting up the client", err, NULL);
        cli_client_close(cc);
        return false;
    }
    return true;
}

const char *cli_strerror(hc_err_t err, const cli_client_t *cc)
{
#ifdef HC_CLI_TLS
    if (cc && cli_tls_setup_failed(&cc->tls, err))
        return "TLS could not be set up";
#else
    (void)cc;
#endif
    return hc_strerror(err);
}

void cli_explain(hc_err_t err, const cli_client_t *cc)
{
    if (err == HC_ERR_NO_TLS)
        fputs(" (this build of hc has no TLS support)", stderr);
#ifdef HC_CLI_TLS
    if (cc)
        cli_tls_explain(&cc->tls, err);
#else
    (void)cc;
#endif
}

void cli_report(const char *what, hc_err_t err, const cli_client_t *cc)
{
    const hc_client_t *c = cc ? &cc->client : NULL;
    fprintf(stderr, "hc: %s: %s", what, cli_strerror(err, cc));
    if (c && hc_client_status(c)) {
        fprintf(stderr, " (HTTP %u: \"", hc_client_status(c));
        cli_safe_puts(stderr, hc_client_text(c));
        fputs("\")", stderr);
    }
    cli_explain(err, cc);
    fputc('\n', stderr);
}

static bool std_closed[3];

/* Hold each standard descriptor that came closed on /dev/null. */
static void hold_closed_std_fds(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        std_closed[fd] = true;
        int null = open("/dev/null", O_RDWR);  /* the lowest free number: fd */
        if (null >= 0 && null != fd) {
            dup2(null, fd);
            close(null);
        }
    }
}

bool cli_std_was_closed(int fd)
{
    return fd >= 0 && fd < 3 && std_closed[fd];
}

int main(int argc, char **argv)
{
    hold_closed_std_fds();
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        puts("hc " HC_CLI_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "ping"))
        return cmd_ping(argc - 1, argv + 1);
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "flush"))
        return cmd_flush(argc - 1, argv + 1);
    static const struct { const char *name; int (*fn)(int, char **); } management[] = {
        { "checks", cmd_checks }, { "pings", cmd_pings }, { "ping-body", cmd_ping_body },
        { "flips", cmd_flips }, { "channels", cmd_channels }, { "badges", cmd_badges },
        { "status", cmd_status },
    };
    for (size_t k = 0; k < sizeof management / sizeof management[0]; k++)
        if (!strcmp(argv[1], management[k].name))
            return management[k].fn(argc - 1, argv + 1);
    return cli_usage_error("unknown command '%s' (try hc --help)", argv[1]);
}
