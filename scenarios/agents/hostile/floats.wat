;; Uses float arithmetic. Profile v1 allows no floats. Expected: invalid_module.
(module
  (func (export "decide") (param i64) (result i64)
    (i64.trunc_f64_s (f64.mul (f64.convert_i64_s (local.get 0)) (f64.const 1.5)))))
