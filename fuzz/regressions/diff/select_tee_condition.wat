;; select whose condition is a local.tee, after constants that were dropped:
;; the optimized code read the condition from the wrong slot.
(module
  (func (export "f") (param i32 i32) (result i32) (local i32)
    i32.const 7
    drop
    i32.const 9
    drop
    local.get 0
    local.get 1
    local.get 0
    local.tee 2
    select)
  (func (export "g") (param i32) (result i32 i32) (local i32)
    i32.const 1
    drop
    i32.const 11
    i32.const 22
    local.get 0
    i32.const 1
    i32.and
    local.tee 1
    select
    local.get 1))
