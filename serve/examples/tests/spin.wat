;; Test guest that never ends: an empty loop in _start, with no calls and
;; no WASI imports, so only the route's fuel or timeout can stop it (504).
;; The memory export is what a WASI command is expected to have.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever
      (br $forever))))
