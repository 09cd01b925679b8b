;; Guests for the CLI tests: a trap with a named function, a start-less
;; module with _start, and a module whose import cannot be satisfied.
;; cli_test.sh finds the trapping opcodes by their bytes: keep each body
;; distinct.
(module
  (func $divide (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $inner (unreachable))
  (func $outer (export "crash") (call $inner))
  (func (export "_start") (nop))
  (func (export "pair") (result i32 f64) (i32.const -7) (f64.const 2.5))
  ;; No $name: the backtrace names it by its export.
  (func (export "bad_convert")
    (drop (i32.trunc_f32_s (f32.const nan)))))
