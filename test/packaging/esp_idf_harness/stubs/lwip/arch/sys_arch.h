/* Test stand-in: lwIP's OS types for a threaded (NO_SYS=0) build. */
#ifndef HC_HARNESS_ARCH_SYS_ARCH_H
#define HC_HARNESS_ARCH_SYS_ARCH_H
typedef void *sys_sem_t;
typedef void *sys_mutex_t;
typedef void *sys_mbox_t;
typedef void *sys_thread_t;
typedef int sys_prot_t;
#endif
