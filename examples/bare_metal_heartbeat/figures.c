/* The emulated firmware's measurements of itself. See figures.h. */
#include "figures.h"

#include <stdbool.h>
#include <string.h>
#include "board_common.h"
#include "hb_tls.h"
#include "healthchecks/hc_buf.h"

extern uint32_t __stack_top[]; /* the linker script's */

/* One kind of handshake: the latest one of that kind. */
typedef struct handshake_figures {
    uint32_t count;
    uint64_t instructions;
    size_t arena_peak, arena_peak_blocks;
} handshake_figures_t;

static board_stack_mark_t stack_mark;
static hc_transport_t inner, watched;
static bool in_handshake;
static uint64_t handshake_instructions;
static handshake_figures_t full, resumed, restored;
static bool restored_pending;      /* a restored session awaits its first offer */
static hc_err_t restore_result;
static uint64_t first_ping_instructions;
static uint32_t failed_connects;
static hb_tls_arena_t run_peak;

/* The arena's peak since the last reset, folded into the run's. */
static void note_run_peak(void)
{
    hb_tls_arena_t a = hb_tls_arena();
    if (a.peak_used > run_peak.peak_used)
        run_peak.peak_used = a.peak_used;
    if (a.peak_blocks > run_peak.peak_blocks)
        run_peak.peak_blocks = a.peak_blocks;
}

void figures_note_restored(hc_err_t err)
{
    restore_result = err;
    restored_pending = err == HC_OK;
    board_puts("hb: TLS session of the previous boot: ");
    board_puts(err == HC_OK ? "restored" : hc_strerror(err));
    board_putc('\n');
}

void figures_start(void)
{
    board_stack_paint(&stack_mark);
}

static int32_t watch_connect(void *ctx, const char *host, uint16_t port, uint32_t wait_until)
{
    (void)ctx;
    if (!in_handshake) {
        in_handshake = true;
        handshake_instructions = 0;
        note_run_peak();
        hb_tls_arena_reset_peak();
    }
    uint64_t before = board_instructions();
    int32_t r = inner.connect(inner.ctx, host, port, wait_until);
    handshake_instructions += board_instructions() - before;
    if (r == HC_IO_WOULD_BLOCK)
        return r;
    in_handshake = false;
    if (r == 0) {
        bool offered = hb_tls_context()->session_offered;
        handshake_figures_t *f = !offered ? &full : restored_pending ? &restored : &resumed;
        restored_pending = restored_pending && !offered;
        hb_tls_arena_t a = hb_tls_arena();
        f->count++;
        f->instructions = handshake_instructions;
        f->arena_peak = a.peak_used;
        f->arena_peak_blocks = a.peak_blocks;
    } else {
        failed_connects++;
    }
    return r;
}

static int32_t watch_send(void *ctx, const uint8_t *buf, size_t len, uint32_t wait_until)
{
    (void)ctx;
    return inner.send(inner.ctx, buf, len, wait_until);
}

static int32_t watch_recv(void *ctx, uint8_t *buf, size_t len, uint32_t wait_until)
{
    (void)ctx;
    return inner.recv(inner.ctx, buf, len, wait_until);
}

static void watch_close(void *ctx)
{
    (void)ctx;
    in_handshake = false;
    inner.close(inner.ctx);
}

static uint32_t watch_now_ms(void *ctx)
{
    (void)ctx;
    return inner.now_ms(inner.ctx);
}

static void watch_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    if (inner.sleep_ms != NULL)
        inner.sleep_ms(inner.ctx, ms);
}

static int watch_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    return inner.random != NULL ? inner.random(inner.ctx, buf, len) : -1;
}

const hc_transport_t *figures_watch_tls(const hc_transport_t *tls)
{
    inner = *tls;
    watched = (hc_transport_t){.ctx = NULL, .connect = watch_connect, .send = watch_send,
                               .recv = watch_recv, .close = watch_close,
                               .now_ms = watch_now_ms, .sleep_ms = watch_sleep_ms,
                               .random = watch_random};
    return &watched;
}

void figures_watch_pings(const heartbeat_t *hb)
{
    if (first_ping_instructions == 0 && hb->delivered > 0)
        first_ping_instructions = board_instructions();
}

static void figure(const char *name, uint64_t value)
{
    char line[96];
    hc_buf_t b;
    hc_buf_init(&b, line, sizeof line - 1);
    hc_buf_puts(&b, "hb: figure ");
    hc_buf_puts(&b, name);
    hc_buf_putc(&b, ' ');
    hc_buf_put_i64(&b, (int64_t)value);
    hc_buf_putc(&b, '\n');
    line[b.len] = '\0';
    board_puts(line);
}

static void handshake_report(const char *kind, const handshake_figures_t *f)
{
    char name[48];
    static const char *const what[] = {"handshakes", "instructions", "arena_peak_bytes",
                                       "arena_peak_blocks"};
    const uint64_t values[] = {f->count, f->instructions, f->arena_peak, f->arena_peak_blocks};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        hc_buf_t b;
        hc_buf_init(&b, name, sizeof name - 1);
        hc_buf_puts(&b, kind);
        hc_buf_putc(&b, '_');
        hc_buf_puts(&b, what[i]);
        name[b.len] = '\0';
        figure(name, values[i]);
    }
}

void figures_report(const heartbeat_t *hb)
{
    (void)hb;
    bool overflowed = false;
    size_t below_mark = board_stack_used(&stack_mark, &overflowed);
    size_t above_mark = (size_t)((uintptr_t)__stack_top - stack_mark.top);
    hb_tls_arena_t a = hb_tls_arena();
    note_run_peak();
    handshake_report("tls_full", &full);
    handshake_report("tls_resumed", &resumed);
    handshake_report("tls_restored", &restored);
    figure("tls_session_restore_result", (uint64_t)restore_result);
    figure("arena_size_bytes", HB_TLS_ARENA_SIZE);
    figure("arena_held_at_end_bytes", a.used);
    figure("arena_peak_bytes", run_peak.peak_used);
    figure("arena_peak_blocks", run_peak.peak_blocks);
    figure("stack_high_water_bytes", below_mark + above_mark);
    figure("stack_size_bytes", board_stack_size());
    figure("stack_overflowed", overflowed);
    figure("instructions_to_first_delivered_ping", first_ping_instructions);
    figure("instructions_total", board_instructions());
    figure("uptime_ms", board_millis());
    figure("tls_failed_connects", failed_connects);
}
