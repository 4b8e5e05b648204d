/* A heartbeat for a superloop. See heartbeat.h. */
#include "heartbeat.h"

#include <string.h>

hc_err_t heartbeat_init(heartbeat_t *hb, const hb_settings_t *settings,
                        const hc_transport_t *tp, const hc_transport_t *tls)
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
    cfg.tls_transport = tls;
    cfg.work = hb->work;
    cfg.work_size = sizeof hb->work;
    cfg.backoff_ms = 1000;
    cfg.backoff_max_ms = 8000;
    cfg.keep_alive = true; /* for the pings of one cycle; closed between cycles */
    if (settings->connect_timeout_ms)
        cfg.connect_timeout_ms = settings->connect_timeout_ms;
    if (settings->deadline_ms)
        cfg.deadline_ms = settings->deadline_ms;
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

/* Start the ping of @p step; false when it could not even start. */
static bool begin_step(heartbeat_t *hb, hb_step_t step)
{
    hc_ping_t *p = &hb->ping;
    p->signal = step == HB_START ? HC_SIGNAL_START
              : step == HB_LOG   ? HC_SIGNAL_LOG
                                 : HC_SIGNAL_SUCCESS;
    p->rid = hb->rid[0] != '\0' ? hb->rid : NULL;
    p->body = NULL;
    p->body_len = 0;
    if (step == HB_LOG) {
        p->body = (const uint8_t *)hb->report;
        p->body_len = hb->settings.report(hb->settings.report_arg, hb, hb->report,
                                          sizeof hb->report);
        if (p->body_len == 0 || p->body_len > sizeof hb->report)
            return false; /* nothing to report */
    }
    hb->step = step;
    hb->sent++;
    hc_err_t err = hc_ping_send_begin(&hb->client, p);
    if (err != HC_OK) {
        hb->failed++;
        hb->last_result = err;
        return false;
    }
    hb->busy = true;
    return true;
}

/* The cycle is over: schedule the next one from how it went. */
static void end_cycle(heartbeat_t *hb, bool delivered, uint32_t now)
{
    hc_client_close(&hb->client);
    hb->step = HB_IDLE;
    hb->cycles++;
    if (delivered) {
        hb->retry_delay = hb->settings.retry_min_ms;
        /* From the start of the cycle, so the cadence does not drift. */
        hb->next_due = hb->started_at + hb->settings.interval_ms;
        return;
    }
    hb->next_due = now + hb->retry_delay;
    hb->retry_delay = hb->retry_delay > hb->settings.interval_ms / 2u
                          ? hb->settings.interval_ms
                          : hb->retry_delay * 2u;
}

/* The ping of the current step ended with @p result: go on to the next. */
static void step_ended(heartbeat_t *hb, hc_err_t result, uint32_t now)
{
    hb->busy = false;
    hb->last_result = result;
    if (result == HC_OK)
        hb->delivered++;
    else
        hb->failed++;
    switch (hb->step) {
    case HB_START:
        /* The job runs now, and may be long: no connection is held
         * across it. A failed start ping never stops the run. */
        hc_client_close(&hb->client);
        if (!begin_step(hb, HB_SUCCESS))
            end_cycle(hb, false, now);
        return;
    case HB_SUCCESS:
        if (result == HC_OK && hb->settings.report != NULL && begin_step(hb, HB_LOG))
            return;
        end_cycle(hb, result == HC_OK, now);
        return;
    default: /* HB_LOG: the cycle's success ping was delivered */
        end_cycle(hb, true, now);
        return;
    }
}

static void begin_cycle(heartbeat_t *hb, uint32_t now)
{
    hb->started_at = now;
    hb->rid[0] = '\0';
    /* Without randomness there is no run id; the pings still go out. */
    if (hb->settings.with_start && hc_rid_new(&hb->client, hb->rid) != HC_OK)
        hb->rid[0] = '\0';
    if (!begin_step(hb, hb->settings.with_start ? HB_START : HB_SUCCESS)) {
        if (hb->settings.with_start && begin_step(hb, HB_SUCCESS))
            return;
        end_cycle(hb, false, now);
    }
}

void heartbeat_poll(heartbeat_t *hb)
{
    const hc_transport_t *tp = hb->client.cfg.transport;
    uint32_t now = tp->now_ms(tp->ctx);
    if (!hb->busy) {
        if (hb->step != HB_IDLE || !hc_time_reached(now, hb->next_due))
            return;
        begin_cycle(hb, now);
        if (!hb->busy)
            return;
    }
    hc_ping_result_t result;
    hc_err_t err = hc_ping_poll(&hb->client, &result);
    if (err != HC_IN_PROGRESS)
        step_ended(hb, err, tp->now_ms(tp->ctx));
}
