/* What every benchmark program shares: the measured region, its own checks
 * (active in every build type: a benchmark must never measure a failure
 * path), the recorded fixtures, and the one line of output run.sh reads.
 *
 * Only hc_bench_measure() is counted: bench/run.sh runs valgrind with
 * --toggle-collect=hc_bench_measure, so setup and checks stay outside the
 * figures. It lives in its own translation unit so that the compiler can
 * neither inline it nor clone it under another name. */
#ifndef HC_BENCH_H
#define HC_BENCH_H

#include <stddef.h>

/** Run @p fn(@p ctx): the only code whose instructions are counted. */
void hc_bench_measure(void (*fn)(void *ctx), void *ctx);

/** Stop the program with exit status 1 when @p ok is false. */
#define HC_BENCH_REQUIRE(ok) hc_bench_require((ok), __FILE__, __LINE__, #ok)
void hc_bench_require(int ok, const char *file, int line, const char *what);

/** The iteration count from argv[@p index], or @p fallback when absent;
 *  exits on anything but a positive number. */
size_t hc_bench_count(int argc, char **argv, int index, size_t fallback);

/** Print the line run.sh reads: "ops <n> <unit>", then a human summary. */
void hc_bench_report(const char *scenario, size_t ops, const char *unit);

/** Print "bytes <n>": the input bytes the measured operations covered, so
 *  run.sh can also give the cost per byte. */
void hc_bench_report_bytes(size_t bytes);

#endif /* HC_BENCH_H */
