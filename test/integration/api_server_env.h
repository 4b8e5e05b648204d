/* What the Management API tests against the test server share
 * (test_api_server_*.c): the server, started once per group and reset
 * before every test; a client and API session through the POSIX port
 * bound to a key and an API version; the exact request the server
 * recorded; and the seeded checks as the server describes them. Test code
 * (cmocka). */
#ifndef API_SERVER_ENV_H
#define API_SERVER_ENV_H

#include <stdint.h>

#include "healthchecks/hc_api.h"
#include "healthchecks/hc_ping.h"
#include "hc_port_posix.h"
#include "hc_test_server.h"

#define UA "hc-api-test/1.0"
#define BACKUP HC_TEST_CHECK_BACKUP
#define CRON HC_TEST_CHECK_CRON
#define RID "cabd8d03-d637-46e9-b652-805655b43815"
#define BADGE_KEY "6a5b7b1e-3f0a-4c59-9a43-4c7d5e1f0b21" /* the project's, in the server */
/* uuid5(check uuid, "badge"): the server's per-check badge key */
#define BACKUP_BADGE "797128bf-e34b-5a1f-a610-c935a6366150"
#define BOTH_CHANNELS HC_TEST_CHANNEL_SLACK "," HC_TEST_CHANNEL_EMAIL /* sorted */

#define BIT(f) (1ull << (f))
#define ALL_CHECK_FIELDS (BIT(HC_CHECK_F__COUNT) - 1u)
#define RW_ONLY (BIT(HC_CHECK_F_UUID) | BIT(HC_CHECK_F_PING_URL) | BIT(HC_CHECK_F_UPDATE_URL) | \
                 BIT(HC_CHECK_F_PAUSE_URL) | BIT(HC_CHECK_F_RESUME_URL) | BIT(HC_CHECK_F_CHANNELS))
#define SIMPLE_RW (ALL_CHECK_FIELDS & ~(BIT(HC_CHECK_F_LAST_DURATION) | BIT(HC_CHECK_F_UNIQUE_KEY) | \
                                        BIT(HC_CHECK_F_SCHEDULE) | BIT(HC_CHECK_F_TZ)))
#define CRON_RW (ALL_CHECK_FIELDS & ~(BIT(HC_CHECK_F_LAST_DURATION) | BIT(HC_CHECK_F_UNIQUE_KEY) | \
                                      BIT(HC_CHECK_F_TIMEOUT)))
#define SIMPLE_RO ((SIMPLE_RW & ~RW_ONLY) | BIT(HC_CHECK_F_UNIQUE_KEY))
#define NEVER_PINGED (BIT(HC_CHECK_F_LAST_PING) | BIT(HC_CHECK_F_NEXT_PING))

/* The server, the client and all their memory. */
typedef struct env {
    hc_test_server_t server;
    hc_posix_t posix;
    hc_transport_t tp;
    hc_config_t cfg;
    hc_client_t client;
    hc_api_t api;
    uint8_t work[1024];
    char elem[2048];
    jsmntok_t tok[80];
    char host[64];             /* the Host header's value */
    char site[128];            /* base URL, as the server writes it into objects */
    unsigned seen;             /* requests recorded before the current call */
} env_t;

/* (Re)bind client and API to @p key and @p version. */
void connect_as(env_t *e, const char *key, uint8_t version);

/* Start a server with @p args (NULL-terminated, or NULL) into *state. */
int start_server(void **state, const char *const *args);

/* cmocka group fixtures: one server for the group. */
int group_setup(void **state);
int group_teardown(void **state);

/* cmocka test fixtures: every test starts from the seeded state, a fresh
 * client (read-write key, API v3) and no recorded requests. */
int test_setup(void **state);
int test_teardown(void **state);

/* POST @p json to the server's /_test/config. */
void configure(env_t *e, const char *json);

/* Check the call started, then block until it ends. */
hc_err_t run(env_t *e, hc_err_t started);

/* The call just made sent exactly one request, and it was these bytes. */
void expect_request(env_t *e, const char *line, const char *key, const char *body);

/* expect_request() with the read-write key and no body. */
void expect_rw(env_t *e, const char *line);

/* No request reached the server since the last one checked. */
void expect_nothing_sent(env_t *e);

/* The server's URL for @p check under API @p version, plus @p tail. */
const char *api_url(env_t *e, unsigned version, const char *check, const char *tail);

/* The server's URL for @p path. */
const char *site_url(env_t *e, const char *path);

/* None of the check's optional text or flag fields is set or cut. */
void assert_no_text_fields_set(const hc_check_t *c);

/* The seeded "Database Backup" as a read-write key sees it (never pinged). */
void assert_backup(env_t *e, const hc_check_t *c, unsigned version);

/* The seeded cron check. */
void assert_cron(env_t *e, const hc_check_t *c);

/* A seeded check with defaults but for its name, slug, tags and status. */
void assert_plain(const hc_check_t *c, const char *uuid, const char *name, const char *slug,
                  const char *tags, hc_check_status_t status);

/* Ping the seeded backup check (which must be delivered); the request
 * counts as seen. */
void ping(env_t *e, hc_signal_t signal, const char *rid, const char *body);

#endif /* API_SERVER_ENV_H */
