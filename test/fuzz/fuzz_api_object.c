/* Fuzz target: the Management API's calls that answer with one object or
 * one word (get, create, update, pause, resume and delete a check; status)
 * over the mock port. The input is everything the server sends on the
 * first connection; which call, whether the caller wants the check echoed
 * back, and how the bytes trickle in follow from a hash of the input.
 *
 * Each call runs twice on fresh sessions, blocking and then polling; a
 * retry is answered with a fixed response, so the input is parsed once per
 * run. Checked: the promises every call keeps at its end (fuzz_api_env.h);
 * both drivers agree on the result, the status, the error text and the
 * decoded check, byte for byte; a decoded check has each string
 * NUL-terminated inside its array, no mask bit past its fields, and null
 * or cut fields only among those present; a cut string fills its array;
 * status succeeds only on a 2xx whose text begins with "OK". */
#include "fuzz_api_env.h"

enum call { GET, CREATE, UPDATE, PAUSE, RESUME, DELETE, STATUS, N_CALLS };

typedef struct outcome {
    hc_err_t result;
    uint16_t status;
    bool created;
    char error[HC_TEXT_MAX];
    hc_check_t check;
} outcome_t;

static hc_err_t begin_call(hc_api_t *api, enum call call, hc_check_t *out)
{
    static const hc_check_spec_t spec = {
        .set = HC_SPEC_NAME | HC_SPEC_TAGS | HC_SPEC_TIMEOUT,
        .name = "fuzz", .tags = "a b", .timeout = 3600,
    };
    switch (call) {
    case GET: return hc_api_get_check_begin(api, FUZZ_API_UUID, out);
    case CREATE: return hc_api_create_check_begin(api, &spec, out);
    case UPDATE: return hc_api_update_check_begin(api, FUZZ_API_UUID, &spec, out);
    case PAUSE: return hc_api_pause_check_begin(api, FUZZ_API_UUID, out);
    case RESUME: return hc_api_resume_check_begin(api, FUZZ_API_UUID, out);
    case DELETE: return hc_api_delete_check_begin(api, FUZZ_API_UUID, out);
    default: return hc_api_status_begin(api);
    }
}

/* Every string of a check, with the size of its array. */
#define CHECK_STRINGS(X) \
    X(name) X(slug) X(tags) X(desc) X(methods) X(subject) X(subject_fail) X(start_kw) \
    X(success_kw) X(failure_kw) X(badge_url) X(unique_key) X(uuid) X(ping_url) \
    X(update_url) X(pause_url) X(resume_url) X(channels) X(schedule) X(tz)

static void check_decoded(const hc_check_t *c)
{
    const uint64_t known = (UINT64_C(1) << HC_CHECK_F__COUNT) - 1u;
#define TERMINATED(f) FUZZ_CHECK(FUZZ_TERMINATED(c->f));
    CHECK_STRINGS(TERMINATED)
#undef TERMINATED
    FUZZ_CHECK((c->present & ~known) == 0);
    FUZZ_CHECK((c->nulls & ~c->present) == 0);
    FUZZ_CHECK((c->truncated & ~c->present) == 0);
    FUZZ_CHECK((c->truncated & c->nulls) == 0);
    /* A string is cut only when it would not fit: what is kept reaches
     * within 3 bytes of the array's end (a UTF-8 character takes 1 to 4). */
    if (HC_TRUNCATED(c, HC_CHECK_F_NAME))
        FUZZ_CHECK(strlen(c->name) + 4 >= sizeof c->name);
    if (HC_TRUNCATED(c, HC_CHECK_F_DESC))
        FUZZ_CHECK(strlen(c->desc) + 4 >= sizeof c->desc);
    if (HC_TRUNCATED(c, HC_CHECK_F_TAGS))
        FUZZ_CHECK(strlen(c->tags) + 4 >= sizeof c->tags);
    if (HC_IS_NULL(c, HC_CHECK_F_NAME))
        FUZZ_CHECK(c->name[0] == '\0');
    if (HC_IS_NULL(c, HC_CHECK_F_NEXT_PING))
        FUZZ_CHECK(c->next_ping == 0);
}

static void run(fuzz_api_env_t *e, enum call call, bool want_check, bool polling,
                outcome_t *o)
{
    memset(o, 0, sizeof *o);
    hc_check_t *out = want_check || call == GET ? &o->check : NULL;
    hc_err_t r = begin_call(&e->api, call, out);
    FUZZ_CHECK(r == HC_OK);
    r = polling ? fuzz_api_poll_to_end(e) : hc_api_wait(&e->api);
    fuzz_api_check_end(e, r);
    o->result = r;
    o->status = hc_client_status(&e->client);
    o->created = hc_api_created(&e->api);
    /* Only a create answered 201 made a check; decoding its echo may still
     * fail (the check exists all the same). */
    FUZZ_CHECK(o->created == (call == CREATE && o->status == 201 &&
                              (r == HC_OK || r == HC_ERR_JSON || r == HC_ERR_JSON_TOO_LARGE)));
    memcpy(o->error, hc_api_error(&e->api), sizeof o->error);
    if (r == HC_OK && out)
        check_decoded(out);
    if (call == STATUS && r == HC_OK)
        FUZZ_CHECK(strncmp(hc_client_text(&e->client), "OK", 2) == 0);
    if (r == HC_OK && !out) /* nothing decoded, nothing written */
        FUZZ_CHECK(o->check.present == 0 && o->check.name[0] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_api_env_t env;
    static outcome_t blocking, polling;
    uint32_t h = fuzz_hash(data, size);
    enum call call = (enum call)((h >> 12) % N_CALLS);
    bool want_check = (h >> 16) & 1u;
    uint8_t *response = fuzz_dup(data, size);

    fuzz_api_env_init(&env, response, size, h, fuzz_api_max_read(h), FUZZ_RETRY_FIXED);
    run(&env, call, want_check, false, &blocking);
    hc_client_close(&env.client);
    fuzz_api_env_init(&env, response, size, h, fuzz_api_max_read(h), FUZZ_RETRY_FIXED);
    run(&env, call, want_check, true, &polling);
    hc_client_close(&env.client);

    FUZZ_CHECK(blocking.result == polling.result);
    FUZZ_CHECK(blocking.status == polling.status);
    FUZZ_CHECK(blocking.created == polling.created);
    FUZZ_CHECK(strcmp(blocking.error, polling.error) == 0);
    if (blocking.result == HC_OK)
        FUZZ_CHECK(memcmp(&blocking.check, &polling.check, sizeof blocking.check) == 0);
    free(response);
    return 0;
}
