;; Connect four, ABI v1: win if it can, block if it must, else the most central column that
;; does not hand the opponent a win on the cell above. Observation
;; (docs/protocol/systems.md#connect4): moves u8, heights u8[7], then the board u8[42]
;; (index column * 6 + row, row 0 at the bottom; 0 empty, 1 agent, 2 opponent).
(module
  (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) (i32.const 0))

  (func $height (param $c i32) (result i32) (i32.load8_u offset=1 (local.get $c)))

  ;; Discs of player p in a line from (c, r), exclusive, stepping (dc, dr); stops at 3.
  (func $run (param $c i32) (param $r i32) (param $dc i32) (param $dr i32) (param $p i32)
    (result i32)
    (local $n i32)
    (block $done
      (loop $walk
        (local.set $c (i32.add (local.get $c) (local.get $dc)))
        (local.set $r (i32.add (local.get $r) (local.get $dr)))
        (br_if $done (i32.ge_u (local.get $c) (i32.const 7)))
        (br_if $done (i32.ge_u (local.get $r) (i32.const 6)))
        (br_if $done (i32.ne (local.get $p)
          (i32.load8_u offset=8
            (i32.add (i32.mul (local.get $c) (i32.const 6)) (local.get $r)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $walk (i32.lt_u (local.get $n) (i32.const 3)))))
    (local.get $n))

  ;; Four in a row through (c, r) for player p if p held that cell.
  (func $wins (param $c i32) (param $r i32) (param $p i32) (result i32)
    (local $d i32) (local $dc i32) (local $dr i32)
    (loop $each_direction
      ;; directions (1,0) (0,1) (1,1) (1,-1)
      (local.set $dc (i32.ne (local.get $d) (i32.const 1)))
      (local.set $dr (select (i32.const -1) (i32.ne (local.get $d) (i32.const 0))
        (i32.eq (local.get $d) (i32.const 3))))
      (if (i32.ge_u
            (i32.add
              (call $run (local.get $c) (local.get $r) (local.get $dc) (local.get $dr) (local.get $p))
              (call $run (local.get $c) (local.get $r)
                (i32.sub (i32.const 0) (local.get $dc)) (i32.sub (i32.const 0) (local.get $dr))
                (local.get $p)))
            (i32.const 3))
        (then (return (i32.const 1))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br_if $each_direction (i32.lt_u (local.get $d) (i32.const 4))))
    (i32.const 0))

  (func (export "decide") (param $len i32) (result i64)
    (local $c i32) (local $h i32) (local $block i32) (local $i i32) (local $fallback i32)
    (local.set $block (i32.const -1))
    (local.set $fallback (i32.const -1))
    (loop $each_column
      (local.set $h (call $height (local.get $c)))
      (if (i32.lt_u (local.get $h) (i32.const 6))
        (then
          (if (call $wins (local.get $c) (local.get $h) (i32.const 1))
            (then (return (i64.extend_i32_u (local.get $c)))))
          (if (i32.lt_s (local.get $block) (i32.const 0))
            (then (if (call $wins (local.get $c) (local.get $h) (i32.const 2))
              (then (local.set $block (local.get $c))))))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br_if $each_column (i32.lt_u (local.get $c) (i32.const 7))))
    (if (i32.ge_s (local.get $block) (i32.const 0))
      (then (return (i64.extend_i32_u (local.get $block)))))
    ;; centre first: 3 2 4 1 5 0 6
    (loop $each_choice
      (local.set $c
        (i32.add (i32.const 3)
          (select
            (i32.sub (i32.const 0) (i32.shr_u (i32.add (local.get $i) (i32.const 1)) (i32.const 1)))
            (i32.shr_u (i32.add (local.get $i) (i32.const 1)) (i32.const 1))
            (i32.and (local.get $i) (i32.const 1)))))
      (local.set $h (call $height (local.get $c)))
      (if (i32.lt_u (local.get $h) (i32.const 6))
        (then
          (if (i32.lt_s (local.get $fallback) (i32.const 0))
            (then (local.set $fallback (local.get $c))))
          (if (i32.ge_u (local.get $h) (i32.const 5))
            (then (return (i64.extend_i32_u (local.get $c)))))
          (if (i32.eqz (call $wins (local.get $c) (i32.add (local.get $h) (i32.const 1)) (i32.const 2)))
            (then (return (i64.extend_i32_u (local.get $c)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $each_choice (i32.lt_u (local.get $i) (i32.const 7))))
    (i64.extend_i32_u (local.get $fallback))))
