;; Snake, ABI v1: greedy toward the apple, never into a wall or the body, and avoiding
;; cells with no way out. Observation (docs/protocol/systems.md#snake): 13-byte header
;; (width, height, head x, head y, apple x, apple y, dir, length u16, steps u16, max u16)
;; then the grid, one byte per cell (0 empty, 1 apple, 2 body, 3 tail, 4 head).
;; Actions: 0 up (y-1), 1 down (y+1), 2 left (x-1), 3 right (x+1).
(module
  (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) (i32.const 0))

  ;; 1 when (x, y) is on the grid and empty, the apple or the tail (which moves away).
  (func $free (param $x i32) (param $y i32) (result i32)
    (local $c i32)
    (if (i32.ge_u (local.get $x) (i32.load8_u (i32.const 0))) (then (return (i32.const 0))))
    (if (i32.ge_u (local.get $y) (i32.load8_u (i32.const 1))) (then (return (i32.const 0))))
    (local.set $c
      (i32.load8_u offset=13
        (i32.add (i32.mul (local.get $y) (i32.load8_u (i32.const 0))) (local.get $x))))
    (i32.or (i32.le_u (local.get $c) (i32.const 1)) (i32.eq (local.get $c) (i32.const 3))))

  (func $abs (param $v i32) (result i32)
    (select (i32.sub (i32.const 0) (local.get $v)) (local.get $v)
      (i32.lt_s (local.get $v) (i32.const 0))))

  (func (export "decide") (param $len i32) (result i64)
    (local $d i32) (local $x i32) (local $y i32) (local $exits i32)
    (local $cost i32) (local $best i32) (local $best_cost i32)
    (local.set $best_cost (i32.const 0x7fffffff))
    (loop $each_direction
      (local.set $x (i32.add (i32.load8_u (i32.const 2))
        (i32.sub (i32.eq (local.get $d) (i32.const 3)) (i32.eq (local.get $d) (i32.const 2)))))
      (local.set $y (i32.add (i32.load8_u (i32.const 3))
        (i32.sub (i32.eq (local.get $d) (i32.const 1)) (i32.eq (local.get $d) (i32.const 0)))))
      (if (call $free (local.get $x) (local.get $y))
        (then
          (local.set $exits
            (i32.add
              (i32.add (call $free (i32.sub (local.get $x) (i32.const 1)) (local.get $y))
                       (call $free (i32.add (local.get $x) (i32.const 1)) (local.get $y)))
              (i32.add (call $free (local.get $x) (i32.sub (local.get $y) (i32.const 1)))
                       (call $free (local.get $x) (i32.add (local.get $y) (i32.const 1))))))
          ;; distance to the apple first; a cell without exits only as a last resort
          (local.set $cost
            (i32.add
              (i32.mul (i32.const 8)
                (i32.add
                  (call $abs (i32.sub (local.get $x) (i32.load8_u (i32.const 4))))
                  (call $abs (i32.sub (local.get $y) (i32.load8_u (i32.const 5))))))
              (i32.sub (i32.const 4) (local.get $exits))))
          (if (i32.eqz (local.get $exits))
            (then (local.set $cost (i32.add (local.get $cost) (i32.const 100000)))))
          (if (i32.lt_s (local.get $cost) (local.get $best_cost))
            (then
              (local.set $best_cost (local.get $cost))
              (local.set $best (local.get $d))))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br_if $each_direction (i32.lt_u (local.get $d) (i32.const 4))))
    (i64.extend_i32_u (local.get $best))))
