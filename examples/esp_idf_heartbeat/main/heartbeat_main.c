/* ESP-IDF heartbeat: join Wi-Fi, set the clock with SNTP (certificates carry
 * dates), then ping a Healthchecks check over HTTPS every
 * CONFIG_HEARTBEAT_INTERVAL_S seconds. Retries, back-off and the overall
 * deadline are the client's (menuconfig: Healthchecks client > Defaults),
 * so a ping never holds the task longer than the deadline. */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "esp_bit_defs.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_netif_sntp.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "sdkconfig.h"

#include "healthchecks/hc_ping.h"
#include "hc_port_esp_idf.h"

static const char *TAG = "heartbeat";

#define WIFI_UP_BIT BIT0
/* Any time before this is the clock's power-on value, not the real time. */
#define PLAUSIBLE_UNIX_TIME 1704067200 /* 2024-01-01 */
/* The TLS handshake (certificate chain, ECDHE) runs on this task. */
#define HEARTBEAT_STACK 8192

static EventGroupHandle_t wifi_events;

static void on_network_event(void *arg, esp_event_base_t base, int32_t id, void *data)
{
    (void)arg;
    (void)data;
    if (base == WIFI_EVENT && id == WIFI_EVENT_STA_START) {
        esp_wifi_connect();
    } else if (base == WIFI_EVENT && id == WIFI_EVENT_STA_DISCONNECTED) {
        /* A heartbeat device rejoins for ever; missed pings are what the
         * check reports meanwhile. */
        xEventGroupClearBits(wifi_events, WIFI_UP_BIT);
        esp_wifi_connect();
    } else if (base == IP_EVENT && id == IP_EVENT_STA_GOT_IP) {
        xEventGroupSetBits(wifi_events, WIFI_UP_BIT);
    }
}

static void wifi_start(void)
{
    wifi_events = xEventGroupCreate();
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    esp_netif_create_default_wifi_sta();

    wifi_init_config_t init = WIFI_INIT_CONFIG_DEFAULT();
    ESP_ERROR_CHECK(esp_wifi_init(&init));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(WIFI_EVENT, ESP_EVENT_ANY_ID,
                                                        on_network_event, NULL, NULL));
    ESP_ERROR_CHECK(esp_event_handler_instance_register(IP_EVENT, IP_EVENT_STA_GOT_IP,
                                                        on_network_event, NULL, NULL));

    wifi_config_t sta = { 0 };
    strlcpy((char *)sta.sta.ssid, CONFIG_HEARTBEAT_WIFI_SSID, sizeof sta.sta.ssid);
    strlcpy((char *)sta.sta.password, CONFIG_HEARTBEAT_WIFI_PASSWORD, sizeof sta.sta.password);
    sta.sta.threshold.authmode = CONFIG_HEARTBEAT_WIFI_PASSWORD[0] ? WIFI_AUTH_WPA2_PSK
                                                                    : WIFI_AUTH_OPEN;
    ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
    ESP_ERROR_CHECK(esp_wifi_set_config(WIFI_IF_STA, &sta));
    ESP_ERROR_CHECK(esp_wifi_start());
}

static void wait_for_wifi(void)
{
    xEventGroupWaitBits(wifi_events, WIFI_UP_BIT, pdFALSE, pdTRUE, portMAX_DELAY);
}

static void clock_sync(void)
{
    esp_sntp_config_t sntp = ESP_NETIF_SNTP_DEFAULT_CONFIG(CONFIG_HEARTBEAT_SNTP_SERVER);
    ESP_ERROR_CHECK(esp_netif_sntp_init(&sntp));
    while (esp_netif_sntp_sync_wait(pdMS_TO_TICKS(15000)) != ESP_OK ||
           time(NULL) < PLAUSIBLE_UNIX_TIME)
        ESP_LOGW(TAG, "waiting for the time from %s", CONFIG_HEARTBEAT_SNTP_SERVER);
    ESP_LOGI(TAG, "clock set");
}

static void log_failure(const hc_esp_t *net, hc_err_t err, const hc_ping_result_t *r,
                        const hc_client_t *client)
{
    ESP_LOGW(TAG, "ping not delivered: %s (HTTP %u, %u attempts)", hc_strerror(err),
             (unsigned)r->status, (unsigned)hc_client_attempts(client));
    if (err == HC_ERR_TLS || err == HC_ERR_TLS_VERIFY) {
        char why[96];
        hc_mbedtls_describe(&net->tls, why, sizeof why);
        ESP_LOGW(TAG, "TLS: %s", why);
    }
}

static void heartbeat_task(void *arg)
{
    (void)arg;
    /* Static: the client and its transports outlive every ping, and the
     * task's stack stays for the TLS handshake. */
    static hc_esp_t net;
    static uint8_t work[1024];
    static hc_client_t client;

    hc_config_t cfg;
    hc_esp_config_defaults(&cfg);
    cfg.work = work;
    cfg.work_size = sizeof work;
    hc_err_t err = hc_esp_init(&net, &cfg, NULL);
    if (err == HC_OK)
        err = hc_client_init(&client, &cfg);
    if (err != HC_OK) {
        ESP_LOGE(TAG, "client setup failed: %s", hc_strerror(err));
        vTaskDelete(NULL);
        return;
    }

    const hc_ping_t ping = { .signal = HC_SIGNAL_SUCCESS, .uuid = CONFIG_HEARTBEAT_CHECK_UUID };
    if (hc_ping_validate(&client, &ping) != HC_OK) {
        ESP_LOGE(TAG, "set the check's UUID (lowercase) in menuconfig: "
                      "Heartbeat example > UUID of the check to ping");
        vTaskDelete(NULL);
        return;
    }
    /* In ticks from seconds: milliseconds times the tick rate could
     * overflow 32 bits for long intervals. */
    const TickType_t period = (TickType_t)CONFIG_HEARTBEAT_INTERVAL_S * configTICK_RATE_HZ;
    TickType_t next = xTaskGetTickCount();
    for (;;) {
        wait_for_wifi();
        hc_ping_result_t result;
        err = hc_ping_send(&client, &ping, &result);
        if (err == HC_OK)
            ESP_LOGI(TAG, "ping delivered (HTTP %u)", (unsigned)result.status);
        else
            log_failure(&net, err, &result, &client);
        vTaskDelayUntil(&next, period);
    }
}

void app_main(void)
{
    esp_err_t err = nvs_flash_init();  /* Wi-Fi keeps its calibration there */
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        ESP_ERROR_CHECK(nvs_flash_erase());
        err = nvs_flash_init();
    }
    ESP_ERROR_CHECK(err);

    wifi_start();
    wait_for_wifi();
    clock_sync();
    xTaskCreate(heartbeat_task, "heartbeat", HEARTBEAT_STACK, NULL, 5, NULL);
}
