/* The heartbeat's board on QEMU's mps2-an386 (Cortex-M4F, LAN9118
 * Ethernet): the whole firmware, from the board support in
 * boards/mps2_an386 (start-up code, SysTick clock, semihosting console and
 * exit, the polled LAN9118 netif) to HTTPS through hb_tls.c.
 *
 * lwIP runs NO_SYS=1 from the main loop only: board_poll_network() hands
 * received frames to lwIP and runs its timers; no interrupt touches it.
 * The address and the DNS server come from DHCP. When a turn of the loop
 * takes in no frame, the core sleeps (WFI) until the next SysTick, as a
 * low-power device would; the time asleep is counted, so that
 * board_instructions() can tell work from waiting.
 *
 * EMULATOR ONLY: randomness is the host's /dev/urandom and wall-clock time
 * the host's clock, both through semihosting (entropy_emulator.c refuses
 * to build elsewhere). A device has a TRNG, and an RTC or SNTP.
 *
 * One cycle: a start ping, a success ping with the same run id, then a
 * log ping whose body says how the run went; then the program ends, its
 * exit status 0 only if every ping was delivered. The TLS session is kept
 * for the next boot in "retained memory": EMULATOR ONLY as well, a host
 * file written through semihosting where a device has RTC memory.
 */
#include "board.h"

#include <stddef.h>
#include "board_common.h"
#include "entropy_emulator.h"
#include "figures.h"
#include "healthchecks/hc_buf.h"
#include "lan9118.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "semihosting.h"

#ifndef HB_PING_URL
#define HB_PING_URL "https://hc-ping.test/ping"
#endif
#ifndef HB_CHECK_UUID
#define HB_CHECK_UUID "45c9d87e-c6e4-42c7-ba1e-921cfc827121"
#endif
/* Short bounds: a ping that cannot get through is reported failed after
 * at most HB_DEADLINE_MS; the run ends within twice that. */
#ifndef HB_CONNECT_TIMEOUT_MS
#define HB_CONNECT_TIMEOUT_MS 3000u
#endif
#ifndef HB_DEADLINE_MS
#define HB_DEADLINE_MS 8000u
#endif
/* A run that gets no address by then ends (failed) instead of waiting. */
#ifndef HB_NETWORK_WAIT_MS
#define HB_NETWORK_WAIT_MS 20000u
#endif

#define SYS_TIME 0x11u            /* semihosting: the host's time, seconds since 1970 */
#define FREE_RUN_NS_PER_TICK 40u  /* the LAN9118's counter runs at 25 MHz */
#define EXIT_FATAL 3

uint32_t board_random32(void); /* arch/cc.h */

static struct netif eth;
static int64_t unix_time_at_boot;
static uint64_t free_run_ticks;   /* since reset, widened to 64 bits */
static uint32_t free_run_last;
static uint64_t asleep_ticks;

/* ---- clocks ---- */

u32_t sys_now(void)
{
    return board_millis();
}

int64_t board_unix_time(void)
{
    return unix_time_at_boot + (int64_t)(board_millis() / 1000u);
}

static uint64_t ticks_since_reset(void)
{
    uint32_t now = lan9118_free_run();
    free_run_ticks += (uint32_t)(now - free_run_last);
    free_run_last = now;
    return free_run_ticks;
}

uint64_t board_instructions(void)
{
    return (ticks_since_reset() - asleep_ticks) * FREE_RUN_NS_PER_TICK;
}

/* Until the next interrupt (SysTick's, within 1 ms), not counted as work. */
static void sleep_until_interrupt(void)
{
    uint64_t before = ticks_since_reset();
    __asm__ volatile("dsb\n\twfi" ::: "memory");
    asleep_ticks += ticks_since_reset() - before;
}

/* ---- memory that survives a restart: a host file (emulator only) ---- */

/* In QEMU's working directory; a device keeps these bytes in RTC memory. */
static const char retained_file[] = "hb-retained.bin";

size_t board_retained_load(uint8_t *buf, size_t cap)
{
    long n = semihosting_file_read(retained_file, buf, (uint32_t)cap);
    return n > 0 ? (size_t)n : 0;
}

void board_retained_save(const uint8_t *buf, size_t len)
{
    if (semihosting_file_write(retained_file, buf, (uint32_t)len) != 0)
        board_puts("hb: retained memory not written\n");
}

/* ---- randomness and failure ---- */

uint32_t board_random32(void)
{
    uint32_t v;
    if (entropy_emulator_read((uint8_t *)&v, sizeof v) != 0)
        board_fatal("no randomness from the host (semihosting)");
    return v;
}

void board_fatal(const char *why)
{
    board_puts("hb: fatal: ");
    board_puts(why);
    board_putc('\n');
    board_exit(EXIT_FATAL);
}

/* ---- the log ping's body ---- */

static size_t report_run(void *arg, const heartbeat_t *hb, char *buf, size_t size)
{
    (void)arg;
    hc_buf_t b;
    hc_buf_init(&b, buf, size);
    hc_buf_puts(&b, "run ");
    hc_buf_puts(&b, hb->rid);
    hc_buf_puts(&b, " on mps2_an386: ");
    hc_buf_put_u32(&b, hb->delivered);
    hc_buf_puts(&b, " of ");
    hc_buf_put_u32(&b, hb->sent);
    hc_buf_puts(&b, " pings delivered before this one, ");
    hc_buf_put_u32(&b, board_millis());
    hc_buf_puts(&b, " ms after reset\n");
    return hc_buf_ok(&b) ? b.len : 0;
}

/* ---- the board ---- */

void board_init(hb_settings_t *settings)
{
    (void)ticks_since_reset(); /* the controller's reset below restarts its counter */
    unix_time_at_boot = (int64_t)semihosting_call(SYS_TIME, 0);

    lwip_init();
    if (netif_add(&eth, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, NULL,
                  lan9118_ethernetif_init, netif_input) == NULL)
        board_fatal("no LAN9118 Ethernet controller");
    free_run_last = lan9118_free_run();
    netif_set_default(&eth);
    netif_set_up(&eth);
    if (dhcp_start(&eth) != ERR_OK)
        board_fatal("dhcp_start");

    settings->ping_url = HB_PING_URL;
    settings->check_uuid = HB_CHECK_UUID;
    settings->interval_ms = 60000u;
    settings->retry_min_ms = 5000u;
    settings->with_start = true;
    settings->report = report_run;
    settings->connect_timeout_ms = HB_CONNECT_TIMEOUT_MS;
    settings->deadline_ms = HB_DEADLINE_MS;
}

void board_poll_network(void)
{
    unsigned frames = lan9118_ethernetif_input(&eth);
    sys_check_timeouts();
    if (frames == 0)
        sleep_until_interrupt();
}

bool board_network_ready(void)
{
    static bool announced;
    bool ready = netif_is_link_up(&eth) && dhcp_supplied_address(&eth);
    if (ready && !announced) {
        char line[64];
        hc_buf_t b;
        hc_buf_init(&b, line, sizeof line - 1);
        hc_buf_puts(&b, "hb: address ");
        hc_buf_puts(&b, ip4addr_ntoa(netif_ip4_addr(&eth)));
        hc_buf_puts(&b, " from DHCP\n");
        line[b.len] = '\0';
        board_puts(line);
        announced = true;
    }
    return ready;
}

bool board_keep_running(const heartbeat_t *hb)
{
    figures_watch_pings(hb);
    if (hb->sent == 0 && board_millis() > HB_NETWORK_WAIT_MS)
        board_fatal("no address from DHCP");
    if (hb->cycles == 0)
        return true;
    char line[128];
    hc_buf_t b;
    hc_buf_init(&b, line, sizeof line - 1);
    hc_buf_puts(&b, "hb: pings sent ");
    hc_buf_put_u32(&b, hb->sent);
    hc_buf_puts(&b, ", delivered ");
    hc_buf_put_u32(&b, hb->delivered);
    hc_buf_puts(&b, ", failed ");
    hc_buf_put_u32(&b, hb->failed);
    hc_buf_puts(&b, "; last: ");
    hc_buf_puts(&b, hc_strerror(hb->last_result));
    hc_buf_putc(&b, '\n');
    line[b.len] = '\0';
    board_puts(line);
    figures_report(hb);
    return false;
}
