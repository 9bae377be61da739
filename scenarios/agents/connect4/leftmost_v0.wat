;; Connect four, ABI v0: drops into the leftmost column that is not full.
;; Observation u64: for column c, bits 9c..9c+5 mark the agent's discs (bit r = row r) and
;; bits 9c+6..9c+8 hold the column's height.
(module
  (func (export "decide") (param $obs i64) (result i64)
    (local $c i64)
    (block $found
      (loop $each_column
        (br_if $found
          (i64.lt_u
            (i64.and
              (i64.shr_u (local.get $obs) (i64.add (i64.mul (local.get $c) (i64.const 9)) (i64.const 6)))
              (i64.const 7))
            (i64.const 6)))
        (local.set $c (i64.add (local.get $c) (i64.const 1)))
        (br_if $each_column (i64.lt_u (local.get $c) (i64.const 7)))))
    (local.get $c)))
