;; The module of capi/tests/wasm_c_api_test.cc: references in parameters,
;; globals and tables, a v128 signature, and a host import.
(module
  (import "host" "f" (func $f (param i32) (result i32)))
  (global (export "func_g") (mut funcref) (ref.null func))
  (global (export "ext_g") (mut externref) (ref.null extern))
  (table (export "ext_t") 2 externref)
  (func (export "call_f") (param i32) (result i32) (call $f (local.get 0)))
  (func (export "simd") (param v128) (result v128) (local.get 0))
  (func (export "id_ext") (param externref) (result externref) (local.get 0))
  (func (export "id_func") (param funcref) (result funcref) (local.get 0)))
