/* See heartbeat.h. */
#include "heartbeat.h"

#include <string.h>
#include "healthchecks/hc_buf.h"

void heartbeat_init(heartbeat_t *hb, hc_client_t *client, const heartbeat_config_t *cfg,
                    uint32_t now_ms)
{
    memset(hb, 0, sizeof *hb);
    hb->cfg = *cfg;
    hb->client = client;
    hb->next_at = now_ms;
}

static void failed(heartbeat_t *hb, hc_err_t why, uint32_t now_ms)
{
    hb->failures++;
    hb->last_error = why;
    if (hb->backoff_ms == 0)
        hb->backoff_ms = hb->cfg.retry_ms;
    else if (hb->backoff_ms < hb->cfg.retry_max_ms / 2)
        hb->backoff_ms *= 2;
    else
        hb->backoff_ms = hb->cfg.retry_max_ms;
    hb->next_at = now_ms + hb->backoff_ms;
}

static void delivered(heartbeat_t *hb, uint32_t now_ms)
{
    hb->delivered++;
    hb->failures = 0;
    hb->backoff_ms = 0;
    hb->last_error = HC_OK;
    hb->next_at = now_ms + hb->cfg.interval_ms;
}

/* The ping carries its sequence number, so the check's log shows gaps. */
static void start_ping(heartbeat_t *hb, uint32_t now_ms)
{
    hb->seq++;
    hc_buf_t b;
    hc_buf_init(&b, hb->body, sizeof hb->body);
    hc_buf_puts(&b, "seq=");
    hc_buf_put_u32(&b, hb->seq);
    memset(&hb->ping, 0, sizeof hb->ping);
    hb->ping.uuid = hb->cfg.uuid;
    hb->ping.signal = HC_SIGNAL_SUCCESS;
    hb->ping.body = (const uint8_t *)hb->body;
    hb->ping.body_len = b.len;
    hc_err_t err = hc_ping_begin(hb->client, &hb->ping);
    if (err == HC_OK)
        hb->sending = true;
    else
        failed(hb, err, now_ms);
}

void heartbeat_poll(heartbeat_t *hb, uint32_t now_ms)
{
    if (!hb->sending) {
        if (hc_time_reached(now_ms, hb->next_at))
            start_ping(hb, now_ms);
        return;
    }
    hc_err_t r = hc_ping_poll(hb->client, &hb->result);
    if (r == HC_IN_PROGRESS)
        return;
    hb->sending = false;
    if (r == HC_OK)
        delivered(hb, now_ms);
    else
        failed(hb, r, now_ms);
}
