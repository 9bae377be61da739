;; Exports no `decide`. Expected: invalid_module.
(module
  (func (export "act") (param i64) (result i64) (local.get 0)))
