;; Imports a host function. Profile v1 allows no imports. Expected: invalid_module.
(module
  (import "env" "peek" (func $peek (result i64)))
  (func (export "decide") (param i64) (result i64) (call $peek)))
