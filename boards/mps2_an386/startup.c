/* Arm MPS2 AN386 (Cortex-M4F): the vector table, FPU enable, SysTick
 * clock and NVIC helpers. Reset and faults are handled by
 * boards/common/startup_cortex_m.c. */
#include "board.h"
#include "startup_cortex_m.h"

extern uint32_t __stack_top[];

/* System control registers (ARMv7-M ARM, B3.2 and B3.3; NVIC B3.4). */
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_TICKINT 0x2u
#define SYST_CSR_CLKSOURCE_CPU 0x4u
#define NVIC_ISER ((volatile uint32_t *)0xE000E100u)
#define NVIC_ICER ((volatile uint32_t *)0xE000E180u)

static volatile uint32_t millis;

static void systick_handler(void)
{
    millis++;
}

/* Handlers a firmware may define; until it does, an interrupt on the line
 * is reported as unexpected. */
#define WEAK_HANDLER(name) \
    void name(void); \
    __attribute__((weak)) void name(void) { board_unexpected_irq(); }
WEAK_HANDLER(UART0RX_IRQHandler)
WEAK_HANDLER(UART0TX_IRQHandler)
WEAK_HANDLER(UART1RX_IRQHandler)
WEAK_HANDLER(UART1TX_IRQHandler)
WEAK_HANDLER(UART2RX_IRQHandler)
WEAK_HANDLER(UART2TX_IRQHandler)
WEAK_HANDLER(TIMER0_IRQHandler)
WEAK_HANDLER(TIMER1_IRQHandler)
WEAK_HANDLER(DUALTIMER_IRQHandler)
WEAK_HANDLER(UARTOVF_IRQHandler)
WEAK_HANDLER(ETHERNET_IRQHandler)
WEAK_HANDLER(UART3RX_IRQHandler)
WEAK_HANDLER(UART3TX_IRQHandler)
WEAK_HANDLER(UART4RX_IRQHandler)
WEAK_HANDLER(UART4TX_IRQHandler)
#undef WEAK_HANDLER

#define IRQ(n, fn) [16 + (n)] = { .handler = fn }
__attribute__((section(".vectors"), used))
const board_vector_t board_vectors[16 + BOARD_IRQ_COUNT] = {
    [0] = { .stack_top = __stack_top },
    [1] = { .handler = board_reset_handler },
    [2] = { .handler = board_fault_handler },   /* NMI */
    [3] = { .handler = board_fault_handler },   /* HardFault */
    [4] = { .handler = board_fault_handler },   /* MemManage */
    [5] = { .handler = board_fault_handler },   /* BusFault */
    [6] = { .handler = board_fault_handler },   /* UsageFault */
    [11] = { .handler = board_unexpected_irq }, /* SVCall */
    [12] = { .handler = board_unexpected_irq }, /* DebugMonitor */
    [14] = { .handler = board_unexpected_irq }, /* PendSV */
    [15] = { .handler = systick_handler },
    IRQ(0, UART0RX_IRQHandler), IRQ(1, UART0TX_IRQHandler),
    IRQ(2, UART1RX_IRQHandler), IRQ(3, UART1TX_IRQHandler),
    IRQ(4, UART2RX_IRQHandler), IRQ(5, UART2TX_IRQHandler),
    IRQ(6, board_unexpected_irq), IRQ(7, board_unexpected_irq),
    IRQ(8, TIMER0_IRQHandler), IRQ(9, TIMER1_IRQHandler), IRQ(10, DUALTIMER_IRQHandler),
    IRQ(11, board_unexpected_irq), IRQ(12, UARTOVF_IRQHandler), IRQ(13, ETHERNET_IRQHandler),
    IRQ(14, board_unexpected_irq), IRQ(15, board_unexpected_irq),
    IRQ(16, board_unexpected_irq), IRQ(17, board_unexpected_irq),
    IRQ(18, UART3RX_IRQHandler), IRQ(19, UART3TX_IRQHandler),
    IRQ(20, UART4RX_IRQHandler), IRQ(21, UART4TX_IRQHandler),
    IRQ(22, board_unexpected_irq), IRQ(23, board_unexpected_irq),
    IRQ(24, board_unexpected_irq), IRQ(25, board_unexpected_irq),
    IRQ(26, board_unexpected_irq), IRQ(27, board_unexpected_irq),
    IRQ(28, board_unexpected_irq), IRQ(29, board_unexpected_irq),
    IRQ(30, board_unexpected_irq), IRQ(31, board_unexpected_irq),
};
#undef IRQ

void board_cpu_init(void)
{
    /* Full access to CP10 and CP11 (the FPU) before any floating-point
     * instruction: the hard-float ABI may use them anywhere. */
    SCB_CPACR |= 0xfu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

void board_hw_init(void)
{
    SYST_RVR = BOARD_CPU_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE_CPU;
}

uint32_t board_millis(void)
{
    return millis;
}

void board_irq_enable(enum board_irq irq)
{
    NVIC_ISER[(unsigned)irq / 32u] = 1u << ((unsigned)irq % 32u);
}

void board_irq_disable(enum board_irq irq)
{
    NVIC_ICER[(unsigned)irq / 32u] = 1u << ((unsigned)irq % 32u);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}
