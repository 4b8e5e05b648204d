/* CRC-32 as zlib computes it (reflected, polynomial 0xEDB88320), written
 * out bit by bit apart from the library's own, so tests can
 * craft and check saved images independently. Test code. */
#ifndef HC_CRC32_REF_H
#define HC_CRC32_REF_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t crc32_ref(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc & 1u) ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
    return ~crc;
}

#endif /* HC_CRC32_REF_H */
