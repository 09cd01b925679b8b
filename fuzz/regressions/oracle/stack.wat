;; Unbounded recursion ends the trace: stack depth is an engine limit, so
;; nothing after it (the next export, the memory hash) is compared.
(module
  (memory (export "memory") 1)
  (func $down (param i64) (result i64)
    (i64.add (call $down (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
  (func (export "before") (result f64) (f64.const 0.1))
  (func (export "recurse") (result i64) (call $down (i64.const 0)))
  (func (export "after") (result i32) (i32.const 7)))
