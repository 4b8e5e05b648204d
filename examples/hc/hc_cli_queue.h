/* hc's queue files: an outbox (hc_outbox.h) kept in a file between runs,
 * under a lock so that several hc processes can share one file. */
#ifndef HC_CLI_QUEUE_H
#define HC_CLI_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "healthchecks/hc_outbox.h"

/** A macro's value as a string literal (HC_OUTBOX_BODY_MAX in help texts). */
#define CLI_STR(x) CLI_STR_(x)
#define CLI_STR_(x) #x

/** Signals a queue file keeps unless --queue-max says otherwise. */
#define CLI_QUEUE_MAX_DEFAULT 100

/** The options about a queue file, for the --help of hc ping and hc flush. */
#define CLI_QUEUE_OPTIONS_HELP \
    "  --queue-max N      most signals FILE keeps (default 100, at most 65535);\n" \
    "                     when it is full the oldest heartbeat goes, then the oldest\n" \
    "                     signal, and the next delivered ping says how many went\n"

/** A queue file, locked, and the outbox it was loaded into. */
typedef struct cli_queue {
    const char *path;
    int lock_fd;                 /**< FILE.lock, held from open to close */
    hc_outbox_t ob;
    hc_outbox_entry_t *slots;
    uint8_t *image;              /**< room for the largest image of the slots */
    size_t image_cap;
} cli_queue_t;

/** Parse --queue-max's value; prints a usage error. @return false then. */
bool cli_queue_parse_max(const char *s, size_t *max);

/**
 * Lock @p path (through @p path.lock, created 0600; waiting at most
 * @p wait_s seconds for another hc to finish) and load the outbox from it
 * (none there: an empty one). Prints why not on stderr.
 * @return true when open; false after printing (nothing to close).
 */
bool cli_queue_open(cli_queue_t *q, const char *path, size_t max_entries, double wait_s);

/** Write the outbox back to the file, atomically. Prints why not.
 *  @return true when written. */
bool cli_queue_save(cli_queue_t *q);

/** Release the lock and the memory. */
void cli_queue_close(cli_queue_t *q);

/** Tell what a delivery did with the kept signals: refusals and drops on
 *  stderr (always), deliveries on stdout (@p verbose). */
void cli_queue_report(const cli_queue_t *q, const hc_outbox_result_t *res, bool verbose);

#endif /* HC_CLI_QUEUE_H */
