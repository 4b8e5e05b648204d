/* Test stand-in for ESP-IDF's esp_random.h (see ../README.md). */
#pragma once
#include <stddef.h>
#include <stdint.h>
uint32_t esp_random(void);
void esp_fill_random(void *buf, size_t len);
