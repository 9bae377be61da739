// Toward the apple, x first; never straight back into the neck (then it turns sideways).
function choose(obs: o.Obs): i64 {
  const hx = o.head_x(obs), hy = o.head_y(obs), ax = o.apple_x(obs), ay = o.apple_y(obs);
  const want: i32 = hx < ax ? 3 : hx > ax ? 2 : hy < ay ? 1 : 0;
  if (want != (o.direction(obs) ^ 1)) return <i64>want;
  if (want >= 2) return hy + 1 < o.height(obs) ? 1 : 0;
  return hx + 1 < o.width(obs) ? 3 : 2;
}
