;; A guest built as older toolchains build them, importing WASI from
;; "wasi_unstable" (snapshot 0), plus one preview1 import beside it. It
;; checks what each call leaves at snapshot-0 offsets and exits with a code
;; naming the first check that failed, or with 7 after printing "done".
;; Run with the directory holding data.txt (16 bytes) as guest fd 3.
(module
  (import "wasi_unstable" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek"
    (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_tell" (func $fd_tell (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get"
    (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get"
    (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get"
    (func $p1_fd_filestat_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "data.txt")
  (data (i32.const 1040) "hello from wasi_unstable\n")
  (data (i32.const 1072) "done\n")
  (global $fd (mut i32) (i32.const 0))

  (func $expect (param $ok i32) (param $code i32)
    (if (i32.eqz (local.get $ok)) (then (call $proc_exit (local.get $code)))))

  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $expect (i32.eqz (call $fd_write (i32.const 1) (i32.const 0)
                                           (i32.const 1) (i32.const 8)))
                  (i32.const 2)))

  ;; fd_seek with a snapshot-0 whence must land at $want.
  (func $seek (param $off i64) (param $whence i32) (param $want i64)
              (param $code i32)
    (call $expect (i32.eqz (call $fd_seek (global.get $fd) (local.get $off)
                                          (local.get $whence) (i32.const 208)))
                  (local.get $code))
    (call $expect (i64.eq (i64.load (i32.const 208)) (local.get $want))
                  (local.get $code)))

  ;; The snapshot-0 filestat of data.txt at $at: filetype u8 @16, nlink u32
  ;; @20, size @24, mtim @40, and the 0x11 canary still at @56.
  (func $check_stat (param $at i32) (param $code i32)
    (call $expect (i32.eq (i32.load8_u offset=16 (local.get $at)) (i32.const 4))
                  (local.get $code))
    (call $expect (i32.eq (i32.load offset=20 (local.get $at)) (i32.const 1))
                  (i32.add (local.get $code) (i32.const 1)))
    (call $expect (i64.eq (i64.load offset=24 (local.get $at)) (i64.const 16))
                  (i32.add (local.get $code) (i32.const 2)))
    (call $expect (i64.ne (i64.load offset=40 (local.get $at)) (i64.const 0))
                  (i32.add (local.get $code) (i32.const 3)))
    (call $expect (i64.eq (i64.load offset=56 (local.get $at))
                          (i64.const 0x1111111111111111))
                  (i32.add (local.get $code) (i32.const 4))))

  (func (export "_start")
    (call $print (i32.const 1040) (i32.const 25))
    ;; Rights fd_read | fd_seek | fd_tell | fd_filestat_get.
    (call $expect (i32.eqz (call $path_open (i32.const 3) (i32.const 0)
        (i32.const 1024) (i32.const 8) (i32.const 0) (i64.const 0x200026)
        (i64.const 0) (i32.const 0) (i32.const 200)))
      (i32.const 3))
    (global.set $fd (i32.load (i32.const 200)))
    ;; Snapshot 0: cur = 0, end = 1, set = 2.
    (call $seek (i64.const 4) (i32.const 2) (i64.const 4) (i32.const 10))
    (call $seek (i64.const 3) (i32.const 0) (i64.const 7) (i32.const 11))
    (call $seek (i64.const -2) (i32.const 1) (i64.const 14) (i32.const 12))
    (call $expect (i32.eqz (call $fd_tell (global.get $fd) (i32.const 208)))
                  (i32.const 13))
    (call $expect (i64.eq (i64.load (i32.const 208)) (i64.const 14))
                  (i32.const 13))

    (memory.fill (i32.const 300) (i32.const 0x11) (i32.const 64))
    (call $expect (i32.eqz (call $fd_filestat_get (global.get $fd)
                                                  (i32.const 300)))
                  (i32.const 20))
    (call $check_stat (i32.const 300) (i32.const 21))
    (memory.fill (i32.const 400) (i32.const 0x11) (i32.const 64))
    (call $expect (i32.eqz (call $path_filestat_get (i32.const 3) (i32.const 0)
                             (i32.const 1024) (i32.const 8) (i32.const 400)))
                  (i32.const 30))
    (call $check_stat (i32.const 400) (i32.const 31))
    ;; The preview1 import in the same module keeps preview1's layout.
    (call $expect (i32.eqz (call $p1_fd_filestat_get (global.get $fd)
                                                     (i32.const 500)))
                  (i32.const 40))
    (call $expect (i64.eq (i64.load (i32.const 532)) (i64.const 16))
                  (i32.const 41))

    ;; One 56-byte clock subscription: userdata @0, tag @8 (clock), an
    ;; identifier @16 whose low half is no clock id, monotonic @24, 10 ms @32.
    (memory.fill (i32.const 600) (i32.const 0) (i32.const 56))
    (i64.store (i32.const 600) (i64.const 0x55))
    (i64.store (i32.const 616) (i64.const 0x1234567800000077))
    (i32.store (i32.const 624) (i32.const 1))
    (i64.store (i32.const 632) (i64.const 10000000))
    (call $expect (i32.eqz (call $poll_oneoff (i32.const 600) (i32.const 720)
                                              (i32.const 1) (i32.const 700)))
                  (i32.const 50))
    (call $expect (i32.eq (i32.load (i32.const 700)) (i32.const 1))
                  (i32.const 51))
    (call $expect (i64.eq (i64.load (i32.const 720)) (i64.const 0x55))
                  (i32.const 52))
    (call $expect (i32.eqz (i32.load16_u (i32.const 728))) (i32.const 53))
    (call $expect (i32.eqz (i32.load8_u (i32.const 730))) (i32.const 54))

    (call $print (i32.const 1072) (i32.const 5))
    (call $proc_exit (i32.const 7))))
