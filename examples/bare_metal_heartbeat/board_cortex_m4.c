/* The heartbeat's board on a Cortex-M4 with an Ethernet MAC, lwIP built
 * NO_SYS=1 (firmware/lwipopts.h), and no RTOS.
 *
 * The board support package provides the MAC driver in lwIP's usual
 * ethernetif shape (lwIP's contrib template, STM32Cube's ethernetif.c,
 * NXP's enet_ethernetif.c, ...), a hardware random number generator, and
 * CMSIS's SystemCoreClock. Everything lwIP calls back runs inside
 * board_poll_network(), from the main loop: no lwIP call is ever made from
 * an interrupt, so SYS_LIGHTWEIGHT_PROT can stay 0.
 *
 * The settings are compile-time: define HB_PING_URL, HB_CHECK_UUID,
 * HB_INTERVAL_MS and HB_RETRY_MS for your device.
 */
#include "board.h"

#include <stdint.h>
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#ifndef HB_PING_URL
#define HB_PING_URL "http://hc-ping.com"
#endif
#ifndef HB_CHECK_UUID
#define HB_CHECK_UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#endif
#ifndef HB_INTERVAL_MS
#define HB_INTERVAL_MS 60000u
#endif
#ifndef HB_RETRY_MS
#define HB_RETRY_MS 5000u
#endif

/* From the board support package. */
extern err_t ethernetif_init(struct netif *netif);  /* MAC + PHY bring-up */
extern void ethernetif_input(struct netif *netif);  /* hand received frames to lwIP */
extern uint32_t SystemCoreClock;                    /* CMSIS */

/* SysTick registers (ARMv7-M architecture reference manual, B3.3). */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE_TICKINT_CLKSOURCE 0x7u

static volatile uint32_t ms_ticks;
static struct netif eth_netif;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    ms_ticks++;
}

/* lwIP's clock (NO_SYS=1 leaves it to the port), and the client's. */
u32_t sys_now(void)
{
    return ms_ticks;
}

void board_fatal(const char *why)
{
    (void)why; /* visible in a debugger */
    for (;;) {
        __asm__ __volatile__("bkpt #0");
    }
}

void board_init(hb_settings_t *settings)
{
    SYST_RVR = SystemCoreClock / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE_TICKINT_CLKSOURCE;

    lwip_init();
    netif_add(&eth_netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL,
              ethernetif_init, netif_input);
    netif_set_default(&eth_netif);
    netif_set_up(&eth_netif);
    if (dhcp_start(&eth_netif) != ERR_OK)
        board_fatal("dhcp_start");

    settings->ping_url = HB_PING_URL;
    settings->check_uuid = HB_CHECK_UUID;
    settings->interval_ms = HB_INTERVAL_MS;
    settings->retry_min_ms = HB_RETRY_MS;
}

void board_poll_network(void)
{
    ethernetif_input(&eth_netif);
    sys_check_timeouts();
}

bool board_network_ready(void)
{
    return netif_is_link_up(&eth_netif) && dhcp_supplied_address(&eth_netif);
}

bool board_keep_running(const heartbeat_t *hb)
{
    (void)hb;
    return true;
}
