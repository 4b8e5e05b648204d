/* HTTPS for the heartbeat firmware. See hb_tls.h. */
#include "hb_tls.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>
#include "board.h"
#include "healthchecks/hc_url.h"
#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "psa/crypto.h"

uint32_t board_random32(void); /* arch/cc.h: the board's random source */

static unsigned char arena[HB_TLS_ARENA_SIZE] __attribute__((aligned(8)));
static hc_mbedtls_t tls;

hc_err_t hb_tls_init(const hc_transport_t *inner, hc_transport_t *out)
{
    mbedtls_memory_buffer_alloc_init(arena, sizeof arena);
    hc_mbedtls_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ca = hb_tls_ca;
    cfg.ca_len = hb_tls_ca_len;
    hc_err_t err = hc_mbedtls_init(&tls, inner, &cfg);
    if (err == HC_OK)
        *out = hc_mbedtls_transport(&tls);
    return err;
}

/* The session's bytes on their way to or from retained memory. */
static uint8_t session_bytes[HB_TLS_SESSION_MAX];

hc_err_t hb_tls_restore_session(const char *url)
{
    hc_url_t u;
    hc_err_t err = hc_url_parse(url, &u);
    if (err != HC_OK)
        return err;
    size_t len = board_retained_load(session_bytes, sizeof session_bytes);
    return hc_mbedtls_session_restore(&tls, u.host, u.port, board_unix_time(), session_bytes,
                                      len);
}

void hb_tls_keep_session(void)
{
    size_t len = 0;
    if (hc_mbedtls_session_save(&tls, board_unix_time(), session_bytes, sizeof session_bytes,
                                &len) != HC_OK)
        len = 0; /* none: the next boot makes a full handshake */
    board_retained_save(session_bytes, len);
}

const hc_mbedtls_t *hb_tls_context(void)
{
    return &tls;
}

hb_tls_arena_t hb_tls_arena(void)
{
    hb_tls_arena_t a;
    mbedtls_memory_buffer_alloc_cur_get(&a.used, &a.blocks);
    mbedtls_memory_buffer_alloc_max_get(&a.peak_used, &a.peak_blocks);
    return a;
}

void hb_tls_arena_reset_peak(void)
{
    mbedtls_memory_buffer_alloc_max_reset();
}

/* ---- what firmware/hb_mbedtls_config.h asks of the platform ---- */

void hb_mbedtls_exit(int status)
{
    (void)status;
    board_fatal("mbedtls: arena corrupted");
}

int hb_mbedtls_diag(const char *format, ...)
{
    board_fatal(format); /* only ever the allocator's "FATAL: ..." */
    return 0;
}

int64_t hb_mbedtls_time(int64_t *t)
{
    int64_t now = board_unix_time();
    if (t != NULL)
        *t = now;
    return now;
}

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)board_unix_time() * 1000;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian), after
 * Howard Hinnant's civil_from_days. */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    int64_t t = (int64_t)*tt;
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t mday = doy - (153 * mp + 2) / 5 + 1;
    int64_t mon = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (mon <= 2);
    memset(tm_buf, 0, sizeof *tm_buf);
    tm_buf->tm_year = (int)(year - 1900);
    tm_buf->tm_mon = (int)(mon - 1);
    tm_buf->tm_mday = (int)mday;
    tm_buf->tm_hour = (int)(secs / 3600);
    tm_buf->tm_min = (int)(secs / 60 % 60);
    tm_buf->tm_sec = (int)(secs % 60);
    return tm_buf;
}

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context,
                                             uint8_t *output, size_t output_size,
                                             size_t *output_length)
{
    (void)context;
    for (size_t i = 0; i < output_size; i += 4) {
        uint32_t r = board_random32();
        size_t n = output_size - i < 4 ? output_size - i : 4;
        memcpy(output + i, &r, n);
    }
    *output_length = output_size;
    return PSA_SUCCESS;
}
