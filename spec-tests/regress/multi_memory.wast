;; Multiple memories beyond what the spec suite checks: instructions on
;; memory 1 between accesses to memory 0 (the interpreter switches its
;; memory registers around each one), growth of memory 1 seen by later
;; accesses, SIMD lane access, a trap on memory 1, and memory.copy between
;; two indices that name one imported memory (an overlapping copy).

(module $shared
  (memory (export "mem") 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08"))
(register "shared" $shared)

(module
  (memory $a 1)
  (memory $b 1 4)
  (data (memory $b) (i32.const 0) "\aa\bb\cc\dd")

  (func (export "mix") (result i32)
    ;; a store to $b and loads of both, interleaved in one expression
    (i32.store $b (i32.const 4) (i32.const 0x11223344))
    (i32.store $a (i32.const 4) (i32.const 0x55667788))
    (i32.add (i32.load $b (i32.const 4))
             (i32.add (i32.load $a (i32.const 4))
                      (i32.load8_u $b offset=1 (i32.const 0)))))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "size_a") (result i32) (memory.size $a))
  (func (export "size_b") (result i32) (memory.size $b))
  (func (export "load_b") (param i32) (result i32) (i32.load $b (local.get 0)))
  (func (export "load_a") (param i32) (result i32) (i32.load $a (local.get 0)))
  (func (export "fill_b") (param i32 i32 i32)
    (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_b_to_a") (param i32 i32 i32)
    (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "lane_b") (result i32)
    (i32x4.extract_lane 0
      (v128.load32_lane $b 1 (i32.const 0) (v128.const i32x4 0 0 0 0))))
  (func (export "v128_b") (result i64)
    (i64x2.extract_lane 0 (v128.load $b (i32.const 0))))
)

(assert_return (invoke "mix") (i32.const 0x6688AB87))
(assert_return (invoke "size_a") (i32.const 1))
(assert_return (invoke "size_b") (i32.const 1))
(assert_trap (invoke "load_b" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "load_a" (i32.const 4)) (i32.const 0x55667788))
(assert_return (invoke "grow_b" (i32.const 2)) (i32.const 1))
(assert_return (invoke "size_a") (i32.const 1))
(assert_return (invoke "size_b") (i32.const 3))
(assert_return (invoke "load_b" (i32.const 131072)) (i32.const 0))
(assert_trap (invoke "load_a" (i32.const 131072)) "out of bounds memory access")
(assert_return (invoke "grow_b" (i32.const 2)) (i32.const -1))
(invoke "fill_b" (i32.const 196600) (i32.const 0x7f) (i32.const 8))
(assert_return (invoke "load_b" (i32.const 196604)) (i32.const 0x7f7f7f7f))
(assert_trap (invoke "fill_b" (i32.const 196600) (i32.const 0) (i32.const 9))
             "out of bounds memory access")
(invoke "copy_b_to_a" (i32.const 100) (i32.const 0) (i32.const 4))
(assert_return (invoke "load_a" (i32.const 100)) (i32.const 0xddccbbaa))
(assert_trap (invoke "copy_b_to_a" (i32.const 65534) (i32.const 0) (i32.const 4))
             "out of bounds memory access")
(assert_return (invoke "lane_b") (i32.const 0))
(assert_return (invoke "v128_b") (i64.const 0x11223344ddccbbaa))

;; One memory imported twice: memory.copy from index 1 to index 0 overlaps.
(module
  (memory $x (import "shared" "mem") 1)
  (memory $y (import "shared" "mem") 1)
  (func (export "copy_up") (memory.copy $x $y (i32.const 2) (i32.const 0) (i32.const 6)))
  (func (export "copy_down") (memory.copy $y $x (i32.const 0) (i32.const 2) (i32.const 6)))
  (func (export "load64") (result i64) (i64.load $y (i32.const 0)))
)
(invoke "copy_up")
(assert_return (invoke "load64") (i64.const 0x0605040302010201))
(invoke "copy_down")
(assert_return (invoke "load64") (i64.const 0x0605060504030201))
