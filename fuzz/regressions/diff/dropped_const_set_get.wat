;; A constant dropped, then a parameter copied to a local and read back:
;; the optimized code returned the dropped 3 instead of the parameter.
(module
  (func (export "f") (param i32) (result i32) (local i32)
    i32.const 3
    drop
    local.get 0
    local.set 1
    local.get 1))
