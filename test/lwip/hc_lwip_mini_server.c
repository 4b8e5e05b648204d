/* A scripted HTTP server inside lwIP. See hc_lwip_mini_server.h. */
#include "hc_lwip_mini_server.h"

#include <stdlib.h>
#include <string.h>
#include "lwip/def.h"

/* Write as much of the response as lwIP takes now; close when all is out. */
static void push(hc_mini_server_t *m, struct tcp_pcb *pcb)
{
    size_t head_len = m->head ? strlen(m->head) : 0;
    for (int i = 0; i < 64; i++) {
        uint8_t chunk[512];
        u16_t room = tcp_sndbuf(pcb);
        size_t n = 0;
        if (m->head_sent < head_len) {
            n = LWIP_MIN(head_len - m->head_sent, LWIP_MIN(sizeof chunk, (size_t)room));
            memcpy(chunk, m->head + m->head_sent, n);
        } else if (m->pattern_sent < m->pattern_len) {
            n = LWIP_MIN((size_t)(m->pattern_len - m->pattern_sent),
                         LWIP_MIN(sizeof chunk, (size_t)room));
            for (size_t k = 0; k < n; k++)
                chunk[k] = hc_mini_pattern(m->pattern_sent + (uint32_t)k);
        } else {
            tcp_arg(pcb, NULL);
            tcp_sent(pcb, NULL);
            tcp_recv(pcb, NULL);
            tcp_err(pcb, NULL);
            if (tcp_close(pcb) != ERR_OK)
                tcp_abort(pcb);
            m->conn = NULL;
            return;
        }
        if (n == 0 || tcp_write(pcb, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        if (m->head_sent < head_len)
            m->head_sent += n;
        else
            m->pattern_sent += (uint32_t)n;
    }
    tcp_output(pcb);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)len;
    if (arg)
        push(arg, pcb);
    return ERR_OK;
}

/* Total length of the request once its head is complete (head + body). */
static size_t request_size(const hc_mini_server_t *m)
{
    const char *end = strstr(m->request, "\r\n\r\n");
    if (!end)
        return 0;
    size_t head = (size_t)(end - m->request) + 4;
    const char *cl = lwip_strnstr(m->request, "Content-Length:", head);
    return head + (cl ? (size_t)strtoul(cl + 15, NULL, 10) : 0);
}

static err_t on_request(hc_mini_server_t *m, struct tcp_pcb *pcb)
{
    m->requests++;
    switch (m->mode) {
    case HC_MINI_RESPOND:
        push(m, pcb);
        return ERR_OK;
    case HC_MINI_RESET:
        tcp_arg(pcb, NULL);
        tcp_abort(pcb);
        m->conn = NULL;
        return ERR_ABRT;
    case HC_MINI_CLOSE:
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_close(pcb);
        m->conn = NULL;
        return ERR_OK;
    default:
        return ERR_OK;
    }
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    hc_mini_server_t *m = arg;
    (void)err;
    if (!p) {
        if (m) {
            m->peer_closed = true;
            m->conn = NULL;
        }
        tcp_arg(pcb, NULL);
        tcp_close(pcb);
        return ERR_OK;
    }
    tcp_recved(pcb, p->tot_len);
    if (!m) {
        pbuf_free(p);
        return ERR_OK;
    }
    size_t room = sizeof m->request - 1 - m->request_len;
    u16_t n = (u16_t)LWIP_MIN((size_t)p->tot_len, room);
    pbuf_copy_partial(p, m->request + m->request_len, n, 0);
    m->request_len += n;
    m->request[m->request_len] = '\0';
    pbuf_free(p);
    if (m->need == 0)
        m->need = request_size(m);
    if (m->need != 0 && m->request_len >= LWIP_MIN(m->need, sizeof m->request - 1)) {
        m->need = (size_t)-1; /* answered: ignore anything more */
        return on_request(m, pcb);
    }
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    hc_mini_server_t *m = arg;
    (void)err;
    if (m)
        m->conn = NULL;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    hc_mini_server_t *m = arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    if (m->conn) { /* one connection at a time: drop the previous one */
        tcp_arg(m->conn, NULL);
        tcp_abort(m->conn);
    }
    m->conn = pcb;
    m->connections++;
    m->request_len = 0;
    m->request[0] = '\0';
    m->need = 0;
    m->head_sent = 0;
    m->pattern_sent = 0;
    m->peer_closed = false;
    tcp_arg(pcb, m);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    return ERR_OK;
}

int hc_mini_server_start(hc_mini_server_t *m, uint16_t port)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_ANY);
    if (!pcb)
        return -1;
    if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
        tcp_abort(pcb);
        return -1;
    }
    m->listener = tcp_listen(pcb);
    if (!m->listener)
        return -1;
    tcp_arg(m->listener, m);
    tcp_accept(m->listener, on_accept);
    return 0;
}

void hc_mini_server_stop(hc_mini_server_t *m)
{
    if (m->conn) {
        tcp_arg(m->conn, NULL);
        tcp_abort(m->conn);
        m->conn = NULL;
    }
    if (m->listener) {
        tcp_arg(m->listener, NULL);
        tcp_close(m->listener);
        m->listener = NULL;
    }
}
