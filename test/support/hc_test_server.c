/* Runs test/server/hc_test_server.py for the C tests: fork/exec, wait for
 * its port file, talk to it over plain sockets, stop it and clean up. */
#define _POSIX_C_SOURCE 200809L

#include "hc_test_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_TIMEOUT_MS 10000L
#define STOP_TIMEOUT_MS 5000L
#define POLL_MS 10L
#define IO_TIMEOUT_S 10
#define MAX_EXTRA_ARGS 32
#define MAX_RESPONSE (64L * 1024 * 1024)
#define MAX_RUNNING 16

/* Servers started and not yet stopped. A failing cmocka assertion jumps
 * out of a test before it can stop its server; these are stopped at exit
 * so that nothing is left running or on disk. */
static hc_test_server_t running[MAX_RUNNING];

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000L, (ms % 1000L) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* snprintf that reports truncation instead of hiding it. */
static int format(char *buf, size_t cap, const char *fmt, const char *a, const char *b)
{
    int n = snprintf(buf, cap, fmt, a, b);
    return n >= 0 && (size_t)n < cap ? 0 : -1;
}

/* The temporary directory holds the port file, its temp twin and the
 * records directory of flat files; nothing deeper. */
static void remove_tree(const char *path, int depth)
{
    DIR *dir = opendir(path);
    if (dir != NULL) {
        struct dirent *entry;
        while ((entry = readdir(dir)) != NULL) {
            char child[512];
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            if (format(child, sizeof child, "%s/%s", path, entry->d_name) != 0)
                continue;
            if (unlink(child) != 0 && depth > 0)
                remove_tree(child, depth - 1);
        }
        closedir(dir);
    }
    rmdir(path);
}

static void remove_temp_dir(const hc_test_server_t *s)
{
    char dir[sizeof s->port_file];
    char *slash;
    if (s->port_file[0] == '\0')
        return;
    memcpy(dir, s->port_file, sizeof dir);
    slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
        remove_tree(dir, 1);
    }
}

/* The port the server wrote, or 0 while the file is not there yet. */
static uint16_t read_port(const char *port_file)
{
    unsigned long port = 0;
    FILE *f = fopen(port_file, "r");
    if (f == NULL)
        return 0;
    if (fscanf(f, "%lu", &port) != 1 || port > 65535)
        port = 0;
    fclose(f);
    return (uint16_t)port;
}

static pid_t spawn(const hc_test_server_t *s, const char *const *extra_args)
{
    const char *argv[12 + MAX_EXTRA_ARGS + 1] = {
        HC_TEST_PYTHON, HC_TEST_SERVER_PY, "--host", s->host, "--port", "0",
        "--port-file", s->port_file, "--record-dir", s->record_dir, "--exit-with-parent",
    };
    size_t argc = 11;
    pid_t pid;
    for (size_t i = 0; extra_args != NULL && extra_args[i] != NULL; i++) {
        if (i == MAX_EXTRA_ARGS)
            return -1;
        argv[argc++] = extra_args[i];
    }
    argv[argc] = NULL;
    pid = fork();
    if (pid == 0) {
        /* execv's prototype predates const; it does not modify argv. */
        execv(HC_TEST_PYTHON, (char *const *)(void *)argv);
        _exit(127);
    }
    return pid;
}

/* Wait for the port file; 0 once it is there, -1 if the child exits or
 * the time runs out. */
static int wait_until_listening(hc_test_server_t *s)
{
    long deadline = now_ms() + START_TIMEOUT_MS;
    while (now_ms() < deadline) {
        int status;
        s->port = read_port(s->port_file);
        if (s->port != 0)
            return 0;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
            return -1;
        }
        sleep_ms(POLL_MS);
    }
    return -1;
}

static int fill_urls(hc_test_server_t *s)
{
    char port[8];
    const char *fmt = strchr(s->host, ':') != NULL ? "http://[%s]:%s" : "http://%s:%s";
    snprintf(port, sizeof port, "%u", (unsigned)s->port);
    if (format(s->base_url, sizeof s->base_url, fmt, s->host, port) != 0)
        return -1;
    if (format(s->ping_url, sizeof s->ping_url, "%s%s", s->base_url, "/ping") != 0)
        return -1;
    return format(s->api_url, sizeof s->api_url, "%s%s", s->base_url, "/api");
}

/* Tests stay off DNS: only IP literals are accepted. */
static int is_ip_literal(const char *host)
{
    unsigned char addr[16];
    return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

static void stop_leftovers(void)
{
    for (size_t i = 0; i < MAX_RUNNING; i++) {
        if (running[i].pid > 0) {
            hc_test_server_t leftover = running[i];
            hc_test_server_stop(&leftover);
        }
    }
}

static void remember(const hc_test_server_t *s)
{
    static int registered;
    for (size_t i = 0; i < MAX_RUNNING; i++) {
        if (running[i].pid == 0) {
            running[i] = *s;
            if (!registered)
                registered = atexit(stop_leftovers) == 0;
            return;
        }
    }
}

static void forget(const hc_test_server_t *s)
{
    for (size_t i = 0; i < MAX_RUNNING; i++)
        if (running[i].pid == s->pid)
            memset(&running[i], 0, sizeof running[i]);
}

int hc_test_server_start(hc_test_server_t *s, const char *host, const char *const *extra_args)
{
    char dir[200];
    const char *tmp = getenv("TMPDIR");
    memset(s, 0, sizeof *s);
    if (host == NULL)
        host = "127.0.0.1";
    if (strlen(host) >= sizeof s->host || !is_ip_literal(host))
        return -1;
    memcpy(s->host, host, strlen(host) + 1);
    if (format(dir, sizeof dir, "%s/%s", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp",
               "hc-test-server-XXXXXX") != 0 || mkdtemp(dir) == NULL) {
        memset(s, 0, sizeof *s);
        return -1;
    }
    if (format(s->record_dir, sizeof s->record_dir, "%s/%s", dir, "records") != 0 ||
        format(s->port_file, sizeof s->port_file, "%s/%s", dir, "port") != 0) {
        rmdir(dir);
        memset(s, 0, sizeof *s);
        return -1;
    }
    s->pid = spawn(s, extra_args);
    if (s->pid <= 0 || wait_until_listening(s) != 0 || fill_urls(s) != 0) {
        if (s->pid < 0)
            s->pid = 0;
        hc_test_server_stop(s);
        memset(s, 0, sizeof *s);
        return -1;
    }
    remember(s);
    return 0;
}

void hc_test_server_stop(hc_test_server_t *s)
{
    if (s->pid > 0) {
        long deadline = now_ms() + STOP_TIMEOUT_MS;
        int status;
        forget(s);
        kill(s->pid, SIGTERM);
        while (waitpid(s->pid, &status, WNOHANG) == 0) {
            if (now_ms() >= deadline) {
                kill(s->pid, SIGKILL);
                while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {
                }
                break;
            }
            sleep_ms(POLL_MS);
        }
        s->pid = 0;
    }
    remove_temp_dir(s);
}

static int is_record(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && len > 5 && strcmp(name + len - 5, ".http") == 0;
}

unsigned hc_test_server_request_count(const hc_test_server_t *s)
{
    unsigned count = 0;
    struct dirent *entry;
    DIR *dir = opendir(s->record_dir);
    if (dir == NULL)
        return 0;
    while ((entry = readdir(dir)) != NULL)
        if (is_record(entry->d_name))
            count++;
    closedir(dir);
    return count;
}

long hc_test_server_request(const hc_test_server_t *s, unsigned n, char *buf, size_t cap)
{
    char path[300];
    size_t got;
    int extra;
    FILE *f;
    if (n == 0 || snprintf(path, sizeof path, "%s/%04u.http", s->record_dir, n) >= (int)sizeof path)
        return -1;
    f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    got = fread(buf, 1, cap, f);
    extra = fgetc(f);
    fclose(f);
    if (extra != EOF)
        return -1;
    if (got < cap)
        buf[got] = '\0';
    return (long)got;
}

static int connect_to(const hc_test_server_t *s)
{
    struct addrinfo hints, *found = NULL;
    struct timeval timeout = { IO_TIMEOUT_S, 0 };
    char port[8];
    int fd;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV; /* no name lookups in tests */
    snprintf(port, sizeof port, "%u", (unsigned)s->port);
    if (getaddrinfo(s->host, port, &hints, &found) != 0)
        return -1;
    fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0 ||
                    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) != 0 ||
                    connect(fd, found->ai_addr, found->ai_addrlen) != 0)) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    return fd;
}

static int send_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t sent = send(fd, data, len, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0)
            return -1;
        data += sent;
        len -= (size_t)sent;
    }
    return 0;
}

/* Send, half-close, read to the end into a growing heap buffer. */
static long exchange(const hc_test_server_t *s, const void *req, size_t len, char **out)
{
    size_t used = 0, size = 4096;
    char *buf = malloc(size);
    int fd = connect_to(s);
    *out = NULL;
    if (buf == NULL || fd < 0 || send_all(fd, req, len) != 0)
        goto fail;
    shutdown(fd, SHUT_WR); /* the server ends the connection after answering */
    for (;;) {
        ssize_t got;
        if (used + 1 >= size) {
            char *bigger;
            if (size >= (size_t)MAX_RESPONSE)
                goto fail;
            bigger = realloc(buf, size * 2);
            if (bigger == NULL)
                goto fail;
            buf = bigger;
            size *= 2;
        }
        got = recv(fd, buf + used, size - used - 1, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            goto fail;
        if (got == 0)
            break;
        used += (size_t)got;
    }
    close(fd);
    buf[used] = '\0';
    *out = buf;
    return (long)used;
fail:
    if (fd >= 0)
        close(fd);
    free(buf);
    return -1;
}

long hc_test_server_raw(const hc_test_server_t *s, const void *req, size_t len,
                        char *resp, size_t cap)
{
    char *answer;
    long got = exchange(s, req, len, &answer);
    if (got < 0)
        return -1;
    if ((size_t)got > cap) {
        free(answer);
        return -1;
    }
    memcpy(resp, answer, (size_t)got);
    if ((size_t)got < cap)
        resp[got] = '\0';
    free(answer);
    return got;
}

int hc_test_server_control(const hc_test_server_t *s, const char *method, const char *path,
                           const char *json_body, char *resp, size_t cap)
{
    size_t body_len = json_body != NULL ? strlen(json_body) : 0;
    size_t cap_req = strlen(method) + strlen(path) + body_len + 256;
    char *req = malloc(cap_req);
    char *answer = NULL;
    const char *body;
    int head, status = -1;
    long got;
    if (req == NULL || strpbrk(path, "\r\n") != NULL) {
        free(req);
        return -1;
    }
    head = snprintf(req, cap_req, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s",
                    method, path, s->base_url + strlen("http://"),
                    json_body != NULL ? "Content-Type: application/json\r\n" : "");
    if (json_body != NULL)
        head += snprintf(req + head, cap_req - (size_t)head, "Content-Length: %lu\r\n",
                         (unsigned long)body_len);
    head += snprintf(req + head, cap_req - (size_t)head, "\r\n");
    if (json_body != NULL)
        memcpy(req + head, json_body, body_len);
    got = exchange(s, req, (size_t)head + body_len, &answer);
    free(req);
    if (got < 0)
        return -1;
    body = strstr(answer, "\r\n\r\n");
    if (body != NULL && sscanf(answer, "HTTP/1.%*d %d", &status) == 1) {
        size_t n = (size_t)got - (size_t)(body + 4 - answer);
        if (resp != NULL && n >= cap)
            status = -1;
        else if (resp != NULL) {
            memcpy(resp, body + 4, n);
            resp[n] = '\0';
        }
    } else {
        status = -1;
    }
    free(answer);
    return status;
}
