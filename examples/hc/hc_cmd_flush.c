/* hc flush: deliver what a queue file keeps (see hc ping --queue). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthchecks/hc_outbox.h"
#include "hc_cli.h"
#include "hc_cli_queue.h"

static const char usage[] =
    "usage: hc flush --queue FILE [options]\n"
    "\n"
    "Deliver the signals FILE keeps (hc ping --queue), oldest first, each with a\n"
    "first body line saying when it happened; stop at the first failure that may\n"
    "pass (the rest stays). A signal the server refuses for good (404, 400, ...)\n"
    "is removed and reported. Prints \"FILE: delivered N, refused N, N waiting\".\n"
    "\n"
    "  --queue FILE       the queue file (locked while in use: FILE.lock)\n"
    CLI_QUEUE_OPTIONS_HELP
    "plus the common options of hc --help.\n"
    "Exit status: 0 nothing waits any more, 1 a signal was refused (removed) or\n"
    "FILE could not be used, 2 usage error, 75 signals still wait in FILE.\n";

/* @return -1 to go on, or the exit status. */
static int parse_args(cli_common_t *o, const char **queue, size_t *max, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int c = cli_common_option(o, argc, argv, &i);
        if (c < 0) return 2;
        if (c > 0) continue;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs(usage, stdout);
            return 0;
        }
        if ((!strcmp(arg, "--queue") || !strcmp(arg, "--queue-max")) && i + 1 >= argc)
            return cli_usage_error("%s needs a value", arg);
        if (!strcmp(arg, "--queue"))
            *queue = argv[++i];
        else if (!strcmp(arg, "--queue-max")) {
            if (!cli_queue_parse_max(argv[++i], max))
                return 2;
        } else
            return cli_usage_error("unexpected argument '%s' (see hc flush --help)", arg);
    }
    if (!*queue)
        return cli_usage_error("which queue? give --queue FILE");
    return -1;
}

int cmd_flush(int argc, char **argv)
{
    cli_common_t o;
    const char *queue = NULL;
    size_t max = CLI_QUEUE_MAX_DEFAULT;
    cli_common_init(&o);
    int status = parse_args(&o, &queue, &max, argc, argv);
    if (status >= 0)
        return status;

    cli_client_t *cc = calloc(1, sizeof *cc);
    cli_queue_t q;
    status = 1;
    if (!cc || !cli_client_open(cc, &o))
        goto out;
    double wait_s = o.timeout_s > 0 ? o.timeout_s : cc->client.cfg.deadline_ms / 1000.0;
    if (!cli_queue_open(&q, queue, max, wait_s))
        goto out;
    hc_outbox_result_t res;
    hc_err_t err = hc_outbox_flush(&q.ob, &cc->client, &res);
    bool saved = cli_queue_save(&q);
    cli_queue_report(&q, &res, false);
    printf("%s: delivered %u, refused %u, %u waiting\n", queue, res.delivered, res.rejected,
           res.waiting);
    if (err != HC_OK)
        cli_report("delivery stopped", err, cc);
    if (saved)
        status = res.waiting ? 75 : res.rejected ? 1 : 0;
    cli_queue_close(&q);
out:
    if (cc)
        cli_client_close(cc);
    free(cc);
    return status;
}
