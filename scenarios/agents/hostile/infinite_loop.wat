;; Spins forever: the fuel budget stops it. Expected: out_of_fuel.
(module
  (func (export "decide") (param i64) (result i64)
    (loop $spin (br $spin))
    (i64.const 0)))
