/* Emulator-only entropy: the host's /dev/urandom through semihosting. See
 * entropy_emulator.h. */
#ifndef HC_EMULATOR_BUILD
#error "entropy_emulator.c is for QEMU only (it reads the host's /dev/urandom through semihosting); a device must use its hardware RNG"
#endif

#include "entropy_emulator.h"

#include "semihosting.h"

/* Semihosting operations (Arm's "Semihosting for AArch32 and AArch64"). */
#define SYS_OPEN 0x01u
#define SYS_READ 0x06u
#define OPEN_MODE_RB 1u  /* fopen()'s "rb" */

static const char urandom[] = "/dev/urandom";
static intptr_t handle = -1;

static int open_urandom(void)
{
    volatile uintptr_t block[3] = {(uintptr_t)urandom, OPEN_MODE_RB, sizeof urandom - 1};
    uintptr_t h = semihosting_call(SYS_OPEN, (uintptr_t)block);
    if ((intptr_t)h < 0)
        return -1;
    handle = (intptr_t)h;
    return 0;
}

int entropy_emulator_read(uint8_t *buf, size_t len)
{
    if (handle < 0 && open_urandom() != 0)
        return -1;
    /* SYS_READ answers the number of bytes it did NOT read. */
    volatile uintptr_t block[3] = {(uintptr_t)handle, (uintptr_t)buf, len};
    return semihosting_call(SYS_READ, (uintptr_t)block) == 0 ? 0 : -1;
}
