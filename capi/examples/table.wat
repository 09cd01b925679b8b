;; table: a funcref table the host reads, writes and grows, and calls made
;; through it with call_indirect.
(module
  (type $unary (func (param i32) (result i32)))
  (table $t (export "table") 2 8 funcref)
  (elem (table $t) (i32.const 0) func $inc $double)
  (func $inc (export "inc") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  (func $double (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2)))
  (func (export "call_at") (param $index i32) (param $x i32) (result i32)
    (call_indirect $t (type $unary) (local.get $x) (local.get $index)))
  (func (export "size") (result i32) (table.size $t)))
