/* Test stand-in for ESP-IDF's esp_crt_bundle.h (see ../README.md). */
#pragma once
#include "esp_err.h"
#include "mbedtls/ssl.h"
esp_err_t esp_crt_bundle_attach(void *conf);
