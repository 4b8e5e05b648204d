/*
 * Servers for the TLS tests: a throwaway PKI made by gen-certs.sh, and
 * stunnel in front of a command or a backend port (such as the python test
 * server of hc_test_server.h).
 * Every wait is bounded; every process started here dies with the test
 * (PR_SET_PDEATHSIG) and is stopped by tls_proc_stop().
 */
#ifndef TLS_FIXTURE_H
#define TLS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TLS_PATH_MAX 256

/** A temporary directory with the PKI of gen-certs.sh in it. */
typedef struct tls_pki {
    char dir[32]; /* /tmp/hc-tls-XXXXXX */
} tls_pki_t;

/** Make a fresh temp dir and the PKI in it (@p keytype "ec" or "rsa").
 *  @return true on success. */
bool tls_pki_make(tls_pki_t *pki, const char *keytype);

/** Remove the directory and everything in it. */
void tls_pki_remove(tls_pki_t *pki);

/** Read file @p name of the PKI into @p buf; @return its length, 0 on error. */
size_t tls_pki_read(const tls_pki_t *pki, const char *name, uint8_t *buf, size_t size);

/** One stunnel service. */
typedef struct tls_service {
    const char *name;    /**< section name */
    const char *cert;    /**< chain file of the PKI, e.g. "valid.pem" */
    const char *exec;    /**< program run per connection ("/bin/cat"), or NULL */
    const char *exec_args; /**< its argv as stunnel's execArgs ("echo hello"); NULL: the program */
    uint16_t backend;    /**< else: forward to 127.0.0.1:backend */
    const char *extra;   /**< extra config lines, or NULL */
    uint16_t port;       /**< out: where it accepts */
} tls_service_t;

typedef struct tls_stunnel {
    pid_t pid;
    char log[TLS_PATH_MAX];
} tls_stunnel_t;

/** Start stunnel with @p n services (ports chosen here), certificates from
 *  @p pki; waits (bounded) until it is listening. @return true on success. */
bool tls_stunnel_start(tls_stunnel_t *s, const tls_pki_t *pki, tls_service_t *svc, size_t n);

/** Stop stunnel and start a new one with the same services on the same
 *  ports (a server that forgot its sessions and ticket keys), logging to a
 *  new file. @return true on success. */
bool tls_stunnel_restart(tls_stunnel_t *s, const tls_pki_t *pki, tls_service_t *svc, size_t n);

/** Stop stunnel (TERM, then KILL after a bounded wait). Idempotent. */
void tls_stunnel_stop(tls_stunnel_t *s);

/** How many lines of stunnel's log contain @p needle, counting only the
 *  connections of @p service (NULL: every line). */
int tls_stunnel_count(const tls_stunnel_t *s, const char *service, const char *needle);

/** Wait (at most @p ms) until tls_stunnel_count() reaches @p count. */
bool tls_stunnel_wait_count(const tls_stunnel_t *s, const char *service, const char *needle,
                            int count, unsigned ms);

/** A port on 127.0.0.1 that was free a moment ago. */
uint16_t tls_free_port(void);

/** Milliseconds of a monotonic clock. */
uint64_t tls_ms(void);

#endif /* TLS_FIXTURE_H */
