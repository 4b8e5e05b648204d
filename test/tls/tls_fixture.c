/* Servers for the TLS tests; see tls_fixture.h. */
#define _GNU_SOURCE
#include "tls_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_WAIT_MS 8000u
#define STOP_WAIT_MS 3000u
#define START_TRIES 3
#define MAX_CONNECTIONS 4096 /* stunnel numbers its connections from 0 */

uint64_t tls_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

uint16_t tls_free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    uint16_t port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

/* Run @p argv with stdout and stderr into @p log; the child dies with us. */
static pid_t spawn(char *const argv[], const char *log)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    execvp(argv[0], argv);
    _exit(127);
}

static bool exited(pid_t pid)
{
    return waitpid(pid, NULL, WNOHANG) == pid;
}

static void stop(pid_t *pid)
{
    if (*pid <= 0)
        return;
    kill(*pid, SIGTERM);
    uint64_t end = tls_ms() + STOP_WAIT_MS;
    while (!exited(*pid)) {
        if (tls_ms() >= end) {
            kill(*pid, SIGKILL);
            waitpid(*pid, NULL, 0);
            break;
        }
        sleep_ms(10);
    }
    *pid = 0;
}

/* A server that died, or did not come up by @p end, is stopped. */
static bool gave_up(pid_t *pid, uint64_t end)
{
    if (exited(*pid)) {
        *pid = 0;
        return true;
    }
    if (tls_ms() < end)
        return false;
    stop(pid);
    return true;
}

/* ---- PKI ---- */

bool tls_pki_make(tls_pki_t *pki, const char *keytype)
{
    snprintf(pki->dir, sizeof pki->dir, "/tmp/hc-tls-XXXXXX");
    if (mkdtemp(pki->dir) == NULL) {
        pki->dir[0] = '\0';
        return false;
    }
    char cmd[3 * TLS_PATH_MAX];
    snprintf(cmd, sizeof cmd, "sh '%s' '%s' %s >'%s/gen.log' 2>&1", HC_TLS_GEN_CERTS, pki->dir,
             keytype, pki->dir);
    return system(cmd) == 0;
}

void tls_pki_remove(tls_pki_t *pki)
{
    if (pki->dir[0] == '\0' || strncmp(pki->dir, "/tmp/hc-tls-", 12) != 0)
        return;
    if (getenv("HC_TLS_KEEP") != NULL) {
        fprintf(stderr, "HC_TLS_KEEP: kept %s\n", pki->dir);
        return;
    }
    char cmd[2 * TLS_PATH_MAX];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", pki->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", pki->dir);
    pki->dir[0] = '\0';
}

size_t tls_pki_read(const tls_pki_t *pki, const char *name, uint8_t *buf, size_t size)
{
    char path[2 * TLS_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", pki->dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, size, f);
    bool whole = feof(f) != 0;
    fclose(f);
    return whole ? n : 0;
}

/* ---- stunnel ---- */

static bool write_stunnel_conf(const char *path, const tls_stunnel_t *s, const tls_pki_t *pki,
                               const tls_service_t *svc, size_t n)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return false;
    fprintf(f, "foreground = yes\npid =\nsyslog = no\ndebug = info\noutput = %s\n", s->log);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "[%s]\naccept = 127.0.0.1:%u\ncert = %s/%s\nkey = %s/leaf.key\n", svc[i].name,
                svc[i].port, pki->dir, svc[i].cert, pki->dir);
        if (svc[i].exec != NULL)
            fprintf(f, "exec = %s\nexecArgs = %s\n", svc[i].exec,
                    svc[i].exec_args != NULL ? svc[i].exec_args : svc[i].exec);
        else
            fprintf(f, "connect = 127.0.0.1:%u\n", svc[i].backend);
        if (svc[i].extra != NULL)
            fprintf(f, "%s\n", svc[i].extra);
    }
    return fclose(f) == 0;
}

/* The connection number of a log line ("... LOG6[12]: ..."), or -1. */
static long line_connection(const char *line)
{
    const char *p = strstr(line, " LOG");
    if (p == NULL || (p = strchr(p, '[')) == NULL)
        return -1;
    char *end;
    long id = strtol(p + 1, &end, 10);
    return end != p + 1 && *end == ']' ? id : -1;
}

int tls_stunnel_count(const tls_stunnel_t *s, const char *service, const char *needle)
{
    FILE *f = fopen(s->log, "r");
    if (f == NULL)
        return 0;
    static bool of_service[MAX_CONNECTIONS];
    memset(of_service, 0, sizeof of_service);
    char accepted[128];
    snprintf(accepted, sizeof accepted, "Service [%s] accepted connection",
             service != NULL ? service : "");
    char line[1024];
    int count = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        long id = line_connection(line);
        bool known = id >= 0 && id < MAX_CONNECTIONS;
        if (known && service != NULL && strstr(line, accepted) != NULL)
            of_service[id] = true;
        if (strstr(line, needle) != NULL && (service == NULL || (known && of_service[id])))
            count++;
    }
    fclose(f);
    return count;
}

bool tls_stunnel_wait_count(const tls_stunnel_t *s, const char *service, const char *needle,
                            int count, unsigned ms)
{
    uint64_t end = tls_ms() + ms;
    while (tls_stunnel_count(s, service, needle) < count) {
        if (tls_ms() >= end)
            return false;
        sleep_ms(5);
    }
    return true;
}

/* Start stunnel once; @p keep_ports: on the ports @p svc holds, else on
 * ports picked here. Each start gets files of its own. */
static bool stunnel_try(tls_stunnel_t *s, const tls_pki_t *pki, tls_service_t *svc, size_t n,
                        bool keep_ports)
{
    static unsigned starts;
    unsigned start = starts++;
    char conf[2 * TLS_PATH_MAX];
    snprintf(conf, sizeof conf, "%s/stunnel-%u.conf", pki->dir, start);
    snprintf(s->log, sizeof s->log, "%s/stunnel-%u.log", pki->dir, start);
    for (size_t i = 0; i < n && !keep_ports; i++)
        svc[i].port = tls_free_port();
    if (!write_stunnel_conf(conf, s, pki, svc, n))
        return false;
    char *argv[] = {(char *)HC_STUNNEL, conf, NULL};
    char out[2 * TLS_PATH_MAX]; /* not the log: stunnel would write each line twice */
    snprintf(out, sizeof out, "%s/stunnel-%u.out", pki->dir, start);
    s->pid = spawn(argv, out);
    if (s->pid < 0)
        return false;
    uint64_t end = tls_ms() + START_WAIT_MS;
    /* Logged once every service is bound ("Configuration successful" comes
     * before binding, and a port taken meanwhile makes stunnel exit). */
    while (tls_stunnel_count(s, NULL, "Accepting new connections") == 0) {
        if (gave_up(&s->pid, end))
            return false;
        sleep_ms(5);
    }
    return true;
}

bool tls_stunnel_start(tls_stunnel_t *s, const tls_pki_t *pki, tls_service_t *svc, size_t n)
{
    /* A port picked free may be taken before stunnel binds it: try again. */
    for (unsigned attempt = 0; attempt < START_TRIES; attempt++)
        if (stunnel_try(s, pki, svc, n, false))
            return true;
    return false;
}

bool tls_stunnel_restart(tls_stunnel_t *s, const tls_pki_t *pki, tls_service_t *svc, size_t n)
{
    tls_stunnel_stop(s);
    /* the old process has exited: its ports are free again (SO_REUSEADDR) */
    for (unsigned attempt = 0; attempt < START_TRIES; attempt++) {
        if (stunnel_try(s, pki, svc, n, true))
            return true;
        sleep_ms(100);
    }
    return false;
}

void tls_stunnel_stop(tls_stunnel_t *s)
{
    stop(&s->pid);
}
