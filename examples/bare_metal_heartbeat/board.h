/**
 * @file board.h
 * @brief What the heartbeat superloop needs from the board: bring-up,
 *        one turn of the network stack, and its settings.
 *
 * board_cortex_m4.c is a firmware for your own Cortex-M4 board (NO_SYS=1
 * lwIP, your BSP's Ethernet driver polled from the loop, a 1 ms SysTick);
 * board_mps2_an386.c is the whole firmware for QEMU's mps2-an386 (its
 * LAN9118 driver, HTTPS); board_host.c runs the same loop on a Linux host
 * over Debian's lwIP and a TAP device, for testing.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "heartbeat.h"

/**
 * Clocks, timers, lwIP and the network interface.
 * @param[out] settings the board's heartbeat settings.
 */
void board_init(hb_settings_t *settings);

/** One turn of the stack: take in received frames, run lwIP's timers. */
void board_poll_network(void);

/**
 * Whether the network can be used.
 * @return true once the interface has an address (DHCP done, link up).
 */
bool board_network_ready(void);

/**
 * Whether the loop goes on.
 * @param[in] hb the heartbeat, for boards that stop after some pings.
 * @return false when the loop should end: never on a device; on the host,
 *         after the number of pings asked for; on the emulated board,
 *         after one cycle.
 */
bool board_keep_running(const heartbeat_t *hb);

/**
 * Stop after an unrecoverable error.
 * @param[in] why what went wrong (for a debugger or a console).
 */
void board_fatal(const char *why);

/**
 * Wall-clock time, which TLS needs to check certificates' dates (only
 * firmware built with TLS calls it): an RTC, or SNTP; the emulated board
 * asks the host.
 * @return seconds since 1970-01-01 UTC.
 */
int64_t board_unix_time(void);

/**
 * Read what board_retained_save() kept before the latest restart: memory
 * that survives a reset or deep sleep (RTC or backup SRAM on a device; the
 * emulated board keeps it in a host file, through semihosting). Only
 * firmware built with TLS calls it, for the TLS session.
 * @param[out] buf where the bytes go.
 * @param[in]  cap bytes available at @p buf.
 * @return how many were kept (0: none, as on the first boot).
 */
size_t board_retained_load(uint8_t *buf, size_t cap);

/**
 * Keep @p len bytes across the next restart.
 * @param[in] buf the bytes.
 * @param[in] len how many (0 keeps nothing).
 */
void board_retained_save(const uint8_t *buf, size_t len);

#endif /* BOARD_H */
