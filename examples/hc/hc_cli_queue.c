/* Queue files of hc ping --queue and hc flush; see hc_cli_queue.h. */
#define _DEFAULT_SOURCE /* flock() */
#include "hc_cli_queue.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "hc_cli.h"
#include "hc_posix_file.h"

static bool wall_clock(void *ctx, int64_t *unix_s)
{
    (void)ctx;
    *unix_s = (int64_t)time(NULL);
    return true;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool cli_queue_parse_max(const char *s, size_t *max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end || errno || s[0] == '-' || v < 1 || v > 65535) {
        cli_usage_error("--queue-max: %s is not a number of signals 1..65535", s);
        return false;
    }
    *max = (size_t)v;
    return true;
}

/* Take FILE.lock: the queue file itself is replaced by every save, so a
 * lock on it would guard an inode the next writer no longer opens. Polls,
 * so the wait is bounded by @p wait_s. @return 0 or an errno value. */
static int take_lock(cli_queue_t *q, double wait_s)
{
    char lock_path[PATH_MAX];
    int n = snprintf(lock_path, sizeof lock_path, "%s.lock", q->path);
    if (n < 0 || (size_t)n >= sizeof lock_path)
        return ENAMETOOLONG;
    q->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (q->lock_fd < 0)
        return errno;
    double deadline = now_s() + wait_s;
    while (flock(q->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            return errno;
        if (now_s() >= deadline)
            return ETIMEDOUT;
        struct timespec pause = { 0, 10 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
    return 0;
}

/* Fill the outbox from the file; a missing or empty file is an empty queue. */
static bool load(cli_queue_t *q, size_t max_entries)
{
    size_t len;
    int err = hc_posix_file_load(q->path, q->image, q->image_cap, &len);
    if (err == ENOENT || (err == 0 && len == 0))
        return true;
    if (err == EFBIG) {
        fprintf(stderr, "hc: %s is larger than a queue of %zu signals (raise --queue-max, or it "
                "is no queue file); left as it is\n", q->path, max_entries);
        return false;
    }
    if (err) {
        fprintf(stderr, "hc: cannot read %s: %s\n", q->path, strerror(err));
        return false;
    }
    hc_err_t e = hc_outbox_restore(&q->ob, q->image, len);
    if (e == HC_ERR_IMAGE_CAPACITY) {
        fprintf(stderr, "hc: %s holds more than %zu signals (raise --queue-max)\n", q->path,
                max_entries);
        return false;
    }
    if (e != HC_OK) {
        fprintf(stderr, "hc: %s is not a queue file this hc can read: %s; left as it is (move it "
                "away to start a new queue)\n", q->path, hc_strerror(e));
        return false;
    }
    return true;
}

bool cli_queue_open(cli_queue_t *q, const char *path, size_t max_entries, double wait_s)
{
    memset(q, 0, sizeof *q);
    q->path = path;
    q->lock_fd = -1;
    q->image_cap = HC_OUTBOX_IMAGE_MAX(max_entries);
    q->slots = calloc(max_entries, sizeof *q->slots);
    q->image = malloc(q->image_cap);
    if (!q->slots || !q->image) {
        fprintf(stderr, "hc: out of memory for a queue of %zu signals\n", max_entries);
        cli_queue_close(q);
        return false;
    }
    (void)hc_outbox_init(&q->ob, q->slots, max_entries); /* 1..65535: --queue-max */
    hc_outbox_set_wall_clock(&q->ob, wall_clock, NULL);
    int err = take_lock(q, wait_s);
    if (err == ETIMEDOUT)
        fprintf(stderr, "hc: %s is still locked by another hc after %.3g s (see --timeout)\n",
                path, wait_s);
    else if (err)
        fprintf(stderr, "hc: cannot lock %s.lock: %s\n", path, strerror(err));
    if (err || !load(q, max_entries)) {
        cli_queue_close(q);
        return false;
    }
    return true;
}

bool cli_queue_save(cli_queue_t *q)
{
    size_t len;
    hc_err_t e = hc_outbox_save(&q->ob, q->image, q->image_cap, &len);
    int err = e == HC_OK ? hc_posix_file_save(q->path, q->image, len) : 0;
    if (e != HC_OK)
        fprintf(stderr, "hc: cannot save %s: %s\n", q->path, hc_strerror(e));
    else if (err)
        fprintf(stderr, "hc: cannot write %s: %s; it keeps what it held before\n", q->path,
                strerror(err));
    return e == HC_OK && !err;
}

void cli_queue_close(cli_queue_t *q)
{
    if (q->lock_fd >= 0)
        close(q->lock_fd); /* releases the lock */
    q->lock_fd = -1;
    free(q->slots);
    free(q->image);
    q->slots = NULL;
    q->image = NULL;
}

static const char *plural(unsigned n)
{
    return n == 1 ? "" : "s";
}

void cli_queue_report(const cli_queue_t *q, const hc_outbox_result_t *res, bool verbose)
{
    if (res->rejected)
        fprintf(stderr, "hc: %u queued signal%s refused by the server and removed from %s "
                "(the latest: %s)\n", res->rejected, plural(res->rejected), q->path,
                hc_strerror(res->rejected_error));
    if (res->dropped)
        fprintf(stderr, "hc: %s was full: dropped %u queued signal%s to make room, heartbeats "
                "first (the next delivered ping says so)\n", q->path, res->dropped,
                plural(res->dropped));
    if (verbose && res->delivered)
        printf("delivered %u queued signal%s from %s\n", res->delivered, plural(res->delivered),
               q->path);
}
