/// Predicts that the newest value repeats.
fn choose(obs: Obs) -> i64 {
    obs.value(0) as i64
}
