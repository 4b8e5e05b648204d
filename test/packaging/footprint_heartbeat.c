/* The smallest useful firmware use of the library, linked only to measure
 * what a heartbeat pays in flash (scripts/size-table.sh): defaults, one
 * client, one blocking ping. The transport is the caller's (its code is a
 * port's, counted separately), so it comes in as an argument. */
#include "healthchecks/hc_ping.h"

hc_err_t hc_footprint_entry(const hc_transport_t *tp, uint8_t *work, size_t work_size,
                            const char *uuid);

hc_err_t hc_footprint_entry(const hc_transport_t *tp, uint8_t *work, size_t work_size,
                            const char *uuid)
{
    hc_config_t cfg;
    hc_config_defaults(&cfg);
    cfg.transport = tp;
    cfg.work = work;
    cfg.work_size = work_size;
    hc_client_t client;
    hc_err_t err = hc_client_init(&client, &cfg);
    if (err != HC_OK)
        return err;
    hc_ping_t ping = { .signal = HC_SIGNAL_SUCCESS, .uuid = uuid };
    hc_ping_result_t result;
    return hc_ping_send(&client, &ping, &result);
}
