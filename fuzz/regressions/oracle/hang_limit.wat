;; binaryen's hang limit: the protocol calls hangLimitInitializer before
;; every other export, so each export starts with a full budget, and never
;; calls it on its own.
(module
  (import "fuzzing-support" "log-i32" (func $log (param i32)))
  (global $hang (mut i32) (i32.const 0))
  (func (export "spin") (result i32)
    (loop $l
      (if (i32.eqz (global.get $hang)) (then (unreachable)))
      (global.set $hang (i32.sub (global.get $hang) (i32.const 1)))
      (call $log (global.get $hang))
      (br $l))
    (i32.const 0))
  (func (export "left") (result i32) (global.get $hang))
  (func (export "hangLimitInitializer") (global.set $hang (i32.const 3))))
