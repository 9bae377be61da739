/// Plays what beats the opponent's last move (rock in the first round).
fn choose(obs: Obs) -> i64 {
    let last = obs.opponent(0);
    if last > 2 { 0 } else { ((last + 1) % 3) as i64 }
}
