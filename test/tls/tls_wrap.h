/*
 * An inner transport for the TLS tests that sits between the TLS port and
 * the POSIX port: it counts bytes and flights each way, parses TLS record
 * headers for the largest record, checks that every call carries the
 * wait_until the test expects, and on request misbehaves (would-block
 * storms with short reads and writes, injected errors).
 */
#ifndef TLS_WRAP_H
#define TLS_WRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "healthchecks/hc_transport.h"

/* Short reads cost nothing but our time. Short writes are kept larger:
 * stunnel 5.68 gives up on a connection ("transfer() loop executes not
 * transferring any data") when a record trickles in a few bytes at a time. */
#define TLS_WRAP_CHAOS_RECV_MAX 5u
#define TLS_WRAP_CHAOS_SEND_MAX 100u

typedef struct tls_record_scan {
    uint8_t hdr[5];
    size_t have;      /**< header bytes collected */
    size_t body_left; /**< bytes of the current record still to come */
    size_t max;       /**< largest record seen (its length field) */
} tls_record_scan_t;

typedef struct tls_wrap {
    hc_transport_t inner;
    /* faults */
    bool chaos;          /**< every other call per direction would-block; short I/O */
    int32_t recv_fault;  /**< when set, recv returns it */
    /* what the layer above did */
    uint32_t expect_wait;
    bool check_wait;     /**< count calls whose wait_until is not expect_wait */
    unsigned wait_mismatch;
    unsigned connects, sends, recvs;
    uint64_t in, out;
    unsigned flights_in, flights_out;
    int last_dir;        /**< 1 out, -1 in, 0 none yet */
    tls_record_scan_t rx, tx;
} tls_wrap_t;

/** Wrap @p inner (copied); @return the wrapping transport over @p w. */
hc_transport_t tls_wrap_init(tls_wrap_t *w, const hc_transport_t *inner);

/** Zero the byte, flight and record counters. */
void tls_wrap_reset_stats(tls_wrap_t *w);

#endif /* TLS_WRAP_H */
