/**
 * @file board.h
 * @brief What the heartbeat superloop needs from the board: bring-up,
 *        one turn of the network stack, and its settings.
 *
 * board_cortex_m4.c is the firmware (NO_SYS=1 lwIP, an Ethernet MAC
 * polled from the loop, a 1 ms SysTick); board_host.c runs the same loop
 * on a Linux host over Debian's lwIP and a TAP device, for testing.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdbool.h>
#include "heartbeat.h"

/** Clocks, timers, lwIP and the network interface; fills @p settings. */
void board_init(hb_settings_t *settings);

/** One turn of the stack: take in received frames, run lwIP's timers. */
void board_poll_network(void);

/** True once the interface has an address (DHCP done, link up). */
bool board_network_ready(void);

/** False when the loop should end: never on the device; on the host,
 *  after the number of pings asked for. */
bool board_keep_running(const heartbeat_t *hb);

/** Stop after an unrecoverable error (the message is for a debugger). */
void board_fatal(const char *why);

#endif /* BOARD_H */
