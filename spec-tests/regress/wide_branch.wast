;; Branches that carry more values than the compiler moves one by one (a
;; single bulk move, CopyN): values must land at the label's height in
;; order, whatever lies between them and it, for br, br_if, br_table and
;; loops with parameters. Run in optimized and in plain mode
;; (spec-tests/meson.build).

(module
  (type $six (func (result i32 i64 i32 f64 i32 i32)))
  (type $five_in (func (param i32 i32 i32 i32 i32) (result i32)))

  ;; br past an extra value below the six results.
  (func (export "br6") (result i32 i64 i32 f64 i32 i32)
    (block (type $six)
      (i32.const 99)
      (i32.const 1) (i64.const 2) (i32.const 3) (f64.const 4.5)
      (i32.const 5) (i32.const 6)
      (br 0)))

  ;; br_if: taken when the argument is nonzero, else the block ends normally
  ;; after the extra value is dropped through locals.
  (func (export "br_if6") (param i32) (result i32 i64 i32 f64 i32 i32)
    (local i32 i64 i32 f64 i32 i32)
    (block (type $six)
      (i32.const 77)
      (i32.const 10) (i64.const 20) (i32.const 30) (f64.const 40.5)
      (i32.const 50) (i32.const 60)
      (br_if 0 (local.get 0))
      (local.set 6) (local.set 5) (local.set 4) (local.set 3) (local.set 2)
      (local.set 1)
      (drop)
      (i32.const -1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)
      (local.get 6)))

  ;; br_table choosing between two wide blocks (each target's stub shared).
  (func (export "br_table6") (param i32) (result i32)
    (local i32 i64 i32 f64 i32 i32)
    (block $outer (result i32)
      (block $b1 (type $six)
        (block $b0 (type $six)
          (i32.const 5) (i32.const 6)
          (i32.const 100) (i64.const 200) (i32.const 300) (f64.const 400)
          (i32.const 500) (i32.const 600)
          (br_table $b0 $b1 $b1 $b0 $b1 (local.get 0)))
        ;; from $b0: sum of the two i32 ends plus 1
        (local.set 6) (local.set 5) (drop) (drop) (drop) (drop)
        (br $outer (i32.add (i32.const 1) (i32.add (local.get 5) (local.get 6)))))
      ;; from $b1: the first and third results
      (local.set 6) (local.set 5) (drop) (local.set 3) (drop) (local.set 1)
      (i32.add (local.get 1) (local.get 3))))

  ;; A loop with five parameters, branched to with an extra value below:
  ;; (n, a, b, c, d) -> (n-1, a+1, b+2, c+3, d+n) while n > 1, then the sum
  ;; of the last five, 6n + n(n+1)/2.
  (func (export "loop5") (param i32) (result i32) (local i32 i32 i32 i32 i32)
    (local.get 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
    (loop $l (type $five_in)
      (local.set 5) (local.set 4) (local.set 3) (local.set 2) (local.set 1)
      (i32.const 1000)
      (i32.sub (local.get 1) (i32.const 1))
      (i32.add (local.get 2) (i32.const 1))
      (i32.add (local.get 3) (i32.const 2))
      (i32.add (local.get 4) (i32.const 3))
      (i32.add (local.get 5) (local.get 1))
      (br_if $l (i32.gt_u (local.get 1) (i32.const 1)))
      (local.set 5) (local.set 4) (local.set 3) (local.set 2) (local.set 1)
      (drop)
      (i32.add (i32.add (local.get 1) (local.get 2))
               (i32.add (i32.add (local.get 3) (local.get 4)) (local.get 5)))))

  ;; Two v128 values and an i32 (five slots) past an extra value.
  (func (export "br_v128") (result v128 v128 i32)
    (block (result v128 v128 i32)
      (i64.const 9)
      (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8) (i32.const 9)
      (br 0)))
)

(assert_return (invoke "br6")
  (i32.const 1) (i64.const 2) (i32.const 3) (f64.const 4.5) (i32.const 5)
  (i32.const 6))
(assert_return (invoke "br_if6" (i32.const 1))
  (i32.const 10) (i64.const 20) (i32.const 30) (f64.const 40.5)
  (i32.const 50) (i32.const 60))
(assert_return (invoke "br_if6" (i32.const 0))
  (i32.const -1) (i64.const 20) (i32.const 30) (f64.const 40.5)
  (i32.const 50) (i32.const 60))
(assert_return (invoke "br_table6" (i32.const 0)) (i32.const 1101))
(assert_return (invoke "br_table6" (i32.const 1)) (i32.const 400))
(assert_return (invoke "br_table6" (i32.const 2)) (i32.const 400))
(assert_return (invoke "br_table6" (i32.const 3)) (i32.const 1101))
(assert_return (invoke "br_table6" (i32.const 4)) (i32.const 400))
(assert_return (invoke "br_table6" (i32.const 9)) (i32.const 400))
(assert_return (invoke "loop5" (i32.const 1)) (i32.const 7))
(assert_return (invoke "loop5" (i32.const 3)) (i32.const 24))
(assert_return (invoke "loop5" (i32.const 10)) (i32.const 115))
(assert_return (invoke "br_v128")
  (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8) (i32.const 9))
