;; A guest importing WASI as older toolchains do, from "wasi_unstable"
;; (snapshot 0): writes a line to stdout, checks stdout's filestat at
;; snapshot-0 offsets (nlink u32 @20 is 1; the canary @56 is untouched) and
;; exits with 3, or with 9 when a check fails.
(module
  (import "wasi_unstable" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get"
    (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "hi from wasi_unstable\n")
  (func $expect (param $ok i32)
    (if (i32.eqz (local.get $ok)) (then (call $proc_exit (i32.const 9)))))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 22))
    (call $expect (i32.eqz (call $fd_write (i32.const 1) (i32.const 0)
                                           (i32.const 1) (i32.const 8))))
    (memory.fill (i32.const 200) (i32.const 0x11) (i32.const 64))
    (call $expect (i32.eqz (call $fd_filestat_get (i32.const 1) (i32.const 200))))
    (call $expect (i32.eq (i32.load (i32.const 220)) (i32.const 1)))
    (call $expect (i32.eq (i32.load (i32.const 256)) (i32.const 0x11111111)))
    (call $proc_exit (i32.const 3))))
