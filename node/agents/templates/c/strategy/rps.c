/* Plays what beats the opponent's last move (rock in the first round). */
static int64_t choose(obs_t obs) {
    uint32_t last = opponent(obs, 0);
    return last > 2 ? 0 : (last + 1) % 3;
}
