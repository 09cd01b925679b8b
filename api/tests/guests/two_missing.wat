;; Imports two functions nobody provides, and a memory.
(module
  (import "env" "first" (func (param i32)))
  (import "env" "second" (func (result i64)))
  (import "env" "mem" (memory 1)))
