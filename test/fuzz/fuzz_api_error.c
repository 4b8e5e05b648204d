/* Fuzz target: the server's error text, hc_api_error(). The input is the
 * body of an error response; its status (400, 401, 403, 404, 409, 413,
 * 418, 422, 500 or 503), framing (Content-Length or chunked) and the call
 * that gets it (a check, a list, a ping body) follow from a hash of the
 * input, so every input is an error body the fuzzer can shape directly.
 *
 * Checked: the promises every call keeps at its end (fuzz_api_env.h); the
 * result is what the status means; the text is NUL-terminated inside its
 * array and comes from the first HC_TEXT_MAX - 1 bytes of the body: the
 * "error" member of a JSON object when one decodes from them, otherwise
 * those bytes up to any NUL, without leading blanks and trailing line
 * ends and spaces, and "" for an HTML page (a first '<'). */
#include "fuzz_api_env.h"

static const char *const statuses[] = {
    "400 Bad Request", "401 Unauthorized", "403 Forbidden", "404 Not Found",
    "409 Conflict", "413 Payload Too Large", "418 I'm a teapot", "422 Unprocessable Entity",
    "500 Internal Server Error", "503 Service Unavailable",
};
#define N_STATUSES (sizeof statuses / sizeof statuses[0])

/* The response around @p body, in a heap block of its exact size. */
static uint8_t *wrap(const char *status, bool chunked, const uint8_t *body, size_t len,
                     size_t *out_len)
{
    char head[160], size_line[24] = "";
    int n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\n", status);
    if (chunked)
        n += snprintf(head + n, sizeof head - (size_t)n, "Transfer-Encoding: chunked\r\n\r\n");
    else
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n\r\n", len);
    if (chunked && len)
        snprintf(size_line, sizeof size_line, "%zx\r\n", len);
    const char *end = !chunked ? "" : len ? "\r\n0\r\n\r\n" : "0\r\n\r\n";
    size_t a = (size_t)n, b = strlen(size_line), c = strlen(end);
    uint8_t *r = malloc(a + b + len + c);
    FUZZ_CHECK(r != NULL);
    memcpy(r, head, a);
    memcpy(r + a, size_line, b);
    if (len)
        memcpy(r + a + b, body, len);
    memcpy(r + a + b + len, end, c);
    *out_len = a + b + len + c;
    return r;
}

/* The raw-text rule, written out independently: the text as a C string,
 * blanks skipped, an HTML page dropped, line ends and spaces trimmed. */
static void raw_reference(const char *text, char *out)
{
    text += strspn(text, " \t\r\n");
    size_t n = text[0] == '<' ? 0 : strlen(text);
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        n--;
    memcpy(out, text, n);
    out[n] = '\0';
}

/* The JSON rule: the "error" member of the text as an object, blanks
 * allowed before it as anywhere between JSON tokens. */
static bool json_reference(const char *text, char *out, size_t cap)
{
    jsmntok_t tok[128];
    hc_json_t doc;
    bool cut;
    int i;
    return text[strspn(text, " \t\r\n")] == '{' &&
           hc_json_parse(&doc, text, strlen(text), tok, sizeof tok / sizeof tok[0]) == HC_OK &&
           (i = hc_json_find(&doc, 0, "error")) > 0 &&
           hc_json_string(&doc, i, out, cap, &cut) == HC_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_api_env_t env;
    uint32_t h = fuzz_hash(data, size);
    const char *status = statuses[(h >> 12) % N_STATUSES];
    size_t len;
    uint8_t *response = wrap(status, (h >> 16) & 1u, data, size, &len);
    /* The retry a 5xx causes gets the same bytes: the status is the input's. */
    fuzz_api_env_init(&env, response, len, h, fuzz_api_max_read(h), FUZZ_RETRY_SAME);

    hc_check_t check;
    hc_flip_t flip;
    hc_list_t list = { .items = &flip, .capacity = 1 };
    hc_bytes_t body = { .buf = NULL, .cap = 0 };
    hc_err_t r;
    switch ((h >> 17) % 3u) {
    case 0: r = hc_api_get_check_begin(&env.api, FUZZ_API_UUID, &check); break;
    case 1: r = hc_api_list_flips_begin(&env.api, FUZZ_API_UUID, NULL, &list); break;
    default: r = hc_api_get_ping_body_begin(&env.api, FUZZ_API_UUID, 1, &body); break;
    }
    FUZZ_CHECK(r == HC_OK);
    r = (h >> 19) & 1u ? fuzz_api_poll_to_end(&env) : hc_api_wait(&env.api);
    fuzz_api_check_end(&env, r);

    uint16_t code = hc_client_status(&env.client);
    FUZZ_CHECK(code == (uint16_t)atoi(status));
    FUZZ_CHECK(r == hc_status_error(code));
    FUZZ_CHECK(list.count == 0 && body.len == 0);  /* an error body reaches no output */

    /* The client keeps the body's first bytes; the text comes from them. */
    size_t kept = size < HC_TEXT_MAX - 1 ? size : HC_TEXT_MAX - 1;
    FUZZ_CHECK(memcmp(env.client.text, data, kept) == 0);
    FUZZ_CHECK(hc_client_text_truncated(&env.client) == (size > kept));

    const char *error = hc_api_error(&env.api);
    char want[HC_TEXT_MAX];
    FUZZ_CHECK(strlen(error) < HC_TEXT_MAX);
    if (!json_reference(env.client.text, want, sizeof want))
        raw_reference(env.client.text, want);
    FUZZ_CHECK(strcmp(error, want) == 0);

    hc_client_close(&env.client);
    free(response);
    return 0;
}
