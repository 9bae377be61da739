// The leftmost column that is not full.
function choose(obs: o.Obs): i64 {
  for (let column: i32 = 0; column < 7; column++) {
    if (o.height(obs, column) < 6) return <i64>column;
  }
  return 0;
}
