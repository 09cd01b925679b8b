;; Test guest that traps at once: `unreachable` in _start. A trap is a
;; guest failure, which the route answers with 502.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    unreachable))
