/* A client over one face of the lwIP port. See hc_lwip_face.h. */
#include "hc_lwip_face.h"

#include <string.h>
#include "hc_lwip_testnet.h"
#include "hc_request.h"

void hc_face_init(hc_face_client_t *f, hc_face_t face)
{
    memset(f, 0, sizeof *f);
    f->face = face;
    if (face == HC_FACE_SOCKETS) {
        hc_lwip_sock_init(&f->sock);
        f->tp = hc_lwip_sock_transport(&f->sock);
        return;
    }
    (void)hc_lwip_raw_init(&f->raw, f->ring, sizeof f->ring / sizeof f->ring[0]);
    if (face == HC_FACE_RAW_BLOCKING)
        hc_lwip_raw_set_idle(&f->raw, hc_lwip_test_idle, NULL);
    f->tp = hc_lwip_raw_transport(&f->raw);
}

hc_err_t hc_face_client(hc_face_client_t *f, const hc_config_t *cfg)
{
    hc_config_t c = *cfg;
    c.transport = &f->tp;
    c.work = f->work;
    c.work_size = sizeof f->work;
    return hc_client_init(&f->client, &c);
}

void hc_face_lock(const hc_face_client_t *f)
{
    if (f->face != HC_FACE_SOCKETS)
        hc_lwip_test_lock();
}

void hc_face_unlock(const hc_face_client_t *f)
{
    if (f->face != HC_FACE_SOCKETS)
        hc_lwip_test_unlock();
}

static hc_err_t ping_poll(void *arg)
{
    hc_face_client_t *f = arg;
    return hc_ping_poll(&f->client, &f->result);
}

static hc_err_t client_poll(void *arg)
{
    hc_face_client_t *f = arg;
    return hc_client_poll(&f->client);
}

hc_err_t hc_face_ping(hc_face_client_t *f, const hc_ping_t *p)
{
    memset(&f->result, 0, sizeof f->result);
    hc_face_lock(f);
    hc_err_t r = f->face == HC_FACE_RAW_POLL ? hc_ping_send_begin(&f->client, p)
                                             : hc_ping_send(&f->client, p, &f->result);
    hc_face_unlock(f);
    if (f->face == HC_FACE_RAW_POLL && r == HC_OK)
        r = hc_lwip_test_pump(ping_poll, f, 10000);
    return r;
}

hc_err_t hc_face_finish(hc_face_client_t *f)
{
    if (f->face == HC_FACE_RAW_POLL)
        return hc_lwip_test_pump(client_poll, f, 10000);
    hc_face_lock(f);
    hc_err_t r = hc_client_wait(&f->client);
    hc_face_unlock(f);
    return r;
}

void hc_face_close(hc_face_client_t *f)
{
    hc_face_lock(f);
    hc_client_close(&f->client);
    hc_face_unlock(f);
}
