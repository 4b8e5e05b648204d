/* First-fit allocator over one static array; see tls_arena.h. Blocks are
 * laid end to end, each after a header holding its size and whether it is
 * free; free neighbours merge as the list is walked. */
#include "tls_arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16u

typedef union block {
    struct {
        size_t size; /* bytes of the block, header included */
        size_t used; /* payload asked for; 0 when free */
    } h;
    long double align; /* 16 bytes on x86-64, like malloc's alignment */
} block_t;

static union {
    uint8_t bytes[HC_ARENA_SIZE];
    block_t first;
} arena;
static bool ready;
static size_t in_use, peak, high_water, limit = HC_ARENA_SIZE;
static unsigned long allocs;

static block_t *at(size_t offset)
{
    return (block_t *)(void *)(arena.bytes + offset);
}

static void setup(void)
{
    arena.first.h.size = HC_ARENA_SIZE;
    arena.first.h.used = 0;
    ready = true;
}

/* Merge the free blocks that follow @p b into it. */
static void coalesce(block_t *b, size_t offset)
{
    while (offset + b->h.size < HC_ARENA_SIZE) {
        block_t *next = at(offset + b->h.size);
        if (next->h.used != 0)
            break;
        b->h.size += next->h.size;
    }
}

void *hc_arena_calloc(size_t n, size_t size)
{
    if (!ready)
        setup();
    if (n == 0 || size == 0 || n > SIZE_MAX / size)
        return NULL;
    size_t want = n * size;
    if (want > HC_ARENA_SIZE || in_use + want > limit)
        return NULL;
    size_t need = sizeof(block_t) + (want + ALIGN - 1) / ALIGN * ALIGN;
    for (size_t off = 0; off < HC_ARENA_SIZE; off += at(off)->h.size) {
        block_t *b = at(off);
        if (b->h.used != 0)
            continue;
        coalesce(b, off);
        if (b->h.size < need)
            continue;
        if (b->h.size - need >= 2 * sizeof(block_t)) {
            block_t *rest = at(off + need);
            rest->h.size = b->h.size - need;
            rest->h.used = 0;
            b->h.size = need;
        }
        b->h.used = want;
        in_use += want;
        allocs++;
        if (in_use > peak)
            peak = in_use;
        if (off + b->h.size > high_water)
            high_water = off + b->h.size;
        return memset(b + 1, 0, b->h.size - sizeof(block_t));
    }
    return NULL;
}

void hc_arena_free(void *p)
{
    if (p == NULL)
        return;
    uint8_t *u = p;
    if (u < arena.bytes + sizeof(block_t) || u >= arena.bytes + HC_ARENA_SIZE) {
        fprintf(stderr, "hc_arena_free: %p is not from the arena\n", p);
        abort();
    }
    block_t *b = (block_t *)(void *)u - 1;
    if (b->h.used == 0) {
        fprintf(stderr, "hc_arena_free: %p freed twice\n", p);
        abort();
    }
    in_use -= b->h.used;
    b->h.used = 0;
}

size_t hc_arena_in_use(void) { return in_use; }
size_t hc_arena_peak(void) { return peak; }
size_t hc_arena_high_water(void) { return high_water; }
unsigned long hc_arena_allocs(void) { return allocs; }

void hc_arena_reset_peak(void)
{
    peak = in_use;
    allocs = 0;
    high_water = 0;
    if (!ready)
        setup();
    for (size_t off = 0; off < HC_ARENA_SIZE; off += at(off)->h.size)
        if (at(off)->h.used != 0 && off + at(off)->h.size > high_water)
            high_water = off + at(off)->h.size;
}

void hc_arena_set_limit(size_t bytes)
{
    limit = bytes;
}
