/**
 * @file hc_transport.h
 * @brief The transport port: the only interface a port implements.
 *
 * A transport moves bytes over one connection at a time. Every call takes
 * @p wait_until, a moment on the port's own millisecond clock: the call may
 * wait for progress until then and no longer. The blocking driver passes
 * the phase deadline; the non-blocking driver passes "now", so a port
 * never blocks it. When nothing could be done by @p wait_until the call
 * returns HC_IO_WOULD_BLOCK and the driver decides about deadlines.
 *
 * Short reads and writes are normal. Clock values wrap at 2^32 ms; compare
 * them with hc_time_reached(). A transport serves one connection of one
 * client at a time: connect() on an open connection must not be relied on.
 */
#ifndef HC_TRANSPORT_H
#define HC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Negative results of transport calls; >= 0 means bytes moved
 *  (or, for connect, "connected"). */
enum hc_io {
    HC_IO_WOULD_BLOCK = -1,  /**< nothing possible before wait_until; call again */
    HC_IO_CLOSED = -2,       /**< the peer closed in order (a reset is HC_IO_ERROR) */
    HC_IO_TIMEOUT = -3,      /**< the port's own deadline (e.g. DNS) passed */
    HC_IO_ERROR = -4,        /**< any other failure; the connection is unusable */
    HC_IO_DNS = -5,          /**< connect: the host name did not resolve */
    HC_IO_REFUSED = -6,      /**< connect: no address accepted the connection */
    HC_IO_TLS = -7,          /**< connect: TLS handshake failed */
    HC_IO_TLS_VERIFY = -8    /**< connect: certificate chain or host name rejected */
};

/** A transport: function pointers over an opaque context owned by the port. */
typedef struct hc_transport {
    void *ctx; /**< the port's state, passed to every call */

    /**
     * Start or continue connecting. Called again with the same arguments
     * while it returns HC_IO_WOULD_BLOCK. Required.
     * @param[in] ctx        the port's state (@c ctx above)
     * @param[in] host       a name or an IP literal (IPv6 without brackets),
     *                       NUL-terminated; valid only during the call
     * @param[in] port       TCP port
     * @param[in] wait_until clock value to wait until at most
     * @return 0 when connected, HC_IO_WOULD_BLOCK, or a negative hc_io.
     */
    int32_t (*connect)(void *ctx, const char *host, uint16_t port, uint32_t wait_until);

    /**
     * Send up to @p len bytes (a short write is fine). Required.
     * @param[in] ctx        the port's state
     * @param[in] buf        the bytes; valid only during the call
     * @param[in] len        how many (at least 1)
     * @param[in] wait_until clock value to wait until at most
     * @return bytes sent (1..len), HC_IO_WOULD_BLOCK, or a negative hc_io.
     */
    int32_t (*send)(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until);

    /**
     * Receive up to @p len bytes (a short read is fine). Required.
     * @param[in]  ctx        the port's state
     * @param[out] buf        where the bytes go
     * @param[in]  len        room in @p buf (at least 1)
     * @param[in]  wait_until clock value to wait until at most
     * @return bytes received (1..len), HC_IO_WOULD_BLOCK, or a negative
     *         hc_io: HC_IO_CLOSED only on an orderly end of stream (it may
     *         end a close-delimited body), HC_IO_ERROR on a reset.
     */
    int32_t (*recv)(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until);

    /**
     * Close the connection, if any; always safe to call. Never blocks.
     * Required.
     * @param[in] ctx the port's state
     */
    void (*close)(void *ctx);

    /**
     * Monotonic milliseconds (any origin, wraps at 2^32). Required.
     * @param[in] ctx the port's state
     * @return the clock's value now
     */
    uint32_t (*now_ms)(void *ctx);

    /**
     * Sleep (used only by the blocking driver, between retries). Optional:
     * NULL makes the blocking driver poll the clock instead.
     * @param[in] ctx the port's state
     * @param[in] ms  how long
     */
    void (*sleep_ms)(void *ctx, uint32_t ms);

    /**
     * Fill a buffer with random bytes, without blocking. Optional: NULL
     * (or -1) means no run ids can be made and back-off has no jitter.
     * @param[in]  ctx the port's state
     * @param[out] buf where the bytes go
     * @param[in]  len how many
     * @return 0, or -1 when no randomness is available.
     */
    int (*random)(void *ctx, uint8_t *buf, size_t len);
} hc_transport_t;

/**
 * Compare two clock values, wrap-safe for spans under 2^31 ms.
 * @param[in] now a clock value, usually now_ms()
 * @param[in] t   the moment waited for
 * @return true once @p now is at or past @p t
 */
static inline bool hc_time_reached(uint32_t now, uint32_t t)
{
    return (int32_t)(now - t) >= 0;
}

#ifdef __cplusplus
}
#endif

#endif /* HC_TRANSPORT_H */
