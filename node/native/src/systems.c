/* The PRNG draw shared by the systems and the registry of native systems by system id. */
#include <string.h>

#include "nets.h"

void nets_draw(const uint8_t seed[32], uint64_t counter, uint8_t out[32]) {
    uint8_t buf[64] = {0};
    memcpy(buf, seed, 32);
    nets_put64(buf + 56, counter);
    nets_keccak256(buf, 64, out);
}

uint32_t nets_draw_mod(const uint8_t draw[32], int drop_bytes, uint32_t m) {
    uint64_t r = 0;
    for (int i = 0; i < 32 - drop_bytes; i++) r = (r * 256 + draw[i]) % m;
    return (uint32_t)r;
}

extern const nets_system NETS_SNAKE, NETS_RPS, NETS_CONNECT4, NETS_PREDICT;

const nets_system *nets_system_by_id(int system_id) {
    switch (system_id) {
        case 1: return &NETS_SNAKE;
        case 2: return &NETS_RPS;
        case 3: return &NETS_CONNECT4;
        case 4: return &NETS_PREDICT;
        default: return NULL;
    }
}
