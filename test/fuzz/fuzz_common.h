/* Shared by the fuzz targets: a property check that survives NDEBUG and
 * ends the run the way libFuzzer and the replay runner both recognise, and
 * the helpers every target needs. */
#ifndef HC_FUZZ_COMMON_H
#define HC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* abort() rather than assert(): a RelWithDebInfo fuzz build defines NDEBUG,
 * and a property that stops being checked there would pass silently. */
#define FUZZ_CHECK(cond)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* True if a fixed char array holds its NUL: nothing reading it as a C string
 * can run past its end. */
#define FUZZ_TERMINATED(arr) (memchr((arr), '\0', sizeof(arr)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FNV-1a: split points and options that follow from the input, so one
 * input always replays the same way. */
static inline uint32_t fuzz_hash(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    return h;
}

/* A copy in its own exactly sized heap block: ASan then reports any read
 * past the bytes the library was given. The caller frees it. */
static inline uint8_t *fuzz_dup(const uint8_t *data, size_t size)
{
    uint8_t *p = malloc(size ? size : 1);
    FUZZ_CHECK(p != NULL);
    if (size)
        memcpy(p, data, size);
    return p;
}

/* One reusable one-byte heap block (as exact as any other piece). */
static inline uint8_t *fuzz_one_byte_block(void)
{
    static uint8_t *one;
    if (!one)
        one = fuzz_dup((const uint8_t *)"", 1);
    return one;
}

/* fuzz_dup() for one piece of a split input; a one-byte piece reuses the
 * one-byte block, since byte-at-a-time feeding would otherwise spend its
 * time in malloc. Release it with fuzz_piece_done(). */
static inline uint8_t *fuzz_piece(const uint8_t *data, size_t size)
{
    if (size != 1)
        return fuzz_dup(data, size);
    uint8_t *b = fuzz_one_byte_block();
    b[0] = data[0];
    return b;
}

static inline void fuzz_piece_done(uint8_t *piece)
{
    if (piece != fuzz_one_byte_block())
        free(piece);
}

#endif /* HC_FUZZ_COMMON_H */
