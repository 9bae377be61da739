;; Rock-paper-scissors, ABI v0: plays what beats the opponent's previous move (rock first).
;; Observation u64: round in bits 0..15, then history bytes (agent << 4 | opponent), newest in
;; bits 16..23, 0xff when empty. Moves: 0 rock, 1 paper, 2 scissors.
(module
  (func (export "decide") (param $obs i64) (result i64)
    (local $last i64)
    (local.set $last (i64.and (i64.shr_u (local.get $obs) (i64.const 16)) (i64.const 0xff)))
    (if (i64.eq (local.get $last) (i64.const 0xff)) (then (return (i64.const 0))))
    (i64.rem_u (i64.add (i64.and (local.get $last) (i64.const 0xf)) (i64.const 1)) (i64.const 3))))
