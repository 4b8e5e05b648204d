/* The heartbeat's board on a Linux host: Debian's lwIP (liblwip, built
 * with NO_SYS=0) on a TAP device.
 *
 * Debian's lwIP runs its stack in a tcpip thread and reads the TAP in
 * another, so this board stands in for a NO_SYS=1 superloop by holding
 * lwIP's core lock for the whole loop and releasing it only inside
 * board_poll_network(): lwIP's callbacks then run exactly where a
 * firmware's ethernetif_input() and sys_check_timeouts() would run them,
 * never in the middle of the heartbeat's calls.
 *
 * Settings come from the environment:
 *   HB_TAP       TAP device to attach to (created beforehand; default tap0)
 *   HB_IP        lwIP's address on it (default 10.201.0.2, /24)
 *   HB_GW        gateway (default 10.201.0.1)
 *   HB_PING_URL  ping base URL (default http://10.201.0.1:8000/ping)
 *   HB_CHECK     check UUID
 *   HB_INTERVAL_MS, HB_RETRY_MS  cadence (default 60000, 5000)
 *   HB_COUNT     stop after this many pings (default: never)
 */
#include "board.h"

#include <stdio.h>
#include <stdlib.h>
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "netif/tapif.h"

/* Debian's liblwip 2.1.3+dfsg1-2 allocates 592-byte PBUF_POOL buffers
 * but its pbuf_alloc() fills up to 1536 bytes into each, so tapif
 * overflows them on any frame over 592 bytes. Keeping the link's MTU at
 * 576 keeps every frame within that. (Set the Linux side to the same:
 * ip link set <tap> mtu 576.) */
#define TAP_MTU 576

static struct netif tap_netif;
static unsigned long ping_limit;

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static uint32_t env_ms(const char *name, uint32_t fallback)
{
    const char *v = getenv(name);
    return v && *v ? (uint32_t)strtoul(v, NULL, 10) : fallback;
}

void board_fatal(const char *why)
{
    fprintf(stderr, "bare_metal_heartbeat: %s\n", why);
    exit(2);
}

void board_init(hb_settings_t *settings)
{
    ip4_addr_t addr, mask, gw;
    if (!ip4addr_aton(env_or("HB_IP", "10.201.0.2"), &addr) ||
        !ip4addr_aton(env_or("HB_GW", "10.201.0.1"), &gw))
        board_fatal("HB_IP or HB_GW is not an IPv4 address");
    IP4_ADDR(&mask, 255, 255, 255, 0);
    /* tapif reads the device name from here. */
    setenv("PRECONFIGURED_TAPIF", env_or("HB_TAP", "tap0"), 1);

    settings->ping_url = env_or("HB_PING_URL", "http://10.201.0.1:8000/ping");
    settings->check_uuid = env_or("HB_CHECK", "45c9d87e-c6e4-42c7-ba1e-921cfc827121");
    settings->interval_ms = env_ms("HB_INTERVAL_MS", 60000);
    settings->retry_min_ms = env_ms("HB_RETRY_MS", 5000);
    ping_limit = strtoul(env_or("HB_COUNT", "0"), NULL, 10);

    tcpip_init(NULL, NULL);
    LOCK_TCPIP_CORE(); /* held by the loop from here on */
    netif_add(&tap_netif, &addr, &mask, &gw, NULL, tapif_init, tcpip_input);
    tap_netif.mtu = TAP_MTU;
    netif_set_default(&tap_netif);
    netif_set_link_up(&tap_netif);
    netif_set_up(&tap_netif);
}

void board_poll_network(void)
{
    UNLOCK_TCPIP_CORE();
    sys_msleep(1);
    LOCK_TCPIP_CORE();
}

bool board_network_ready(void)
{
    return netif_is_up(&tap_netif) && netif_is_link_up(&tap_netif);
}

bool board_keep_running(const heartbeat_t *hb)
{
    if (ping_limit == 0 || hb->busy || hb->sent < ping_limit)
        return true;
    printf("bare_metal_heartbeat: %lu sent, %lu delivered, %lu failed (last: %s)\n",
           (unsigned long)hb->sent, (unsigned long)hb->delivered, (unsigned long)hb->failed,
           hc_strerror(hb->last_result));
    return false;
}
