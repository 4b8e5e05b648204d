/**
 * @file hc_esp_nvs.h
 * @brief Bytes kept in ESP-IDF's NVS (non-volatile storage) as one blob:
 *        where firmware keeps an outbox image (hc_outbox.h) across power
 *        cuts and resets.
 *
 * NVS is built to survive a power cut during a write, and an outbox image
 * carries its own CRC, so a torn save is refused by hc_outbox_restore()
 * rather than half-loaded. Flash wears: save when the outbox changed (and
 * keep it in RTC memory across deep sleep), not on every wake-up.
 * nvs_flash_init() must have run. Namespaces and keys: at most 15
 * characters.
 *
 * Usage:
 * @code
 *   static uint8_t image[HC_OUTBOX_IMAGE_MAX(8)];
 *   size_t len;
 *   if (hc_esp_nvs_load("healthchecks", "outbox", image, sizeof image, &len) == ESP_OK)
 *       hc_outbox_restore(&ob, image, len);  // refused whole if damaged
 *   ...
 *   if (hc_outbox_save(&ob, image, sizeof image, &len) == HC_OK)
 *       hc_esp_nvs_save("healthchecks", "outbox", image, len);
 * @endcode
 */
#ifndef HC_ESP_NVS_H
#define HC_ESP_NVS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Store @p len bytes as the blob @p key of namespace @p ns, committed.
 * @param[in] ns the NVS namespace (created when missing).
 * @param[in] key the blob's key.
 * @param[in] data the bytes.
 * @param[in] len how many.
 * @return an esp_err_t: ESP_OK, or what nvs_open(), nvs_set_blob() or
 *         nvs_commit() reported (ESP_ERR_NVS_NOT_ENOUGH_SPACE, ...).
 */
int hc_esp_nvs_save(const char *ns, const char *key, const void *data, size_t len);

/**
 * Read the blob @p key of namespace @p ns into @p buf.
 * @param[in] ns the NVS namespace.
 * @param[in] key the blob's key.
 * @param[out] buf where its bytes go.
 * @param[in] cap at most this many.
 * @param[out] len how many were read (0 on an error).
 * @return an esp_err_t: ESP_OK; ESP_ERR_NVS_NOT_FOUND when nothing was
 *         saved yet; ESP_ERR_NVS_INVALID_LENGTH when the blob is larger than
 *         @p cap; or what nvs_open() or nvs_get_blob() reported.
 */
int hc_esp_nvs_load(const char *ns, const char *key, void *buf, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* HC_ESP_NVS_H */
