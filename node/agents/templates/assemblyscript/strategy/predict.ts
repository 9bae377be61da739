// Predicts that the newest value repeats.
function choose(obs: o.Obs): i64 {
  return <i64>o.value(obs, 0);
}
