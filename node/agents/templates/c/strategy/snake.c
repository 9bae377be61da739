/* Toward the apple, x first; never straight back into the neck (then it turns sideways). */
static int64_t choose(obs_t obs) {
    uint32_t hx = head_x(obs), hy = head_y(obs), ax = apple_x(obs), ay = apple_y(obs);
    uint32_t want = hx < ax ? 3 : hx > ax ? 2 : hy < ay ? 1 : 0;
    if (want != (direction(obs) ^ 1)) return want;
    if (want >= 2) return hy + 1 < height(obs) ? 1 : 0;
    return hx + 1 < width(obs) ? 3 : 2;
}
