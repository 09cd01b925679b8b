;; Its start function traps.
(module
  (func $boom (unreachable))
  (start $boom))
