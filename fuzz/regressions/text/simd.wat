(module
  (memory 1)
  (func (export "lanes") (result i32)
    (v128.store (i32.const 0)
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
        (v128.const i32x4 1 -2 0x7fffffff 0x8000_0000)
        (v128.const f32x4 1.5 -0x1p-3 inf nan:0x200000)))
    (i32x4.extract_lane 3
      (i32x4.add (v128.load (i32.const 0))
                 (v128.const i64x2 -1 0xffff_ffff_ffff_ffff))))
  (func (export "f64") (result f64)
    (f64x2.extract_lane 1 (v128.const f64x2 -0.0 0x1.fffffffffffffp1023))))
