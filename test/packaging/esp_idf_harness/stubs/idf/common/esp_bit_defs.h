/* Test stand-in for ESP-IDF's esp_bit_defs.h (see ../../README.md). */
#pragma once
#define BIT0 0x00000001
