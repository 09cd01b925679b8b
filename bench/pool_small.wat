;; Pool benchmark, small module: one page of memory, a global, a table.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "small module data")
  (global $g (mut i32) (i32.const 0))
  (table 4 funcref)
  ;; Writes one byte in each of `pages` pages from page 0 (dirtying them),
  ;; wrapping around at the memory's end.
  (func (export "touch") (param $pages i32) (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $pages)))
        (i32.store8 (i32.mul (i32.rem_u (local.get $i) (memory.size))
                             (i32.const 65536))
                    (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (global.get $g)))
