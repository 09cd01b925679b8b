;; A call's result set to a local, then temporaries: the local had been
;; aliased to the call's result slot, which a later temporary overwrote.
(module
  (func $g (param i32) (result i32)
    local.get 0
    i32.const 40
    i32.add)
  (func (export "f") (param i32) (result i32) (local i32)
    local.get 0
    call $g
    local.set 1
    i32.const 5
    i32.const 6
    i32.add
    local.get 0
    i32.mul
    drop
    local.get 1)
  (func (export "h") (param i32) (result i32) (local i32 i32)
    local.get 0
    call $g
    local.set 1
    local.get 0
    i32.const 1
    i32.add
    local.set 2
    local.get 2
    local.get 1
    i32.sub))
