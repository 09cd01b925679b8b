;; From the first oracle campaign: f32x4.max and f32.max with a NaN
;; operand. V8 returns x86's default NaN (0xffc00000), wsbx the operand's
;; payload; both are arithmetic NaNs, which the spec allows (4.3.3). The
;; oracle must accept the difference in a logged i64, a v128 and an i32
;; read back from memory (memory hashes need both dumps: not replayable).
(module
  (import "fuzzing-support" "log-i64" (func $log_i64 (param i64)))
  (import "fuzzing-support" "log-v128" (func $log_v128 (param v128)))
  (memory 1 1)
  (func $max (result v128)
    (f32x4.max (v128.const i32x4 0x7e 0x2e5c 0xffffffc1 0xffffffff)
               (v128.const i32x4 0 0 0 0)))
  (func (export "lanes")
    (call $log_i64 (i64x2.extract_lane 1 (call $max)))
    (call $log_v128 (call $max)))
  (func (export "store") (result i32)
    (f32.store offset=22 (i32.const 0)
      (f32.max (f32.const 1.0) (f32.const -nan:0x7fffd6)))
    (i32.load offset=22 (i32.const 0))))
