;; Snake, ABI v0: toward the apple (x first, then y) but never straight back into its own
;; neck, and turning away from a wall it is about to hit. No look at the body otherwise.
;; Observation u64: height << 48 | width << 40 | dir << 32 | head x << 24 | head y << 16 |
;; apple x << 8 | apple y. Actions: 0 up (y-1), 1 down (y+1), 2 left (x-1), 3 right (x+1).
(module
  ;; The opposite of a direction: 0<->1, 2<->3.
  (func $opposite (param $d i64) (result i64) (i64.xor (local.get $d) (i64.const 1)))

  (func (export "decide") (param $obs i64) (result i64)
    (local $hx i64) (local $hy i64) (local $ax i64) (local $ay i64) (local $dir i64)
    (local $want i64)
    (local.set $hx (i64.and (i64.shr_u (local.get $obs) (i64.const 24)) (i64.const 0xff)))
    (local.set $hy (i64.and (i64.shr_u (local.get $obs) (i64.const 16)) (i64.const 0xff)))
    (local.set $ax (i64.and (i64.shr_u (local.get $obs) (i64.const 8)) (i64.const 0xff)))
    (local.set $ay (i64.and (local.get $obs) (i64.const 0xff)))
    (local.set $dir (i64.and (i64.shr_u (local.get $obs) (i64.const 32)) (i64.const 0xff)))
    (local.set $want
      (if (result i64) (i64.lt_u (local.get $hx) (local.get $ax)) (then (i64.const 3))
        (else (if (result i64) (i64.gt_u (local.get $hx) (local.get $ax)) (then (i64.const 2))
          (else (if (result i64) (i64.lt_u (local.get $hy) (local.get $ay)) (then (i64.const 1))
            (else (i64.const 0))))))))
    ;; reversing would bite the neck: turn sideways instead (down/up when moving along x,
    ;; right/left when moving along y), towards the centre of the grid
    (if (i64.eq (local.get $want) (call $opposite (local.get $dir)))
      (then
        (if (i64.ge_u (local.get $dir) (i64.const 2))
          (then
            (local.set $want
              (select (i64.const 1) (i64.const 0)
                (i64.lt_u (i64.shl (local.get $hy) (i64.const 1))
                  (i64.and (i64.shr_u (local.get $obs) (i64.const 48)) (i64.const 0xff))))))
          (else
            (local.set $want
              (select (i64.const 3) (i64.const 2)
                (i64.lt_u (i64.shl (local.get $hx) (i64.const 1))
                  (i64.and (i64.shr_u (local.get $obs) (i64.const 40)) (i64.const 0xff)))))))))
    (local.get $want)))
