;; start: a start function that writes to an imported memory and global,
;; then traps unless the host's "ok" global is set.
(module
  (import "env" "memory" (memory 1))
  (import "env" "progress" (global $progress (mut i32)))
  (import "env" "ok" (global $ok i32))
  (func $check                                  ;; func 0
    (if (i32.eqz (global.get $ok)) (then unreachable)))
  (func $start                                  ;; func 1
    (i32.store8 (i32.const 16) (i32.const 0x5a))
    (global.set $progress (i32.const 1))
    (call $check)
    (global.set $progress (i32.const 2)))
  (start $start)
  (func (export "progress") (result i32) (global.get $progress)))
