/* See hc_test_sockets.h. */
#define _GNU_SOURCE
#include "hc_test_sockets.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void hc_test_posix_setup(hc_test_posix_t *f, int backlog)
{
    memset(f, 0, sizeof *f);
    hc_posix_init(&f->p);
    f->t = hc_posix_transport(&f->p);
    f->peer = -1;
    f->listener = hc_test_listen_loopback(AF_INET, backlog, &f->port);
    assert_true(f->listener >= 0);
}

void hc_test_posix_close(hc_test_posix_t *f)
{
    f->t.close(f->t.ctx);
    if (f->peer >= 0) {
        close(f->peer);
    }
    if (f->listener >= 0) {
        close(f->listener);
    }
}

uint32_t hc_test_now(hc_test_posix_t *f)
{
    return f->t.now_ms(f->t.ctx);
}

int hc_test_listen_loopback(int family, int backlog, uint16_t *port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || (backlog >= 0 && listen(fd, backlog) != 0)) {
        close(fd);
        return -1;
    }
    assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
    *port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                     : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

int hc_test_accept(int listener)
{
    struct pollfd pfd = {.fd = listener, .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 5000), 1);
    int fd = accept(listener, NULL, NULL);
    assert_true(fd >= 0);
    return fd;
}
