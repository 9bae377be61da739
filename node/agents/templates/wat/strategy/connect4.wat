  ;; The leftmost column that is not full.
  (func $choose (param $obs {{obs_t}}) (result i64)
    (local $column i32)
    (block $found
      (loop $next
        (br_if $found (i32.lt_u (call $height (local.get $obs) (local.get $column)) (i32.const 6)))
        (local.set $column (i32.add (local.get $column) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $column) (i32.const 7)))))
    (i64.extend_i32_u (local.get $column)))
