/* hc_trap_log(): job output appended, one 61-byte line at a time, to the
 * tail ring of a run (4 KB, wrapping many times). Counted per byte.
 *
 *   bench_trap_log [lines] */
#include <stdint.h>
#include <string.h>

#include "bench.h"
#include "healthchecks/hc_trap.h"
#include "hc_mock_client.h"

#define UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#define RING_SIZE 4096u

static const char line[] =
    "2026-11-26T13:25:15Z backup: copied 1832 files (41.7 MB), ok\n";
#define LINE_LEN (sizeof line - 1)

typedef struct run {
    hc_trap_t trap;
    size_t lines;
} run_t;

static void log_lines(void *ctx)
{
    run_t *run = ctx;
    for (size_t i = 0; i < run->lines; i++)
        hc_trap_log(&run->trap, line, LINE_LEN);
}

int main(int argc, char **argv)
{
    static run_t run;
    run.lines = hc_bench_count(argc, argv, 1, 100000);
    static hc_test_mock_client_t mc;
    static uint8_t work[512], ring[RING_SIZE];
    const hc_test_mock_spec_t spec = { .work = work, .work_size = sizeof work,
                                       .ping_url = "http://hc.test/ping" };
    HC_BENCH_REQUIRE(hc_test_mock_client(&mc, &spec) == HC_OK);
    hc_trap_config_t tcfg;
    hc_trap_config_defaults(&tcfg);
    tcfg.uuid = UUID;
    tcfg.start_ping = false;  /* only the logging is measured */
    tcfg.ring = ring;
    tcfg.ring_size = sizeof ring;
    HC_BENCH_REQUIRE(hc_trap_open(&run.trap, &mc.client, &tcfg) == HC_OK);

    hc_bench_measure(log_lines, &run);

    uint64_t total = (uint64_t)run.lines * LINE_LEN;
    uint64_t kept = total < RING_SIZE ? total : RING_SIZE;
    HC_BENCH_REQUIRE(hc_trap_cut(&run.trap) == total - kept);
    /* the ring holds the newest bytes of the stream, ending just before head */
    for (size_t back = 1; back <= kept; back++) {
        size_t at = (run.trap.head + RING_SIZE - back) % RING_SIZE;
        HC_BENCH_REQUIRE(ring[at] == (uint8_t)line[LINE_LEN - 1 - (back - 1) % LINE_LEN]);
    }
    HC_BENCH_REQUIRE(mc.mock.next == 0);  /* nothing was sent */
    hc_bench_report("hc_trap_log", (size_t)total, "bytes");
    return 0;
}
