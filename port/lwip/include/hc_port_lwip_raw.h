/**
 * @file hc_port_lwip_raw.h
 * @brief lwIP transport, raw face: lwIP's callback API (tcp_*, or altcp_*
 *        when LWIP_ALTCP=1) for superloops without threads (NO_SYS=1).
 *
 * lwIP calls this port back from inside the main loop's own calls
 * (the Ethernet driver's input, sys_check_timeouts()); the port turns
 * those callbacks into the transport contract:
 *
 * - Receive: each pbuf chain lwIP delivers is queued in a ring of
 *   pointers in the caller's memory. recv() copies bytes out and only
 *   then calls tcp_recved(), so the TCP window opens as fast as the client
 *   consumes and no faster: the bytes held are bounded by TCP_WND. When
 *   the ring is full a new chain is appended to the newest slot
 *   (pbuf_cat), so a small ring costs nothing but a little walking. Only
 *   if that chain would pass 64 KB (possible with TCP_WND over 0xFFFF) is
 *   the new chain refused (ERR_MEM); lwIP then keeps it, drops what
 *   follows and offers it again from its timers, which is slow: keep
 *   TCP_WND at or under 0xFFFF.
 * - Send: at most tcp_sndbuf() bytes are written per call (copied, so
 *   the caller's buffer is free when send() returns), then tcp_output().
 *   A full send buffer is HC_IO_WOULD_BLOCK. Nagle is off: requests are
 *   written whole, so it could only delay them.
 * - Names: IP literals are parsed at once; other names go through
 *   dns_gethostbyname() and its callback (LWIP_DNS=1), bounded by
 *   @c dns_timeout_ms (HC_IO_TIMEOUT) as well as by the caller's
 *   deadlines. lwIP cannot cancel a lookup: a context abandoned while
 *   lwIP is still resolving is called back when lwIP's resolver finishes
 *   (up to 1 + R(R-1)/2 s per DNS server, R = DNS_MAX_RETRIES), so keep
 *   the context alive that long (firmware normally makes it static). With
 *   LWIP_DNS=0 names fail with HC_IO_DNS.
 * - Errors: a closed peer (ERR_CLSD) is HC_IO_CLOSED once queued data has
 *   been read, a reset (ERR_RST) HC_IO_ERROR; a failed connect is HC_IO_REFUSED; other lwIP
 *   errors are HC_IO_ERROR, with the lwIP code kept in @c error.
 *
 * Every call must run in lwIP's context: on NO_SYS=1, from the main loop
 * (never from an interrupt); on a threaded lwIP, with the core lock held
 * (LOCK_TCPIP_CORE()) or inside tcpip_callback().
 *
 * Waiting. Nothing moves in a superloop while a call is running, so
 * without help a call can only check and return: the non-blocking
 * driver (hc_ping_poll(), hc_api_poll(), hc_trap_poll()) needs nothing
 * more. To let calls wait (the blocking driver: hc_ping_send(),
 * hc_api_wait(), ...), give the port an idle hook with hc_lwip_raw_set_idle(): it is called repeatedly while
 * a call waits, until there is progress or @c wait_until passes, and must
 * run the stack once (poll the network driver, sys_check_timeouts(); on a
 * threaded lwIP: release the core lock, sleep a tick, take it again).
 *
 * The clock is sys_now(); random bytes come from LWIP_RAND() (define it to
 * a hardware RNG), or the transport has no random source when LWIP_RAND is
 * undefined; replace the returned transport's @c random to use another.
 *
 * TLS: layer the project's mbedTLS port over this transport. Do not set an
 * altcp_tls allocator: lwIP's altcp_tls_mbedtls never sets the TLS host
 * name, so the server certificate's name would go unchecked.
 *
 * Usage (superloop):
 * @code
 *   static struct pbuf *rx_ring[8];
 *   static hc_lwip_raw_t raw;
 *   static hc_transport_t tp;             // must outlive the client
 *   hc_lwip_raw_init(&raw, rx_ring, 8);
 *   tp = hc_lwip_raw_transport(&raw);
 *   ...
 *   for (;;) {
 *       ethernetif_input(&netif);
 *       sys_check_timeouts();
 *       if (hc_ping_poll(&client, &result) != HC_IN_PROGRESS) { ... }
 *   }
 * @endcode
 */
#ifndef HC_PORT_LWIP_RAW_H
#define HC_PORT_LWIP_RAW_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "lwip/opt.h"
#include "lwip/altcp.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "healthchecks/hc_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Called while a raw-face call waits; runs the stack once.
 * @param[in] arg the argument given to hc_lwip_raw_set_idle()
 */
typedef void (*hc_lwip_idle_fn)(void *arg);

/** State of one connection over lwIP's callback API. Set up with
 *  hc_lwip_raw_init(); treat the fields as read-only except where noted. */
typedef struct hc_lwip_raw {
    struct altcp_pcb *pcb;     /**< the connection, NULL when none */
    struct pbuf **ring;        /**< received chains, oldest at @c ring_head */
    uint16_t ring_len;         /**< slots in @c ring */
    uint16_t ring_head;        /**< slot of the oldest chain */
    uint16_t ring_count;       /**< chains queued */
    uint16_t ring_peak;        /**< most chains ever queued at once */
    uint16_t head_offset;      /**< bytes of the oldest chain already read */
    uint8_t state;             /**< connection state (private) */
    bool peer_closed;          /**< the peer ended its side (FIN) */
    err_t error;               /**< lwIP error that ended the connection, ERR_OK if none */
    ip_addr_t addr;            /**< the address being connected to */
    const char *dns_host;      /**< name being resolved, to ignore stale answers */
    uint32_t dns_deadline;     /**< when the current lookup gives up */
    uint32_t dns_timeout_ms;   /**< bound on one lookup (default 10000); may be set */
    hc_lwip_idle_fn idle;      /**< see hc_lwip_raw_set_idle() */
    void *idle_arg;            /**< passed to @c idle */
#if LWIP_ALTCP
    /** Allocator for new connections; NULL (the default) is plain TCP.
     *  May be set, e.g. to altcp_proxyconnect's to go through an HTTP proxy. */
    altcp_allocator_t *allocator;
#endif
} hc_lwip_raw_t;

/**
 * Initialise a connection's state with a receive ring: no connection, no
 * idle hook.
 * @param[out] r        the state
 * @param[in]  ring     @p ring_len pbuf pointers, caller memory that must
 *                      outlive @p r
 * @param[in]  ring_len 1..65535 slots; 4 to 8 suit most devices, more only
 *                      costs pointers
 * @return 0, or -1 when @p r or @p ring is NULL or @p ring_len is 0 or
 *         over 65535.
 */
int hc_lwip_raw_init(hc_lwip_raw_t *r, struct pbuf **ring, size_t ring_len);

/**
 * Let calls wait: @p idle is called repeatedly while a call waits for
 * progress, until its @c wait_until. It must run the stack once and should
 * return within a few milliseconds.
 * @param[in,out] r    the state
 * @param[in]     idle the hook; NULL removes it
 * @param[in]     arg  passed to @p idle
 */
void hc_lwip_raw_set_idle(hc_lwip_raw_t *r, hc_lwip_idle_fn idle, void *arg);

/**
 * A transport over a connection's state. close() never blocks: it hands the connection to lwIP (tcp_close, or
 * tcp_abort when lwIP is out of memory) and frees the queued pbufs.
 * sleep_ms() runs the idle hook until the time has passed (or spins on
 * sys_now() without one).
 * @param[in] r the state; must outlive every use of the transport
 * @return the transport, to copy into hc_config_t (by address)
 */
hc_transport_t hc_lwip_raw_transport(hc_lwip_raw_t *r);

#ifdef __cplusplus
}
#endif

#endif /* HC_PORT_LWIP_RAW_H */
