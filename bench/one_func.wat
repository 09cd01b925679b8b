;; The smallest useful module: one exported function that does nothing, no
;; memory. `wsbx run one_func.wasm --invoke f` measures what wsbx itself keeps
;; resident (bench/run.py, section rss).
(module
  (func (export "f")))
