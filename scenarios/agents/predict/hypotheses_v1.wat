;; Predict, ABI v1: scores twenty generator hypotheses on the recent values and predicts
;; with the best. Observation (docs/protocol/systems.md#predict): steps u16, length u16,
;; n u8, then n values, newest first (v[0] newest).
;; Hypotheses: 0..7 period h+1 (v[j] = v[j+h+1]); 8..15 affine v[j] = a*v[j+1] + c with
;; a = 2(h-8)+1; 16..19 second order v[j] = q*v[j+1] + v[j+2] + c with q = h-16. The constant
;; c comes from the newest values; scores count exact hits on v[1..4].
(module
  (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) (i32.const 0))

  ;; Value i back (0 newest); out of range gives 4096 + i, which never equals a byte.
  (func $v (param $i i32) (result i32)
    (if (i32.ge_u (local.get $i) (i32.load8_u (i32.const 4)))
      (then (return (i32.add (i32.const 4096) (local.get $i)))))
    (i32.load8_u offset=5 (local.get $i)))

  ;; Hypothesis h's value for position j - 1 (the value right after index j), given c.
  (func $predict (param $h i32) (param $j i32) (param $c i32) (result i32)
    (if (i32.lt_u (local.get $h) (i32.const 8))
      (then (return (call $v (i32.add (local.get $j) (local.get $h))))))
    (if (i32.lt_u (local.get $h) (i32.const 16))
      (then (return (i32.and
        (i32.add
          (i32.mul (i32.add (i32.shl (i32.sub (local.get $h) (i32.const 8)) (i32.const 1)) (i32.const 1))
            (call $v (local.get $j)))
          (local.get $c))
        (i32.const 255)))))
    (i32.and
      (i32.add
        (i32.add (i32.mul (i32.sub (local.get $h) (i32.const 16)) (call $v (local.get $j)))
          (call $v (i32.add (local.get $j) (i32.const 1))))
        (local.get $c))
      (i32.const 255)))

  ;; The constant c of hypothesis h fitted on the newest value: v[0] minus h's prediction with c = 0.
  (func $fit (param $h i32) (result i32)
    (if (i32.lt_u (local.get $h) (i32.const 8)) (then (return (i32.const 0))))
    (i32.and (i32.sub (call $v (i32.const 0)) (call $predict (local.get $h) (i32.const 1) (i32.const 0)))
      (i32.const 255)))

  (func (export "decide") (param $len i32) (result i64)
    (local $h i32) (local $j i32) (local $c i32) (local $hits i32)
    (local $best i32) (local $best_hits i32) (local $best_c i32)
    (local.set $best_hits (i32.const -1))
    (loop $each_hypothesis
      (local.set $c (call $fit (local.get $h)))
      (local.set $hits (i32.const 0))
      (local.set $j (i32.const 1))
      (loop $each_value
        (if (i32.eq (call $v (local.get $j))
              (call $predict (local.get $h) (i32.add (local.get $j) (i32.const 1)) (local.get $c)))
          (then (local.set $hits (i32.add (local.get $hits) (i32.const 1)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $each_value (i32.le_u (local.get $j) (i32.const 4))))
      (if (i32.gt_s (local.get $hits) (local.get $best_hits))
        (then
          (local.set $best_hits (local.get $hits))
          (local.set $best (local.get $h))
          (local.set $best_c (local.get $c))))
      (local.set $h (i32.add (local.get $h) (i32.const 1)))
      (br_if $each_hypothesis (i32.lt_u (local.get $h) (i32.const 20))))
    (i64.extend_i32_u
      (i32.and (call $predict (local.get $best) (i32.const 0) (local.get $best_c)) (i32.const 255)))))
