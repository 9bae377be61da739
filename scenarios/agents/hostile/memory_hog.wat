;; Declares more memory than the profile allows (3 pages > 2). Expected: invalid_module.
(module
  (memory 3)
  (func (export "decide") (param i64) (result i64) (i64.const 0)))
