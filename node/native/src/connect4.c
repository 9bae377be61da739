/* connect4 (id 3): node/systems/connect4.py, docs/protocol/systems.md#connect4. */
#include <string.h>

#include "nets.h"

enum { AGENT_WON = 1, OPPONENT_WON = 2, DRAW = 3, COLS = 7, ROWS = 6, CELLS = 42, HEADER = 44 };
enum { AGENT = 1, OPPONENT = 2 };

typedef struct {
    uint8_t status, first, noise, moves;
    uint8_t seed[32];
    uint64_t counter;
    uint8_t board[CELLS]; /* column * 6 + row, row 0 at the bottom */
} connect4;

static const uint32_t WEIGHTS[COLS] = {1, 2, 3, 4, 3, 2, 1};

static int load(void *state, const uint8_t *p, size_t len) {
    connect4 *s = state;
    if (len != HEADER + CELLS) return -1;
    s->status = p[0];
    memcpy(s->seed, p + 1, 32);
    s->counter = nets_be64(p + 33);
    s->first = p[41];
    s->noise = p[42];
    s->moves = p[43];
    memcpy(s->board, p + HEADER, CELLS);
    return 0;
}

static size_t encode(const void *state, uint8_t *p) {
    const connect4 *s = state;
    p[0] = s->status;
    memcpy(p + 1, s->seed, 32);
    nets_put64(p + 33, s->counter);
    p[41] = s->first;
    p[42] = s->noise;
    p[43] = s->moves;
    memcpy(p + HEADER, s->board, CELLS);
    return HEADER + CELLS;
}

static int running(const void *state) { return ((const connect4 *)state)->status == NETS_RUNNING; }

static int height(const uint8_t *board, int col) {
    int row = 0;
    while (row < ROWS && board[col * ROWS + row] != 0) row++;
    return row;
}

static int wins_at(const uint8_t *board, int col, int row, int player) {
    static const int DIRS[4][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
    for (int d = 0; d < 4; d++) {
        int run = 1;
        for (int sign = 1; sign >= -1; sign -= 2) {
            int c = col + sign * DIRS[d][0], r = row + sign * DIRS[d][1];
            while (c >= 0 && c < COLS && r >= 0 && r < ROWS && board[c * ROWS + r] == player) {
                run++;
                c += sign * DIRS[d][0];
                r += sign * DIRS[d][1];
            }
        }
        if (run >= 4) return 1;
    }
    return 0;
}

static size_t observe(const void *state, int abi, uint8_t *p) {
    const connect4 *s = state;
    int heights[COLS];
    for (int c = 0; c < COLS; c++) heights[c] = height(s->board, c);
    if (abi == 0) {
        uint64_t v = 0;
        for (int c = 0; c < COLS; c++) {
            uint64_t mask = 0;
            for (int r = 0; r < heights[c]; r++)
                if (s->board[c * ROWS + r] == AGENT) mask |= 1u << r;
            v |= (mask | (uint64_t)heights[c] << 6) << (9 * c);
        }
        nets_put64(p, v);
        return 8;
    }
    p[0] = s->moves;
    for (int c = 0; c < COLS; c++) p[1 + c] = (uint8_t)heights[c];
    memcpy(p + 8, s->board, CELLS);
    return 8 + CELLS;
}

static int to_action(const void *state, uint64_t value, uint64_t *action) {
    const connect4 *s = state;
    uint64_t col = value % COLS;
    if (s->board[col * ROWS + ROWS - 1] != 0) return 0;
    *action = col;
    return 1;
}

static int opponent_column(const uint8_t *board, uint32_t noise, const uint8_t r[32]) {
    int heights[COLS];
    for (int c = 0; c < COLS; c++) heights[c] = height(board, c);
    if (nets_draw_mod(r, 0, 100) >= noise) {
        for (int player = OPPONENT; player >= AGENT; player--)
            for (int c = 0; c < COLS; c++)
                if (heights[c] < ROWS && wins_at(board, c, heights[c], player)) return c;
    }
    uint32_t total = 0;
    for (int c = 0; c < COLS; c++)
        if (heights[c] < ROWS) total += WEIGHTS[c];
    uint32_t k = nets_draw_mod(r, 1, total);
    for (int c = 0; c < COLS; c++) {
        if (heights[c] < ROWS) {
            if (k < WEIGHTS[c]) return c;
            k -= WEIGHTS[c];
        }
    }
    return -1; /* unreachable: the board has a playable column */
}

static void opponent_plays(connect4 *s) {
    uint8_t r[32];
    nets_draw(s->seed, s->counter, r);
    int col = opponent_column(s->board, s->noise, r);
    int row = height(s->board, col);
    s->board[col * ROWS + row] = OPPONENT;
    s->moves++;
    s->counter++;
    s->status = wins_at(s->board, col, row, OPPONENT) ? OPPONENT_WON
                : s->moves == CELLS                   ? DRAW
                                                      : NETS_RUNNING;
}

static void step(void *state, uint64_t action) {
    connect4 *s = state;
    int col = (int)action, row = height(s->board, col);
    s->board[col * ROWS + row] = AGENT;
    s->moves++;
    if (wins_at(s->board, col, row, AGENT)) {
        s->status = AGENT_WON;
        return;
    }
    if (s->moves == CELLS) {
        s->status = DRAW;
        return;
    }
    opponent_plays(s);
}

static void forfeit(void *state) { ((connect4 *)state)->status = NETS_FORFEIT; }

static int64_t score(const void *state) {
    switch (((const connect4 *)state)->status) {
        case AGENT_WON: return 3;
        case DRAW: return 1;
        case NETS_FORFEIT: return -1;
        default: return 0; /* running, opponent won */
    }
}

const nets_system NETS_CONNECT4 = {sizeof(connect4), load, encode, running, observe, to_action,
                                   step, forfeit, score};
