;; Tail calls beyond what the spec suite checks: constant call and value
;; stacks far past the call-depth limit (20,000 frames) for every kind of
;; callee, tail calls into another instance and to host functions, argument
;; moves in both compile modes, and the traps of return_call_indirect.

(module $callee
  (func (export "add3") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; Counts down across the instance boundary: each step tail-calls the
  ;; importer's function again.
  (func (export "id64") (param i64) (result i64) (local.get 0))
)
(register "callee" $callee)

(module
  (import "callee" "add3" (func $add3 (param i32 i32 i32) (result i32)))
  (import "spectest" "print_i32" (func $print (param i32)))
  (type $ii (func (param i64 i64) (result i64)))
  (table $t 4 funcref)
  (elem (table $t) (i32.const 0) func $even $odd $sum $wrong)

  ;; 1,000,000 self tail calls with two locals beside the parameters.
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (local $x i64) (local $y i32)
    (local.set $x (local.get $n))
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $sum (i64.sub (local.get $x) (i64.const 1))
                              (i64.add (local.get $acc) (local.get $x))))))

  ;; Mutual recursion through the table.
  (func $even (param $n i64) (param $k i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n)) (then (i64.const 1))
      (else (return_call_indirect $t (type $ii)
              (i64.sub (local.get $n) (i64.const 1)) (local.get $k)
              (i32.const 1)))))
  (func $odd (param $n i64) (param $k i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n)) (then (i64.const 0))
      (else (return_call_indirect $t (type $ii)
              (i64.sub (local.get $n) (i64.const 1)) (local.get $k)
              (i32.const 0)))))
  (func (export "even") (param i64) (result i64)
    (return_call $even (local.get 0) (i64.const 0)))
  (func $wrong (param i32) (result i32) (local.get 0))

  ;; Arguments that are the caller's own parameters in another order, and
  ;; a constant: the moves to the frame's first slots must not overwrite a
  ;; value still to be moved.
  (func $rot (param $a i32) (param $b i32) (param $c i32) (param $n i32)
    (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.add (i32.mul (local.get $a) (i32.const 100))
                     (i32.add (i32.mul (local.get $b) (i32.const 10))
                              (local.get $c))))
      (else (return_call $rot (local.get $c) (local.get $a) (local.get $b)
                              (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "rot") (param i32) (result i32)
    (return_call $rot (i32.const 1) (i32.const 2) (i32.const 3) (local.get 0)))

  ;; Tail calls of an import from another instance and of a host function.
  (func (export "add3") (param i32) (result i32)
    (return_call $add3 (local.get 0) (i32.const 20) (i32.const 300)))
  (func (export "print") (param i32)
    (return_call $print (local.get 0)))
  (func $via_import (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 7))
      (else (call $add3 (i32.const 0) (i32.const 0)
              (call $via_import (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "via_import") (param i32) (result i32)
    (return_call $via_import (local.get 0)))

  ;; return_call_indirect traps.
  (func (export "indirect") (param i32) (result i64)
    (return_call_indirect $t (type $ii) (i64.const 5) (i64.const 0)
                          (local.get 0)))
)

(assert_return (invoke "sum" (i64.const 1000000) (i64.const 0))
               (i64.const 500000500000))
(assert_return (invoke "even" (i64.const 1000001)) (i64.const 0))
(assert_return (invoke "even" (i64.const 1000000)) (i64.const 1))
(assert_return (invoke "rot" (i32.const 0)) (i32.const 123))
(assert_return (invoke "rot" (i32.const 1)) (i32.const 312))
(assert_return (invoke "rot" (i32.const 2)) (i32.const 231))
(assert_return (invoke "rot" (i32.const 300001)) (i32.const 312))
(assert_return (invoke "add3" (i32.const 1)) (i32.const 321))
(assert_return (invoke "print" (i32.const 42)))
(assert_return (invoke "via_import" (i32.const 100)) (i32.const 7))
;; A plain call chain is still bounded by the call-depth limit.
(assert_exhaustion (invoke "via_import" (i32.const 1000000))
                   "call stack exhausted")
(assert_return (invoke "indirect" (i32.const 0)) (i64.const 0))
(assert_return (invoke "indirect" (i32.const 2)) (i64.const 15))
(assert_trap (invoke "indirect" (i32.const 3)) "indirect call type mismatch")
(assert_trap (invoke "indirect" (i32.const 4)) "undefined element")

;; Validation: the callee's results must be the caller's.
(assert_invalid
  (module
    (func $f (result i64) (i64.const 0))
    (func (result i32) (return_call $f)))
  "type mismatch")
(assert_invalid
  (module
    (type $t (func (result i32)))
    (table 1 funcref)
    (func (result i64) (return_call_indirect (type $t) (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (func (return_call 5)))
  "unknown function")
