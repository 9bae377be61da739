;; ABI v1 agent whose obs_ptr points at the last byte of memory, so the host cannot write
;; the observation. Expected: trap.
(module
  (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) (i32.const 65535))
  (func (export "decide") (param i32) (result i64) (i64.const 0)))
