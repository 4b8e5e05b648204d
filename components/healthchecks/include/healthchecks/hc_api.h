/**
 * @file hc_api.h
 * @brief The Management API (v1, v2, v3): checks, pings, flips,
 *        integrations, badges and status, decoded into fixed structs.
 *
 * Every endpoint has two forms. hc_api_<endpoint>() blocks: it starts the
 * call and waits for its end, bounded by the client's deadline.
 * hc_api_<endpoint>_begin() only starts it (nothing is sent yet); then call
 * hc_api_poll() from a main loop until it stops returning HC_IN_PROGRESS
 * (or block after all with hc_api_wait()):
 *
 * @code
 * hc_err_t err = hc_api_get_check(&api, uuid, &check);   // blocking
 *
 * err = hc_api_get_check_begin(&api, uuid, &check);      // non-blocking
 * if (err == HC_OK)
 *     while ((err = hc_api_poll(&api)) == HC_IN_PROGRESS)
 *         do_other_work();
 * @endcode
 *
 * Lists stream: each element is decoded as soon as its bytes have arrived,
 * then its bytes are dropped, so memory is bounded by the largest element
 * (the element buffer), never by the list. The request body of a create or
 * update is written into the element buffer too, so no other memory is
 * needed; such a request is resent after a failure only if none of it had
 * been sent.
 */
#ifndef HC_API_H
#define HC_API_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_json.h"
#include "healthchecks/hc_jstream.h"
#include "healthchecks/hc_objects.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Memory for decoding: one element's bytes and its tokens. A realistic v3
 *  check needs about 1.1 KB and 61 tokens; 2 KB and 80 tokens leave room.
 *  Long keywords or descriptions can need 3 KB or more: such an element is
 *  refused whole (HC_ERR_JSON_TOO_LARGE), never cut. A call on one check
 *  (create, update, pause, resume, delete) that gets that error was still
 *  carried out: hc_client_status() says 2xx, and only the server's echo of
 *  the check was dropped. With @c out NULL the echo is read past (the
 *  connection stays usable) but neither kept nor decoded. */
typedef struct hc_api_mem {
    char *elem;           /**< element buffer (also holds create/update bodies) */
    size_t elem_size;     /**< its size in bytes, at least 64 */
    jsmntok_t *tok;       /**< token array */
    unsigned n_tok;       /**< tokens in @c tok, at least 8 */
} hc_api_mem_t;

/**
 * Where a list goes. Without @c each, elements fill @c items[0..capacity)
 * and @c total tells how many the server sent (more than @c count means
 * the array was too small). With @c each, every element is decoded into
 * @c items[0] and handed to @c each before the next one arrives.
 * @c items is an array of the endpoint's element type. The caller's
 * memory: it must stay valid until the call has ended.
 */
typedef struct hc_list {
    void *items;          /**< hc_check_t[], hc_received_ping_t[], hc_flip_t[], ...;
                               never NULL (HC_ERR_ARG) */
    size_t capacity;      /**< elements @c items holds (at least 1) */
    size_t count;         /**< out: elements stored */
    size_t total;         /**< out: elements the server sent */
    /** Called per element, only from inside hc_api_poll()/hc_api_wait()
     *  (or a blocking form); returning an error stops the call with that
     *  error. @c item is valid only during the call. Or NULL. */
    hc_err_t (*each)(void *ctx, const void *item);
    void *ctx;            /**< passed to @c each */
} hc_list_t;

/** Where a ping body goes: into @c buf (a body larger than @c cap is
 *  HC_ERR_BODY_TOO_LARGE, never cut), or streamed to @c each. The
 *  caller's memory: it must stay valid until the call has ended. */
typedef struct hc_bytes {
    uint8_t *buf;         /**< where the body goes, without @c each; NULL only
                               with @c cap 0 (HC_ERR_ARG) */
    size_t cap;           /**< bytes at @c buf */
    size_t len;           /**< out: bytes received */
    /** Called with each piece of the body, only from inside
     *  hc_api_poll()/hc_api_wait() (or the blocking form); returning an
     *  error stops the call with that error. Or NULL. */
    hc_err_t (*each)(void *ctx, const uint8_t *data, size_t len);
    void *ctx;            /**< passed to @c each */
} hc_bytes_t;

/** Filters of hc_api_list_checks(). */
typedef struct hc_check_query {
    const char *const *tags;  /**< every tag must match; percent-encoded when sent.
                                   NULL only with @c n_tags 0; no entry NULL
                                   (else the call is refused: HC_ERR_ARG) */
    size_t n_tags;            /**< entries in @c tags */
    const char *slug;         /**< or NULL */
} hc_check_query_t;

/** Filters of hc_api_list_flips(); each used only when its has_ flag is set. */
typedef struct hc_flip_query {
    bool has_seconds;     /**< send @c seconds */
    uint32_t seconds;     /**< 0..31536000: newer than now - seconds */
    bool has_start;       /**< send @c start */
    int64_t start;        /**< 0..10000000000: created >= start */
    bool has_end;         /**< send @c end */
    int64_t end;          /**< 0..10000000000: created < end */
} hc_flip_query_t;

/** A management API session over a client. Opaque. */
typedef struct hc_api {
    /** @cond INTERNAL */
    /* The call's state first, where Thumb's short loads and stores reach. */
    uint8_t kind;             /* what the response decodes into */
    bool created;             /* the latest create answered 201 */
    bool body_too_large;      /* a single-object body did not fit: the rest was dropped */
    hc_err_t result;
    size_t body_len;          /* single-object bodies collected in mem.elem */
    hc_list_t *list;
    void *object;             /* single-object output, or NULL */
    hc_bytes_t *bytes;
    hc_client_t *client;
    hc_api_mem_t mem;
    hc_jstream_t stream;
    char error[HC_TEXT_MAX];  /* the server's error text of the latest call */
    /** @endcond */
} hc_api_t;

/**
 * Bind a session to a client and to decoding memory.
 * @param[out] api    the session
 * @param[in]  client its config gives the API URL, key and version; must
 *                    outlive @p api
 * @param[in]  mem    copied; the buffers it points to must outlive @p api
 * @return HC_OK, or HC_ERR_ARG when the element buffer is under 64 bytes,
 *         there are fewer than 8 tokens, or the API version is not 1..3.
 */
hc_err_t hc_api_init(hc_api_t *api, hc_client_t *client, const hc_api_mem_t *mem);

/**
 * @name Starting a call
 * Each _begin function starts its call and returns; nothing is sent until
 * hc_api_poll() or hc_api_wait(). Its arguments must stay valid until the
 * call has ended.
 *
 * Refusals: a call that cannot start returns an error and sends nothing:
 * HC_ERR_ARG (missing or malformed identifier, bad output),
 * HC_ERR_RANGE / HC_ERR_TOO_LONG (a value the server would surely reject),
 * HC_ERR_BUFFER (the request does not fit), HC_ERR_BUSY, HC_ERR_URL,
 * HC_ERR_NO_TLS, HC_ERR_UNSAFE_CHAR / HC_ERR_HEADER_RESERVED (a header of
 * the client's config that no longer passes hc_http_check_headers(), or a
 * user agent with a control byte).
 * hc_api_poll() and hc_api_wait() then report that error too, except after
 * HC_ERR_BUSY or while an earlier call still runs: that call goes on.
 * @{
 */

/**
 * Start GET checks/ with optional filters.
 * @param[in,out] api   the session
 * @param[in]     query filters, or NULL
 * @param[out]    out   where the checks go (elements are hc_check_t)
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_list_checks_begin(hc_api_t *api, const hc_check_query_t *query, hc_list_t *out);

/**
 * Start GET checks/ID: one check.
 * @param[in,out] api the session
 * @param[in]     id  the check's UUID, or its unique key (read-only keys)
 * @param[out]    out the check
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_get_check_begin(hc_api_t *api, const char *id, hc_check_t *out);

/**
 * Start POST checks/: create a check, or with spec->unique an upsert;
 * afterwards hc_api_created() tells a new check (201) from an updated one
 * (200).
 * @param[in,out] api  the session
 * @param[in]     spec the fields to send; written into the element buffer
 *                     at once (no need to keep it)
 * @param[out]    out  the check as the server sends it back; or NULL
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_create_check_begin(hc_api_t *api, const hc_check_spec_t *spec, hc_check_t *out);

/**
 * Start POST checks/UUID: send exactly the fields set in @p spec (no
 * "unique").
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[in]     spec the fields to change; written into the element buffer
 *                     at once (no need to keep it)
 * @param[out]    out  the updated check; or NULL
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_update_check_begin(hc_api_t *api, const char *uuid,
                                   const hc_check_spec_t *spec, hc_check_t *out);

/**
 * Start POST checks/UUID/pause.
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[out]    out  the paused check; or NULL
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_pause_check_begin(hc_api_t *api, const char *uuid, hc_check_t *out);

/**
 * Start POST checks/UUID/resume (HC_ERR_CONFLICT when not paused).
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[out]    out  the resumed check; or NULL
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_resume_check_begin(hc_api_t *api, const char *uuid, hc_check_t *out);

/**
 * Start DELETE checks/UUID.
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[out]    out  the deleted check; or NULL
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_delete_check_begin(hc_api_t *api, const char *uuid, hc_check_t *out);

/**
 * Start GET checks/UUID/pings/: the check's pings, newest first.
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[out]    out  where the pings go (elements are hc_received_ping_t)
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_list_pings_begin(hc_api_t *api, const char *uuid, hc_list_t *out);

/**
 * Start GET checks/UUID/pings/N/body: one ping's raw body
 * (HC_ERR_NOT_FOUND when it has none).
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[in]     n    the ping's number (hc_received_ping_t::n)
 * @param[out]    out  where the body goes
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_get_ping_body_begin(hc_api_t *api, const char *uuid, uint32_t n, hc_bytes_t *out);

/**
 * Start GET checks/ID/flips/: the check's status changes.
 * @param[in,out] api   the session
 * @param[in]     id    the check's UUID, or its unique key
 * @param[in]     query filters, or NULL
 * @param[out]    out   where the flips go (elements are hc_flip_t)
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_list_flips_begin(hc_api_t *api, const char *id,
                                 const hc_flip_query_t *query, hc_list_t *out);

/**
 * Start GET channels/: the project's integrations.
 * @param[in,out] api the session
 * @param[out]    out where they go (elements are hc_channel_t)
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_list_channels_begin(hc_api_t *api, hc_list_t *out);

/**
 * Start GET badges/: the badge URLs, one element per tag and one for "*".
 * @param[in,out] api the session
 * @param[out]    out where they go (elements are hc_badge_t)
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_list_badges_begin(hc_api_t *api, hc_list_t *out);

/**
 * Start GET status/ (no key needed): HC_OK at its end when the server
 * answers 200 "OK".
 * @param[in,out] api the session
 * @return HC_OK when the call has started (nothing is sent yet); else a
 *         refusal (see "Refusals" above), and nothing is sent.
 */
hc_err_t hc_api_status_begin(hc_api_t *api);

/** @} */

/**
 * @name Driving a call
 * @{
 */

/**
 * Advance the call without blocking.
 * @param[in,out] api the session
 * @return HC_IN_PROGRESS; HC_OK when the response was 2xx and fully
 *         decoded; otherwise: a transport error, HC_ERR_BAD_REQUEST,
 *         HC_ERR_UNAUTHORIZED, HC_ERR_FORBIDDEN, HC_ERR_NOT_FOUND,
 *         HC_ERR_CONFLICT, HC_ERR_RATE_LIMITED, HC_ERR_SERVER,
 *         HC_ERR_HTTP_STATUS (with the server's text in hc_api_error()),
 *         HC_ERR_JSON (malformed, truncated or wrongly typed: nothing
 *         partial is presented as complete), HC_ERR_JSON_TOO_LARGE,
 *         HC_ERR_BODY_TOO_LARGE, or an error returned by a list's @c each.
 *         After the end it repeats the result; after a refusal it reports
 *         the refusal.
 */
hc_err_t hc_api_poll(hc_api_t *api);

/**
 * Run the call begun to its end (blocking, bounded by the client's
 * deadline).
 * @param[in,out] api the session
 * @return as hc_api_poll(), never HC_IN_PROGRESS
 */
hc_err_t hc_api_wait(hc_api_t *api);

/** @} */

/**
 * @name Blocking calls
 * Each starts its call as its _begin form does (same arguments) and waits
 * for its end with hc_api_wait(), bounded by the client's deadline. A
 * refusal returns at once and leaves a call still running alone. Inline,
 * so a firmware links only the forms it calls.
 * @{
 */

/**
 * GET checks/ with optional filters.
 * @param[in,out] api   the session
 * @param[in]     query filters, or NULL
 * @param[out]    out   where the checks go (elements are hc_check_t)
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_list_checks(hc_api_t *api, const hc_check_query_t *query,
                                          hc_list_t *out)
{
    hc_err_t err = hc_api_list_checks_begin(api, query, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * GET checks/ID: one check.
 * @param[in,out] api the session
 * @param[in]     id  the check's UUID, or its unique key (read-only keys)
 * @param[out]    out the check
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_get_check(hc_api_t *api, const char *id, hc_check_t *out)
{
    hc_err_t err = hc_api_get_check_begin(api, id, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * POST checks/: create a check, or with spec->unique an upsert;
 * hc_api_created() then tells a new check (201) from an updated one (200).
 * @param[in,out] api  the session
 * @param[in]     spec the fields to send
 * @param[out]    out  the check as the server sends it back; or NULL
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_create_check(hc_api_t *api, const hc_check_spec_t *spec,
                                           hc_check_t *out)
{
    hc_err_t err = hc_api_create_check_begin(api, spec, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * POST checks/UUID: send exactly the fields set in @p spec.
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[in]     spec the fields to change
 * @param[out]    out  the updated check; or NULL
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_update_check(hc_api_t *api, const char *uuid,
                                           const hc_check_spec_t *spec, hc_check_t *out)
{
    hc_err_t err = hc_api_update_check_begin(api, uuid, spec, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * POST checks/UUID/pause.
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[out]    out  the paused check; or NULL
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_pause_check(hc_api_t *api, const char *uuid, hc_check_t *out)
{
    hc_err_t err = hc_api_pause_check_begin(api, uuid, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * POST checks/UUID/resume (HC_ERR_CONFLICT when not paused).
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[out]    out  the resumed check; or NULL
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_resume_check(hc_api_t *api, const char *uuid, hc_check_t *out)
{
    hc_err_t err = hc_api_resume_check_begin(api, uuid, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * DELETE checks/UUID.
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[out]    out  the deleted check; or NULL
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_delete_check(hc_api_t *api, const char *uuid, hc_check_t *out)
{
    hc_err_t err = hc_api_delete_check_begin(api, uuid, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * GET checks/UUID/pings/: the check's pings, newest first.
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[out]    out  where the pings go (elements are hc_received_ping_t)
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_list_pings(hc_api_t *api, const char *uuid, hc_list_t *out)
{
    hc_err_t err = hc_api_list_pings_begin(api, uuid, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * GET checks/UUID/pings/N/body: one ping's raw body (HC_ERR_NOT_FOUND
 * when it has none).
 * @param[in,out] api  the session
 * @param[in]     uuid the check
 * @param[in]     n    the ping's number (hc_received_ping_t::n)
 * @param[out]    out  where the body goes
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_get_ping_body(hc_api_t *api, const char *uuid, uint32_t n,
                                            hc_bytes_t *out)
{
    hc_err_t err = hc_api_get_ping_body_begin(api, uuid, n, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * GET checks/ID/flips/: the check's status changes.
 * @param[in,out] api   the session
 * @param[in]     id    the check's UUID, or its unique key
 * @param[in]     query filters, or NULL
 * @param[out]    out   where the flips go (elements are hc_flip_t)
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_list_flips(hc_api_t *api, const char *id,
                                         const hc_flip_query_t *query, hc_list_t *out)
{
    hc_err_t err = hc_api_list_flips_begin(api, id, query, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * GET channels/: the project's integrations.
 * @param[in,out] api the session
 * @param[out]    out where they go (elements are hc_channel_t)
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_list_channels(hc_api_t *api, hc_list_t *out)
{
    hc_err_t err = hc_api_list_channels_begin(api, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * GET badges/: the badge URLs, one element per tag and one for "*".
 * @param[in,out] api the session
 * @param[out]    out where they go (elements are hc_badge_t)
 * @return HC_OK when the response was 2xx and decoded; else the refusal or
 *         the call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_list_badges(hc_api_t *api, hc_list_t *out)
{
    hc_err_t err = hc_api_list_badges_begin(api, out);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/**
 * GET status/ (no key needed).
 * @param[in,out] api the session
 * @return HC_OK when the server answers 200 "OK"; else the refusal or the
 *         call's error, as hc_api_poll() reports it.
 */
static inline hc_err_t hc_api_status(hc_api_t *api)
{
    hc_err_t err = hc_api_status_begin(api);
    return err == HC_OK ? hc_api_wait(api) : err;
}

/** @} */

/**
 * Whether the latest create made a new check.
 * @param[in] api the session
 * @return true when it answered 201 Created; false for 200 (an existing
 *         check updated) or any other call
 */
static inline bool hc_api_created(const hc_api_t *api) { return api->created; }

/**
 * The server's error text for the latest call ("wrong api key", "check is
 * not paused", ...). At most HC_TEXT_MAX - 1 bytes of the body are looked
 * at: a longer JSON error shows as its raw beginning.
 * @param[in] api the session
 * @return NUL-terminated, "" when the server sent none or an HTML page;
 *         inside the session, valid until its next call
 */
static inline const char *hc_api_error(const hc_api_t *api) { return api->error; }

#ifdef __cplusplus
}
#endif

#endif /* HC_API_H */
