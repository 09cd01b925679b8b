;; finalize: host functions with environments, and an externref the guest
;; keeps in a table.
(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (table $kept 1 externref)
  (func (export "run") (param i32) (result i32) (call $tick (local.get 0)))
  (func (export "keep") (param externref)
    (table.set $kept (i32.const 0) (local.get 0)))
  (func (export "kept") (result externref) (table.get $kept (i32.const 0))))
