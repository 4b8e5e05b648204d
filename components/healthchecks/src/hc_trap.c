/* The run wrapper; see hc_trap.h. */
#include "healthchecks/hc_trap.h"

#include <string.h>

void hc_trap_config_defaults(hc_trap_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->start_ping = true;
    cfg->use_rid = true;
    cfg->on_success = HC_TRAP_SUCCESS;
    cfg->on_nonzero = HC_TRAP_EXIT_CODE;
    cfg->on_exec_fail = HC_TRAP_FAIL;
}

static hc_err_t prepare(hc_trap_t *t, hc_client_t *c, const hc_trap_config_t *cfg)
{
    if (!t || !c || !cfg || (cfg->ring_size && !cfg->ring))
        return HC_ERR_ARG;
    memset(t, 0, sizeof *t);
    t->client = c;
    t->cfg = *cfg;
    t->ping.uuid = cfg->uuid;
    t->ping.slug = cfg->slug;
    t->ping.create = cfg->create;
    t->ping.signal = HC_SIGNAL_START;
    if (cfg->use_rid && hc_rid_new(c, t->rid) == HC_OK)
        t->ping.rid = t->rid;
    /* A bad target fails now, before the job runs, not after it. */
    hc_err_t err = hc_ping_validate(c, &t->ping);
    t->start_result = t->result = err; /* what hc_trap_poll() reports of a refused start */
    return err;
}

hc_err_t hc_trap_open(hc_trap_t *t, hc_client_t *c, const hc_trap_config_t *cfg)
{
    hc_err_t err = prepare(t, c, cfg);
    if (err == HC_OK && cfg->start_ping)
        t->start_result = err = hc_ping_send(c, &t->ping, NULL);
    return err;
}

/* Starts t->ping for hc_trap_poll(); both *_begin calls share it. */
static hc_err_t begin_ping(hc_trap_t *t)
{
    hc_err_t err = hc_ping_send_begin(t->client, &t->ping);
    t->pending = err == HC_OK;
    t->result = t->pending ? HC_IN_PROGRESS : err;
    return err;
}

hc_err_t hc_trap_open_begin(hc_trap_t *t, hc_client_t *c, const hc_trap_config_t *cfg)
{
    hc_err_t err = prepare(t, c, cfg);
    if (err == HC_OK && cfg->start_ping) {
        err = begin_ping(t);
        t->start_result = t->result;
    }
    return err;
}

hc_err_t hc_trap_set_ring(hc_trap_t *t, uint8_t *ring, size_t size)
{
    if (!t || t->total || (size && !ring))
        return HC_ERR_ARG;
    t->cfg.ring = ring;
    t->cfg.ring_size = size;
    return HC_OK;
}

void hc_trap_log(hc_trap_t *t, const void *data, size_t len)
{
    size_t size = t->cfg.ring_size;
    const uint8_t *p = data;
    if (!p)
        return;  /* nothing to take; not counted as output either */
    t->total += len;
    if (!size)
        return;
    if (len > size) {          /* only the last ring-full can survive */
        p += len - size;
        len = size;
    }
    size_t first = size - t->head < len ? size - t->head : len;
    memcpy(t->cfg.ring + t->head, p, first);
    memcpy(t->cfg.ring, p + first, len - first);
    /* head < size and len <= size, so one subtraction wraps it (no
     * division, which a core without a divide instruction calls out for). */
    size_t next = t->head + len;
    t->head = next >= size ? next - size : next;
    t->len = t->len + len > size ? size : t->len + len;
}

uint64_t hc_trap_cut(const hc_trap_t *t)
{
    return t->total - t->len;
}

static void reverse(uint8_t *a, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        uint8_t x = a[i];
        a[i] = a[n - 1 - i];
        a[n - 1 - i] = x;
    }
}

/* Rotate the ring in place so the oldest byte comes first. */
static void linearize(hc_trap_t *t)
{
    if (t->len < t->cfg.ring_size || t->head == 0)
        return;  /* never wrapped, or wrapped exactly to the start */
    reverse(t->cfg.ring, t->head);
    reverse(t->cfg.ring + t->head, t->len - t->head);
    reverse(t->cfg.ring, t->len);
    t->head = 0;
}

static size_t body_cap(const hc_trap_t *t)
{
    size_t cap = t->cfg.ring_size;
    if (t->cfg.body_limit && t->cfg.body_limit < cap)
        cap = t->cfg.body_limit;
    uint32_t limit;
    if (hc_client_ping_body_limit(t->client, &limit) && limit < cap)
        cap = limit;
    return cap;
}

#define MARK_HEAD "[hc: "
#define MARK_TAIL " bytes cut]\n"
/* Room for the longest marker: an int64_t takes at most 20 characters. */
#define MARK_MAX (sizeof MARK_HEAD - 1 + 20 + sizeof MARK_TAIL - 1)

/* Writes the marker for @p cut dropped bytes into @p mem (@p cap bytes) and
 * returns its length. Measuring a marker is writing it to scratch memory:
 * that counts its digits without a 64-bit division, which would link a
 * libgcc routine of several hundred bytes into 32-bit firmware. */
static size_t put_marker(void *mem, size_t cap, uint64_t cut)
{
    hc_buf_t b;
    hc_buf_init(&b, mem, cap);
    hc_buf_puts(&b, MARK_HEAD);
    hc_buf_put_i64(&b, (int64_t)cut);
    hc_buf_puts(&b, MARK_TAIL);
    return b.len;
}

/* Point the ping's body at the tail of the output, at most body_cap()
 * bytes, led by a marker when anything was dropped. */
static void attach_tail(hc_trap_t *t)
{
    size_t cap = body_cap(t);
    linearize(t);
    if (t->total <= cap) {
        t->ping.body = t->cfg.ring;
        t->ping.body_len = t->len;
        return;
    }
    /* The marker takes room from the kept bytes, which changes the count
     * it reports; two rounds settle the digit count. */
    char scratch[MARK_MAX];
    size_t mark = sizeof MARK_HEAD - 1 + 1 + sizeof MARK_TAIL - 1;
    for (int round = 0; round < 2; round++)
        mark = put_marker(scratch, sizeof scratch, t->total - (cap > mark ? cap - mark : 0));
    size_t keep = cap > mark ? cap - mark : cap;
    uint8_t *body = t->cfg.ring + t->len - keep;
    if (keep < cap) {
        put_marker(body - mark, mark, t->total - keep);
        body -= mark;
        keep = cap;
    }
    t->ping.body = body;
    t->ping.body_len = keep;
}

/* Set up the final ping; false when the mapping says to send nothing. */
static bool prepare_end(hc_trap_t *t, int exit_code)
{
    static const hc_signal_t signals[] = { HC_SIGNAL_SUCCESS, HC_SIGNAL_FAIL,
                                           HC_SIGNAL_LOG, HC_SIGNAL_EXIT };
    /* 127 is what a shell reports for a command it could not run. */
    unsigned status = exit_code < 0 ? 127u : exit_code > 255 ? 255u : (unsigned)exit_code;
    hc_trap_action_t action = exit_code == HC_TRAP_EXEC_FAILED ? t->cfg.on_exec_fail
                              : status == 0 ? t->cfg.on_success : t->cfg.on_nonzero;
    if (action == HC_TRAP_NOTHING)
        return false;
    t->ping.signal = signals[action];
    t->ping.exit_status = status;
    /* Also after a start ping: it may not have arrived to create the check. */
    t->ping.create = t->cfg.create;
    if (t->len)
        attach_tail(t);
    return true;
}

hc_err_t hc_trap_close(hc_trap_t *t, int exit_code)
{
    if (!t || !t->client)
        return HC_ERR_ARG;
    if (!prepare_end(t, exit_code))
        return HC_OK;
    return hc_ping_send(t->client, &t->ping, NULL);
}

hc_err_t hc_trap_close_begin(hc_trap_t *t, int exit_code)
{
    if (!t || !t->client)
        return HC_ERR_ARG;
    /* The start ping still owns the client: finish it first. */
    if (t->pending)
        return HC_ERR_BUSY;
    if (!prepare_end(t, exit_code))
        return t->result = HC_OK;
    return begin_ping(t);
}

hc_err_t hc_trap_poll(hc_trap_t *t)
{
    if (!t || !t->client)
        return HC_ERR_ARG;
    if (!t->pending)
        return t->result;
    hc_err_t err = hc_ping_poll(t->client, NULL);
    t->pending = err == HC_IN_PROGRESS;
    if (t->start_result == HC_IN_PROGRESS && err != HC_IN_PROGRESS)
        t->start_result = err;
    t->result = err;
    return err;
}
