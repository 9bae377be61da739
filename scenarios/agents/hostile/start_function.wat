;; Has a start function. Profile v1 allows none. Expected: invalid_module.
(module
  (global $g (mut i64) (i64.const 0))
  (func $init (global.set $g (i64.const 1)))
  (start $init)
  (func (export "decide") (param i64) (result i64) (global.get $g)))
