;; trap: traps with their messages and frames, from the start function
;; (when the host asks for it), from calls, and from a host function.
(module $traps
  (import "host" "fail" (func $fail))                        ;; func 0
  (import "host" "start_fails" (global $start_fails i32))
  (func $boom unreachable)                                   ;; func 1
  (func $start                                               ;; func 2
    (if (global.get $start_fails) (then (call $boom))))
  (start $start)
  (func $divide (export "divide") (param i32 i32) (result i32)  ;; func 3
    (i32.div_s (local.get 0) (local.get 1)))
  (func $inner (param i32) (result i32)                      ;; func 4
    (call $divide (local.get 0) (i32.const 0)))
  (func (export "outer") (param i32) (result i32)            ;; func 5
    (call $inner (local.get 0)))
  (func (export "call_fail") (call $fail))                   ;; func 6
  (func $recurse (export "recurse") (call $recurse)))        ;; func 7
