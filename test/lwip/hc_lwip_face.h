/**
 * @file hc_lwip_face.h
 * @brief A client over one face of the lwIP port, driven the way its
 *        users drive it, so one test body runs through all three:
 *
 * - HC_FACE_SOCKETS: the sockets face, blocking driver, from this thread
 *   as from an RTOS task (never under the core lock: lwIP's socket layer
 *   takes it itself);
 * - HC_FACE_RAW_POLL: the raw face, non-blocking driver pumped like a
 *   superloop (core lock held per turn, no idle hook);
 * - HC_FACE_RAW_BLOCKING: the raw face, blocking driver under the core
 *   lock with hc_lwip_test_idle() as the idle hook.
 */
#ifndef HC_LWIP_FACE_H
#define HC_LWIP_FACE_H

#include <stdint.h>
#include "healthchecks/hc_client.h"
#include "healthchecks/hc_ping.h"
#include "hc_port_lwip_raw.h"
#include "hc_port_lwip_sockets.h"

typedef enum hc_face { HC_FACE_SOCKETS, HC_FACE_RAW_POLL, HC_FACE_RAW_BLOCKING } hc_face_t;

typedef struct hc_face_client {
    hc_face_t face;
    hc_lwip_sock_t sock;
    hc_lwip_raw_t raw;
    struct pbuf *ring[4];
    hc_transport_t tp;
    uint8_t work[1024];
    hc_client_t client;
    hc_ping_result_t result;
} hc_face_client_t;

/** Set up @p f's transport for @p face (no client yet). */
void hc_face_init(hc_face_client_t *f, hc_face_t face);

/** (Re)initialise the client from @p cfg with @p f's transport and work
 *  buffer filled in. @return as hc_client_init(). */
hc_err_t hc_face_client(hc_face_client_t *f, const hc_config_t *cfg);

/** Take / release the core lock when the face needs it. */
void hc_face_lock(const hc_face_client_t *f);
void hc_face_unlock(const hc_face_client_t *f);

/** Send @p p, result in f->result. Bounded by the client's deadline (and
 *  10 s for the pumped face). */
hc_err_t hc_face_ping(hc_face_client_t *f, const hc_ping_t *p);

/** A request begun with hc_request_begin() + hc_request_start() under
 *  hc_face_lock(): drive it to its end as the face's driver does. */
hc_err_t hc_face_finish(hc_face_client_t *f);

/** Close the client's connection. */
void hc_face_close(hc_face_client_t *f);

#endif /* HC_LWIP_FACE_H */
