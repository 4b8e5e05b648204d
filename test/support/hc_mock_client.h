/* A client over the mock port, set up in one call, and the request the
 * mock captured, read back as text. No test framework: the cmocka tests
 * and the benchmarks check the results with their own asserts. */
#ifndef HC_MOCK_CLIENT_H
#define HC_MOCK_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "healthchecks/hc_client.h"
#include "hc_port_mock.h"

/** What differs between the mock clients of the tests and benchmarks;
 *  zero fields keep hc_config_defaults()'s values. All memory is the
 *  caller's and must outlive the client. */
typedef struct hc_test_mock_spec {
    const hc_mock_conn_t *script;  /**< the mock's script; NULL when n_script is 0 */
    size_t n_script;               /**< entries in @c script */
    uint8_t *capture;              /**< every byte sent, or NULL */
    size_t capture_cap;            /**< size of @c capture */
    uint8_t *work;                 /**< the client's work buffer */
    size_t work_size;              /**< size of @c work */
    const char *ping_url;          /**< NULL: the default */
    const char *ping_key;          /**< NULL: the default (none) */
    const char *api_url;           /**< NULL: the default */
    const char *api_key;           /**< NULL: the default (none) */
    uint8_t max_attempts;          /**< 0: the default */
} hc_test_mock_spec_t;

/** A client and everything it points into. The client keeps pointers to
 *  @c transport and @c mock: the struct must outlive its use, and is never
 *  copied. */
typedef struct hc_test_mock_client {
    hc_mock_t mock;
    hc_transport_t transport;
    hc_config_t cfg;
    hc_client_t client;
} hc_test_mock_client_t;

/**
 * Start @p mc->mock as @p spec says, set @p mc->cfg to the defaults with
 * the mock's transport and @p spec's fields, and initialise @p mc->client
 * on it.
 * @return hc_client_init()'s result.
 */
hc_err_t hc_test_mock_client(hc_test_mock_client_t *mc, const hc_test_mock_spec_t *spec);

/** The request line of the latest connection the mock captured, copied
 *  NUL-terminated into @p dst (@p size bytes); NULL when the capture holds
 *  no whole line or it does not fit. */
const char *hc_test_sent_line(const hc_mock_t *m, char *dst, size_t size);

/** The body of the latest connection's request (what follows the blank
 *  line ending its head, to the end of the capture), copied NUL-terminated
 *  into @p dst (@p size bytes); NULL when the capture holds no whole head
 *  or the body does not fit. */
const char *hc_test_sent_body(const hc_mock_t *m, char *dst, size_t size);

#endif /* HC_MOCK_CLIENT_H */
