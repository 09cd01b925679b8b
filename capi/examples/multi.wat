;; multi: multi-value functions in both directions: the guest calls a host
;; function of four parameters and four results, and exports functions of
;; several results.
(module
  (import "host" "shuffle"
    (func $shuffle (param i32 i64 f32 f64) (result f64 f32 i64 i32)))
  (func (export "roundtrip") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
    (call $shuffle (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  ;; A block with parameters and two results.
  (func (export "sort2") (param i32 i32) (result i32 i32)
    (local.get 0) (local.get 1)
    (block (param i32 i32) (result i32 i32)
      (br_if 0 (i32.le_s (local.get 0) (local.get 1)))
      (drop) (drop)
      (local.get 1) (local.get 0))))
