/* The OS abstraction's types, as an RTOS port (FreeRTOS, Zephyr, ...)
 * declares them; only their shape matters for compiling the port. */
#ifndef LWIP_ARCH_SYS_ARCH_H
#define LWIP_ARCH_SYS_ARCH_H

typedef void *sys_sem_t;
typedef void *sys_mutex_t;
typedef void *sys_mbox_t;
typedef void *sys_thread_t;

#define sys_sem_valid(s)            (*(s) != NULL)
#define sys_sem_set_invalid(s)      (*(s) = NULL)
#define sys_mutex_valid(m)          (*(m) != NULL)
#define sys_mutex_set_invalid(m)    (*(m) = NULL)
#define sys_mbox_valid(m)           (*(m) != NULL)
#define sys_mbox_set_invalid(m)     (*(m) = NULL)

#endif /* LWIP_ARCH_SYS_ARCH_H */
