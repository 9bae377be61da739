/* rps (id 2): node/systems/rps.py, docs/protocol/systems.md#rps. */
#include <string.h>

#include "nets.h"

enum { DONE = 1, HEADER = 60, EMPTY = 0xFF, CYCLE = 0, BIAS = 1, REACT = 2 };

typedef struct {
    uint8_t status, hist_len, kind, a, b, plen, noise;
    uint8_t seed[32];
    uint64_t counter;
    uint16_t rounds, round, wins, losses;
    uint8_t pattern[5];
    uint8_t history[32];
} rps;

static int load(void *state, const uint8_t *p, size_t len) {
    rps *s = state;
    if (len < HEADER) return -1;
    s->status = p[0];
    memcpy(s->seed, p + 1, 32);
    s->counter = nets_be64(p + 33);
    s->rounds = nets_be16(p + 41);
    s->hist_len = p[43];
    s->round = nets_be16(p + 44);
    s->wins = nets_be16(p + 46);
    s->losses = nets_be16(p + 48);
    s->kind = p[50];
    s->a = p[51];
    s->b = p[52];
    s->plen = p[53];
    memcpy(s->pattern, p + 54, 5);
    s->noise = p[59];
    if (s->hist_len < 1 || s->hist_len > 32 || len != HEADER + (size_t)s->hist_len) return -1;
    if (s->plen < 2 || s->plen > 5) return -1;
    memcpy(s->history, p + HEADER, s->hist_len);
    return 0;
}

static size_t encode(const void *state, uint8_t *p) {
    const rps *s = state;
    p[0] = s->status;
    memcpy(p + 1, s->seed, 32);
    nets_put64(p + 33, s->counter);
    nets_put16(p + 41, s->rounds);
    p[43] = s->hist_len;
    nets_put16(p + 44, s->round);
    nets_put16(p + 46, s->wins);
    nets_put16(p + 48, s->losses);
    p[50] = s->kind;
    p[51] = s->a;
    p[52] = s->b;
    p[53] = s->plen;
    memcpy(p + 54, s->pattern, 5);
    p[59] = s->noise;
    memcpy(p + HEADER, s->history, s->hist_len);
    return HEADER + (size_t)s->hist_len;
}

static int running(const void *state) { return ((const rps *)state)->status == NETS_RUNNING; }

static size_t observe(const void *state, int abi, uint8_t *p) {
    const rps *s = state;
    if (abi == 0) {
        uint64_t v = s->round;
        for (int i = 0; i < 6; i++) {
            uint64_t entry = i < s->hist_len ? s->history[i] : EMPTY;
            v |= entry << (16 + 8 * i);
        }
        nets_put64(p, v);
        return 8;
    }
    nets_put16(p, s->round);
    nets_put16(p + 2, s->rounds);
    nets_put16(p + 4, s->wins);
    nets_put16(p + 6, s->losses);
    p[8] = s->hist_len;
    for (int i = 0; i < s->hist_len; i++) {
        uint8_t entry = s->history[i];
        p[9 + 2 * i] = entry == EMPTY ? 0xFF : entry >> 4;
        p[10 + 2 * i] = entry == EMPTY ? 0xFF : entry & 0xF;
    }
    return 9 + 2 * (size_t)s->hist_len;
}

static int to_action(const void *state, uint64_t value, uint64_t *action) {
    (void)state;
    *action = value % 3;
    return 1;
}

static uint32_t opponent_move(const rps *s, const uint8_t r[32]) {
    if (nets_draw_mod(r, 0, 100) < s->noise) return nets_draw_mod(r, 1, 3);
    switch (s->kind) {
        case CYCLE: return (s->a + (uint32_t)s->round * (1 + s->b % 2)) % 3;
        case BIAS: return nets_draw_mod(r, 2, 100) < 60 ? s->a : nets_draw_mod(r, 3, 3);
        case REACT: {
            uint32_t last = s->history[0] == EMPTY ? s->a : (uint32_t)(s->history[0] >> 4);
            return s->b % 2 == 0 ? last : (last + 1) % 3;
        }
        default: return s->pattern[s->round % s->plen];
    }
}

static void step(void *state, uint64_t action) {
    rps *s = state;
    uint8_t r[32];
    nets_draw(s->seed, s->counter, r);
    uint32_t opp = opponent_move(s, r), move = (uint32_t)action;
    if (move == (opp + 1) % 3)
        s->wins++;
    else if (opp == (move + 1) % 3)
        s->losses++;
    s->round++;
    s->counter++;
    s->status = s->round == s->rounds ? DONE : NETS_RUNNING;
    memmove(s->history + 1, s->history, (size_t)s->hist_len - 1);
    s->history[0] = (uint8_t)(move << 4 | opp);
}

static void forfeit(void *state) { ((rps *)state)->status = NETS_FORFEIT; }

static int64_t score(const void *state) {
    const rps *s = state;
    return s->status == NETS_FORFEIT ? -(int64_t)s->rounds - 1 : (int64_t)s->wins - s->losses;
}

const nets_system NETS_RPS = {sizeof(rps), load,      encode, running, observe,
                              to_action,   step,      forfeit, score};
