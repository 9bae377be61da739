/// The leftmost column that is not full.
fn choose(obs: Obs) -> i64 {
    let mut column = 0;
    while column < 7 {
        if obs.height(column) < 6 {
            return column as i64;
        }
        column += 1;
    }
    0
}
