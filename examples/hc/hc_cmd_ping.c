/* hc ping: one ping, by UUID or slug, exit status 0 only when delivered. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthchecks/hc_ping.h"
#include "hc_cli.h"
#include "hc_cli_queue.h"
#include "hc_cli_text.h"

/* Not delivered now, but kept in the --queue file for a later run (the
 * sysexits.h code for "temporary failure, try again later"). */
#define EXIT_QUEUED 75

static const char usage[] =
    "usage: hc ping [success|start|fail|log|<0-255>] (--uuid U | --slug S) [options]\n"
    "\n"
    "  --uuid U           the check's UUID\n"
    "  --slug S           the check's slug (needs --ping-key or HC_PING_KEY)\n"
    "  --rid R            run id (a UUID) tying start to success/fail\n"
    "  --new-rid          generate a random run id and print it\n"
    "  --create           slug pings: create the check when it does not exist\n"
    "  --method M         HEAD, GET or POST (default: POST with data, else GET)\n"
    "  --data TEXT        send TEXT as the ping body\n"
    "  --data-file F      send the contents of F (- for stdin)\n"
    "  --body-limit N     send only the last N bytes of the body\n"
    "  --queue FILE       first deliver the signals FILE keeps, oldest first, then\n"
    "                     this ping; keep it in FILE when it fails in a way that may\n"
    "                     pass (network, timeout, 408, 429, 5xx), with its time and\n"
    "                     the last " CLI_STR(HC_OUTBOX_BODY_MAX) " bytes of its body; a late ping's body starts\n"
    "                     with a line saying when it happened. FILE is locked while\n"
    "                     in use (FILE.lock), so hc processes may share it.\n"
    CLI_QUEUE_OPTIONS_HELP
    "plus the common options of hc --help.\n"
    "Exit status: 0 delivered, 1 not delivered, 2 usage error, 75 not delivered\n"
    "but kept in the --queue FILE.\n";

/* Reads a whole file (or stdin); the CLI may use the heap, the library never. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) { free(buf); buf = NULL; }
            buf = bigger;
        }
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

static bool parse_signal(const char *s, hc_ping_t *p)
{
    static const char *const names[] = { "success", "start", "fail", "log" };
    for (unsigned k = 0; k < 4; k++)
        if (!strcmp(s, names[k])) {
            p->signal = (hc_signal_t)k;
            return true;
        }
    char *end;
    errno = 0;
    unsigned long code = strtoul(s, &end, 10);
    if (end == s || *end || errno || s[0] == '-')
        return false;
    p->signal = HC_SIGNAL_EXIT;
    p->exit_status = code > 256 ? 256u : (unsigned)code; /* refused in check_ping() */
    return true;
}

static bool parse_method(const char *s, hc_method_t *m)
{
    if (!strcmp(s, "GET")) *m = HC_METHOD_GET;
    else if (!strcmp(s, "HEAD")) *m = HC_METHOD_HEAD;
    else if (!strcmp(s, "POST")) *m = HC_METHOD_POST;
    else return false;
    return true;
}

/* What the command line asked for. */
typedef struct ping_args {
    cli_common_t o;
    hc_ping_t p;
    const char *data, *data_file;
    const char *signal_arg;  /* as given, for messages */
    bool new_rid;
    long body_limit;   /* -1: no cut */
    const char *queue; /* --queue FILE, or NULL */
    size_t queue_max;
} ping_args_t;

/* @return -1 to go on, or the exit status (0 after --help, 2 on a usage error). */
static int parse_args(ping_args_t *a, int argc, char **argv)
{
    bool have_signal = false, queue_max_given = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int c = cli_common_option(&a->o, argc, argv, &i);
        if (c < 0) return 2;
        if (c > 0) continue;
        bool has_value = i + 1 < argc;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) { fputs(usage, stdout); return 0; }
        else if (!strcmp(arg, "--new-rid")) a->new_rid = true;
        else if (!strcmp(arg, "--create")) a->p.create = true;
        else if (arg[0] == '-' && arg[1] == '-' && !has_value)
            return cli_usage_error("%s needs a value (or is unknown; see hc ping --help)", arg);
        else if (!strcmp(arg, "--uuid")) a->p.uuid = argv[++i];
        else if (!strcmp(arg, "--slug")) a->p.slug = argv[++i];
        else if (!strcmp(arg, "--rid")) a->p.rid = argv[++i];
        else if (!strcmp(arg, "--data")) a->data = argv[++i];
        else if (!strcmp(arg, "--data-file")) a->data_file = argv[++i];
        else if (!strcmp(arg, "--queue")) a->queue = argv[++i];
        else if (!strcmp(arg, "--queue-max")) {
            if (!cli_queue_parse_max(argv[++i], &a->queue_max))
                return 2;
            queue_max_given = true;
        }
        else if (!strcmp(arg, "--method")) {
            if (!parse_method(argv[++i], &a->p.method))
                return cli_usage_error("--method must be HEAD, GET or POST");
        } else if (!strcmp(arg, "--body-limit")) {
            char *end;
            a->body_limit = strtol(argv[++i], &end, 10);
            if (*end || a->body_limit < 0)
                return cli_usage_error("--body-limit must be a number of bytes");
        } else if (arg[0] == '-' && arg[1]) {
            return cli_usage_error("unknown option %s (see hc ping --help)", arg);
        } else if (!have_signal && parse_signal(arg, &a->p)) {
            have_signal = true;
            a->signal_arg = arg;
        } else {
            return cli_usage_error("unexpected argument '%s' (see hc ping --help)", arg);
        }
    }
    if (a->data && a->data_file)
        return cli_usage_error("give --data or --data-file, not both");
    if (a->new_rid && a->p.rid)
        return cli_usage_error("give --rid or --new-rid, not both");
    if (queue_max_given && !a->queue)
        return cli_usage_error("--queue-max goes with --queue FILE");
    return -1;
}

/* The library's refusals, each said with the option and its rule. */
static int check_ping(const ping_args_t *a)
{
    const hc_ping_t *p = &a->p;
    if (!cli_check_target(p->uuid, p->slug, p->create, a->o.ping_key))
        return 2;
    if (p->signal == HC_SIGNAL_EXIT && p->exit_status > 255)
        return cli_usage_error("exit status %s is out of range 0..255", a->signal_arg);
    if (p->rid && !cli_is_uuid(p->rid, false))
        return cli_usage_error("--rid '%s' is not a run id (a UUID: 8-4-4-4-12 hex digits)",
                               p->rid);
    if (p->method == HC_METHOD_HEAD && (a->data || a->data_file))
        return cli_usage_error("--method HEAD sends no body: drop --data/--data-file, "
                               "or use POST");
    return -1;
}

/* Point the ping at its body (the last --body-limit bytes of it). */
static void attach_body(hc_ping_t *p, const char *body, size_t len, long limit)
{
    if (limit >= 0 && len > (size_t)limit) {
        body += len - (size_t)limit;
        len = (size_t)limit;
    }
    p->body = (const uint8_t *)body;
    p->body_len = len;
}

/* The exit status of a ping the library did not deliver. */
static int not_delivered(hc_err_t err)
{
    return (err == HC_ERR_ARG || err == HC_ERR_RANGE || err == HC_ERR_TOO_LONG ||
            err == HC_ERR_UNSAFE_CHAR || err == HC_ERR_URL) ? 2 : 1;
}

/* Send the ping after what the queue file keeps; @return the exit status. */
static int send_queued(cli_client_t *cc, ping_args_t *a, hc_ping_result_t *ping_res)
{
    cli_queue_t q;
    double wait_s = a->o.timeout_s > 0 ? a->o.timeout_s : cc->client.cfg.deadline_ms / 1000.0;
    if (!cli_queue_open(&q, a->queue, a->queue_max, wait_s)) {
        fputs("hc: ping not sent and not queued\n", stderr);
        return 1;
    }
    hc_outbox_result_t res;
    hc_err_t err = hc_outbox_send(&q.ob, &cc->client, &a->p, &res);
    bool saved = cli_queue_save(&q);
    cli_queue_report(&q, &res, a->o.verbose);
    *ping_res = res.ping;
    int status = 0;
    if (err != HC_OK && res.queued && saved) {
        cli_report("ping not delivered", err, cc);
        fprintf(stderr, "hc: kept in %s (%u waiting)\n", a->queue, res.waiting);
        status = EXIT_QUEUED;
    } else if (err != HC_OK && res.queued) {
        cli_report("ping not delivered", err, cc);
        fprintf(stderr, "hc: and not kept: %s could not be written\n", a->queue);
        status = 1;
    } else if (err != HC_OK) {
        cli_report("ping not delivered", err, cc);
        status = not_delivered(err);
    }
    cli_queue_close(&q);
    return status;
}

/* Send the ping; @return the exit status. */
static int send_ping(cli_client_t *cc, ping_args_t *a, char *rid)
{
    if (a->new_rid) {
        hc_err_t e = hc_rid_new(&cc->client, rid);
        if (e != HC_OK) {
            cli_report("making a run id", e, NULL);
            return 1;
        }
        a->p.rid = rid;
        printf("rid %s\n", rid);
    }
    hc_ping_result_t res;
    if (a->queue) {
        int status = send_queued(cc, a, &res);
        if (status != 0)
            return status;
    } else {
        hc_err_t err = hc_ping_send(&cc->client, &a->p, &res);
        if (err != HC_OK) {
            cli_report("ping not delivered", err, cc);
            return not_delivered(err);
        }
    }
    if (a->o.verbose) {
        printf("delivered: HTTP %u \"", res.status);
        cli_safe_puts(stdout, res.text);
        printf("\"%s\n", res.created ? " (check created)" : "");
    }
    return 0;
}

int cmd_ping(int argc, char **argv)
{
    ping_args_t a = { .body_limit = -1, .queue_max = CLI_QUEUE_MAX_DEFAULT };
    cli_common_init(&a.o);
    int status = parse_args(&a, argc, argv);
    if (status < 0)
        status = check_ping(&a);
    if (status >= 0)
        return status;

    cli_client_t *cc = calloc(1, sizeof *cc);
    char *file_body = NULL;
    size_t len = 0;
    char rid[37];
    status = 1;
    if (!cc || !cli_client_open(cc, &a.o))
        goto out;
    if (a.data_file && !(file_body = read_all(a.data_file, &len))) {
        fprintf(stderr, "hc: cannot read %s: %s\n", a.data_file, strerror(errno));
        goto out;
    }
    if (file_body)
        attach_body(&a.p, file_body, len, a.body_limit);
    else if (a.data)
        attach_body(&a.p, a.data, strlen(a.data), a.body_limit);
    status = send_ping(cc, &a, rid);
out:
    free(file_body);
    if (cc)
        cli_client_close(cc);
    free(cc);
    return status;
}
