/* lwIP transport, sockets face. See hc_port_lwip_sockets.h for the contract. */
#include "hc_port_lwip_sockets.h"

#include <stdbool.h>
#include <string.h>
#include "lwip/opt.h"
#include "lwip/def.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#if LWIP_DNS
#include "lwip/netdb.h"
#endif
#include "hc_lwip_common.h"

#if !LWIP_SOCKET
#error "the sockets face of the lwIP port needs LWIP_SOCKET=1 (and NO_SYS=0)"
#endif

enum { SOCK_IDLE, SOCK_CONNECTING, SOCK_CONNECTED };

/* Room for any address lwIP's sockets accept. */
typedef union sock_addr {
    struct sockaddr sa;
    struct sockaddr_in in4;
#if LWIP_IPV6
    struct sockaddr_in6 in6;
#endif
} sock_addr_t;

void hc_lwip_sock_init(hc_lwip_sock_t *s)
{
    s->fd = -1;
    s->state = SOCK_IDLE;
    s->last_errno = 0;
}

static void sock_close(void *ctx)
{
    hc_lwip_sock_t *s = ctx;
    if (s->fd >= 0)
        (void)lwip_close(s->fd);
    s->fd = -1;
    s->state = SOCK_IDLE;
}

/* Milliseconds left until @p wait_until, as a poll timeout. */
static int ms_left(uint32_t wait_until)
{
    uint32_t now = (uint32_t)sys_now();
    if (hc_time_reached(now, wait_until))
        return 0;
    uint32_t left = wait_until - now;
    return left > (uint32_t)INT32_MAX ? INT32_MAX : (int)left;
}

/* Wait until the socket is writable (or readable) or @p wait_until passes.
 * @return 1 ready (or in error: the next call tells), 0 not yet, -1 failed. */
static int wait_ready(int fd, bool for_write, uint32_t wait_until)
{
    int ms = ms_left(wait_until);
#if LWIP_SOCKET_POLL
    struct pollfd pfd;
    memset(&pfd, 0, sizeof pfd);
    pfd.fd = fd;
    pfd.events = for_write ? POLLOUT : POLLIN;
    int n = lwip_poll(&pfd, 1, ms);
#else
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    struct timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    int n = lwip_select(fd + 1, for_write ? NULL : &set, for_write ? &set : NULL, NULL, &tv);
#endif
    return n < 0 ? -1 : n > 0;
}

static bool would_block(int e)
{
    return e == EWOULDBLOCK || e == EAGAIN;
}

/* The peer closed in order versus any other failure: a reset may have cut
 * data short, so it must not end a close-delimited body. */
static int32_t io_failure(hc_lwip_sock_t *s, int e)
{
    s->last_errno = e;
    if (e == EPIPE || e == ENOTCONN)
        return HC_IO_CLOSED;
    return HC_IO_ERROR;
}

/* Fill @p addr from an IP literal. @return false when @p host is not one. */
static bool parse_literal(const char *host, uint16_t port, sock_addr_t *addr, socklen_t *len)
{
    memset(addr, 0, sizeof *addr);
    if (lwip_inet_pton(AF_INET, host, &addr->in4.sin_addr) == 1) {
        addr->in4.sin_family = AF_INET;
        addr->in4.sin_port = lwip_htons(port);
        *len = (socklen_t)sizeof addr->in4;
        return true;
    }
#if LWIP_IPV6
    if (lwip_inet_pton(AF_INET6, host, &addr->in6.sin6_addr) == 1) {
        addr->in6.sin6_family = AF_INET6;
        addr->in6.sin6_port = lwip_htons(port);
        *len = (socklen_t)sizeof addr->in6;
        return true;
    }
#endif
    return false;
}

/* Resolve @p host into @p addr; blocks inside lwIP's DNS for names. */
static int32_t resolve(hc_lwip_sock_t *s, const char *host, uint16_t port,
                       sock_addr_t *addr, socklen_t *len)
{
    if (parse_literal(host, port, addr, len))
        return 0;
#if LWIP_DNS
    struct addrinfo hints;
    struct addrinfo *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = lwip_getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0 || !res || res->ai_addrlen > sizeof *addr) {
        s->last_errno = rc;
        if (res)
            lwip_freeaddrinfo(res);
        return HC_IO_DNS;
    }
    memset(addr, 0, sizeof *addr);
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *len = (socklen_t)res->ai_addrlen;
    lwip_freeaddrinfo(res);
    if (addr->sa.sa_family == AF_INET)
        addr->in4.sin_port = lwip_htons(port);
#if LWIP_IPV6
    else
        addr->in6.sin6_port = lwip_htons(port);
#endif
    return 0;
#else
    s->last_errno = 0;
    return HC_IO_DNS;
#endif
}

/* Resolve, open a non-blocking socket and start connecting. */
static int32_t start_connect(hc_lwip_sock_t *s, const char *host, uint16_t port)
{
    sock_addr_t addr;
    socklen_t len = 0;
    int32_t r = resolve(s, host, port, &addr, &len);
    if (r != 0)
        return r;
    s->fd = lwip_socket(addr.sa.sa_family, SOCK_STREAM, 0);
    if (s->fd < 0) {
        s->last_errno = errno;
        return HC_IO_ERROR;
    }
    if (lwip_fcntl(s->fd, F_SETFL, O_NONBLOCK) != 0) {
        s->last_errno = errno;
        sock_close(s);
        return HC_IO_ERROR;
    }
    if (lwip_connect(s->fd, &addr.sa, len) == 0) {
        s->state = SOCK_CONNECTED;
        return 0;
    }
    if (errno != EINPROGRESS) {
        s->last_errno = errno;
        sock_close(s);
        return HC_IO_REFUSED;
    }
    s->state = SOCK_CONNECTING;
    return HC_IO_WOULD_BLOCK;
}

static int32_t sock_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    hc_lwip_sock_t *s = ctx;
    if (s->state == SOCK_CONNECTED)
        return 0;
    if (s->state == SOCK_IDLE) {
        s->last_errno = 0;
        int32_t r = start_connect(s, host, port);
        if (r != HC_IO_WOULD_BLOCK)
            return r;
    }
    int ready = wait_ready(s->fd, true, wait_until);
    if (ready == 0)
        return HC_IO_WOULD_BLOCK;
    int err = 0;
    socklen_t len = (socklen_t)sizeof err;
    if (ready < 0 || lwip_getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err != 0) {
        s->last_errno = err;
        sock_close(s);
        return HC_IO_REFUSED;
    }
    s->state = SOCK_CONNECTED;
    return 0;
}

/* After a send or receive moved nothing (@p n <= 0): decide whether to wait
 * for readiness and try once more. @return RETRY_AFTER_WAIT or the result. */
enum { RETRY_AFTER_WAIT = 1 };
static int32_t after_no_progress(hc_lwip_sock_t *s, ssize_t n, bool sending, int turn,
                                 uint32_t wait_until)
{
    if (n == 0)
        return sending ? HC_IO_WOULD_BLOCK : HC_IO_CLOSED;
    int e = errno;
    if (!would_block(e))
        return io_failure(s, e);
    if (turn > 0)
        return HC_IO_WOULD_BLOCK;
    int ready = wait_ready(s->fd, sending, wait_until);
    if (ready < 0)
        return io_failure(s, errno);
    return ready ? RETRY_AFTER_WAIT : HC_IO_WOULD_BLOCK;
}

static size_t clamp_len(size_t len)
{
    return len > (size_t)INT32_MAX ? (size_t)INT32_MAX : len;
}

static int32_t sock_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_lwip_sock_t *s = ctx;
    if (s->state != SOCK_CONNECTED)
        return HC_IO_ERROR;
    for (int turn = 0; turn < 2; turn++) {
        ssize_t n = lwip_send(s->fd, buf, clamp_len(len), 0);
        if (n > 0)
            return (int32_t)n;
        int32_t r = after_no_progress(s, n, true, turn, wait_until);
        if (r != RETRY_AFTER_WAIT)
            return r;
    }
    return HC_IO_WOULD_BLOCK;
}

static int32_t sock_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_lwip_sock_t *s = ctx;
    if (s->state != SOCK_CONNECTED)
        return HC_IO_ERROR;
    for (int turn = 0; turn < 2; turn++) {
        ssize_t n = lwip_recv(s->fd, buf, clamp_len(len), 0);
        if (n > 0)
            return (int32_t)n;
        int32_t r = after_no_progress(s, n, false, turn, wait_until);
        if (r != RETRY_AFTER_WAIT)
            return r;
    }
    return HC_IO_WOULD_BLOCK;
}

static void sock_sleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    sys_msleep(ms);
}

hc_transport_t hc_lwip_sock_transport(hc_lwip_sock_t *s)
{
    hc_transport_t t;
    memset(&t, 0, sizeof t);
    t.ctx = s;
    t.connect = sock_connect;
    t.send = sock_send;
    t.recv = sock_recv;
    t.close = sock_close;
    t.now_ms = hc_lwip_now;
    t.sleep_ms = sock_sleep;
    t.random = HC_LWIP_RANDOM;
    return t;
}
