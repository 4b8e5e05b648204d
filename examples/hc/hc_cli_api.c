/* Plumbing of the management subcommands; see hc_cli_api.h. */
#include "hc_cli_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "healthchecks/hc_ping.h"

/* ------------------------------------------------------------- options */

const char *cli_opt_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        cli_usage_error("%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

bool cli_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    int64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*s - '0');
    }
    if (*s || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

bool cli_valid_id(const char *s, bool unique_key_ok)
{
    if (cli_is_uuid(s, true))
        return true;
    size_t n = strspn(s, "0123456789abcdef");
    return unique_key_ok && n == 40 && s[n] == '\0';
}

/* --json, --api-version, --request-timeout; as cli_common_option(). */
static int api_option(cli_api_opts_t *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--json")) {
        o->json = true;
        return 1;
    }
    if (!strcmp(a, "--request-timeout")) {
        if (*i + 1 >= argc) {
            cli_usage_error("%s needs a value", a);
            return -1;
        }
        char name[] = "--timeout";
        char *as_common[] = { name, argv[*i + 1] };
        int k = 0;
        int c = cli_common_option(&o->common, 2, as_common, &k);
        ++*i;
        return c;
    }
    if (strcmp(a, "--api-version"))
        return 0;
    const char *v = cli_opt_value(argc, argv, i);
    int64_t n;
    if (!v)
        return -1;
    if (!cli_parse_int(v, 1, 3, &n)) {
        cli_usage_error("--api-version must be 1, 2 or 3");
        return -1;
    }
    o->common.api_version = (uint8_t)n;
    return 1;
}

int cli_api_parse(cli_api_opts_t *o, const cli_api_cmd_t *cmd, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    cli_common_init(&o->common);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(cmd->usage, stdout);
            return 0;
        }
        int c = cmd->own ? cmd->own(cmd->own_ctx, argc, argv, &i) : 0;
        if (c == 0)
            c = api_option(o, argc, argv, &i);
        if (c == 0)
            c = cli_common_option(&o->common, argc, argv, &i);
        if (c < 0)
            return 2;
        if (c > 0)
            continue;
        if (a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9'))
            return cli_usage_error("unknown option %s (see hc %s --help)", a, cmd->name);
        if (o->n_pos >= cmd->max_pos)
            return cli_usage_error("unexpected argument '%s' (see hc %s --help)", a, cmd->name);
        o->pos[o->n_pos++] = a;
    }
    if (o->n_pos < cmd->min_pos) {
        int line = (int)strcspn(cmd->usage, "\n");
        return cli_usage_error("%s: missing argument; %.*s", cmd->name, line, cmd->usage);
    }
    if (cmd->id != CLI_ID_NONE && !cli_valid_id(o->pos[0], cmd->id == CLI_ID_UUID_OR_KEY))
        return cli_usage_error("%s: '%s' is not a check UUID%s", cmd->name, o->pos[0],
                               cmd->id == CLI_ID_UUID_OR_KEY ? " or unique key" : "");
    return CLI_CONTINUE;
}

/* ------------------------------------------------------------- session */

cli_api_t *cli_api_open(const cli_api_opts_t *o, bool needs_key, const char *cmd, int *status)
{
    if (needs_key && (!o->common.api_key || !*o->common.api_key)) {
        *status = cli_usage_error("%s needs an API key: --api-key KEY or HC_API_KEY", cmd);
        return NULL;
    }
    *status = 1;
    cli_api_t *s = calloc(1, sizeof *s);
    if (!s) {
        fputs("hc: out of memory\n", stderr);
        return NULL;
    }
    if (!cli_client_open(&s->cc, &o->common)) {
        free(s);
        return NULL;
    }
    hc_api_mem_t mem = { s->elem, sizeof s->elem, s->tok, sizeof s->tok / sizeof s->tok[0] };
    hc_err_t err = hc_api_init(&s->api, &s->cc.client, &mem);
    if (err != HC_OK) {
        cli_report("setting up the management API", err, NULL);
        cli_api_close(s);
        return NULL;
    }
    return s;
}

void cli_api_close(cli_api_t *s)
{
    if (!s)
        return;
    cli_client_close(&s->cc);
    free(s);
}

int cli_api_finish_list(cli_api_t *s, hc_err_t started, const char *cmd, cli_out_t *out)
{
    hc_err_t err = started == HC_OK ? hc_api_wait(&s->api) : started;
    int status = 1;
    if (out->missing)
        fprintf(stderr, "hc: %s: malformed response: an item without its %s\n", cmd,
                out->missing);
    else
        status = cli_api_report(s, started, err, cmd, NULL);
    if (status == 0)
        cli_out_end(out);
    cli_api_close(s);
    return status;
}

static bool is_local_refusal(hc_err_t err)
{
    return err == HC_ERR_ARG || err == HC_ERR_RANGE || err == HC_ERR_TOO_LONG ||
           err == HC_ERR_UNSAFE_CHAR || err == HC_ERR_URL;
}

int cli_api_run(cli_api_t *s, hc_err_t started, const char *cmd, const char *hint)
{
    return cli_api_report(s, started, started == HC_OK ? hc_api_wait(&s->api) : started, cmd,
                          hint);
}

int cli_api_report(cli_api_t *s, hc_err_t started, hc_err_t err, const char *cmd,
                   const char *hint)
{
    if (err == HC_OK)
        return 0;
    const char *what = cli_strerror(err, &s->cc);
    fprintf(stderr, "hc: %s: %s", cmd, what);
    uint16_t status = started == HC_OK ? hc_client_status(&s->cc.client) : 0;
    if (status && (status < 200 || status > 299)) {
        cli_put_server_text(stderr, hc_api_error(&s->api));
        char code[8];
        snprintf(code, sizeof code, "(%u)", status);
        if (!strstr(what, code))
            fprintf(stderr, " (HTTP %u)", status);
        if (status == 404 && hint)
            fprintf(stderr, " (%s)", hint);
    }
    cli_explain(err, &s->cc);
    fputc('\n', stderr);
    return started != HC_OK && is_local_refusal(started) ? 2 : 1;
}
