;; Divides by zero (the observation is 0 in the test). Expected: trap.
(module
  (func (export "decide") (param i64) (result i64)
    (i64.div_s (i64.const 42) (local.get 0))))
