;; {{name}}: a nets agent for {{system}}, ABI v1 (the observation is written at obs_ptr).
;; Check: `nets agent build .`; see README.md.
(module
  (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) (i32.const 0))
{{accessors}}
{{strategy}}
  (func (export "decide") (param $len i32) (result i64)
    (call $choose (i32.const 0))))
