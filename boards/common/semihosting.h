/**
 * @file semihosting.h
 * @brief Semihosting: the program asks the debugger or emulator on the
 *        host to do I/O for it, through a breakpoint instruction the host
 *        traps (Arm's "Semihosting for AArch32 and AArch64", and the RISC-V
 *        semihosting specification, which reuses Arm's calls).
 *
 * QEMU serves it with `-semihosting-config enable=on,target=native`. On a
 * device without a debugger attached the call faults instead: a firmware
 * image for the field must not call these.
 */
#ifndef HC_SEMIHOSTING_H
#define HC_SEMIHOSTING_H

#include <stdint.h>

/** Operation numbers (the same on Arm and RISC-V). */
enum semihosting_op {
    SEMIHOSTING_SYS_OPEN = 0x01,          /**< open a host file */
    SEMIHOSTING_SYS_CLOSE = 0x02,         /**< close it */
    SEMIHOSTING_SYS_WRITE0 = 0x04,        /**< write a NUL-terminated string to the console */
    SEMIHOSTING_SYS_WRITE = 0x05,         /**< write to a host file */
    SEMIHOSTING_SYS_READ = 0x06,          /**< read from a host file */
    SEMIHOSTING_SYS_FLEN = 0x0c,          /**< the length of a host file */
    SEMIHOSTING_SYS_EXIT = 0x18,          /**< end the program */
    SEMIHOSTING_SYS_EXIT_EXTENDED = 0x20  /**< end it with an exit status */
};

/** SYS_EXIT reasons. */
#define SEMIHOSTING_ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define SEMIHOSTING_ADP_STOPPED_RUNTIME_ERROR 0x20023u

/**
 * Make one semihosting call (written in assembly per architecture in
 * semihosting.c: Thumb `bkpt 0xab`; RISC-V `slli x0,x0,0x1f; ebreak;
 * srai x0,x0,7`, uncompressed and within one page).
 * @param[in] op  an operation number.
 * @param[in] arg its argument: a value or the address of a parameter block.
 * @return the host's result.
 */
uintptr_t semihosting_call(uintptr_t op, uintptr_t arg);

/**
 * Write @p s to the host's console.
 * @param[in] s NUL-terminated.
 */
void semihosting_write0(const char *s);

/**
 * Read the whole host file @p path (relative to the emulator's working
 * directory) into @p buf.
 * @param[in]  path NUL-terminated.
 * @param[out] buf  where its bytes go.
 * @param[in]  cap  bytes available at @p buf.
 * @return its length (0..cap), or -1 when it is missing, unreadable or
 *         larger than @p cap.
 */
long semihosting_file_read(const char *path, uint8_t *buf, uint32_t cap);

/**
 * Create or replace the host file @p path with @p len bytes of @p data.
 * @param[in] path NUL-terminated.
 * @param[in] data the bytes.
 * @param[in] len  how many.
 * @return 0, or -1 on failure.
 */
int semihosting_file_write(const char *path, const uint8_t *data, uint32_t len);

/**
 * End the program with @p status as the host's exit status
 * (SYS_EXIT_EXTENDED; a host without it gets SYS_EXIT, which carries only
 * success or failure). Never returns.
 * @param[in] status 0..255.
 */
__attribute__((noreturn)) void semihosting_exit(uint32_t status);

#endif /* HC_SEMIHOSTING_H */
