;; Declares a 128 MiB minimum: refused under --mem 64M.
(module (memory (export "memory") 2048) (func (export "_start")))
