;; Guests for the hard-limit tests (limits_test.sh): each export runs away
;; in one way, or is a tiny program with a known fuel cost.
(module
  (memory (export "memory") 1)
  (table $t 16 funcref)
  (global $spin (mut i32) (i32.const 0))

  ;; Never ends: a loop with a back-edge and nothing else.
  (func (export "spin")
    (loop $l (global.set $spin (i32.add (global.get $spin) (i32.const 1)))
      (br $l)))

  ;; Costs 3 fuel: local.get, i32.const, i32.add (end is free).
  (func (export "tiny") (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 1)))

  ;; Counts down from n: 4 + 8 * n fuel (3 for the exit test, 5 for
  ;; the decrement and back-edge per iteration, 1 for the result).
  (func (export "count") (param $n i32) (result i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $n))

  ;; Recursion that never stops.
  (func $runaway (export "runaway") (param $n i32) (result i32)
    (i32.add (call $runaway (i32.add (local.get $n) (i32.const 1)))
             (i32.const 1)))

  ;; Recursion to depth n; returns n.
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $depth (i32.sub (local.get $n) (i32.const 1)))
                     (i32.const 1)))))

  ;; A call tree without loops: fan(d) calls fan(d-1) twice, 2^d calls.
  (func $fan (export "fan") (param $d i32)
    (if (local.get $d)
      (then (call $fan (i32.sub (local.get $d) (i32.const 1)))
            (call $fan (i32.sub (local.get $d) (i32.const 1))))))

  ;; Grows one page at a time until refused; returns the pages gained.
  (func (export "grow_until_refused") (result i32)
    (local $got i32)
    (block $done
      (loop $l
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (local.set $got (i32.add (local.get $got) (i32.const 1)))
        (br $l)))
    (local.get $got))

  ;; Grows to the cap, then keeps asking forever.
  (func (export "grow_forever")
    (loop $l (drop (memory.grow (i32.const 1))) (br $l)))

  ;; Grows by n pages, then fills all of memory in one memory.fill, forever.
  (func (export "fill_forever") (param $pages i32)
    (drop (memory.grow (local.get $pages)))
    (loop $l
      (memory.fill (i32.const 0) (i32.const 7)
                   (i32.mul (memory.size) (i32.const 65536)))
      (br $l)))

  ;; Grows by n pages and fills them once; returns the old size.
  (func (export "fill_once") (param $pages i32) (result i32)
    (local $old i32)
    (local.set $old (memory.grow (local.get $pages)))
    (memory.fill (i32.const 0) (i32.const 7)
                 (i32.mul (memory.size) (i32.const 65536)))
    (local.get $old))

  ;; Copies the upper half of memory over the lower half, forever.
  (func (export "copy_forever") (param $pages i32)
    (drop (memory.grow (local.get $pages)))
    (loop $l
      (memory.copy (i32.const 0)
                   (i32.mul (memory.size) (i32.const 32768))
                   (i32.mul (memory.size) (i32.const 32768)))
      (br $l)))

  ;; Grows the table by n, then fills it, forever.
  (func (export "table_fill_forever") (param $n i32)
    (drop (table.grow $t (ref.null func) (local.get $n)))
    (loop $l
      (table.fill $t (i32.const 0) (ref.null func) (table.size $t))
      (br $l)))

  ;; Grows the table until refused; returns the elements gained.
  (func (export "table_grow_until_refused") (result i32)
    (local $got i32)
    (block $done
      (loop $l
        (br_if $done (i32.eq (table.grow $t (ref.null func) (i32.const 1000))
                             (i32.const -1)))
        (local.set $got (i32.add (local.get $got) (i32.const 1000)))
        (br $l)))
    (local.get $got))

  (func (export "_start")))
