;; Tries to grow memory in a loop. memory.grow is outside profile v1. Expected: invalid_module.
(module
  (memory 1)
  (func (export "decide") (param i64) (result i64)
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (i64.const 0)))
