/* The LAN9118-family Ethernet controller as a polled lwIP netif. See
 * lan9118.h. Register names and bits follow SMSC's LAN9220 data sheet;
 * only 32-bit accesses are used. */
#include "lan9118.h"

#include <stdbool.h>
#include <string.h>
#include "board.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "netif/ethernet.h"

/* System control and status registers (offsets from the base). */
#define RX_DATA_FIFO   0x00u
#define TX_DATA_FIFO   0x20u
#define RX_STATUS_FIFO 0x40u
#define TX_STATUS_FIFO 0x48u
#define ID_REV         0x50u
#define IRQ_CFG        0x54u
#define INT_EN         0x5Cu
#define BYTE_TEST      0x64u
#define RX_CFG         0x6Cu
#define TX_CFG         0x70u
#define HW_CFG         0x74u
#define RX_FIFO_INF    0x7Cu
#define TX_FIFO_INF    0x80u
#define PMT_CTRL       0x84u
#define FREE_RUN       0x9Cu
#define MAC_CSR_CMD    0xA4u
#define MAC_CSR_DATA   0xA8u

#define BYTE_TEST_VALUE   0x87654321u
#define HW_CFG_SRST       (1u << 0)
#define PMT_CTRL_READY    (1u << 0)
#define TX_CFG_TX_ON      (1u << 1)
#define TX_CFG_TXSAO      (1u << 2)  /* the status FIFO may overrun */
#define CSR_BUSY          (1u << 31)
#define CSR_READ          (1u << 30)
#define FIFO_INF_USED(v)  (((v) >> 16) & 0xFFu)  /* status entries waiting */
#define TX_FIFO_FREE(v)   ((v) & 0xFFFFu)        /* bytes free in the data FIFO */
#define RX_STS_ERROR      (1u << 15)
#define RX_STS_LENGTH(v)  (((v) >> 16) & 0x3FFFu) /* frame bytes with the FCS */
#define TX_STS_ERROR      (1u << 15)
#define TX_CMD_A_FIRST    (1u << 13)
#define TX_CMD_A_LAST     (1u << 12)

/* MAC registers, reached through MAC_CSR_CMD/DATA. */
#define MAC_CR      1u
#define MAC_ADDRH   2u
#define MAC_ADDRL   3u
#define MAC_MII_ACC 6u
#define MAC_MII_DATA 7u
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_RXEN (1u << 2)
#define MAC_CR_FDPX (1u << 20)
#define MII_ACC_BUSY  (1u << 0)
#define MII_ACC_WRITE (1u << 1)
#define PHY_ADDRESS 1u  /* the internal PHY */

/* PHY registers (IEEE 802.3 clause 22). */
#define PHY_BMCR 0u
#define PHY_BMSR 1u
#define PHY_ANAR 4u
#define BMCR_RESET       (1u << 15)
#define BMCR_AN_ENABLE   (1u << 12)
#define BMCR_AN_RESTART  (1u << 9)
#define BMSR_LINK_UP     (1u << 2)
#define ANAR_10_100_ALL  0x01E1u  /* 10/100, half and full duplex, 802.3 */

/* Bounds of every wait on the controller: far more than it needs. */
#define SPIN_LIMIT 100000u
#define LINK_CHECK_MS 500u
#define FCS_LEN 4u
#define FRAME_MAX 1518u  /* with the FCS; no VLAN tags here */

static uint32_t frame[(FRAME_MAX + 3u) / 4u]; /* one frame, whole words */
static lan9118_stats_t stats;
static uint32_t link_checked_at;

static uint32_t reg_read(uint32_t offset)
{
    return *(volatile uint32_t *)(BOARD_LAN9118_BASE + offset);
}

static void reg_write(uint32_t offset, uint32_t value)
{
    *(volatile uint32_t *)(BOARD_LAN9118_BASE + offset) = value;
}

/* Wait until the bits of @p mask in register @p offset read @p want. */
static bool wait_for(uint32_t offset, uint32_t mask, uint32_t want)
{
    for (uint32_t i = 0; i < SPIN_LIMIT; i++)
        if ((reg_read(offset) & mask) == want)
            return true;
    return false;
}

static bool mac_read(uint32_t reg, uint32_t *value)
{
    reg_write(MAC_CSR_CMD, CSR_BUSY | CSR_READ | reg);
    if (!wait_for(MAC_CSR_CMD, CSR_BUSY, 0))
        return false;
    *value = reg_read(MAC_CSR_DATA);
    return true;
}

static bool mac_write(uint32_t reg, uint32_t value)
{
    reg_write(MAC_CSR_DATA, value);
    reg_write(MAC_CSR_CMD, CSR_BUSY | reg);
    return wait_for(MAC_CSR_CMD, CSR_BUSY, 0);
}

static bool mii_idle(void)
{
    for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
        uint32_t acc;
        if (!mac_read(MAC_MII_ACC, &acc))
            return false;
        if ((acc & MII_ACC_BUSY) == 0)
            return true;
    }
    return false;
}

static bool phy_read(uint32_t reg, uint32_t *value)
{
    if (!mii_idle() || !mac_write(MAC_MII_ACC, PHY_ADDRESS << 11 | reg << 6 | MII_ACC_BUSY) ||
        !mii_idle())
        return false;
    return mac_read(MAC_MII_DATA, value);
}

static bool phy_write(uint32_t reg, uint32_t value)
{
    return mii_idle() && mac_write(MAC_MII_DATA, value) &&
           mac_write(MAC_MII_ACC, PHY_ADDRESS << 11 | reg << 6 | MII_ACC_WRITE | MII_ACC_BUSY) &&
           mii_idle();
}

static bool phy_link_up(void)
{
    uint32_t bmsr;
    return phy_read(PHY_BMSR, &bmsr) && (bmsr & BMSR_LINK_UP) != 0;
}

/* The LAN9118 and LAN9220 families: LAN9115..9118, LAN9210..9221. */
static bool known_chip(uint32_t id_rev)
{
    uint32_t id = id_rev >> 16;
    return (id >= 0x0115u && id <= 0x0118u) || (id >= 0x9210u && id <= 0x9221u);
}

static bool read_mac_address(struct netif *netif)
{
    uint32_t lo, hi;
    if (!mac_read(MAC_ADDRL, &lo) || !mac_read(MAC_ADDRH, &hi))
        return false;
    const uint8_t mac[ETH_HWADDR_LEN] = {(uint8_t)lo, (uint8_t)(lo >> 8), (uint8_t)(lo >> 16),
                                         (uint8_t)(lo >> 24), (uint8_t)hi, (uint8_t)(hi >> 8)};
    memcpy(netif->hwaddr, mac, sizeof mac);
    netif->hwaddr_len = ETH_HWADDR_LEN;
    return true;
}

static bool start_phy(void)
{
    uint32_t bmcr;
    if (!phy_write(PHY_BMCR, BMCR_RESET))
        return false;
    for (uint32_t i = 0; i < SPIN_LIMIT; i++) {
        if (!phy_read(PHY_BMCR, &bmcr))
            return false;
        if ((bmcr & BMCR_RESET) == 0)
            return phy_write(PHY_ANAR, ANAR_10_100_ALL) &&
                   phy_write(PHY_BMCR, BMCR_AN_ENABLE | BMCR_AN_RESTART);
    }
    return false;
}

/* lwIP's linkoutput: one frame into the TX data FIFO, as one buffer. */
static err_t low_level_output(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    uint16_t len = p->tot_len;
    if (len > FRAME_MAX - FCS_LEN || TX_FIFO_FREE(reg_read(TX_FIFO_INF)) < len + 8u) {
        stats.tx_errors++;
        return ERR_MEM; /* dropped: TCP sends it again */
    }
    (void)pbuf_copy_partial(p, frame, len, 0);
    reg_write(TX_DATA_FIFO, TX_CMD_A_FIRST | TX_CMD_A_LAST | len);
    reg_write(TX_DATA_FIFO, (uint32_t)stats.tx_frames << 16 | len); /* tag, length */
    for (uint32_t i = 0; i < (len + 3u) / 4u; i++)
        reg_write(TX_DATA_FIFO, frame[i]);
    stats.tx_frames++;
    /* Collect the statuses of frames sent so far. */
    for (uint32_t n = FIFO_INF_USED(reg_read(TX_FIFO_INF)); n > 0; n--)
        if (reg_read(TX_STATUS_FIFO) & TX_STS_ERROR)
            stats.tx_errors++;
    return ERR_OK;
}

/* The next received frame as a pbuf, NULL when none is waiting (or the
 * one waiting was dropped: check again). */
static struct pbuf *low_level_input(bool *got_one)
{
    *got_one = FIFO_INF_USED(reg_read(RX_FIFO_INF)) > 0;
    if (!*got_one)
        return NULL;
    uint32_t status = reg_read(RX_STATUS_FIFO);
    uint32_t len = RX_STS_LENGTH(status);
    uint32_t words = (len + 3u) / 4u;
    bool usable = (status & RX_STS_ERROR) == 0 && len > FCS_LEN && len <= FRAME_MAX;
    /* A frame leaves the data FIFO only by being read, word by word. */
    for (uint32_t i = 0; i < words; i++) {
        uint32_t w = reg_read(RX_DATA_FIFO);
        if (usable)
            frame[i] = w;
    }
    struct pbuf *p = usable ? pbuf_alloc(PBUF_RAW, (u16_t)(len - FCS_LEN), PBUF_POOL) : NULL;
    if (p == NULL || pbuf_take(p, frame, (u16_t)(len - FCS_LEN)) != ERR_OK) {
        if (p != NULL)
            pbuf_free(p);
        stats.rx_dropped++;
        return NULL;
    }
    return p;
}

static void follow_link(struct netif *netif)
{
    if ((uint32_t)(sys_now() - link_checked_at) < LINK_CHECK_MS)
        return;
    link_checked_at = sys_now();
    bool up = phy_link_up();
    if (up && !netif_is_link_up(netif))
        netif_set_link_up(netif);
    else if (!up && netif_is_link_up(netif))
        netif_set_link_down(netif);
}

unsigned lan9118_ethernetif_input(struct netif *netif)
{
    unsigned handed = 0;
    for (unsigned i = 0; i < LAN9118_INPUT_BUDGET; i++) {
        bool got_one;
        struct pbuf *p = low_level_input(&got_one);
        if (!got_one)
            break;
        if (p == NULL)
            continue;
        if (netif->input(p, netif) != ERR_OK) {
            pbuf_free(p);
            stats.rx_dropped++;
            continue;
        }
        stats.rx_frames++;
        handed++;
    }
    follow_link(netif);
    return handed;
}

err_t lan9118_ethernetif_init(struct netif *netif)
{
    if (reg_read(BYTE_TEST) != BYTE_TEST_VALUE || !known_chip(reg_read(ID_REV)))
        return ERR_IF;
    reg_write(HW_CFG, HW_CFG_SRST);
    if (!wait_for(HW_CFG, HW_CFG_SRST, 0) || !wait_for(PMT_CTRL, PMT_CTRL_READY, PMT_CTRL_READY))
        return ERR_IF;
    reg_write(INT_EN, 0);    /* polled */
    reg_write(IRQ_CFG, 0);
    reg_write(RX_CFG, 0);    /* frames start at a word, no padding */
    if (!read_mac_address(netif) || !start_phy() ||
        !mac_write(MAC_CR, MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_FDPX))
        return ERR_IF;
    reg_write(TX_CFG, TX_CFG_TX_ON | TX_CFG_TXSAO);

    memset(&stats, 0, sizeof stats);
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = low_level_output;
    if (phy_link_up())
        netif->flags |= NETIF_FLAG_LINK_UP;
    link_checked_at = sys_now();
    return ERR_OK;
}

lan9118_stats_t lan9118_stats(void)
{
    return stats;
}

uint32_t lan9118_free_run(void)
{
    return reg_read(FREE_RUN);
}
