/**
 * @file hc_port_esp_idf.h
 * @brief ESP-IDF glue: the lwIP sockets transport on ESP-IDF's clock, sleep
 *        and hardware RNG; TLS trust from ESP-IDF's certificate bundle; and
 *        the client defaults chosen in menuconfig ("Healthchecks client").
 *
 * - Clock: esp_timer_get_time() in milliseconds (1 ms resolution, unlike
 *   the RTOS tick). Sleep: vTaskDelay(), rounded up to whole ticks.
 *   Randomness: esp_fill_random(), which is truly random once Wi-Fi or
 *   Bluetooth runs (see ESP-IDF's "Random Number Generation"); run ids and
 *   back-off jitter need no more, and the TLS DRBG is seeded from it.
 * - TLS: hc_esp_tls_defaults() trusts the certificate bundle
 *   (CONFIG_HC_TLS_CA_BUNDLE, needing CONFIG_MBEDTLS_CERTIFICATE_BUNDLE).
 *   Certificates are checked against the wall clock: set the time (SNTP)
 *   before the first https:// request, or every chain is "not yet valid".
 * - Trust is either the bundle or your own CAs, never both through
 *   hc_mbedtls_config_t: esp_crt_bundle_attach() installs its verify
 *   callback and replaces the configuration's CA chain with an empty
 *   placeholder (or, where the bundle's cross-signed verification is
 *   enabled, sets a CA callback, which mbedTLS then uses in place of any
 *   chain), so a chain set from @c ca / @c ca_file would never be
 *   consulted; hc_esp_init() therefore refuses the combination. With the
 *   bundle, a server's chain passes when its topmost certificate is signed
 *   by a bundle root; the host name and validity dates are still checked.
 *   To trust a private CA as well, add it to the bundle (menuconfig:
 *   mbedTLS > Certificate Bundle > Add custom certificates to the default
 *   bundle); to trust only your CAs, set @c ca / @c ca_len and leave
 *   @c ca_attach NULL.
 * - Memory: mbedTLS allocates its record buffers and handshake state from
 *   the heap (see hc_port_mbedtls.h); the core library still allocates
 *   nothing.
 *
 * Usage (a task that pings):
 * @code
 *   static hc_esp_t net;              // lives as long as the client
 *   static uint8_t work[1024];
 *   hc_config_t cfg;
 *   hc_esp_config_defaults(&cfg);     // URLs, timeouts, retries from menuconfig
 *   cfg.work = work;
 *   cfg.work_size = sizeof work;
 *   if (hc_esp_init(&net, &cfg, NULL) != HC_OK) { ... }
 *   hc_client_t client;
 *   hc_client_init(&client, &cfg);
 *   hc_ping_t ping = { .uuid = "..." };
 *   hc_ping_send(&client, &ping, NULL);
 * @endcode
 */
#ifndef HC_PORT_ESP_IDF_H
#define HC_PORT_ESP_IDF_H

#include <stdbool.h>
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_error.h"
#include "healthchecks/hc_transport.h"
#include "hc_port_lwip_sockets.h"
#include "hc_port_mbedtls.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The transports one client needs on ESP-IDF: plain TCP for http:// and
 *  TLS over a second socket for https://. Owned by the caller; set up by
 *  hc_esp_init(), released by hc_esp_free(). Treat as opaque. */
typedef struct hc_esp {
    /** @cond INTERNAL */
    hc_lwip_sock_t plain_sock;
    hc_lwip_sock_t tls_sock;
    hc_transport_t plain;      /* over plain_sock */
    hc_transport_t tls_inner;  /* over tls_sock, beneath TLS */
    hc_mbedtls_t tls;
    hc_transport_t https;      /* TLS over tls_inner */
    bool tls_ready;
    /** @endcond */
} hc_esp_t;

/**
 * A transport over an lwIP socket, with ESP-IDF's clock, sleep and
 * hardware RNG in place of lwIP's.
 * @param[out] s the socket's state (hc_lwip_sock_init() is called on it);
 *               must outlive every use of the transport
 * @return the transport, to copy into hc_config_t (by address)
 */
hc_transport_t hc_esp_transport(hc_lwip_sock_t *s);

/**
 * hc_config_defaults(), then the values chosen in menuconfig: ping and API
 * URLs, User-Agent (none when empty), timeouts, attempts, back-off,
 * keep-alive, API version. Transports and the work buffer stay unset. The
 * strings are literals, valid for the whole program.
 * @param[out] cfg overwritten entirely
 */
void hc_esp_config_defaults(hc_config_t *cfg);

/**
 * Zero @p tls, then set the trust source chosen in menuconfig: ESP-IDF's
 * certificate bundle as @c ca_attach (CONFIG_HC_TLS_CA_BUNDLE) and, only if
 * CONFIG_HC_TLS_INSECURE_SKIP_VERIFY is set, no verification at all. With
 * neither, the caller must set @c ca / @c ca_len, or hc_esp_init() refuses
 * with HC_ERR_ARG. To use your own CAs instead of the bundle, set @c ca /
 * @c ca_len and clear @c ca_attach (the two do not combine; see above).
 * @param[out] tls overwritten entirely
 */
void hc_esp_tls_defaults(hc_mbedtls_config_t *tls);

/**
 * Set up the transports and point @p cfg->transport and
 * @p cfg->tls_transport at them.
 * @param[out]    e   the transports; must stay where they are and outlive
 *                    the client
 * @param[in,out] cfg the client's configuration
 * @param[in]     tls trust settings for https://, or NULL for
 *                    hc_esp_tls_defaults(); read only during the call
 * @return HC_OK; HC_ERR_ARG (NULL @p e or @p cfg, no trust source,
 *         @c ca_attach together with @c ca or @c ca_file);
 *         HC_ERR_TLS (mbedTLS refused the settings or ran out of memory).
 *         On error nothing needs releasing.
 */
hc_err_t hc_esp_init(hc_esp_t *e, hc_config_t *cfg, const hc_mbedtls_config_t *tls);

/**
 * Close both connections and release mbedTLS's memory.
 * @param[in,out] e the transports; a zeroed or already released one is fine
 */
void hc_esp_free(hc_esp_t *e);

#ifdef __cplusplus
}
#endif

#endif /* HC_PORT_ESP_IDF_H */
