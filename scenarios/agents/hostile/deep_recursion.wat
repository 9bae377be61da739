;; Unbounded recursion. Profile v1 rejects any call cycle. Expected: invalid_module.
(module
  (func $down (param i64) (result i64)
    (call $down (i64.add (local.get 0) (i64.const 1))))
  (func (export "decide") (param i64) (result i64)
    (call $down (local.get 0))))
