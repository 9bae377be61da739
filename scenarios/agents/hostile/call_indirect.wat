;; Uses a table and call_indirect. Profile v1 has no tables. Expected: invalid_module.
(module
  (table 1 funcref)
  (elem (i32.const 0) $f)
  (type $t (func (result i64)))
  (func $f (result i64) (i64.const 7))
  (func (export "decide") (param i64) (result i64) (call_indirect (type $t) (i32.const 0))))
