/* Test harness around Debian's threaded lwIP. See hc_lwip_testnet.h. */
#define _GNU_SOURCE
#include "hc_lwip_testnet.h"

#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lwip/opt.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "netif/tapif.h"

/* Debian's liblwip 2.1.3+dfsg1-2 allocates 592-byte PBUF_POOL buffers
 * (memp_PBUF_POOL is 616 bytes with the header) but pbuf_alloc() fills up
 * to 1536 bytes into each, so tapif writes any frame over 592 bytes past
 * its buffer (AddressSanitizer sees it; glibc aborts with "malloc():
 * corrupted top size"). A 576-byte MTU on both ends of the link keeps
 * every frame within 590 bytes. */
enum { TAP_MTU = 576 };

static bool stack_started;
static struct netif loop_netif;
static struct netif tap_netif;

void hc_lwip_test_stack_start(void)
{
    if (stack_started)
        return;
    tcpip_init(NULL, NULL);
    stack_started = true;
}

void hc_lwip_test_lock(void)
{
    LOCK_TCPIP_CORE();
}

void hc_lwip_test_unlock(void)
{
    UNLOCK_TCPIP_CORE();
}

void hc_lwip_test_idle(void *arg)
{
    (void)arg;
    UNLOCK_TCPIP_CORE();
    sys_msleep(1);
    LOCK_TCPIP_CORE();
}

hc_err_t hc_lwip_test_pump(hc_err_t (*poll)(void *arg), void *arg, uint32_t limit_ms)
{
    uint32_t start = sys_now();
    hc_err_t r = HC_IN_PROGRESS;
    while (r == HC_IN_PROGRESS && sys_now() - start < limit_ms) {
        LOCK_TCPIP_CORE();
        r = poll(arg);
        UNLOCK_TCPIP_CORE();
        if (r == HC_IN_PROGRESS)
            sys_msleep(1);
    }
    return r;
}

static err_t loop_output(struct netif *netif, struct pbuf *p, const ip4_addr_t *addr)
{
    (void)addr;
    return netif_loop_output(netif, p);
}

static err_t loop_output6(struct netif *netif, struct pbuf *p, const ip6_addr_t *addr)
{
    (void)addr;
    return netif_loop_output(netif, p);
}

static err_t loop_init(struct netif *netif)
{
    netif->name[0] = 'l';
    netif->name[1] = 'p';
    netif->output = loop_output;
    netif->output_ip6 = loop_output6;
    return ERR_OK;
}

static void add_netif(struct netif *netif, const char *ip, const char *gw, netif_init_fn init,
                      u16_t mtu)
{
    ip4_addr_t addr, mask, gateway;
    ip4addr_aton(ip, &addr);
    ip4addr_aton("255.255.255.0", &mask);
    ip4addr_aton(gw, &gateway);
    LOCK_TCPIP_CORE();
    netif_add(netif, &addr, &mask, &gateway, NULL, init, tcpip_input);
    netif->mtu = mtu;
    netif_set_default(netif);
    netif_set_link_up(netif);
    netif_set_up(netif);
    UNLOCK_TCPIP_CORE();
}

void hc_lwip_test_add_loopback(void)
{
    hc_lwip_test_stack_start();
    add_netif(&loop_netif, HC_LWIP_LOOP_IP, HC_LWIP_LOOP_IP, loop_init, 1500);
    ip6_addr_t addr6;
    s8_t index;
    ip6addr_aton(HC_LWIP_LOOP_IP6, &addr6);
    LOCK_TCPIP_CORE();
    if (netif_add_ip6_address(&loop_netif, &addr6, &index) == ERR_OK)
        netif_ip6_addr_set_state(&loop_netif, index, IP6_ADDR_PREFERRED);
    UNLOCK_TCPIP_CORE();
}

int hc_lwip_test_netns_tap(char *tap, size_t tap_len, char *why, size_t why_len)
{
    char cmd[256];
    if (geteuid() != 0) {
        snprintf(why, why_len, "not root: a network namespace and a TAP device need CAP_NET_ADMIN");
        return -1;
    }
    if (access("/dev/net/tun", R_OK | W_OK) != 0) {
        snprintf(why, why_len, "/dev/net/tun is not available (%s)", strerror(errno));
        return -1;
    }
    if (unshare(CLONE_NEWNET) != 0) {
        snprintf(why, why_len, "unshare(CLONE_NEWNET) failed: %s", strerror(errno));
        return -1;
    }
    snprintf(tap, tap_len, "hcl%d", (int)getpid() % 1000000);
    snprintf(cmd, sizeof cmd,
             "ip link set lo up && ip tuntap add dev %s mode tap && "
             "ip link set %s mtu %d && ip addr add %s/24 dev %s && ip link set %s up",
             tap, tap, TAP_MTU, HC_LWIP_TAP_HOST_IP, tap, tap);
    if (system(cmd) != 0) {
        snprintf(why, why_len, "could not create the TAP device with iproute2: %s", cmd);
        return -1;
    }
    return 0;
}

int hc_lwip_test_tap_up(char *why, size_t why_len)
{
    char tap[16];
    if (hc_lwip_test_netns_tap(tap, sizeof tap, why, why_len) != 0)
        return -1;
    setenv("PRECONFIGURED_TAPIF", tap, 1); /* tapif attaches to this device */
    hc_lwip_test_stack_start();
    add_netif(&tap_netif, HC_LWIP_TAP_LWIP_IP, HC_LWIP_TAP_HOST_IP, tapif_init, TAP_MTU);
    return 0;
}
