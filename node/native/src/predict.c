/* predict (id 4): node/systems/predict.py, docs/protocol/systems.md#predict. */
#include <string.h>

#include "nets.h"

enum { DONE = 1, HEADER = 64, AFFINE = 0, PERIODIC = 1, FIBONACCI = 2 };

typedef struct {
    uint8_t status, noise, hist_len, kind, a, b, c, period;
    uint8_t seed[32];
    uint64_t counter;
    uint16_t length, steps;
    uint32_t score;
    uint8_t pattern[8];
    uint8_t history[32]; /* newest first */
} predict;

static int load(void *state, const uint8_t *p, size_t len) {
    predict *s = state;
    if (len < HEADER) return -1;
    s->status = p[0];
    memcpy(s->seed, p + 1, 32);
    s->counter = nets_be64(p + 33);
    s->length = nets_be16(p + 41);
    s->noise = p[43];
    s->hist_len = p[44];
    s->steps = nets_be16(p + 45);
    s->score = nets_be32(p + 47);
    s->kind = p[51];
    s->a = p[52];
    s->b = p[53];
    s->c = p[54];
    s->period = p[55];
    memcpy(s->pattern, p + 56, 8);
    if (s->hist_len < 2 || s->hist_len > 32 || len != HEADER + (size_t)s->hist_len) return -1;
    if (s->period < 2 || s->period > 8) return -1;
    memcpy(s->history, p + HEADER, s->hist_len);
    return 0;
}

static size_t encode(const void *state, uint8_t *p) {
    const predict *s = state;
    p[0] = s->status;
    memcpy(p + 1, s->seed, 32);
    nets_put64(p + 33, s->counter);
    nets_put16(p + 41, s->length);
    p[43] = s->noise;
    p[44] = s->hist_len;
    nets_put16(p + 45, s->steps);
    nets_put32(p + 47, s->score);
    p[51] = s->kind;
    p[52] = s->a;
    p[53] = s->b;
    p[54] = s->c;
    p[55] = s->period;
    memcpy(p + 56, s->pattern, 8);
    memcpy(p + HEADER, s->history, s->hist_len);
    return HEADER + (size_t)s->hist_len;
}

static int running(const void *state) { return ((const predict *)state)->status == NETS_RUNNING; }

static size_t observe(const void *state, int abi, uint8_t *p) {
    const predict *s = state;
    if (abi == 0) {
        memset(p, 0, 8);
        for (int i = 0; i < 8 && i < s->hist_len; i++) p[7 - i] = s->history[i];
        return 8;
    }
    nets_put16(p, s->steps);
    nets_put16(p + 2, s->length);
    p[4] = s->hist_len;
    memcpy(p + 5, s->history, s->hist_len);
    return 5 + (size_t)s->hist_len;
}

static int to_action(const void *state, uint64_t value, uint64_t *action) {
    (void)state;
    *action = value % 256;
    return 1;
}

static uint32_t next_value(const predict *s, uint32_t t, uint32_t h0, uint32_t h1,
                           const uint8_t r[32]) {
    if (nets_draw_mod(r, 0, 100) < s->noise) return nets_draw_mod(r, 1, 256);
    switch (s->kind) {
        case AFFINE: return (s->a * h0 + s->c) % 256;
        case PERIODIC: return s->pattern[t % s->period];
        case FIBONACCI: return (h0 + h1 + s->c) % 256;
        default: return (s->b * h0 + h1 + s->c) % 256;
    }
}

static void step(void *state, uint64_t action) {
    predict *s = state;
    uint8_t r[32];
    nets_draw(s->seed, s->counter, r);
    uint32_t actual = next_value(s, (uint32_t)s->hist_len + s->steps, s->history[0], s->history[1], r);
    int diff = (int)action - (int)actual;
    if (diff < 0) diff = -diff;
    s->score += (uint32_t)(diff < 4 ? 4 - diff : 0);
    s->steps++;
    s->counter++;
    s->status = s->steps == s->length ? DONE : NETS_RUNNING;
    memmove(s->history + 1, s->history, (size_t)s->hist_len - 1);
    s->history[0] = (uint8_t)actual;
}

static void forfeit(void *state) { ((predict *)state)->status = NETS_FORFEIT; }

static int64_t score(const void *state) {
    const predict *s = state;
    return s->status == NETS_FORFEIT ? -1 : (int64_t)s->score;
}

const nets_system NETS_PREDICT = {sizeof(predict), load, encode, running, observe, to_action,
                                  step, forfeit, score};
