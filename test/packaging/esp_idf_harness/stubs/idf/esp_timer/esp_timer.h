/* Test stand-in for ESP-IDF's esp_timer.h (see ../README.md). */
#pragma once
#include <stdint.h>
int64_t esp_timer_get_time(void);
