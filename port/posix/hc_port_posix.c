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

/* Wait until one of @p pfd is ready. Polls at least once, even when
 * @p until has passed, and never gives up before it.
 * @return 1 ready (or failed: the next call tells), 0 time is up, -1 poll failed. */
static int poll_until(hc_posix_t *p, struct pollfd *pfd, nfds_t n, uint32_t until)
{
    for (;;) {
        uint32_t now = posix_now_ms(NULL);
        int timeout = hc_time_reached(now, until) ? 0 : (int)(until - now);
        int r = poll(pfd, n, timeout);
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

/* Reorders @p list so the address families alternate, the first one
 * first (RFC 8305, section 4): resolvers list every IPv6 address before
 * any IPv4 one, and a host whose IPv6 route is broken would otherwise wait
 * out each IPv6 address's head start before reaching IPv4. */
static struct addrinfo *interleave_families(struct addrinfo *list)
{
    if (list == NULL) {
        return NULL;
    }
    struct addrinfo *same = NULL, **same_tail = &same;
    struct addrinfo *other = NULL, **other_tail = &other;
    int first = list->ai_family;
    for (struct addrinfo *a = list; a != NULL; a = a->ai_next) {
        if (a->ai_family == first) {
            *same_tail = a;
            same_tail = &a->ai_next;
        } else {
            *other_tail = a;
            other_tail = &a->ai_next;
        }
    }
    *same_tail = NULL;
    *other_tail = NULL;
    struct addrinfo *head = NULL, **tail = &head;
    bool take_same = true;
    while (same != NULL || other != NULL) {
        struct addrinfo **from = (take_same && same != NULL) || other == NULL ? &same : &other;
        *tail = *from;
        *from = (*from)->ai_next;
        tail = &(*tail)->ai_next;
        take_same = from == &other;
    }
    *tail = NULL;
    return head;
}

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
    p->addrs = interleave_families(res);
    p->next_addr = p->addrs;
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

/* The latest reason wins; a refusal anywhere is remembered for the result. */
static void note_failure(hc_posix_t *p, int err)
{
    p->last_errno = err;
    if (err == ECONNREFUSED) {
        p->refused = true;
    }
}

/* Take racer @p i out of the race and hand its socket back. */
static int race_remove(hc_posix_t *p, int i)
{
    int fd = p->racing[i];
    memmove(&p->racing[i], &p->racing[i + 1], (size_t)(p->n_racing - i - 1) * sizeof p->racing[0]);
    p->n_racing--;
    return fd;
}

static void race_close_all(hc_posix_t *p)
{
    while (p->n_racing > 0) {
        close(race_remove(p, 0));
    }
}

static void race_won(hc_posix_t *p, int fd)
{
    race_close_all(p);
    p->fd = fd;
    p->phase = PHASE_CONNECTED;
}

static bool may_start_next(const hc_posix_t *p, uint32_t now)
{
    return p->next_addr != NULL && (p->n_racing == 0 || hc_time_reached(now, p->next_start));
}

/* Start connecting to the next address. @return true when it connected at once. */
static bool race_start(hc_posix_t *p, uint32_t now)
{
    const struct addrinfo *ai = p->next_addr;
    p->next_addr = ai->ai_next;
    p->next_start = now; /* a failure lets the next address start at once */
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        note_failure(p, errno);
        return false;
    }
    int one = 1;
    /* Requests go out in one or two writes; Nagle would only delay them. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        race_won(p, fd);
        return true;
    }
    /* An interrupted non-blocking connect carries on in the background. */
    if (errno != EINPROGRESS && errno != EINTR) {
        note_failure(p, errno);
        close(fd);
        return false;
    }
    if (p->n_racing == HC_POSIX_RACE) {
        note_failure(p, ETIMEDOUT);
        close(race_remove(p, 0)); /* the oldest has had its chance */
    }
    p->racing[p->n_racing++] = fd;
    /* RFC 8305 keeps at least 10 ms between starts, so a zero delay cannot
     * evict racers before they have had any chance. */
    p->next_start = now + (p->attempt_delay_ms > 10u ? p->attempt_delay_ms : 10u);
    return false;
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

/* Wait for the racers until @p until (one poll at least), then judge each
 * one that is ready. @return 1 one connected, 0 not yet, -1 poll failed. */
static int race_poll(hc_posix_t *p, uint32_t until)
{
    struct pollfd pfd[HC_POSIX_RACE];
    const int n = p->n_racing;
    for (int i = 0; i < n; i++) {
        pfd[i] = (struct pollfd){.fd = p->racing[i], .events = POLLOUT};
    }
    int ready = poll_until(p, pfd, (nfds_t)n, until);
    if (ready <= 0) {
        return ready;
    }
    /* SO_ERROR is cleared by reading it: read each ready racer's once. */
    int err[HC_POSIX_RACE];
    for (int i = 0; i < n; i++) {
        err[i] = pfd[i].revents != 0 ? socket_error(pfd[i].fd) : -1;
    }
    /* The first (most preferred) address that connected wins. */
    for (int i = 0; i < n; i++) {
        if (err[i] == 0) {
            race_won(p, race_remove(p, i));
            return 1;
        }
    }
    /* The failed ones leave the race, backwards so earlier indices hold. */
    for (int i = n - 1; i >= 0; i--) {
        if (err[i] > 0) {
            note_failure(p, err[i]);
            close(race_remove(p, i));
            p->next_start = posix_now_ms(NULL);
        }
    }
    return 0;
}

/* Race the addresses until one connects, all have failed, or wait_until. */
static int32_t connect_addresses(hc_posix_t *p, uint32_t wait_until)
{
    bool polled = false;
    for (;;) {
        uint32_t now = posix_now_ms(NULL);
        if (may_start_next(p, now)) {
            if (race_start(p, now)) {
                return 0;
            }
            continue;
        }
        if (p->n_racing == 0) {
            return p->refused ? HC_IO_REFUSED : HC_IO_ERROR;
        }
        if (polled && hc_time_reached(now, wait_until)) {
            return HC_IO_WOULD_BLOCK;
        }
        uint32_t until = wait_until;
        if (p->next_addr != NULL && hc_time_reached(until, p->next_start)) {
            until = p->next_start;
        }
        int r = race_poll(p, until);
        if (r != 0) {
            return r > 0 ? 0 : HC_IO_ERROR;
        }
        polled = true;
    }
}

static void posix_close(void *ctx)
{
    hc_posix_t *p = ctx;
    if (p->fd >= 0) {
        close(p->fd); /* not retried on EINTR: Linux has closed it anyway */
        p->fd = -1;
    }
    race_close_all(p);
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
    struct pollfd pfd = {.fd = p->fd, .events = events};
    int ready = poll_until(p, &pfd, 1, wait_until);
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
    p->attempt_delay_ms = 250;
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
