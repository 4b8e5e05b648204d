/**
 * @file lan9118.h
 * @brief The MPS2's SMSC LAN9220 Ethernet controller (LAN9118 family, as
 *        QEMU models it) as an lwIP network interface, in lwIP's
 *        ethernetif shape and polled: no interrupt is used, so no lwIP
 *        call ever runs in one.
 *
 * Bring it up with netif_add(..., lan9118_ethernetif_init, netif_input),
 * then call lan9118_ethernetif_input() from the main loop, where
 * sys_check_timeouts() runs too. Frames are copied between the
 * controller's FIFOs and lwIP's pbufs through one frame-sized buffer in the
 * driver. For lwIP built with NO_SYS=1 (or used under its core lock).
 */
#ifndef LAN9118_H
#define LAN9118_H

#include <stdint.h>
#include "lwip/err.h"
#include "lwip/netif.h"

/** Frames one lan9118_ethernetif_input() call hands to lwIP at most. */
#define LAN9118_INPUT_BUDGET 8

/**
 * lwIP's init callback for netif_add(): checks the controller is there,
 * resets it, reads its MAC address, starts the PHY and enables receive and
 * transmit. The link state is the PHY's.
 * @param[in,out] netif the interface being added.
 * @return ERR_OK; ERR_IF when no LAN9118-family controller answers or it
 *         does not come out of reset.
 */
err_t lan9118_ethernetif_init(struct netif *netif);

/**
 * Hand the frames the controller has received to lwIP (netif->input), at
 * most LAN9118_INPUT_BUDGET per call, and follow the PHY's link state
 * (netif_set_link_up/down) twice a second. Frames with errors, and frames
 * lwIP has no pbuf for, are dropped.
 * @param[in,out] netif the interface lan9118_ethernetif_init() set up.
 * @return how many frames went to lwIP.
 */
unsigned lan9118_ethernetif_input(struct netif *netif);

/** What the driver has counted since init. */
typedef struct lan9118_stats {
    uint32_t rx_frames;   /**< handed to lwIP */
    uint32_t rx_dropped;  /**< received with errors, too large, or no pbuf */
    uint32_t tx_frames;   /**< given to the controller */
    uint32_t tx_errors;   /**< reported failed by the controller, or no FIFO space */
} lan9118_stats_t;

/**
 * The driver's counters.
 * @return a copy of them.
 */
lan9118_stats_t lan9118_stats(void);

/**
 * The controller's free-running counter: 25 MHz since its reset, wrapping
 * at 2^32 (every 171.8 s). Under QEMU it counts virtual time (40 ns per
 * tick), which with -icount shift=0 is one guest instruction per ns.
 * @return the counter.
 */
uint32_t lan9118_free_run(void);

#endif /* LAN9118_H */
