;; Loads past the end of its one-page memory. Expected: trap.
(module
  (memory 1)
  (func (export "decide") (param i64) (result i64)
    (i64.load (i32.const 65532))))
