/* hc checks list|get|create|update|pause|resume|delete: the checks of a
 * project through the Management API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_cli_api.h"
#include "hc_cli_print.h"

static const char checks_usage[] =
    "usage: hc checks <subcommand> [options]\n"
    "\n"
    "  list [--tag T]... [--slug S]   the project's checks (every --tag must match)\n"
    "  get ID                         one check, by UUID or (read-only key) unique key\n"
    "  create [field options]         a new check; with --unique, update a matching one\n"
    "  update UUID [field options]    change only the fields given\n"
    "  pause UUID                     pause monitoring until the next ping\n"
    "  resume UUID                    resume a paused check\n"
    "  delete UUID                    delete a check\n"
    "See hc checks <subcommand> --help.\n";

#define CHECKS_TAIL "\n" CLI_API_OPTIONS_HELP

static const char list_usage[] =
    "usage: hc checks list [--tag T]... [--slug S] [options]\n"
    "\n"
    "Prints one row per check: name, slug, status, last ping (UTC) and the UUID\n"
    "(the unique key with a read-only key). The list is streamed, so any number\n"
    "of checks works.\n"
    "  --tag T              only checks tagged T (repeatable: all must match)\n"
    "  --slug S             only checks with slug S\n" CHECKS_TAIL;

static const char get_usage[] =
    "usage: hc checks get ID [options]\n"
    "\n"
    "Prints every field the server sent for the check. ID is its UUID or, with a\n"
    "read-only key, its unique key.\n" CHECKS_TAIL;

#define SPEC_HELP \
    "  --name N             name (at most 100 characters)\n" \
    "  --slug S             slug (at most 100 of a-z 0-9 - _)\n" \
    "  --tags T             space-separated tags\n" \
    "  --desc D             description\n" \
    "  --timeout S          period in seconds, 60..31536000 (simple checks)\n" \
    "  --grace S            grace time in seconds, 60..31536000\n" \
    "  --schedule CRON      cron or OnCalendar expression (makes it a cron check)\n" \
    "  --tz TZ              time zone of the schedule, e.g. Europe/Riga\n" \
    "  --manual-resume true|false   stay paused after a ping\n" \
    "  --methods \"\"|POST    POST: count only POST pings\n" \
    "  --channels C         integrations: \"*\" all, \"\" none, or comma-separated ids/names\n" \
    "  --subject S, --subject-fail S, --start-kw K, --success-kw K, --failure-kw K\n" \
    "                       e-mail ping filters (at most 200 characters each)\n" \
    "  --filter-subject true|false, --filter-body true|false,\n" \
    "  --filter-http-body true|false, --filter-default-fail true|false\n"

static const char create_usage[] =
    "usage: hc checks create [field options] [--unique FIELD]... [options]\n"
    "\n"
    "Creates a check and prints it. With --unique, an existing check whose given\n"
    "fields match is updated instead; the first line (stderr with --json) says\n"
    "which happened: \"created\" (HTTP 201) or \"updated existing\" (HTTP 200).\n" SPEC_HELP
    "  --unique FIELD       name, slug, tags, timeout or grace (repeatable)\n" CHECKS_TAIL;

static const char update_usage[] =
    "usage: hc checks update UUID [field options] [options]\n"
    "\n"
    "Changes only the fields given and prints the check.\n" SPEC_HELP CHECKS_TAIL;

static const char pause_usage[] =
    "usage: hc checks pause UUID [options]\n"
    "\nPauses monitoring of the check until its next ping.\n" CHECKS_TAIL;

static const char resume_usage[] =
    "usage: hc checks resume UUID [options]\n"
    "\nResumes a paused check (an error if it is not paused).\n" CHECKS_TAIL;

static const char delete_usage[] =
    "usage: hc checks delete UUID [options]\n"
    "\nDeletes the check (for good).\n" CHECKS_TAIL;

/* The exit status after a call that returned one check: @p status, or 1
 * after saying what the check lacks. */
static int check_complete(const hc_check_t *c, int status, const char *cmd)
{
    const char *missing = status == 0 ? cli_check_missing(c) : NULL;
    if (!missing)
        return status;
    fprintf(stderr, "hc: %s: malformed response: a check without its %s\n", cmd, missing);
    return 1;
}

/* ------------------------------------------------------------------ list */

#define MAX_TAGS 16

typedef struct list_args {
    const char *tags[MAX_TAGS];
    size_t n_tags;
    const char *slug;
} list_args_t;

static int list_option(void *ctx, int argc, char **argv, int *i)
{
    list_args_t *l = ctx;
    bool tag = !strcmp(argv[*i], "--tag");
    if (!tag && strcmp(argv[*i], "--slug"))
        return 0;
    const char *v = cli_opt_value(argc, argv, i);
    if (!v)
        return -1;
    if (!tag) {
        l->slug = v;
    } else if (l->n_tags == MAX_TAGS) {
        cli_usage_error("at most %d --tag options", MAX_TAGS);
        return -1;
    } else {
        l->tags[l->n_tags++] = v;
    }
    return 1;
}

static int checks_list(int argc, char **argv)
{
    list_args_t args = { .n_tags = 0 };
    cli_api_cmd_t cmd = { "checks list", list_usage, 0, 0, CLI_ID_NONE, list_option, &args };
    cli_api_opts_t o;
    int status = cli_api_parse(&o, &cmd, argc, argv);
    cli_api_t *s = status == CLI_CONTINUE ? cli_api_open(&o, true, cmd.name, &status) : NULL;
    if (!s)
        return status;
    cli_out_t out = cli_checks_out(o.json);
    hc_check_t item;
    hc_list_t list = { .items = &item, .capacity = 1, .each = cli_print_check_row, .ctx = &out };
    hc_check_query_t query = { args.tags, args.n_tags, args.slug };
    return cli_api_finish_list(s, hc_api_list_checks_begin(&s->api, &query, &list), cmd.name, &out);
}

/* ------------------------------------------ get, pause, resume, delete */

typedef hc_err_t (*check_call_fn)(hc_api_t *, const char *, hc_check_t *);

/* A call on one check by its identifier; prints the check (@p verb NULL)
 * or one line "<verb> check 'name' (id)". */
static int one_check(int argc, char **argv, const char *name, const char *usage,
                     check_call_fn call, bool unique_key_ok, const char *verb)
{
    cli_api_cmd_t cmd = { name, usage, 1, 1, unique_key_ok ? CLI_ID_UUID_OR_KEY : CLI_ID_UUID,
                          NULL, NULL };
    cli_api_opts_t o;
    int status = cli_api_parse(&o, &cmd, argc, argv);
    cli_api_t *s = status == CLI_CONTINUE ? cli_api_open(&o, true, name, &status) : NULL;
    if (!s)
        return status;
    const char *id = o.pos[0];
    hc_check_t *c = malloc(sizeof *c);
    status = c ? check_complete(c, cli_api_run(s, call(&s->api, id, c), name, NULL), name) : 1;
    if (status == 0) {
        cli_out_t out = { .json = o.json };
        cli_obj_t obj = cli_check_obj(c);
        if (verb && !o.json) {
            cli_print_check_line(stdout, verb, c);
            if (call != hc_api_delete_check_begin)
                printf(", status %s", cli_status_name(c->status));
            putchar('\n');
        } else
            cli_out_object(&out, &obj);
    }
    free(c);
    cli_api_close(s);
    return status;
}

static int checks_get(int argc, char **argv)
{
    return one_check(argc, argv, "checks get", get_usage, hc_api_get_check_begin, true, NULL);
}

static int checks_pause(int argc, char **argv)
{
    return one_check(argc, argv, "checks pause", pause_usage, hc_api_pause_check_begin, false, "paused");
}

static int checks_resume(int argc, char **argv)
{
    return one_check(argc, argv, "checks resume", resume_usage, hc_api_resume_check_begin, false,
                     "resumed");
}

static int checks_delete(int argc, char **argv)
{
    return one_check(argc, argv, "checks delete", delete_usage, hc_api_delete_check_begin, false,
                     "deleted");
}

/* --------------------------------------------------------- create, update */

typedef enum spec_kind { S_STR, S_SECONDS, S_BOOL } spec_kind_t;

/* A field option: the spec bit it sets, where its value goes, and what
 * the library's checks require of it. */
typedef struct spec_opt {
    const char *opt;
    uint32_t bit;
    spec_kind_t kind;
    size_t off;
    const char *rule;
} spec_opt_t;

#define SO(opt, bit, kind, member, rule) \
    { opt, HC_SPEC_##bit, S_##kind, offsetof(hc_check_spec_t, member), rule }

static const spec_opt_t spec_opts[] = {
    SO("--name", NAME, STR, name, "at most 100 characters"),
    SO("--slug", SLUG, STR, slug, "at most 100 of a-z 0-9 - _"),
    SO("--tags", TAGS, STR, tags, "UTF-8 text"),
    SO("--desc", DESC, STR, desc, "UTF-8 text"),
    SO("--timeout", TIMEOUT, SECONDS, timeout, "60..31536000 seconds"),
    SO("--grace", GRACE, SECONDS, grace, "60..31536000 seconds"),
    SO("--schedule", SCHEDULE, STR, schedule, "at most 100 characters"),
    SO("--tz", TZ, STR, tz, "UTF-8 text"),
    SO("--manual-resume", MANUAL_RESUME, BOOL, manual_resume, "true or false"),
    SO("--methods", METHODS, STR, methods, "\"\" or POST"),
    SO("--channels", CHANNELS, STR, channels, "UTF-8 text"),
    SO("--subject", SUBJECT, STR, subject, "at most 200 characters"),
    SO("--subject-fail", SUBJECT_FAIL, STR, subject_fail, "at most 200 characters"),
    SO("--start-kw", START_KW, STR, start_kw, "at most 200 characters"),
    SO("--success-kw", SUCCESS_KW, STR, success_kw, "at most 200 characters"),
    SO("--failure-kw", FAILURE_KW, STR, failure_kw, "at most 200 characters"),
    SO("--filter-subject", FILTER_SUBJECT, BOOL, filter_subject, "true or false"),
    SO("--filter-body", FILTER_BODY, BOOL, filter_body, "true or false"),
    SO("--filter-http-body", FILTER_HTTP_BODY, BOOL, filter_http_body, "true or false"),
    SO("--filter-default-fail", FILTER_DEFAULT_FAIL, BOOL, filter_default_fail, "true or false"),
};
#define N_SPEC_OPTS (sizeof spec_opts / sizeof spec_opts[0])
#define MAX_UNIQUE 8

typedef struct spec_args {
    hc_check_spec_t spec;
    const char *unique[MAX_UNIQUE];
    const char *values[N_SPEC_OPTS]; /**< as given, for error messages */
    bool is_create;
} spec_args_t;

static int unique_option(spec_args_t *a, int argc, char **argv, int *i)
{
    if (!a->is_create) {
        cli_usage_error("--unique is for hc checks create only");
        return -1;
    }
    const char *v = cli_opt_value(argc, argv, i);
    if (!v)
        return -1;
    if (a->spec.n_unique == MAX_UNIQUE) {
        cli_usage_error("at most %d --unique options", MAX_UNIQUE);
        return -1;
    }
    a->unique[a->spec.n_unique++] = v;
    a->spec.unique = a->unique;
    a->spec.set |= HC_SPEC_UNIQUE;
    return 1;
}

static int store_value(hc_check_spec_t *spec, const spec_opt_t *so, const char *v)
{
    void *field = (char *)spec + so->off;
    int64_t n;
    switch (so->kind) {
    case S_STR:
        *(const char **)field = v;
        break;
    case S_SECONDS:
        if (!cli_parse_int(v, 60, 31536000, &n))
            return cli_usage_error("%s takes whole seconds, 60..31536000 (not '%s')", so->opt, v);
        *(uint32_t *)field = (uint32_t)n;
        break;
    case S_BOOL:
        if (strcmp(v, "true") && strcmp(v, "false"))
            return cli_usage_error("%s takes true or false (not '%s')", so->opt, v);
        *(bool *)field = !strcmp(v, "true");
        break;
    }
    spec->set |= so->bit;
    return 0;
}

static int spec_option(void *ctx, int argc, char **argv, int *i)
{
    spec_args_t *a = ctx;
    if (!strcmp(argv[*i], "--unique"))
        return unique_option(a, argc, argv, i);
    size_t k = 0;
    while (k < N_SPEC_OPTS && strcmp(argv[*i], spec_opts[k].opt))
        k++;
    if (k == N_SPEC_OPTS)
        return 0;
    if (a->spec.set & spec_opts[k].bit) {
        cli_usage_error("%s given twice", spec_opts[k].opt);
        return -1;
    }
    const char *v = cli_opt_value(argc, argv, i);
    if (!v || store_value(&a->spec, &spec_opts[k], v))
        return -1;
    a->values[k] = v;
    return 1;
}

/* Run the library's checks; on a refusal, name the option at fault. */
static int validate_spec(const spec_args_t *a, const char *cmd)
{
    hc_err_t err = hc_check_spec_validate(&a->spec);
    if (err == HC_OK)
        return 0;
    for (size_t k = 0; k < N_SPEC_OPTS; k++) {
        hc_check_spec_t one = a->spec;
        one.set = a->spec.set & spec_opts[k].bit;
        hc_err_t e = one.set ? hc_check_spec_validate(&one) : HC_OK;
        if (e != HC_OK)
            return cli_usage_error("%s: %s '%s': %s (%s)", cmd, spec_opts[k].opt, a->values[k],
                                   hc_strerror(e), spec_opts[k].rule);
    }
    if (a->spec.set & HC_SPEC_UNIQUE)
        return cli_usage_error("%s: --unique takes name, slug, tags, timeout or grace", cmd);
    return cli_usage_error("%s: %s", cmd, hc_strerror(err));
}

static int write_check(int argc, char **argv, bool create)
{
    spec_args_t args;
    memset(&args, 0, sizeof args);
    args.is_create = create;
    const char *name = create ? "checks create" : "checks update";
    cli_api_cmd_t cmd = { name, create ? create_usage : update_usage, !create, !create,
                          create ? CLI_ID_NONE : CLI_ID_UUID, spec_option, &args };
    cli_api_opts_t o;
    int status = cli_api_parse(&o, &cmd, argc, argv);
    if (status != CLI_CONTINUE)
        return status;
    const char *uuid = create ? NULL : o.pos[0];
    if (!create && !args.spec.set)
        return cli_usage_error("%s: nothing to change (see hc %s --help)", name, name);
    if ((status = validate_spec(&args, name)) != 0)
        return status;
    cli_api_t *s = cli_api_open(&o, true, name, &status);
    if (!s)
        return status;
    hc_check_t *c = malloc(sizeof *c);
    hc_err_t started = !c ? HC_ERR_ARG
                     : create ? hc_api_create_check_begin(&s->api, &args.spec, c)
                              : hc_api_update_check_begin(&s->api, uuid, &args.spec, c);
    status = c ? check_complete(c, cli_api_run(s, started, name, NULL), name) : 1;
    if (status == 0) {
        const char *what = !create ? "updated"
                         : hc_api_created(&s->api) ? "created" : "updated existing";
        FILE *f = o.json ? stderr : stdout;
        cli_print_check_line(f, what, c);
        fprintf(f, ", HTTP %u\n", hc_client_status(&s->cc.client));
        cli_out_t out = { .json = o.json };
        cli_obj_t obj = cli_check_obj(c);
        cli_out_object(&out, &obj);
    }
    free(c);
    cli_api_close(s);
    return status;
}

static int checks_create(int argc, char **argv)
{
    return write_check(argc, argv, true);
}

static int checks_update(int argc, char **argv)
{
    return write_check(argc, argv, false);
}

/* ---------------------------------------------------------------- dispatch */

int cmd_checks(int argc, char **argv)
{
    static const struct { const char *name; int (*fn)(int, char **); } subs[] = {
        { "list", checks_list }, { "get", checks_get }, { "create", checks_create },
        { "update", checks_update }, { "pause", checks_pause }, { "resume", checks_resume },
        { "delete", checks_delete },
    };
    if (argc < 2)
        return cli_usage_error("checks needs a subcommand: list, get, create, update, pause, "
                               "resume or delete (see hc checks --help)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(checks_usage, stdout);
        return 0;
    }
    for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++)
        if (!strcmp(argv[1], subs[k].name))
            return subs[k].fn(argc - 1, argv + 1);
    return cli_usage_error("unknown subcommand 'checks %s' (see hc checks --help)", argv[1]);
}
