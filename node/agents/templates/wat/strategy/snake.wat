  ;; Toward the apple, x first; never straight back into the neck (then it turns sideways).
  (func $choose (param $obs {{obs_t}}) (result i64)
    (local $hx i32) (local $hy i32) (local $ax i32) (local $ay i32) (local $want i32)
    (local.set $hx (call $head_x (local.get $obs)))
    (local.set $hy (call $head_y (local.get $obs)))
    (local.set $ax (call $apple_x (local.get $obs)))
    (local.set $ay (call $apple_y (local.get $obs)))
    (local.set $want
      (if (result i32) (i32.lt_u (local.get $hx) (local.get $ax))
        (then (i32.const 3))
        (else
          (if (result i32) (i32.gt_u (local.get $hx) (local.get $ax))
            (then (i32.const 2))
            (else (select (i32.const 1) (i32.const 0) (i32.lt_u (local.get $hy) (local.get $ay))))))))
    (if (i32.ne (local.get $want) (i32.xor (call $direction (local.get $obs)) (i32.const 1)))
      (then (return (i64.extend_i32_u (local.get $want)))))
    (if (i32.ge_u (local.get $want) (i32.const 2))
      (then
        (return (select (i64.const 1) (i64.const 0)
          (i32.lt_u (i32.add (local.get $hy) (i32.const 1)) (call $height (local.get $obs)))))))
    (select (i64.const 3) (i64.const 2)
      (i32.lt_u (i32.add (local.get $hx) (i32.const 1)) (call $width (local.get $obs)))))
