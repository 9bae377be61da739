/* snake (id 1): node/systems/snake.py, docs/protocol/systems.md#snake. */
#include <string.h>

#include "nets.h"

enum { DEAD = 1, OUT_OF_STEPS = 2, BOARD_FULL = 3, HEADER = 54, MAX_CELLS = 64 * 64 };
#define NO_APPLE 0xFFFF

typedef struct {
    uint8_t status, width, height, direction;
    uint8_t seed[32];
    uint64_t counter;
    uint16_t max_steps, steps, score, apple;
    uint32_t length;
    uint16_t body[MAX_CELLS]; /* head first */
    uint8_t occupied[MAX_CELLS];
} snake;

static int load(void *state, const uint8_t *p, size_t len) {
    snake *s = state;
    if (len < HEADER) return -1;
    s->status = p[0];
    memcpy(s->seed, p + 1, 32);
    s->counter = nets_be64(p + 33);
    s->width = p[41];
    s->height = p[42];
    s->max_steps = nets_be16(p + 43);
    s->steps = nets_be16(p + 45);
    s->score = nets_be16(p + 47);
    s->direction = p[49];
    s->apple = nets_be16(p + 50);
    s->length = nets_be16(p + 52);
    uint32_t cells = (uint32_t)s->width * s->height;
    if (s->width < 4 || s->height < 4 || s->width > 64 || s->height > 64) return -1;
    if (len != HEADER + 2 * (size_t)s->length || s->length < 1 || s->length > cells) return -1;
    memset(s->occupied, 0, cells);
    for (uint32_t i = 0; i < s->length; i++) {
        uint16_t cell = nets_be16(p + HEADER + 2 * i);
        if (cell >= cells || s->occupied[cell]) return -1;
        s->body[i] = cell;
        s->occupied[cell] = 1;
    }
    return 0;
}

static size_t encode(const void *state, uint8_t *p) {
    const snake *s = state;
    p[0] = s->status;
    memcpy(p + 1, s->seed, 32);
    nets_put64(p + 33, s->counter);
    p[41] = s->width;
    p[42] = s->height;
    nets_put16(p + 43, s->max_steps);
    nets_put16(p + 45, s->steps);
    nets_put16(p + 47, s->score);
    p[49] = s->direction;
    nets_put16(p + 50, s->apple);
    nets_put16(p + 52, (uint16_t)s->length);
    for (uint32_t i = 0; i < s->length; i++) nets_put16(p + HEADER + 2 * i, s->body[i]);
    return HEADER + 2 * (size_t)s->length;
}

static int running(const void *state) { return ((const snake *)state)->status == NETS_RUNNING; }

static size_t observe(const void *state, int abi, uint8_t *p) {
    const snake *s = state;
    uint32_t w = s->width, head = s->body[0];
    uint32_t hx = head % w, hy = head / w, ax = 0xFF, ay = 0xFF;
    if (s->apple != NO_APPLE) {
        ax = s->apple % w;
        ay = s->apple / w;
    }
    if (abi == 0) {
        uint64_t v = (uint64_t)hx << 24 | (uint64_t)hy << 16 | (uint64_t)ax << 8 | ay |
                     (uint64_t)s->direction << 32 | (uint64_t)w << 40 | (uint64_t)s->height << 48;
        nets_put64(p, v);
        return 8;
    }
    p[0] = s->width;
    p[1] = s->height;
    p[2] = (uint8_t)hx;
    p[3] = (uint8_t)hy;
    p[4] = (uint8_t)ax;
    p[5] = (uint8_t)ay;
    p[6] = s->direction;
    nets_put16(p + 7, (uint16_t)s->length);
    nets_put16(p + 9, s->steps);
    nets_put16(p + 11, s->max_steps);
    uint8_t *grid = p + 13;
    size_t cells = (size_t)w * s->height;
    memset(grid, 0, cells);
    for (uint32_t i = 0; i < s->length; i++) grid[s->body[i]] = 2;
    grid[s->body[s->length - 1]] = 3;
    grid[head] = 4;
    if (s->apple != NO_APPLE) grid[s->apple] = 1;
    return 13 + cells;
}

static int to_action(const void *state, uint64_t value, uint64_t *action) {
    (void)state;
    *action = value % 4;
    return 1;
}

static void step(void *state, uint64_t action) {
    snake *s = state;
    uint32_t w = s->width, h = s->height, head = s->body[0];
    uint32_t x = head % w, y = head / w;
    s->steps++;
    s->direction = (uint8_t)action;
    int dead = (action == 0 && y == 0) || (action == 1 && y == h - 1) || (action == 2 && x == 0) ||
               (action == 3 && x == w - 1);
    uint32_t new_head = head, tail = s->body[s->length - 1];
    int eats = 0;
    if (!dead) {
        static const int DX[4] = {0, 0, -1, 1}, DY[4] = {-1, 1, 0, 0};
        new_head = (uint32_t)((int)head + DX[action] + DY[action] * (int)w);
        eats = new_head == s->apple;
        dead = s->occupied[new_head] && (eats || new_head != tail);
    }
    if (dead) {
        s->status = DEAD;
        return;
    }
    uint8_t status = s->steps == s->max_steps ? OUT_OF_STEPS : NETS_RUNNING;
    if (!eats) {
        memmove(s->body + 1, s->body, 2 * (size_t)(s->length - 1));
        s->body[0] = (uint16_t)new_head;
        s->occupied[tail] = 0;
        s->occupied[new_head] = 1;
        s->status = status;
        return;
    }
    memmove(s->body + 1, s->body, 2 * (size_t)s->length);
    s->body[0] = (uint16_t)new_head;
    s->occupied[new_head] = 1;
    s->length++;
    uint32_t cells = w * h;
    if (s->length == cells) {
        status = BOARD_FULL;
        s->apple = NO_APPLE;
    } else {
        uint8_t r[32];
        nets_draw(s->seed, s->counter, r);
        uint32_t cell = nets_draw_mod(r, 0, cells);
        while (s->occupied[cell]) cell = cell + 1 < cells ? cell + 1 : 0;
        s->apple = (uint16_t)cell;
        s->counter++;
    }
    s->score++;
    s->status = status;
}

static void forfeit(void *state) { ((snake *)state)->status = NETS_FORFEIT; }

static int64_t score(const void *state) {
    const snake *s = state;
    return s->status == NETS_FORFEIT ? -1 : s->score;
}

const nets_system NETS_SNAKE = {sizeof(snake), load, encode, running, observe, to_action, step,
                                forfeit, score};
