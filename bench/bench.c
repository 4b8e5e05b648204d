/* See bench.h. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>


void hc_bench_measure(void (*fn)(void *ctx), void *ctx)
{
    fn(ctx);
}

void hc_bench_require(int ok, const char *file, int line, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "%s:%d: benchmark check failed: %s\n", file, line, what);
    exit(1);
}

size_t hc_bench_count(int argc, char **argv, int index, size_t fallback)
{
    if (argc <= index)
        return fallback;
    char *end;
    unsigned long long n = strtoull(argv[index], &end, 10);
    if (*end || end == argv[index] || n == 0 || n > 100000000ull) {
        fprintf(stderr, "bad count '%s' (1..100000000)\n", argv[index]);
        exit(2);
    }
    return (size_t)n;
}

void hc_bench_report(const char *scenario, size_t ops, const char *unit)
{
    printf("ops %zu %s\n", ops, unit);
    printf("%s: %zu %s measured, all checked\n", scenario, ops, unit);
}

void hc_bench_report_bytes(size_t bytes)
{
    printf("bytes %zu\n", bytes);
}
