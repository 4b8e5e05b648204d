/* Test stand-in for ESP-IDF's esp_netif.h (see ../../README.md). */
#pragma once
#include "esp_err.h"
#include "esp_event.h"
typedef struct esp_netif_obj esp_netif_t;
extern esp_event_base_t const IP_EVENT;
typedef enum { IP_EVENT_STA_GOT_IP, IP_EVENT_STA_LOST_IP } ip_event_t;
esp_err_t esp_netif_init(void);
