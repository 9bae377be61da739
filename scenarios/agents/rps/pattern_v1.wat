;; Rock-paper-scissors, ABI v1: scores twelve hypotheses about the opponent on the last six
;; rounds and plays what beats the best one's prediction. Moves: 0 rock, 1 paper, 2 scissors;
;; (m + 1) % 3 beats m. Observation (docs/protocol/systems.md#rps): round u16, rounds u16,
;; wins u16, losses u16, n u8, then n (agent, opponent) byte pairs, newest first,
;; 0xff 0xff when empty.
;; Hypotheses h about the opponent's move in a round, given the rounds before it (k = index of
;; the round just before): 0..4 repeats its move of h+1 rounds earlier (periods 1..5);
;; 5 copies the agent's previous move; 6 beats it; 7..9 always plays h-7;
;; 10 and 11 add 1 or 2 to its own previous move (cycles).
(module
  (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) (i32.const 0))

  ;; Opponent (who = 1) or agent (who = 0) move i rounds back (0 newest); 255 when unknown.
  (func $move (param $i i32) (param $who i32) (result i32)
    (if (i32.ge_u (local.get $i) (i32.load8_u (i32.const 8))) (then (return (i32.const 255))))
    (i32.load8_u offset=9 (i32.add (i32.shl (local.get $i) (i32.const 1)) (local.get $who))))

  ;; Hypothesis h's prediction for the round just after history index k; 255 = none.
  (func $predict (param $h i32) (param $k i32) (result i32)
    (local $m i32)
    (if (i32.lt_u (local.get $h) (i32.const 5))
      (then (return (call $move (i32.add (local.get $k) (local.get $h)) (i32.const 1)))))
    (if (i32.ge_u (local.get $h) (i32.const 7))
      (then (if (i32.lt_u (local.get $h) (i32.const 10))
        (then (return (i32.sub (local.get $h) (i32.const 7)))))))
    (local.set $m (call $move (local.get $k) (i32.lt_u (local.get $h) (i32.const 7)
      (; 5, 6 read the agent's move, 10, 11 the opponent's ;))))
    (if (i32.eq (local.get $m) (i32.const 255)) (then (return (i32.const 255))))
    (if (i32.eq (local.get $h) (i32.const 5)) (then (return (local.get $m))))
    (i32.rem_u
      (i32.add (local.get $m)
        (select (i32.const 1) (i32.sub (local.get $h) (i32.const 9))
          (i32.eq (local.get $h) (i32.const 6))))
      (i32.const 3)))

  (func (export "decide") (param $len i32) (result i64)
    (local $h i32) (local $j i32) (local $hits i32) (local $best i32) (local $best_hits i32)
    (local $actual i32) (local $guess i32)
    (local.set $best_hits (i32.const -1))
    (loop $each_hypothesis
      (local.set $hits (i32.const 0))
      (local.set $j (i32.const 0))
      (loop $each_round
        (local.set $actual (call $move (local.get $j) (i32.const 1)))
        (if (i32.ne (local.get $actual) (i32.const 255))
          (then
            (if (i32.eq (local.get $actual)
                  (call $predict (local.get $h) (i32.add (local.get $j) (i32.const 1))))
              (then (local.set $hits (i32.add (local.get $hits) (i32.const 1)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $each_round (i32.lt_u (local.get $j) (i32.const 6))))
      (if (i32.gt_s (local.get $hits) (local.get $best_hits))
        (then
          (local.set $best_hits (local.get $hits))
          (local.set $best (local.get $h))))
      (local.set $h (i32.add (local.get $h) (i32.const 1)))
      (br_if $each_hypothesis (i32.lt_u (local.get $h) (i32.const 12))))
    (local.set $guess (call $predict (local.get $best) (i32.const 0)))
    (if (i32.eq (local.get $guess) (i32.const 255)) (then (return (i64.const 0))))
    (i64.extend_i32_u (i32.rem_u (i32.add (local.get $guess) (i32.const 1)) (i32.const 3)))))
