/**
 * @file hc_lwip_mini_server.h
 * @brief A scripted HTTP server inside lwIP itself (raw API, running in
 *        lwIP's tcpip thread), for the loopback tests: lwIP talks to lwIP,
 *        so they need no privileges, no TAP and no python.
 *
 * For each connection it reads one request head (and a Content-Length
 * body), then acts by @c mode. All functions and fields are touched only
 * with lwIP's core lock held.
 */
#ifndef HC_LWIP_MINI_SERVER_H
#define HC_LWIP_MINI_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lwip/tcp.h"

typedef enum hc_mini_mode {
    HC_MINI_RESPOND,  /**< send @c head then @c pattern_len pattern bytes, then close */
    HC_MINI_RESET,    /**< answer the request with a RST */
    HC_MINI_SILENT,   /**< never answer, keep the connection open */
    HC_MINI_CLOSE     /**< close (FIN) without answering */
} hc_mini_mode_t;

typedef struct hc_mini_server {
    struct tcp_pcb *listener;
    struct tcp_pcb *conn;      /**< the latest connection, while open */
    hc_mini_mode_t mode;
    const char *head;          /**< response head (and any short body) */
    uint32_t pattern_len;      /**< bytes of pattern (byte i = i % 251) after @c head */
    size_t head_sent;
    uint32_t pattern_sent;
    size_t need;               /**< bytes the current request has in all, 0 = unknown yet */
    char request[4096];        /**< the latest request, NUL-terminated (cut if longer) */
    size_t request_len;
    int connections;           /**< connections accepted */
    int requests;              /**< complete requests read */
    bool peer_closed;          /**< the client closed the latest connection */
} hc_mini_server_t;

/** Listen on @p port of every address. @return 0, or -1. */
int hc_mini_server_start(hc_mini_server_t *m, uint16_t port);

/** Stop listening and abort any open connection. */
void hc_mini_server_stop(hc_mini_server_t *m);

/** The pattern byte at offset @p i of the body. */
static inline uint8_t hc_mini_pattern(uint32_t i)
{
    return (uint8_t)(i % 251u);
}

#endif /* HC_LWIP_MINI_SERVER_H */
