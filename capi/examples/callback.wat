;; callback: host functions with several parameters and results, a host
;; function that calls back into the guest, and a funcref handed to the host.
(module
  (import "host" "pair" (func $pair (param i32 i64) (result i64 i32)))
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (import "host" "apply" (func $apply (param funcref i32) (result i32)))
  (elem declare func $square)
  (func $square (export "square") (param i32) (result i32)
    (i32.mul (local.get 0) (local.get 0)))
  ;; pair(a, b) -> (2b, a + 1), returned with reenter(a) = a*a + 1.
  (func (export "run") (param i32 i64) (result i64 i32 i32)
    (call $pair (local.get 0) (local.get 1))
    (call $reenter (local.get 0)))
  ;; apply(square, x) calls square(x) from the host.
  (func (export "apply_square") (param i32) (result i32)
    (call $apply (ref.func $square) (local.get 0))))
