/* A Healthchecks heartbeat on a bare-metal superloop with lwIP's raw API
 * (NO_SYS=1): no RTOS, no threads, no heap in the client. The loop turns
 * the network stack and the heartbeat alternately; neither ever blocks. */
#include <stddef.h>
#include "board.h"
#include "heartbeat.h"
#include "hc_port_lwip_raw.h"

#define RX_RING_SLOTS 8

int main(void)
{
    static hb_settings_t settings;
    static struct pbuf *rx_ring[RX_RING_SLOTS];
    static hc_lwip_raw_t raw;
    static hc_transport_t transport;
    static heartbeat_t heartbeat;

    board_init(&settings);
    if (hc_lwip_raw_init(&raw, rx_ring, RX_RING_SLOTS) != 0)
        board_fatal("rx ring");
    transport = hc_lwip_raw_transport(&raw);
    if (heartbeat_init(&heartbeat, &settings, &transport) != HC_OK)
        board_fatal("heartbeat settings");

    while (board_keep_running(&heartbeat)) {
        board_poll_network();
        if (board_network_ready())
            heartbeat_poll(&heartbeat);
    }
    return heartbeat.delivered == heartbeat.sent ? 0 : 1;
}
