/**
 * @file figures.h
 * @brief What the emulated firmware measures of itself and prints at the
 *        end: CPU instructions of each TLS handshake and from reset to the
 *        first delivered ping, the Mbed TLS arena's peaks, and the main
 *        loop's stack high-water mark. Built into the emulated firmware only
 *        (HB_FIGURES); the numbers are exact only under QEMU with
 *        -icount shift=0, where virtual time counts instructions.
 *
 * Each figure is one console line, "hb: figure NAME VALUE", for scripts.
 */
#ifndef FIGURES_H
#define FIGURES_H

#include <stdint.h>
#include "healthchecks/hc_error.h"
#include "healthchecks/hc_transport.h"
#include "heartbeat.h"

/**
 * Instructions the core executed since reset, time asleep left out (from
 * the board: with -icount shift=0 QEMU's virtual clock advances one ns
 * per instruction).
 * @return the count.
 */
uint64_t board_instructions(void);

/** Paint the free stack below the caller: call first thing in main(). */
void figures_start(void);

/**
 * Watch the TLS transport's connect() calls: the instructions spent in
 * them and the arena's peak, per handshake, full or resumed.
 * @param[in] tls the TLS transport (must outlive the watch).
 * @return the transport to give the client instead.
 */
const hc_transport_t *figures_watch_tls(const hc_transport_t *tls);

/**
 * Note whether the TLS session of the previous boot was restored: the
 * first handshake that offers it counts as "restored", not "resumed".
 * @param[in] err hb_tls_restore_session()'s result.
 */
void figures_note_restored(hc_err_t err);

/**
 * Note the moment the first ping is delivered (call every turn).
 * @param[in] hb the heartbeat.
 */
void figures_watch_pings(const heartbeat_t *hb);

/**
 * Print the figures.
 * @param[in] hb the heartbeat.
 */
void figures_report(const heartbeat_t *hb);

#endif /* FIGURES_H */
