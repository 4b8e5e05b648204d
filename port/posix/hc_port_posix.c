/**
 * @file hc_port_posix.c
 * @brief BSD-sockets transport: see hc_port_posix.h for the behaviour.
 */
#include "hc_port_posix.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { PHASE_IDLE, PHASE_RESOLVING, PHASE_CONNECTING, PHASE_CONNECTED };

static uint32_t posix_now_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static struct timespec ms_to_timespec(uint32_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L};
    return ts;
}

/* Wait until the socket is ready for @p events. Polls at least once, even
 * when wait_until has passed, and never gives up before wait_until.
 * @return 1 ready (or failed: the next call tells), 0 time is up, -1 poll failed. */
static int posix_wait(hc_posix_t *p, short events, uint32_t wait_until)
{
    for (;;) {
        uint32_t now = posix_now_ms(NULL);
        int timeout = hc_time_reached(now, wait_until) ? 0 : (int)(wait_until - now);
        struct pollfd pfd = {.fd = p->fd, .events = events};
        int r = poll(&pfd, 1, timeout);
        if (r > 0) {
            return 1;
        }
        if (r < 0 && errno != EINTR) {
            p->last_errno = errno;
            return -1;
        }
        if (r == 0 && timeout == 0) {
            return 0;
        }
    }
}

/* ---- name resolution ---------------------------------------------------- */

/* Takes @p res (a lookup's result) as the address list to try. */
static int32_t resolve_done(hc_posix_t *p, int gai_err, struct addrinfo *res)
{
    if (gai_err != 0) {
        p->dns_error = gai_err;
        if (res != NULL) {
            freeaddrinfo(res);
        }
        return HC_IO_DNS;
    }
    p->addrs = res;
    p->next_addr = res;
    p->phase = PHASE_CONNECTING;
    return 0;
}

#ifdef HC_HAVE_GETADDRINFO_A

/* The lookup block is the one heap allocation of this port, and glibc
 * forces it: a running getaddrinfo_a lookup cannot be cancelled, keeps
 * writing into its gaicb, and may outlive the hc_posix_t (which a caller
 * may discard right after close()); getaddrinfo itself allocates anyway.
 *
 * Who frees a lookup block: its owner while PENDING; once the owner lets
 * go (RELEASED) the completion callback does; once the callback has run
 * (DONE) the owner does. */
enum { LOOKUP_PENDING, LOOKUP_DONE, LOOKUP_RELEASED };

struct hc_lookup {
    struct gaicb cb;        /* glibc writes into this until the lookup ends */
    struct addrinfo hints;
    int state;              /* LOOKUP_..., changed atomically */
    char service[6];
    char name[];
};

static void lookup_free(struct hc_lookup *l)
{
    if (l->cb.ar_result != NULL) {
        freeaddrinfo(l->cb.ar_result);
    }
    free(l);
}

static bool lookup_claim(struct hc_lookup *l, int next_state)
{
    int expected = LOOKUP_PENDING;
    return __atomic_compare_exchange_n(&l->state, &expected, next_state, false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* glibc's completion notice, on a thread of its own. */
static void lookup_notify(union sigval sv)
{
    struct hc_lookup *l = sv.sival_ptr;
    if (!lookup_claim(l, LOOKUP_DONE)) {
        lookup_free(l);
    }
}

/* Let go of the lookup in flight without waiting for it. */
static void lookup_release(hc_posix_t *p)
{
    struct hc_lookup *l = p->lookup;
    if (l == NULL) {
        return;
    }
    p->lookup = NULL;
    /* A cancelled lookup never completes, so it is ours to free; a
     * running or finished one is freed by whichever side comes last. */
    if (gai_cancel(&l->cb) == EAI_CANCELED || !lookup_claim(l, LOOKUP_RELEASED)) {
        lookup_free(l);
    }
}

static int32_t lookup_start(hc_posix_t *p, const char *host, const char *service,
                            const struct addrinfo *hints)
{
    size_t name_len = strlen(host) + 1;
    struct hc_lookup *l = calloc(1, sizeof *l + name_len);
    if (l == NULL) {
        p->last_errno = ENOMEM;
        return HC_IO_ERROR;
    }
    memcpy(l->name, host, name_len);
    memcpy(l->service, service, sizeof l->service);
    l->hints = *hints;
    l->cb.ar_name = l->name;
    l->cb.ar_service = l->service;
    l->cb.ar_request = &l->hints;

    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD;
    sev.sigev_notify_function = lookup_notify;
    sev.sigev_value.sival_ptr = l;
    struct gaicb *list[1] = {&l->cb};

    p->lookup = l;
    p->phase = PHASE_RESOLVING;
    p->dns_deadline = posix_now_ms(NULL) + p->dns_timeout_ms;
    int err = getaddrinfo_a(GAI_NOWAIT, list, 1, &sev);
    if (err != 0) {
        p->dns_error = err;
        p->last_errno = (err == EAI_SYSTEM) ? errno : 0;
        return HC_IO_ERROR;
    }
    return 0;
}

static int32_t resolve_poll(hc_posix_t *p, uint32_t wait_until)
{
    struct hc_lookup *l = p->lookup;
    const struct gaicb *list[1] = {&l->cb};
    for (;;) {
        int err = gai_error(&l->cb);
        if (err != EAI_INPROGRESS) {
            struct addrinfo *res = l->cb.ar_result;
            l->cb.ar_result = NULL;
            lookup_release(p);
            return resolve_done(p, err, res);
        }
        uint32_t now = posix_now_ms(NULL);
        if (hc_time_reached(now, p->dns_deadline)) {
            p->last_errno = ETIMEDOUT;
            return HC_IO_TIMEOUT;
        }
        if (hc_time_reached(now, wait_until)) {
            return HC_IO_WOULD_BLOCK;
        }
        uint32_t until = hc_time_reached(wait_until, p->dns_deadline) ? p->dns_deadline : wait_until;
        struct timespec left = ms_to_timespec(until - now);
        /* Returns on completion, timeout or signal alike: the loop re-checks. */
        (void)gai_suspend(list, 1, &left);
    }
}

#else /* no getaddrinfo_a: a blocking lookup, bounded by the resolver only */

static int32_t lookup_start(hc_posix_t *p, const char *host, const char *service,
                            const struct addrinfo *hints)
{
    struct addrinfo *res = NULL;
    int err = getaddrinfo(host, service, hints, &res);
    return resolve_done(p, err, res);
}

#endif

static int32_t resolve_start(hc_posix_t *p, const char *host, uint16_t port)
{
    char service[6];
    struct addrinfo hints;
    struct addrinfo *res = NULL;

    p->refused = false;
    p->dns_error = 0;
    if (host == NULL || host[0] == '\0') {
        return resolve_done(p, EAI_NONAME, NULL);
    }
    snprintf(service, sizeof service, "%u", (unsigned)port);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    int err = getaddrinfo(host, service, &hints, &res);
    if (err != EAI_NONAME) {
        return resolve_done(p, err, res);
    }
    /* A name: only families this host has an address of are worth trying. */
    hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
    return lookup_start(p, host, service, &hints);
}

/* ---- connecting ---------------------------------------------------------- */

static void connect_failed(hc_posix_t *p, int err)
{
    p->last_errno = err;
    if (err == ECONNREFUSED) {
        p->refused = true;
    }
    if (p->fd >= 0) {
        close(p->fd);
        p->fd = -1;
    }
}

/* Start connecting to @p ai. @return 1 connected, 0 in progress, -1 failed. */
static int connect_start(hc_posix_t *p, const struct addrinfo *ai)
{
    p->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (p->fd < 0) {
        connect_failed(p, errno);
        return -1;
    }
    int one = 1;
    /* Requests go out in one or two writes; Nagle would only delay them. */
    (void)setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(p->fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        return 1;
    }
    /* An interrupted non-blocking connect carries on in the background. */
    if (errno == EINPROGRESS || errno == EINTR) {
        return 0;
    }
    connect_failed(p, errno);
    return -1;
}

static int socket_error(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        return errno;
    }
    return err;
}

/* Carry on with the pending address, then the next ones. */
static int32_t connect_addresses(hc_posix_t *p, uint32_t wait_until)
{
    for (;;) {
        if (p->fd < 0) {
            struct addrinfo *ai = p->next_addr;
            if (ai == NULL) {
                return p->refused ? HC_IO_REFUSED : HC_IO_ERROR;
            }
            p->next_addr = ai->ai_next;
            int started = connect_start(p, ai);
            if (started < 0) {
                continue;
            }
            if (started > 0) {
                break;
            }
        }
        int ready = posix_wait(p, POLLOUT, wait_until);
        if (ready == 0) {
            return HC_IO_WOULD_BLOCK;
        }
        int err = ready < 0 ? p->last_errno : socket_error(p->fd);
        if (err == 0) {
            break;
        }
        connect_failed(p, err);
    }
    p->phase = PHASE_CONNECTED;
    return 0;
}

static void posix_close(void *ctx)
{
    hc_posix_t *p = ctx;
    if (p->fd >= 0) {
        close(p->fd); /* not retried on EINTR: Linux has closed it anyway */
        p->fd = -1;
    }
    if (p->addrs != NULL) {
        freeaddrinfo(p->addrs);
    }
    p->addrs = NULL;
    p->next_addr = NULL;
#ifdef HC_HAVE_GETADDRINFO_A
    lookup_release(p);
#endif
    p->phase = PHASE_IDLE;
}

static int32_t posix_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    hc_posix_t *p = ctx;
    int32_t r = 0;
    if (p->phase == PHASE_IDLE) {
        r = resolve_start(p, host, port);
    }
#ifdef HC_HAVE_GETADDRINFO_A
    if (r == 0 && p->phase == PHASE_RESOLVING) {
        r = resolve_poll(p, wait_until);
    }
#endif
    if (r == 0 && p->phase == PHASE_CONNECTING) {
        r = connect_addresses(p, wait_until);
    }
    if (r != 0 && r != HC_IO_WOULD_BLOCK) {
        posix_close(p);
    }
    return r;
}

/* ---- data ---------------------------------------------------------------- */

static int32_t io_failed(hc_posix_t *p, int err)
{
    p->last_errno = err;
    /* Only an orderly close may end a close-delimited body; a reset means
     * the data may be cut short, so it is an error. */
    return err == EPIPE ? HC_IO_CLOSED : HC_IO_ERROR;
}

/* After EAGAIN: wait for readiness unless wait_until has passed.
 * @return 0 to try again, or the negative hc_io to report. */
static int32_t io_wait(hc_posix_t *p, short events, uint32_t wait_until)
{
    if (hc_time_reached(posix_now_ms(NULL), wait_until)) {
        return HC_IO_WOULD_BLOCK;
    }
    int ready = posix_wait(p, events, wait_until);
    return ready > 0 ? 0 : (ready == 0 ? HC_IO_WOULD_BLOCK : HC_IO_ERROR);
}

static int32_t posix_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_posix_t *p = ctx;
    if (p->phase != PHASE_CONNECTED) {
        return HC_IO_ERROR;
    }
    len = len > INT32_MAX ? INT32_MAX : len;
    for (;;) {
        ssize_t n = send(p->fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0) {
            return (int32_t)n;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return io_failed(p, errno);
        }
        int32_t r = io_wait(p, POLLOUT, wait_until);
        if (r != 0) {
            return r;
        }
    }
}

static int32_t posix_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    hc_posix_t *p = ctx;
    if (p->phase != PHASE_CONNECTED) {
        return HC_IO_ERROR;
    }
    if (len == 0) {
        return 0;
    }
    len = len > INT32_MAX ? INT32_MAX : len;
    for (;;) {
        ssize_t n = recv(p->fd, buf, len, 0);
        if (n > 0) {
            return (int32_t)n;
        }
        if (n == 0) {
            return HC_IO_CLOSED;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            return io_failed(p, errno);
        }
        int32_t r = io_wait(p, POLLIN, wait_until);
        if (r != 0) {
            return r;
        }
    }
}

/* ---- clock and randomness ------------------------------------------------ */

static void posix_sleep_ms(void *ctx, uint32_t ms)
{
    struct timespec left = ms_to_timespec(ms);
    (void)ctx;
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
        continue; /* resume with what is left */
    }
}

static int posix_random(void *ctx, uint8_t *buf, size_t len)
{
    hc_posix_t *p = ctx;
    size_t got = 0;
    while (got < len) {
        ssize_t n = getrandom(buf + got, len - got, GRND_NONBLOCK);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            p->last_errno = n < 0 ? errno : EIO;
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

void hc_posix_init(hc_posix_t *p)
{
    memset(p, 0, sizeof *p);
    p->fd = -1;
    p->dns_timeout_ms = 5000;
    p->phase = PHASE_IDLE;
}

hc_transport_t hc_posix_transport(hc_posix_t *p)
{
    hc_transport_t t = {
        .ctx = p,
        .connect = posix_connect,
        .send = posix_send,
        .recv = posix_recv,
        .close = posix_close,
        .now_ms = posix_now_ms,
        .sleep_ms = posix_sleep_ms,
        .random = posix_random,
    };
    return t;
}
