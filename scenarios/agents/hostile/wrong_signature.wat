;; `decide` takes i32 and returns i32: neither ABI v0 nor v1. Expected: invalid_module.
(module
  (func (export "decide") (param i32) (result i32) (local.get 0)))
