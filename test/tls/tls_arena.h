/*
 * A static arena standing in for mbedTLS's heap in the test builds that link
 * Debian's static mbedTLS archives with calloc/free renamed (objcopy
 * --redefine-sym) to hc_arena_calloc/hc_arena_free: every byte mbedTLS
 * allocates then comes from one static array, and the peak is measured.
 * This is the host's stand-in for MBEDTLS_MEMORY_BUFFER_ALLOC_C, which
 * Debian's library is built without.
 */
#ifndef TLS_ARENA_H
#define TLS_ARENA_H

#include <stddef.h>

/** Size of the static arena. */
#define HC_ARENA_SIZE (1024u * 1024u)

void *hc_arena_calloc(size_t n, size_t size);
void hc_arena_free(void *p);

/** Bytes mbedTLS holds now, and the most it held since the last reset
 *  (what it asked for; no allocator overhead). */
size_t hc_arena_in_use(void);
size_t hc_arena_peak(void);

/** Highest arena offset touched since the last reset: the arena size this
 *  first-fit allocator needed, headers and fragmentation included. */
size_t hc_arena_high_water(void);

/** Allocations since the last reset. */
unsigned long hc_arena_allocs(void);

/** Start a new measurement from what is held now. */
void hc_arena_reset_peak(void);

/** Refuse allocations that would take the payload held over @p bytes
 *  (HC_ARENA_SIZE to lift the limit). */
void hc_arena_set_limit(size_t bytes);

#endif /* TLS_ARENA_H */
