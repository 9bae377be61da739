;; Executes `unreachable`. Expected: trap.
(module
  (func (export "decide") (param i64) (result i64)
    unreachable))
