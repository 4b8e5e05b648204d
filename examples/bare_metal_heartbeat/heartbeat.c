/* A heartbeat for a superloop. See heartbeat.h. */
#include "heartbeat.h"

#include <string.h>

hc_err_t heartbeat_init(heartbeat_t *hb, const hb_settings_t *settings,
                        const hc_transport_t *tp)
{
    if (!hb || !settings || !tp || !settings->ping_url || !settings->check_uuid ||
        !settings->interval_ms || !settings->retry_min_ms)
        return HC_ERR_ARG;
    memset(hb, 0, sizeof *hb);
    hb->settings = *settings;

    hc_config_t cfg;
    hc_config_defaults(&cfg);
    cfg.ping_url = settings->ping_url;
    cfg.user_agent = "bare-metal-heartbeat/1.0";
    cfg.transport = tp;
    cfg.work = hb->work;
    cfg.work_size = sizeof hb->work;
    cfg.backoff_ms = 1000;
    cfg.backoff_max_ms = 8000;
    hc_err_t err = hc_client_init(&hb->client, &cfg);
    if (err != HC_OK)
        return err;

    hb->ping.signal = HC_SIGNAL_SUCCESS;
    hb->ping.uuid = settings->check_uuid;
    err = hc_ping_validate(&hb->client, &hb->ping);
    if (err != HC_OK)
        return err;
    hb->next_due = tp->now_ms(tp->ctx);
    hb->retry_delay = settings->retry_min_ms;
    return HC_OK;
}

/* Schedule the next ping from how the last one ended. */
static void ping_ended(heartbeat_t *hb, hc_err_t result, uint32_t now)
{
    hb->busy = false;
    hb->last_result = result;
    if (result == HC_OK) {
        hb->delivered++;
        hb->retry_delay = hb->settings.retry_min_ms;
        /* From the start of the ping, so the cadence does not drift. */
        hb->next_due = hb->started_at + hb->settings.interval_ms;
        return;
    }
    hb->failed++;
    hb->next_due = now + hb->retry_delay;
    hb->retry_delay = hb->retry_delay > hb->settings.interval_ms / 2u
                          ? hb->settings.interval_ms
                          : hb->retry_delay * 2u;
}

void heartbeat_poll(heartbeat_t *hb)
{
    const hc_transport_t *tp = hb->client.cfg.transport;
    uint32_t now = tp->now_ms(tp->ctx);
    if (!hb->busy) {
        if (!hc_time_reached(now, hb->next_due))
            return;
        hb->started_at = now;
        hb->sent++;
        hc_err_t err = hc_ping_send_begin(&hb->client, &hb->ping);
        if (err != HC_OK) {
            ping_ended(hb, err, now);
            return;
        }
        hb->busy = true;
    }
    hc_ping_result_t result;
    hc_err_t err = hc_ping_poll(&hb->client, &result);
    if (err != HC_IN_PROGRESS)
        ping_ended(hb, err, tp->now_ms(tp->ctx));
}
