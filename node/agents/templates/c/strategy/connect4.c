/* The leftmost column that is not full. */
static int64_t choose(obs_t obs) {
    for (uint32_t column = 0; column < 7; column++) {
        if (height(obs, column) < 6) return column;
    }
    return 0;
}
