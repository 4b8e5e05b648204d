/**
 * @file hc_lwip_testnet.h
 * @brief Test harness around Debian's threaded lwIP (liblwip, unix port):
 *        the stack, a loopback netif, a TAP netif in a private network
 *        namespace, and the
 *        core lock that lets the raw face run as it would on NO_SYS=1.
 *
 * Why the core lock: Debian builds lwIP with NO_SYS=0, so lwIP's callbacks
 * run in its tcpip thread. Holding LOCK_TCPIP_CORE() around every raw-face
 * call gives the exact guarantee a NO_SYS=1 superloop gives: lwIP
 * callbacks never run while a transport call runs, and transport calls
 * never run while a callback does. hc_lwip_test_idle() is the idle hook
 * that lets the stack run while a raw call waits (drop the lock, sleep
 * 1 ms, take it again) in place of a superloop's driver poll and
 * sys_check_timeouts().
 *
 * Why a private namespace: unshare(CLONE_NEWNET) moves this process (and
 * the server it starts) into a namespace of its own, holding only the TAP
 * device: no traffic can leave it, no name can collide with a parallel
 * test, and the kernel deletes the namespace and the device when the last
 * process in it exits, even after a crash (the server started in it dies
 * with this process).
 */
#ifndef HC_LWIP_TESTNET_H
#define HC_LWIP_TESTNET_H

#include <stddef.h>
#include <stdint.h>
#include "healthchecks/hc_error.h"

/** Linux side of the TAP link (the server listens here). */
#define HC_LWIP_TAP_HOST_IP "10.201.0.1"
/** lwIP's side of the TAP link. */
#define HC_LWIP_TAP_LWIP_IP "10.201.0.2"
/** Addresses of the loopback netif (lwIP talking to itself). */
#define HC_LWIP_LOOP_IP "10.77.0.1"
#define HC_LWIP_LOOP_IP6 "fd00:77::1"

/** Start lwIP's tcpip thread (once per process). */
void hc_lwip_test_stack_start(void);

/** Take / release lwIP's core lock. */
void hc_lwip_test_lock(void);
void hc_lwip_test_unlock(void);

/** Idle hook for the raw face: called with the core lock held. */
void hc_lwip_test_idle(void *arg);

/**
 * Run a non-blocking operation as a superloop would: call @p poll(@p arg)
 * with the core lock held until it returns something other than
 * HC_IN_PROGRESS, letting the stack run for 1 ms between calls, for at
 * most @p limit_ms.
 * @return the last result (HC_IN_PROGRESS when the limit passed).
 */
hc_err_t hc_lwip_test_pump(hc_err_t (*poll)(void *arg), void *arg, uint32_t limit_ms);

/** Add a netif with addresses HC_LWIP_LOOP_IP and HC_LWIP_LOOP_IP6 whose
 *  every packet loops back into lwIP, and make it the default. Call after hc_lwip_test_stack_start(). */
void hc_lwip_test_add_loopback(void);

/**
 * Enter a private network namespace and create a TAP device @p tap there
 * with HC_LWIP_TAP_HOST_IP/24 on the Linux side (MTU 576: see
 * hc_lwip_testnet.c), for another process's lwIP to attach to.
 * @return 0, or -1 with the reason in @p why: the caller should skip.
 */
int hc_lwip_test_netns_tap(char *tap, size_t tap_len, char *why, size_t why_len);

/**
 * Enter a private network namespace, create a TAP device there with
 * HC_LWIP_TAP_HOST_IP/24 on the Linux side, and attach an lwIP netif with
 * HC_LWIP_TAP_LWIP_IP to it (made the default netif). Starts the stack if
 * needed. Call before starting any other thread.
 * @return 0, or -1 with the reason in @p why (not root, no /dev/net/tun,
 *         no `ip`): the caller should skip.
 */
int hc_lwip_test_tap_up(char *why, size_t why_len);

#endif /* HC_LWIP_TESTNET_H */
