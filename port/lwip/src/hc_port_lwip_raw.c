/* lwIP transport, raw face. See hc_port_lwip_raw.h for the contract. */
#include "hc_port_lwip_raw.h"

#include <string.h>
#include "lwip/opt.h"
#include "lwip/altcp.h"
#include "lwip/def.h"
#include "lwip/dns.h"
#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "hc_lwip_common.h"

#if !LWIP_TCP
#error "the raw face of the lwIP port needs LWIP_TCP=1"
#endif

enum {
    RAW_IDLE,        /* no connection */
    RAW_RESOLVING,   /* waiting for dns_gethostbyname's callback */
    RAW_RESOLVED,    /* r->addr holds the address */
    RAW_DNS_FAILED,  /* the callback said the name does not resolve */
    RAW_CONNECTING,  /* SYN sent, waiting for the connected or error callback */
    RAW_CONNECTED,   /* established (the pcb may since have died: see r->pcb) */
    RAW_FAILED       /* the connect failed (error callback) */
};

enum { DNS_TIMEOUT_DEFAULT_MS = 10000 };

int hc_lwip_raw_init(hc_lwip_raw_t *r, struct pbuf **ring, size_t ring_len)
{
    if (!r || !ring || ring_len == 0 || ring_len > 0xFFFFu)
        return -1;
    memset(r, 0, sizeof *r);
    r->ring = ring;
    r->ring_len = (uint16_t)ring_len;
    r->state = RAW_IDLE;
    r->error = ERR_OK;
    r->dns_timeout_ms = DNS_TIMEOUT_DEFAULT_MS;
    return 0;
}

void hc_lwip_raw_set_idle(hc_lwip_raw_t *r, hc_lwip_idle_fn idle, void *arg)
{
    r->idle = idle;
    r->idle_arg = arg;
}

/* Run the stack once while a call waits. @return false when the call must
 * stop waiting: no idle hook, or @p wait_until has come. */
static bool idle_once(hc_lwip_raw_t *r, uint32_t wait_until)
{
    if (!r->idle || hc_time_reached((uint32_t)sys_now(), wait_until))
        return false;
    r->idle(r->idle_arg);
    return true;
}

/* ---- lwIP callbacks (run inside the stack, never concurrently with a call) ---- */

static err_t on_connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    hc_lwip_raw_t *r = arg;
    (void)pcb;
    /* lwIP reports connect failures through on_error; err is always ERR_OK. */
    if (r && r->state == RAW_CONNECTING)
        r->state = err == ERR_OK ? RAW_CONNECTED : RAW_FAILED;
    return ERR_OK;
}

static err_t on_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    hc_lwip_raw_t *r = arg;
    (void)pcb;
    (void)err; /* lwIP passes ERR_OK whenever p is set */
    if (!p) {
        r->peer_closed = true;
        return ERR_OK;
    }
    if (r->ring_count == r->ring_len) {
        /* Join the newest chain. The bytes queued are bounded by the window
         * anyway (it opens only as the client reads), so the ring bounds
         * pointers, not memory. Refusing instead would make lwIP drop every
         * segment that follows until the refused one is taken, and recover
         * only by retransmission timeouts. */
        struct pbuf *last = r->ring[(r->ring_head + r->ring_count - 1u) % r->ring_len];
        if ((uint32_t)last->tot_len + p->tot_len > 0xFFFFu)
            return ERR_MEM; /* a pbuf chain cannot grow past 64 KB: lwIP keeps p */
        pbuf_cat(last, p);
        return ERR_OK;
    }
    r->ring[(r->ring_head + r->ring_count) % r->ring_len] = p;
    r->ring_count++;
    if (r->ring_count > r->ring_peak)
        r->ring_peak = r->ring_count;
    return ERR_OK;
}

/* lwIP has already freed the pcb when it calls this. */
static void on_error(void *arg, err_t err)
{
    hc_lwip_raw_t *r = arg;
    r->pcb = NULL;
    r->error = err;
    if (r->state == RAW_CONNECTING)
        r->state = RAW_FAILED;
}

#if LWIP_DNS
static void on_dns_found(const char *name, const ip_addr_t *ipaddr, void *arg)
{
    hc_lwip_raw_t *r = arg;
    /* lwIP cannot cancel a lookup: answers for an abandoned one land here. */
    if (r->state != RAW_RESOLVING || !r->dns_host || lwip_stricmp(name, r->dns_host) != 0)
        return;
    if (ipaddr) {
        ip_addr_copy(r->addr, *ipaddr);
        r->state = RAW_RESOLVED;
    } else {
        r->state = RAW_DNS_FAILED;
    }
}
#endif

/* ---- transport calls ---- */

static void free_ring(hc_lwip_raw_t *r)
{
    for (uint16_t i = 0; i < r->ring_count; i++)
        pbuf_free(r->ring[(r->ring_head + i) % r->ring_len]);
    r->ring_head = 0;
    r->ring_count = 0;
    r->head_offset = 0;
}

static void raw_close(void *ctx)
{
    hc_lwip_raw_t *r = ctx;
    struct altcp_pcb *pcb = r->pcb;
    if (pcb) {
        /* Detach first: tcp_abort() would call on_error, and data arriving
         * after close goes to lwIP's own discard handler. */
        altcp_arg(pcb, NULL);
        altcp_recv(pcb, NULL);
        altcp_err(pcb, NULL);
        if (altcp_close(pcb) != ERR_OK)
            altcp_abort(pcb);
    }
    r->pcb = NULL;
    free_ring(r);
    r->state = RAW_IDLE;
    r->peer_closed = false;
    r->error = ERR_OK;
    r->dns_host = NULL;
}

/* Start resolving @p host: a literal at once, a name through lwIP's DNS. */
static int32_t start_lookup(hc_lwip_raw_t *r, const char *host)
{
    r->error = ERR_OK;
    if (ipaddr_aton(host, &r->addr)) {
        r->state = RAW_RESOLVED;
        return 0;
    }
#if LWIP_DNS
    r->dns_host = host;
    r->dns_deadline = (uint32_t)sys_now() + r->dns_timeout_ms;
    r->state = RAW_RESOLVING;
    err_t e = dns_gethostbyname(host, &r->addr, on_dns_found, r);
    if (e == ERR_OK) {
        r->state = RAW_RESOLVED;
        return 0;
    }
    if (e == ERR_INPROGRESS)
        return HC_IO_WOULD_BLOCK;
    r->error = e;
    r->state = RAW_IDLE;
#endif
    return HC_IO_DNS;
}

/* Open a pcb and send the SYN. */
static int32_t start_connect(hc_lwip_raw_t *r, uint16_t port)
{
#if LWIP_ALTCP
    struct altcp_pcb *pcb = altcp_new_ip_type(r->allocator, IP_GET_TYPE(&r->addr));
#else
    struct altcp_pcb *pcb = altcp_new_ip_type(NULL, IP_GET_TYPE(&r->addr));
#endif
    if (!pcb) {
        r->error = ERR_MEM;
        r->state = RAW_IDLE;
        return HC_IO_ERROR;
    }
    altcp_arg(pcb, r);
    altcp_recv(pcb, on_recv);
    altcp_err(pcb, on_error);
    altcp_nagle_disable(pcb);
    r->state = RAW_CONNECTING;
    err_t e = altcp_connect(pcb, &r->addr, port, on_connected);
    if (e != ERR_OK) {
        altcp_arg(pcb, NULL);
        altcp_err(pcb, NULL);
        altcp_abort(pcb);
        r->error = e;
        r->state = RAW_IDLE;
        return e == ERR_RTE ? HC_IO_REFUSED : HC_IO_ERROR;
    }
    r->pcb = pcb;
    return HC_IO_WOULD_BLOCK;
}

/* Advance the connect as far as it goes without waiting. */
static int32_t connect_step(hc_lwip_raw_t *r, const char *host, uint16_t port)
{
    int32_t res = HC_IO_WOULD_BLOCK;
    if (r->state == RAW_IDLE)
        res = start_lookup(r, host);
    if (r->state == RAW_RESOLVED)
        res = start_connect(r, port);
    switch (r->state) {
    case RAW_RESOLVING:
        if (!hc_time_reached((uint32_t)sys_now(), r->dns_deadline))
            return HC_IO_WOULD_BLOCK;
        r->state = RAW_IDLE;
        return HC_IO_TIMEOUT;
    case RAW_DNS_FAILED:
        r->state = RAW_IDLE;
        return HC_IO_DNS;
    case RAW_CONNECTED:
        return r->pcb ? 0 : HC_IO_REFUSED;
    case RAW_FAILED:
        raw_close(r);
        return HC_IO_REFUSED;
    default:
        return res;
    }
}

static int32_t raw_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    hc_lwip_raw_t *r = ctx;
    for (;;) {
        int32_t res = connect_step(r, host, port);
        if (res != HC_IO_WOULD_BLOCK || !idle_once(r, wait_until))
            return res;
    }
}

/* Why a connection that has lost its pcb can do no more. */
static int32_t dead_connection(const hc_lwip_raw_t *r)
{
    if (r->state != RAW_CONNECTED)
        return HC_IO_ERROR;
    return r->error == ERR_CLSD ? HC_IO_CLOSED : HC_IO_ERROR;  /* a reset is an error */
}

static int32_t raw_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_lwip_raw_t *r = ctx;
    if (len == 0)
        return 0;
    for (;;) {
        if (r->state != RAW_CONNECTED || !r->pcb)
            return dead_connection(r);
        u16_t room = altcp_sndbuf(r->pcb);
        if (room > 0) {
            u16_t n = (u16_t)LWIP_MIN(len, room);
            err_t e = altcp_write(r->pcb, buf, n, TCP_WRITE_FLAG_COPY);
            if (e == ERR_OK) {
                /* Queued data is lwIP's now; it retries any failed output itself. */
                (void)altcp_output(r->pcb);
                return n;
            }
            if (e != ERR_MEM) {
                r->error = e;
                return HC_IO_ERROR;
            }
        }
        if (!idle_once(r, wait_until))
            return HC_IO_WOULD_BLOCK;
    }
}

/* Copy queued bytes out, freeing drained chains and opening the window by
 * exactly what was consumed. */
static int32_t take_queued(hc_lwip_raw_t *r, uint8_t *buf, size_t len)
{
    size_t total = 0;
    while (total < len && r->ring_count > 0) {
        struct pbuf *p = r->ring[r->ring_head];
        u16_t n = (u16_t)LWIP_MIN(len - total, (size_t)(p->tot_len - r->head_offset));
        (void)pbuf_copy_partial(p, buf + total, n, r->head_offset);
        total += n;
        r->head_offset = (uint16_t)(r->head_offset + n);
        if (r->pcb)
            altcp_recved(r->pcb, n);
        if (r->head_offset == p->tot_len) {
            pbuf_free(p);
            r->ring_head = (uint16_t)((r->ring_head + 1u) % r->ring_len);
            r->ring_count--;
            r->head_offset = 0;
        }
    }
    return (int32_t)total;
}

static int32_t raw_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_lwip_raw_t *r = ctx;
    if (len == 0)
        return 0;
    if (len > (size_t)INT32_MAX)
        len = (size_t)INT32_MAX;
    for (;;) {
        if (r->ring_count > 0)
            return take_queued(r, buf, len);
        if (r->peer_closed && r->state == RAW_CONNECTED)
            return HC_IO_CLOSED;
        if (r->state != RAW_CONNECTED || !r->pcb)
            return dead_connection(r);
        if (!idle_once(r, wait_until))
            return HC_IO_WOULD_BLOCK;
    }
}

static void raw_sleep(void *ctx, uint32_t ms)
{
    hc_lwip_raw_t *r = ctx;
    uint32_t until = (uint32_t)sys_now() + ms;
    while (!hc_time_reached((uint32_t)sys_now(), until)) {
        if (r->idle)
            r->idle(r->idle_arg);
    }
}

hc_transport_t hc_lwip_raw_transport(hc_lwip_raw_t *r)
{
    hc_transport_t t;
    memset(&t, 0, sizeof t);
    t.ctx = r;
    t.connect = raw_connect;
    t.send = raw_send;
    t.recv = raw_recv;
    t.close = raw_close;
    t.now_ms = hc_lwip_now;
    t.sleep_ms = raw_sleep;
    t.random = HC_LWIP_RANDOM;
    return t;
}
