/* The native match engine: systems, hashes and the match loop, byte-identical to the Python
   reference (node/systems, node/trace, node/match.py). docs/protocol/sandbox.md, section 4. */
#ifndef NETS_H
#define NETS_H

#include <stddef.h>
#include <stdint.h>

#define NETS_MAX_STATE 16384 /* largest encoding or observation of any system (snake 64x64) */

void nets_keccak256(const uint8_t *data, size_t len, uint8_t out[32]);
void nets_sha256_prefixed(uint8_t prefix, const uint8_t *data, size_t len, uint8_t out[32]);
void nets_merkle_root(uint8_t *hashes, size_t n, uint8_t out[32]);
size_t nets_leaf_hashes(const uint8_t *blob, size_t len, uint8_t *out, size_t max);

/* One system's transition function on its own decoded state (at most NETS_MAX_STATE bytes). */
typedef struct {
    size_t state_size;
    int (*load)(void *state, const uint8_t *encoding, size_t len); /* 0, or -1 if not handled */
    size_t (*encode)(const void *state, uint8_t *out);
    int (*running)(const void *state);
    size_t (*observe)(const void *state, int abi, uint8_t *out);
    int (*to_action)(const void *state, uint64_t value, uint64_t *action); /* 0: rejected */
    void (*step)(void *state, uint64_t action);
    void (*forfeit)(void *state);
    int64_t (*score)(const void *state);
} nets_system;

const nets_system *nets_system_by_id(int system_id);

/* draw(seed, counter) = keccak256(seed || uint256(counter)), as the 32 big-endian bytes. */
void nets_draw(const uint8_t seed[32], uint64_t counter, uint8_t out[32]);
/* (draw >> (8 * drop_bytes)) % m for a 256-bit big-endian draw. */
uint32_t nets_draw_mod(const uint8_t draw[32], int drop_bytes, uint32_t m);

static inline uint16_t nets_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t nets_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t nets_be64(const uint8_t *p) {
    return (uint64_t)nets_be32(p) << 32 | nets_be32(p + 4);
}
static inline void nets_put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void nets_put32(uint8_t *p, uint32_t v) {
    nets_put16(p, (uint16_t)(v >> 16));
    nets_put16(p + 2, (uint16_t)v);
}
static inline void nets_put64(uint8_t *p, uint64_t v) {
    nets_put32(p, (uint32_t)(v >> 32));
    nets_put32(p + 4, (uint32_t)v);
}

#define NETS_FORFEIT 0xFF
#define NETS_RUNNING 0

#endif
