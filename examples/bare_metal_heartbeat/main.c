/* A Healthchecks heartbeat on a bare-metal superloop with lwIP's raw API
 * (NO_SYS=1): no RTOS, no threads, no heap in the client. The loop turns
 * the network stack and the heartbeat alternately; neither ever blocks.
 * With HB_TLS, https:// goes through the project's mbedTLS port layered
 * over a second raw transport (hb_tls.c). */
#include <stddef.h>
#include "board.h"
#include "heartbeat.h"
#include "hc_port_lwip_raw.h"
#if HB_TLS
#include "hb_tls.h"
#endif
#if HB_FIGURES
#include "figures.h"
#endif

#define RX_RING_SLOTS 8

int main(void)
{
    static hb_settings_t settings;
    static struct pbuf *rx_ring[RX_RING_SLOTS];
    static hc_lwip_raw_t raw;
    static hc_transport_t transport;
    static heartbeat_t heartbeat;
    const hc_transport_t *tls = NULL;

#if HB_FIGURES
    figures_start();
#endif
    board_init(&settings);
    if (hc_lwip_raw_init(&raw, rx_ring, RX_RING_SLOTS) != 0)
        board_fatal("rx ring");
    transport = hc_lwip_raw_transport(&raw);
#if HB_TLS
    static struct pbuf *tls_rx_ring[RX_RING_SLOTS];
    static hc_lwip_raw_t tls_raw;
    static hc_transport_t tls_inner, tls_transport;
    if (hc_lwip_raw_init(&tls_raw, tls_rx_ring, RX_RING_SLOTS) != 0)
        board_fatal("rx ring");
    tls_inner = hc_lwip_raw_transport(&tls_raw);
    if (hb_tls_init(&tls_inner, &tls_transport) != HC_OK)
        board_fatal("TLS set-up");
    tls = &tls_transport;
#endif
#if HB_TLS
    /* The session the previous boot kept: the first handshake resumes it. */
    hc_err_t restored = hb_tls_restore_session(settings.ping_url);
    (void)restored;
#if HB_FIGURES
    figures_note_restored(restored);
#endif
#endif
#if HB_FIGURES
    tls = figures_watch_tls(tls);
#endif
    if (heartbeat_init(&heartbeat, &settings, &transport, tls) != HC_OK)
        board_fatal("heartbeat settings");

    while (board_keep_running(&heartbeat)) {
        board_poll_network();
        if (board_network_ready())
            heartbeat_poll(&heartbeat);
    }
#if HB_TLS
    hb_tls_keep_session(); /* for the next boot */
#endif
    return heartbeat.delivered == heartbeat.sent ? 0 : 1;
}
