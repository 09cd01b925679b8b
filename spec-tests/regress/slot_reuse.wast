;; Regressions: the compiler's record of which slot holds which value must be
;; forgotten whenever the stack height changes (drop, calls, block ends,
;; branches). Each function below once returned a stale or dropped value.
;; Run in optimized and in plain mode (spec-tests/meson.build).

(module
  (func $three (result i32) (i32.const 3))
  (func $id (param i32) (result i32) (local.get 0))

  ;; local.set after drop stored the dropped constant.
  (func (export "set_after_drop") (param i32) (result i32) (local i32)
    i32.const 3 drop
    local.get 0 local.set 1
    local.get 1)
  (func (export "tee_after_drop") (param i32) (result i32) (local i32)
    i32.const 3 drop
    local.get 0 local.tee 1 drop
    local.get 1)
  (func (export "set_after_two_drops") (param i64) (result i64) (local i64)
    i64.const 5 i64.const 6 drop drop
    local.get 0 i64.const 1 i64.add local.set 1
    local.get 1)
  (func (export "set_after_drop_op") (param i32 i32) (result i32) (local i32)
    local.get 0 local.get 1 i32.add drop
    local.get 1 local.set 2
    local.get 2)

  ;; local.set of a call's result must not stay an alias of the call's
  ;; result slot, which later temporaries reuse.
  (func (export "set_call_result") (param i32) (result i32) (local i32)
    local.get 0 call $id local.set 1
    i32.const 100 i32.const 200 i32.add drop
    call $three drop
    local.get 1)
  (func (export "set_call_result_then_call") (param i32) (result i32)
    (local i32 i32)
    local.get 0 call $id local.set 1
    call $three local.set 2
    local.get 1 local.get 2 i32.sub)
  (func (export "tee_call_result") (param i32) (result i32) (local i32)
    local.get 0 call $id local.tee 1
    call $three i32.add drop
    i32.const 7 drop
    local.get 1)

  ;; select whose condition is a local.tee after dropped constants.
  (func (export "select_tee_cond") (param i32 i32 i32) (result i32) (local i32)
    i32.const 11 drop i32.const 12 drop
    local.get 0 local.get 1
    local.get 2 local.tee 3
    select)
  (func (export "select_tee_cond_used") (param i32 i32 i32) (result i32)
    (local i32)
    i32.const 11 drop
    local.get 0 local.get 1
    local.get 2 local.tee 3
    select
    local.get 3 i32.add)
  (func (export "br_if_tee_after_drop") (param i32) (result i32) (local i32)
    (block (result i32)
      i32.const 9 drop
      i32.const 1
      local.get 0 local.tee 1
      br_if 0
      drop
      local.get 1 i32.const 10 i32.add))

  ;; Values carried out of blocks and branches, then set.
  (func (export "set_after_block") (param i32) (result i32) (local i32)
    (block (result i32) (i32.const 4) (local.get 0) (br 0))
    local.set 1
    i32.const 8 drop
    local.get 1)
  (func (export "set_after_if") (param i32) (result i32) (local i32)
    (if (result i32) (local.get 0)
      (then (i32.const 20) (drop) (local.get 0))
      (else (i32.const 30)))
    local.set 1
    i32.const 5 drop
    local.get 1)
  (func (export "set_in_loop") (param i32) (result i32) (local i32 i32)
    (loop $l
      i32.const 99 drop
      local.get 2 i32.const 1 i32.add local.set 2
      local.get 1 local.get 2 i32.add local.set 1
      (br_if $l (i32.lt_u (local.get 2) (local.get 0))))
    local.get 1)
)

(assert_return (invoke "set_after_drop" (i32.const 42)) (i32.const 42))
(assert_return (invoke "tee_after_drop" (i32.const -7)) (i32.const -7))
(assert_return (invoke "set_after_two_drops" (i64.const 41)) (i64.const 42))
(assert_return (invoke "set_after_drop_op" (i32.const 1) (i32.const 2)) (i32.const 2))
(assert_return (invoke "set_call_result" (i32.const 55)) (i32.const 55))
(assert_return (invoke "set_call_result_then_call" (i32.const 10)) (i32.const 7))
(assert_return (invoke "tee_call_result" (i32.const 66)) (i32.const 66))
(assert_return (invoke "select_tee_cond" (i32.const 1) (i32.const 2) (i32.const 0)) (i32.const 2))
(assert_return (invoke "select_tee_cond" (i32.const 1) (i32.const 2) (i32.const 5)) (i32.const 1))
(assert_return (invoke "select_tee_cond_used" (i32.const 1) (i32.const 2) (i32.const 0)) (i32.const 2))
(assert_return (invoke "select_tee_cond_used" (i32.const 1) (i32.const 2) (i32.const 3)) (i32.const 4))
(assert_return (invoke "br_if_tee_after_drop" (i32.const 0)) (i32.const 10))
(assert_return (invoke "br_if_tee_after_drop" (i32.const 3)) (i32.const 1))
(assert_return (invoke "set_after_block" (i32.const 17)) (i32.const 17))
(assert_return (invoke "set_after_if" (i32.const 6)) (i32.const 6))
(assert_return (invoke "set_after_if" (i32.const 0)) (i32.const 30))
(assert_return (invoke "set_in_loop" (i32.const 4)) (i32.const 10))
