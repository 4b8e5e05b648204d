/* Blobs in ESP-IDF's NVS; see hc_esp_nvs.h. */
#include "hc_esp_nvs.h"

#include "esp_err.h"
#include "nvs.h"

int hc_esp_nvs_save(const char *ns, const char *key, const void *data, size_t len)
{
    nvs_handle_t h;
    esp_err_t err = nvs_open(ns, NVS_READWRITE, &h);
    if (err != ESP_OK)
        return err;
    err = nvs_set_blob(h, key, data, len);
    if (err == ESP_OK)
        err = nvs_commit(h);
    nvs_close(h);
    return err;
}

int hc_esp_nvs_load(const char *ns, const char *key, void *buf, size_t cap, size_t *len)
{
    nvs_handle_t h;
    *len = 0;
    esp_err_t err = nvs_open(ns, NVS_READONLY, &h);
    if (err != ESP_OK)
        return err;
    size_t size = cap;
    err = nvs_get_blob(h, key, buf, &size);
    nvs_close(h);
    if (err == ESP_OK)
        *len = size;
    return err;
}
