/**
 * @file hc_objects.h
 * @brief The Management API's objects as fixed-size C structs, decoded
 *        from one tokenized element, and the create/update request body
 *        written from a struct.
 *
 * Decoded objects carry three bit masks indexed by the object's field enum
 * (read them with HC_PRESENT(), HC_IS_NULL(), HC_TRUNCATED()):
 *  - @c present:   the server sent the field. Every field may be absent
 *                  (older servers lack many); an absent field is 0/"".
 *  - @c nulls:     the server sent null (the field is also present, and
 *                  its value is 0/""), e.g. a check's next_ping, a ping's
 *                  rid. null is accepted for every field.
 *  - @c truncated: a string did not fit its array (sizes in hc_config.h)
 *                  and was cut on a UTF-8 character boundary.
 * Unknown members are ignored; a known member of the wrong type, or a
 * number that does not fit its field, is HC_ERR_JSON. A string enum
 * value this library does not know (a new status) decodes as ..._UNKNOWN.
 * Times are UNIX seconds (fractions dropped), but a ping's date keeps its
 * microseconds beside it, and a ping's duration is in microseconds: the
 * server sends both that precisely.
 */
#ifndef HC_OBJECTS_H
#define HC_OBJECTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "healthchecks/hc_buf.h"
#include "healthchecks/hc_config.h"
#include "healthchecks/hc_error.h"
#include "healthchecks/hc_json.h"

#ifdef __cplusplus
extern "C" {
#endif

/** True if field @p f (an HC_..._F_... value) of object @p o was sent. */
#define HC_PRESENT(o, f) ((((o)->present) >> (f)) & 1u)
/** True if field @p f of @p o was sent as null. */
#define HC_IS_NULL(o, f) ((((o)->nulls) >> (f)) & 1u)
/** True if string field @p f of @p o was cut to fit. */
#define HC_TRUNCATED(o, f) ((((o)->truncated) >> (f)) & 1u)

/* ------------------------------------------------------------------ check */

/** A check's status. v1 reports a running check as "started"; v2+ report
 *  its previous status and set the @c started flag instead. */
typedef enum hc_check_status {
    HC_STATUS_UNKNOWN = 0,  /**< absent, null, or a value unknown to this library */
    HC_STATUS_NEW,
    HC_STATUS_UP,
    HC_STATUS_GRACE,
    HC_STATUS_DOWN,
    HC_STATUS_PAUSED,
    HC_STATUS_STARTED       /**< v1 only */
} hc_check_status_t;

/** Fields of hc_check_t, in the order the server writes them. */
typedef enum hc_check_field {
    HC_CHECK_F_NAME, HC_CHECK_F_SLUG, HC_CHECK_F_TAGS, HC_CHECK_F_DESC,
    HC_CHECK_F_GRACE, HC_CHECK_F_N_PINGS, HC_CHECK_F_STATUS, HC_CHECK_F_STARTED,
    HC_CHECK_F_LAST_PING, HC_CHECK_F_NEXT_PING, HC_CHECK_F_MANUAL_RESUME,
    HC_CHECK_F_METHODS, HC_CHECK_F_SUBJECT, HC_CHECK_F_SUBJECT_FAIL,
    HC_CHECK_F_START_KW, HC_CHECK_F_SUCCESS_KW, HC_CHECK_F_FAILURE_KW,
    HC_CHECK_F_FILTER_SUBJECT, HC_CHECK_F_FILTER_BODY, HC_CHECK_F_FILTER_HTTP_BODY,
    HC_CHECK_F_FILTER_DEFAULT_FAIL, HC_CHECK_F_BADGE_URL, HC_CHECK_F_LAST_DURATION,
    HC_CHECK_F_UNIQUE_KEY, HC_CHECK_F_UUID, HC_CHECK_F_PING_URL, HC_CHECK_F_UPDATE_URL,
    HC_CHECK_F_PAUSE_URL, HC_CHECK_F_RESUME_URL, HC_CHECK_F_CHANNELS,
    HC_CHECK_F_TIMEOUT, HC_CHECK_F_SCHEDULE, HC_CHECK_F_TZ,
    HC_CHECK_F__COUNT
} hc_check_field_t;

/** A check. Read-write keys give uuid and the URLs; read-only keys give
 *  unique_key instead. uuid is taken from the tail of ping_url when the
 *  server did not send it (servers before v3.5); it is then marked present. */
typedef struct hc_check {
    uint64_t present;              /**< HC_CHECK_F_* bits: sent by the server */
    uint64_t nulls;                /**< HC_CHECK_F_* bits: sent as null */
    uint64_t truncated;            /**< HC_CHECK_F_* bits: string cut to fit */
    int64_t last_ping;             /**< UNIX seconds; 0 when null (never pinged) */
    int64_t next_ping;             /**< UNIX seconds; 0 when null */
    uint32_t grace;                /**< seconds */
    uint32_t n_pings;              /**< pings received so far */
    uint32_t last_duration;        /**< seconds; sent only when non-zero */
    uint32_t timeout;              /**< seconds (simple checks) */
    hc_check_status_t status;      /**< up, down, grace, ... */
    bool started;                  /**< a start ping is outstanding */
    bool manual_resume;            /**< stays paused until resumed by hand */
    bool filter_subject;           /**< email pings: keywords looked for in the subject */
    bool filter_body;              /**< email pings: keywords looked for in the body */
    bool filter_http_body;         /**< HTTP pings: keywords looked for in the body */
    bool filter_default_fail;      /**< no keyword matched: the ping counts as failure */
    char name[HC_NAME_MAX];        /**< display name */
    char slug[HC_SLUG_MAX];        /**< slug for pings by ping key + slug */
    char tags[HC_TAGS_MAX];        /**< space-separated tags */
    char desc[HC_DESC_MAX];        /**< description */
    char methods[HC_METHODS_MAX];  /**< "" (any) or "POST" */
    char subject[HC_KEYWORD_MAX];  /**< keywords that mean success (v1, v2) */
    char subject_fail[HC_KEYWORD_MAX]; /**< keywords that mean failure (v1, v2) */
    char start_kw[HC_KEYWORD_MAX];   /**< keywords that mean start */
    char success_kw[HC_KEYWORD_MAX]; /**< keywords that mean success */
    char failure_kw[HC_KEYWORD_MAX]; /**< keywords that mean failure */
    char badge_url[HC_URL_MAX];    /**< the check's badge */
    char unique_key[HC_UNIQUE_KEY_MAX]; /**< stable id under a read-only key */
    char uuid[HC_UUID_MAX];        /**< the check's UUID (read-write keys) */
    char ping_url[HC_URL_MAX];     /**< where pings go */
    char update_url[HC_URL_MAX];   /**< the API URL to update it */
    char pause_url[HC_URL_MAX];    /**< the API URL to pause it */
    char resume_url[HC_URL_MAX];   /**< the API URL to resume it */
    char channels[HC_CHANNELS_MAX]; /**< comma-separated integration UUIDs */
    char schedule[HC_SCHEDULE_MAX]; /**< cron or OnCalendar expression (cron checks) */
    char tz[HC_TZ_MAX];            /**< the schedule's time zone */
} hc_check_t;

/**
 * Decode a check object.
 * @param[out] out overwritten entirely; on error its contents are unspecified.
 * @param[in]  doc the tokenized element
 * @param[in]  obj the object's token index (0 for a whole element)
 * @return HC_OK; HC_ERR_JSON when the token is not an object, a known
 *         field has the wrong type or an out-of-range number, a string has
 *         a bad escape, or a time is not ISO 8601.
 */
hc_err_t hc_decode_check(hc_check_t *out, const hc_json_t *doc, int obj);

/* ------------------------------------------------------------------- ping */

/** What a ping was. */
typedef enum hc_ping_type {
    HC_PING_TYPE_UNKNOWN = 0,  /**< absent, null or unknown to this library */
    HC_PING_TYPE_SUCCESS,
    HC_PING_TYPE_START,
    HC_PING_TYPE_FAIL,
    HC_PING_TYPE_LOG,
    HC_PING_TYPE_IGN           /**< ignored (wrong method, filtered out) */
} hc_ping_type_t;

/** Fields of hc_received_ping_t. */
typedef enum hc_ping_field {
    HC_PING_F_TYPE, HC_PING_F_DATE, HC_PING_F_N, HC_PING_F_SCHEME,
    HC_PING_F_REMOTE_ADDR, HC_PING_F_METHOD, HC_PING_F_UA, HC_PING_F_RID,
    HC_PING_F_DURATION, HC_PING_F_BODY_URL,
    HC_PING_F__COUNT
} hc_ping_field_t;

/** One ping the server received, from a check's log (GET
 *  checks/UUID/pings/). Not to be confused with hc_ping_t, a ping to send. */
typedef struct hc_received_ping {
    int64_t date;                  /**< UNIX seconds */
    uint32_t date_us;              /**< and microseconds, 0..999999 */
    uint32_t n;                    /**< the ping's number */
    uint64_t duration_us;          /**< from the matching start, in microseconds;
                                        present only then */
    hc_ping_type_t type;           /**< success, start, fail, ... */
    uint16_t present;              /**< HC_PING_F_* bits: sent by the server */
    uint16_t nulls;                /**< HC_PING_F_* bits: sent as null */
    uint16_t truncated;            /**< HC_PING_F_* bits: string cut to fit */
    char scheme[HC_PING_SCHEME_MAX]; /**< "http", "https" or "email" */
    char remote_addr[HC_PING_ADDR_MAX]; /**< the sender's address */
    char method[HC_PING_METHOD_MAX]; /**< HTTP method (or "email") */
    char ua[HC_PING_UA_MAX];       /**< the sender's User-Agent */
    char rid[HC_UUID_MAX];         /**< run id; null when none */
    char body_url[HC_URL_MAX];     /**< null when the ping has no body */
} hc_received_ping_t;

/**
 * Decode a ping object.
 * @param[out] out overwritten entirely; on error its contents are unspecified.
 * @param[in]  doc the tokenized element
 * @param[in]  obj the object's token index (0 for a whole element)
 * @return as hc_decode_check()
 */
hc_err_t hc_decode_received_ping(hc_received_ping_t *out, const hc_json_t *doc, int obj);

/* ------------------------------------------------------------------- flip */

/** Fields of hc_flip_t. */
typedef enum hc_flip_field { HC_FLIP_F_TIMESTAMP, HC_FLIP_F_UP, HC_FLIP_F__COUNT } hc_flip_field_t;

/** A status change (GET checks/UUID/flips/). */
typedef struct hc_flip {
    int64_t timestamp;             /**< UNIX seconds */
    uint8_t present;               /**< HC_FLIP_F_* bits: sent by the server */
    uint8_t nulls;                 /**< HC_FLIP_F_* bits: sent as null */
    bool up;                       /**< the new status is up (the server's 1/0) */
} hc_flip_t;

/**
 * Decode a flip object; "up" may be 0/1 or false/true.
 * @param[out] out overwritten entirely; on error its contents are unspecified.
 * @param[in]  doc the tokenized element
 * @param[in]  obj the object's token index (0 for a whole element)
 * @return as hc_decode_check()
 */
hc_err_t hc_decode_flip(hc_flip_t *out, const hc_json_t *doc, int obj);

/* ---------------------------------------------------------------- channel */

/** Fields of hc_channel_t. */
typedef enum hc_channel_field {
    HC_CHANNEL_F_ID, HC_CHANNEL_F_NAME, HC_CHANNEL_F_KIND, HC_CHANNEL_F__COUNT
} hc_channel_field_t;

/** An integration (GET channels/). */
typedef struct hc_channel {
    uint8_t present;               /**< HC_CHANNEL_F_* bits: sent by the server */
    uint8_t nulls;                 /**< HC_CHANNEL_F_* bits: sent as null */
    uint8_t truncated;             /**< HC_CHANNEL_F_* bits: string cut to fit */
    char id[HC_UUID_MAX];          /**< the integration's UUID */
    char name[HC_CHANNEL_NAME_MAX]; /**< its display name */
    char kind[HC_CHANNEL_KIND_MAX]; /**< "email", "slack", "webhook", ... */
} hc_channel_t;

/**
 * Decode a channel object.
 * @param[out] out overwritten entirely; on error its contents are unspecified.
 * @param[in]  doc the tokenized element
 * @param[in]  obj the object's token index (0 for a whole element)
 * @return as hc_decode_check()
 */
hc_err_t hc_decode_channel(hc_channel_t *out, const hc_json_t *doc, int obj);

/* ------------------------------------------------------------------ badge */

/** Fields of hc_badge_t. HC_BADGE_F_TAG is always present (it is the
 *  member name) and is flagged in @c truncated when cut. */
typedef enum hc_badge_field {
    HC_BADGE_F_TAG, HC_BADGE_F_SVG, HC_BADGE_F_SVG3, HC_BADGE_F_JSON, HC_BADGE_F_JSON3,
    HC_BADGE_F_SHIELDS, HC_BADGE_F_SHIELDS3, HC_BADGE_F__COUNT
} hc_badge_field_t;

/** The badge URLs of one tag (GET badges/). */
typedef struct hc_badge {
    uint8_t present;               /**< HC_BADGE_F_* bits: sent by the server */
    uint8_t nulls;                 /**< HC_BADGE_F_* bits: sent as null */
    uint8_t truncated;             /**< HC_BADGE_F_* bits: string cut to fit */
    char tag[HC_BADGE_TAG_MAX];    /**< the tag, or "*" for all checks */
    char svg[HC_URL_MAX];          /**< 2-state SVG (up/down) */
    char svg3[HC_URL_MAX];         /**< 3-state SVG (up/late/down) */
    char json[HC_URL_MAX];         /**< 2-state JSON */
    char json3[HC_URL_MAX];        /**< 3-state JSON */
    char shields[HC_URL_MAX];      /**< 2-state shields.io endpoint */
    char shields3[HC_URL_MAX];     /**< 3-state shields.io endpoint */
} hc_badge_t;

/**
 * Decode one member of the badges object.
 * @param[out] out     overwritten entirely; on error its contents are
 *                     unspecified.
 * @param[in]  tag_raw the member name as raw JSON string content (as
 *                     hc_jstream delivers it; escapes are decoded here).
 * @param[in]  tag_len its length in bytes
 * @param[in]  doc     the tokenized member value
 * @param[in]  obj     the value's token index (0 for a whole element)
 * @return as hc_decode_check(); HC_ERR_ARG for a NULL @p tag_raw with
 *         @p tag_len above 0.
 */
hc_err_t hc_decode_badge(hc_badge_t *out, const char *tag_raw, size_t tag_len,
                         const hc_json_t *doc, int obj);

/* -------------------------------------------------------- create / update */

/** Bits of hc_check_spec_t::set, one per field of the request body. */
enum hc_spec_field {
    HC_SPEC_NAME = 1 << 0,
    HC_SPEC_SLUG = 1 << 1,
    HC_SPEC_TAGS = 1 << 2,
    HC_SPEC_DESC = 1 << 3,
    HC_SPEC_TIMEOUT = 1 << 4,
    HC_SPEC_GRACE = 1 << 5,
    HC_SPEC_SCHEDULE = 1 << 6,
    HC_SPEC_TZ = 1 << 7,
    HC_SPEC_MANUAL_RESUME = 1 << 8,
    HC_SPEC_METHODS = 1 << 9,
    HC_SPEC_CHANNELS = 1 << 10,
    HC_SPEC_UNIQUE = 1 << 11,
    HC_SPEC_SUBJECT = 1 << 12,
    HC_SPEC_SUBJECT_FAIL = 1 << 13,
    HC_SPEC_START_KW = 1 << 14,
    HC_SPEC_SUCCESS_KW = 1 << 15,
    HC_SPEC_FAILURE_KW = 1 << 16,
    HC_SPEC_FILTER_SUBJECT = 1 << 17,
    HC_SPEC_FILTER_BODY = 1 << 18,
    HC_SPEC_FILTER_HTTP_BODY = 1 << 19,
    HC_SPEC_FILTER_DEFAULT_FAIL = 1 << 20
};

/**
 * A create or update request. Only the fields whose HC_SPEC_* bit is in
 * @c set are sent; the server leaves the others unchanged (on create, at
 * their defaults). Strings are the caller's (UTF-8, NUL-terminated) and
 * are not copied. Start from a zeroed struct.
 */
typedef struct hc_check_spec {
    uint32_t set;                  /**< HC_SPEC_* bits */
    const char *name;              /**< at most 100 characters */
    const char *slug;              /**< at most 100 of [a-z0-9-_] */
    const char *tags;              /**< space-separated */
    const char *desc;              /**< description */
    uint32_t timeout;              /**< seconds, 60..31536000 */
    uint32_t grace;                /**< seconds, 60..31536000 */
    const char *schedule;          /**< cron or OnCalendar, at most 100 characters */
    const char *tz;                /**< IANA time zone name */
    bool manual_resume;            /**< stay paused until resumed by hand */
    const char *methods;           /**< "" or "POST" */
    const char *channels;          /**< "*", "", or comma-separated UUIDs or names */
    const char *const *unique;     /**< create only: field names ("name", "slug",
                                        "tags", "timeout", "grace") that identify
                                        an existing check to update instead */
    size_t n_unique;               /**< entries in @c unique */
    const char *subject;           /**< keywords that mean success (v1, v2); each of these
                                        five: at most 200 characters */
    const char *subject_fail;      /**< keywords that mean failure (v1, v2) */
    const char *start_kw;          /**< keywords that mean start */
    const char *success_kw;        /**< keywords that mean success */
    const char *failure_kw;        /**< keywords that mean failure */
    bool filter_subject;           /**< email pings: look in the subject */
    bool filter_body;              /**< email pings: look in the body */
    bool filter_http_body;         /**< HTTP pings: look in the body */
    bool filter_default_fail;      /**< no keyword matched: count as failure */
} hc_check_spec_t;

/**
 * Refuse locally what the server is sure to reject. Lengths count
 * characters, as the server does. Cron expressions, time zones and
 * channel names are left to the server.
 * @param[in] spec the request
 * @return HC_OK; HC_ERR_ARG (an unknown bit, a set string that is NULL or
 *         not UTF-8, a slug outside [a-z0-9-_], methods other than "" or
 *         "POST", a unique item that is not name/slug/tags/timeout/grace);
 *         HC_ERR_TOO_LONG (name, slug, schedule over 100; subject,
 *         subject_fail or a keyword over 200); HC_ERR_RANGE (timeout or
 *         grace outside 60..31536000).
 */
hc_err_t hc_check_spec_validate(const hc_check_spec_t *spec);

/**
 * Append the JSON body of @p spec to @p out: one object holding exactly
 * the fields set, in the API document's order, strings escaped. Call
 * hc_check_spec_validate() first; this only refuses what it cannot write.
 * @param[in,out] out  the buffer
 * @param[in]     spec the request
 * @return HC_OK; HC_ERR_ARG (NULL @p out or @p spec, a bit of @c set that
 *         names no field, or a set string or the unique array is NULL);
 *         HC_ERR_BUFFER (@p out overflowed, now or before).
 */
hc_err_t hc_check_spec_write(hc_buf_t *out, const hc_check_spec_t *spec);

#ifdef __cplusplus
}
#endif

#endif /* HC_OBJECTS_H */
