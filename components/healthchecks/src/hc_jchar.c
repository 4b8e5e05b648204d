/* The JSON byte classes; see hc_jchar.h. */
#include "hc_jchar.h"

#define P HC_JCHAR_PLAIN
#define A (HC_JCHAR_PLAIN | HC_JCHAR_ASCII)
#define W HC_JCHAR_WS

const uint8_t hc_jchar_class[256] = {
    /* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, W, W, 0, 0, W, 0, 0,
    /* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x20 */ A|W, A, 0, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* 0x30 */ A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* 0x40 */ A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* 0x50 */ A, A, A, A, A, A, A, A, A, A, A, A, 0, A, A, A,
    /* 0x60 */ A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* 0x70 */ A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* 0x80 */ P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
    /* 0x90 */ P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
    /* 0xA0 */ P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
    /* 0xB0 */ P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
    /* 0xC0 */ P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
    /* 0xD0 */ P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
    /* 0xE0 */ P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
    /* 0xF0 */ P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,
};
