(module
  (func (export "sum") (param i32 i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get 1)))
        (local.set $acc (i32.add (local.get $acc) (local.get 0)))
        (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
        (br $next)))
    (if (result i32) (i32.gt_s (local.get $acc) (i32.const 100))
      (then (i32.const 100))
      (else (local.get $acc)))))
