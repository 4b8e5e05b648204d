/* ESP-IDF glue; see hc_port_esp_idf.h. */
#include "hc_port_esp_idf.h"

#include <string.h>
#include "sdkconfig.h"
#include "esp_err.h"
#include "esp_log.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#if CONFIG_HC_TLS_CA_BUNDLE
#include "esp_crt_bundle.h"
#endif

static const char *TAG = "healthchecks";

static uint32_t idf_now_ms(void *ctx)
{
    (void)ctx;
    return (uint32_t)(esp_timer_get_time() / 1000);
}

static void idf_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    /* Rounded up to whole ticks: the blocking driver re-reads the clock,
     * and sleeping short would only make it call again. */
    uint64_t ticks = ((uint64_t)ms * configTICK_RATE_HZ + 999u) / 1000u;
    vTaskDelay((TickType_t)ticks);
}

static int idf_random_bytes(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    esp_fill_random(buf, len);
    return 0;
}

hc_transport_t hc_esp_transport(hc_lwip_sock_t *s)
{
    hc_lwip_sock_init(s);
    hc_transport_t t = hc_lwip_sock_transport(s);
    t.now_ms = idf_now_ms;
    t.sleep_ms = idf_sleep_ms;
    t.random = idf_random_bytes;
    return t;
}

void hc_esp_config_defaults(hc_config_t *cfg)
{
    hc_config_defaults(cfg);
    cfg->ping_url = CONFIG_HC_PING_URL;
    cfg->api_url = CONFIG_HC_API_URL;
    cfg->user_agent = CONFIG_HC_USER_AGENT[0] ? CONFIG_HC_USER_AGENT : NULL;
    cfg->connect_timeout_ms = CONFIG_HC_CONNECT_TIMEOUT_MS;
    cfg->io_timeout_ms = CONFIG_HC_IO_TIMEOUT_MS;
    cfg->request_timeout_ms = CONFIG_HC_REQUEST_TIMEOUT_MS;
    cfg->deadline_ms = CONFIG_HC_DEADLINE_MS;
    cfg->max_attempts = CONFIG_HC_MAX_ATTEMPTS;
    cfg->backoff_ms = CONFIG_HC_BACKOFF_MS;
    cfg->backoff_max_ms = CONFIG_HC_BACKOFF_MAX_MS;
#if CONFIG_HC_KEEP_ALIVE
    cfg->keep_alive = true;
#endif
    cfg->api_version = CONFIG_HC_API_VERSION;
}

#if CONFIG_HC_TLS_CA_BUNDLE
/* esp_crt_bundle_attach() returns an esp_err_t; the TLS port wants 0 for
 * success. */
static int attach_bundle(void *mbedtls_ssl_conf)
{
    return esp_crt_bundle_attach(mbedtls_ssl_conf) == ESP_OK ? 0 : -1;
}
#endif

void hc_esp_tls_defaults(hc_mbedtls_config_t *tls)
{
    memset(tls, 0, sizeof *tls);
#if CONFIG_HC_TLS_CA_BUNDLE
    tls->ca_attach = attach_bundle;
#endif
#if CONFIG_HC_TLS_INSECURE_SKIP_VERIFY
    tls->insecure_skip_verify = true;
#endif
}

hc_err_t hc_esp_init(hc_esp_t *e, hc_config_t *cfg, const hc_mbedtls_config_t *tls)
{
    if (!e || !cfg)
        return HC_ERR_ARG;
    memset(e, 0, sizeof *e);
    hc_mbedtls_config_t defaults;
    if (!tls) {
        hc_esp_tls_defaults(&defaults);
        tls = &defaults;
    }
    /* hc_mbedtls_init() runs ca_attach after it has set ca / ca_file as the
     * CA chain, and esp_crt_bundle_attach() replaces that chain (with its
     * placeholder certificate, or a CA callback that mbedTLS then uses
     * instead): the explicit CAs would be parsed and never consulted. */
    if (tls->ca_attach && (tls->ca || tls->ca_file)) {
        ESP_LOGE(TAG, "ca_attach (the certificate bundle) replaces ca / ca_file: set one or the other");
        return HC_ERR_ARG;
    }
    if (tls->insecure_skip_verify)
        ESP_LOGW(TAG, "TLS certificate verification is OFF: keys can be read on the network path");
    e->plain = hc_esp_transport(&e->plain_sock);
    e->tls_inner = hc_esp_transport(&e->tls_sock);
    hc_err_t err = hc_mbedtls_init(&e->tls, &e->tls_inner, tls);
    if (err != HC_OK)
        return err;
    e->tls_ready = true;
    e->https = hc_mbedtls_transport(&e->tls);
    cfg->transport = &e->plain;
    cfg->tls_transport = &e->https;
    return HC_OK;
}

void hc_esp_free(hc_esp_t *e)
{
    if (!e)
        return;
    if (e->plain.close)
        e->plain.close(e->plain.ctx);
    if (e->tls_ready)
        hc_mbedtls_free(&e->tls);
    e->tls_ready = false;
}
