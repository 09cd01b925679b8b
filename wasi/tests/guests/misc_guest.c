// A WASI guest for everything that is not a file: arguments, environment,
// stdio, clocks, random, poll_oneoff, refused functions, exits and traps.
// Runs the case named by argv[1]; exits 0 when every expectation held.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#include "expect.h"


extern char** environ;

// Raw imports so bad pointers reach the host unchanged.
extern int32_t raw_fd_write(int32_t, int32_t, int32_t, int32_t)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")));
extern int32_t raw_args_get(int32_t, int32_t)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("args_get")));
extern int32_t raw_proc_raise(int32_t)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")));
extern int32_t raw_random_get(int32_t, int32_t)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("random_get")));

static void Clocks(void) {
  __wasi_timestamp_t t0, t1, res;
  EXPECT(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0), 0);
  EXPECT(__wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res), 0);
  CHECK(res > 0);
  EXPECT(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t1), 0);
  CHECK(t1 > 1600000000ull * 1000000000ull);
  EXPECT(__wasi_clock_time_get(99, 1, &t1), __WASI_ERRNO_INVAL);
  EXPECT(__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &t1), 0);
  uint8_t r[32] = {0}, zero[32] = {0};
  EXPECT(__wasi_random_get(r, sizeof r), 0);
  CHECK(memcmp(r, zero, sizeof r) != 0);
  EXPECT(__wasi_sched_yield(), 0);
  // Sleep 20 ms through poll_oneoff, plus an fd_write subscription on stdout.
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 11;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 20000000;
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  EXPECT(__wasi_poll_oneoff(subs, ev, 1, &n), 0);
  EXPECT(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1), 0);
  CHECK(n == 1 && ev[0].userdata == 11 && ev[0].type == __WASI_EVENTTYPE_CLOCK);
  CHECK(t1 - t0 >= 20000000);
  subs[1].userdata = 22;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = 1;
  EXPECT(__wasi_poll_oneoff(subs, ev, 2, &n), 0);
  CHECK(n >= 1 && ev[0].userdata == 22 && ev[0].error == 0);
  subs[1].u.u.fd_write.file_descriptor = 77;
  EXPECT(__wasi_poll_oneoff(subs, ev, 2, &n), 0);
  CHECK(n >= 1 && ev[0].userdata == 22 && ev[0].error == __WASI_ERRNO_BADF);
  EXPECT(__wasi_poll_oneoff(subs, ev, 0, &n), __WASI_ERRNO_INVAL);
  usleep(1000);  // libc's sleep is poll_oneoff too
}

static void Refused(void) {
  __wasi_fd_t fd;
  __wasi_size_t n;
  __wasi_roflags_t ro;
  __wasi_iovec_t iov = {0, 0};
  __wasi_ciovec_t ciov = {0, 0};
  // No socket is granted: stdio fds are not sockets, others are not open.
  EXPECT(__wasi_sock_accept(0, 0, &fd), __WASI_ERRNO_NOTSOCK);
  EXPECT(__wasi_sock_recv(0, &iov, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK);
  EXPECT(__wasi_sock_send(1, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
  EXPECT(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
  EXPECT(__wasi_sock_shutdown(42, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
  EXPECT(raw_proc_raise(9), __WASI_ERRNO_NOTSUP);  // SIGKILL
}

static void NoGrants(void) {
  __wasi_prestat_t pre;
  EXPECT(__wasi_fd_prestat_get(3, &pre), __WASI_ERRNO_BADF);
  EXPECT(__wasi_fd_prestat_get(0, &pre), __WASI_ERRNO_BADF);
  CHECK(fopen("/etc/passwd", "r") == NULL);
  CHECK(open("file.txt", O_RDONLY) < 0);
  CHECK(environ == NULL || environ[0] == NULL);
  __wasi_filesize_t pos;
  EXPECT(__wasi_fd_seek(1, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_fdstat_set_flags(0, __WASI_FDFLAGS_NONBLOCK), __WASI_ERRNO_NOTCAPABLE);
}

static void BadPointers(void) {
  // Buffers past the end of memory: fault, never a host access.
  uint32_t iov[2] = {0xfffffff0u, 64};
  EXPECT(raw_fd_write(1, (int32_t)(uintptr_t)iov, 1, (int32_t)(uintptr_t)&iov[0] + 100), 21);
  EXPECT(raw_fd_write(1, -8, 1, 0), __WASI_ERRNO_FAULT);
  EXPECT(raw_args_get(-4, -100), __WASI_ERRNO_FAULT);
  EXPECT(raw_random_get(-16, 64), __WASI_ERRNO_FAULT);
}

int main(int argc, char** argv) {
  const char* c = argc > 1 ? argv[1] : "";
  if (!strcmp(c, "args")) {
    printf("argc=%d", argc);
    for (int i = 0; i < argc; i++) printf("|%s", argv[i]);
    printf("\n");
  } else if (!strcmp(c, "env")) {
    for (char** e = environ; e && *e; e++) printf("env:%s\n", *e);
  } else if (!strcmp(c, "stdio")) {
    char buf[64] = {0};
    ssize_t n = read(0, buf, sizeof buf - 1);
    printf("stdin:%s\n", n > 0 ? buf : "");
    fprintf(stderr, "to stderr\n");
  } else if (!strcmp(c, "clocks")) {
    Clocks();
  } else if (!strcmp(c, "refused")) {
    Refused();
  } else if (!strcmp(c, "nogrants")) {
    NoGrants();
  } else if (!strcmp(c, "badptr")) {
    BadPointers();
  } else if (!strcmp(c, "exit")) {
    printf("before exit\n");
    fflush(stdout);
    __wasi_proc_exit(7);
  } else if (!strcmp(c, "trap")) {
    const char msg[] = "written before the trap\n";
    write(1, msg, sizeof msg - 1);
    __builtin_trap();
  } else if (!strcmp(c, "blockread")) {
    char buf[8];
    read(0, buf, sizeof buf);  // stdin never gets data
  } else {
    printf("FAIL unknown case '%s'\n", c);
    return 1;
  }
  if (failures == 0) printf("PASS %s\n", c);
  return failures == 0 ? 0 : 1;
}
