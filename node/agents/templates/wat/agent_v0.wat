;; {{name}}: a nets agent for {{system}}, ABI v0 (the observation is decide's i64).
;; Check: `nets agent build .`; see README.md.
(module
{{accessors}}
{{strategy}}
  (func (export "decide") (param $input i64) (result i64)
    (call $choose (local.get $input))))
