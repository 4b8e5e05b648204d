/**
 * @file entropy_emulator.h
 * @brief Random bytes for the emulated board only: the MPS2 AN386 has no
 *        random number generator, so under QEMU the host's /dev/urandom is
 *        read through semihosting.
 *
 * EMULATOR ONLY. entropy_emulator.c refuses to compile unless the build
 * defines HC_EMULATOR_BUILD, which only the QEMU firmware build does. On a
 * device, seed TLS, TCP sequence numbers, DNS ids and run ids from its
 * hardware RNG (a TRNG peripheral), never from this.
 */
#ifndef ENTROPY_EMULATOR_H
#define ENTROPY_EMULATOR_H

#include <stddef.h>
#include <stdint.h>

/**
 * Fill @p buf with @p len bytes from the host's /dev/urandom (opened on
 * first use and kept open).
 * @param[out] buf where the bytes go.
 * @param[in]  len how many.
 * @return 0, or -1 when the host would not open or read it (no semihosting
 *         host, or no /dev/urandom there): the caller must not go on
 *         without randomness.
 */
int entropy_emulator_read(uint8_t *buf, size_t len);

#endif /* ENTROPY_EMULATOR_H */
