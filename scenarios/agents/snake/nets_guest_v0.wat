;; Snake, ABI v0: the original nets guest snake agent's logic. The observation u64 carries
;; head x in bits 24..31, head y in 16..23, apple x in 8..15, apple y in 0..7 (higher bits:
;; direction, width, height, ignored here). It walks straight at the apple, x first:
;; 3 (x+1) if head x < apple x, 2 (x-1) if head x > apple x, 1 (y+1) if head y < apple y,
;; else 0 (y-1). It neither avoids walls nor its own body.
(module
  (func (export "decide") (param $obs i64) (result i64)
    (local $hx i64) (local $hy i64) (local $ax i64) (local $ay i64)
    (local.set $hx (i64.and (i64.shr_u (local.get $obs) (i64.const 24)) (i64.const 0xff)))
    (local.set $hy (i64.and (i64.shr_u (local.get $obs) (i64.const 16)) (i64.const 0xff)))
    (local.set $ax (i64.and (i64.shr_u (local.get $obs) (i64.const 8)) (i64.const 0xff)))
    (local.set $ay (i64.and (local.get $obs) (i64.const 0xff)))
    (if (i64.lt_u (local.get $hx) (local.get $ax)) (then (return (i64.const 3))))
    (if (i64.gt_u (local.get $hx) (local.get $ax)) (then (return (i64.const 2))))
    (if (i64.lt_u (local.get $hy) (local.get $ay)) (then (return (i64.const 1))))
    (i64.const 0)))
