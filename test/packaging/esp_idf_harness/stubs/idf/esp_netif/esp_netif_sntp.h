/* Test stand-in for ESP-IDF's esp_netif_sntp.h (see ../../README.md). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "esp_err.h"
#include "freertos/FreeRTOS.h"
#include "esp_netif.h"
typedef struct esp_sntp_config {
    bool smooth_sync;
    bool server_from_dhcp;
    bool wait_for_sync;
    bool start;
    void *sync_cb;
    bool renew_servers_after_new_IP;
    ip_event_t ip_event_to_renew;
    size_t index_of_first_server;
    size_t num_of_servers;
    const char *servers[1];
} esp_sntp_config_t;
#define ESP_NETIF_SNTP_DEFAULT_CONFIG(server) { .smooth_sync = false, \
    .server_from_dhcp = false, .wait_for_sync = true, .start = true, .sync_cb = NULL, \
    .renew_servers_after_new_IP = false, .ip_event_to_renew = IP_EVENT_STA_GOT_IP, .index_of_first_server = 0, \
    .num_of_servers = 1, .servers = { server } }
esp_err_t esp_netif_sntp_init(const esp_sntp_config_t *config);
esp_err_t esp_netif_sntp_sync_wait(TickType_t tout);
