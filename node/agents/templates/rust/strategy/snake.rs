/// Toward the apple, x first; never straight back into the neck (then it turns sideways).
fn choose(obs: Obs) -> i64 {
    let (hx, hy, ax, ay) = (obs.head_x(), obs.head_y(), obs.apple_x(), obs.apple_y());
    let want = if hx < ax {
        3
    } else if hx > ax {
        2
    } else if hy < ay {
        1
    } else {
        0
    };
    if want != obs.direction() ^ 1 {
        want as i64
    } else if want >= 2 {
        if hy + 1 < obs.height() { 1 } else { 0 }
    } else if hx + 1 < obs.width() {
        3
    } else {
        2
    }
}
