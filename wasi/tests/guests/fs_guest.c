// A WASI guest that runs one named filesystem check against the directory
// preopened as fd 3 and exits 0 when every expectation held. It calls the
// wasi_snapshot_preview1 functions directly so each errno is checked exactly.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "expect.h"

void AddFailures(int n) { failures += n; }
#define PRE 3


static const __wasi_rights_t kRead = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK |
                                     __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET;
static const __wasi_rights_t kWrite = __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                                      __WASI_RIGHTS_FD_TELL;

static __wasi_errno_t Open(const char* path, __wasi_oflags_t oflags,
                           __wasi_rights_t rights, __wasi_fd_t* fd) {
  return __wasi_path_open(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags,
                          rights, rights, 0, fd);
}
static __wasi_errno_t OpenLen(const char* path, size_t len, __wasi_fd_t* fd) {
  // Raw import: lets a test pass a length that covers a NUL byte.
  extern int32_t raw_path_open(int32_t, int32_t, int32_t, int32_t, int32_t,
                               int64_t, int64_t, int32_t, int32_t)
      __attribute__((import_module("wasi_snapshot_preview1"),
                     import_name("path_open")));
  return (__wasi_errno_t)raw_path_open(PRE, 1, (int32_t)path, (int32_t)len, 0,
                                       kRead, kRead, 0, (int32_t)fd);
}

// --- escape attempts: each must be refused and leave outside/ untouched ---
static void EscapeCase(const char* name) {
  __wasi_fd_t fd = 0;
  if (!strcmp(name, "open_dotdot")) {
    EXPECT(Open("../outside/secret", 0, kRead, &fd), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(Open("sub/../../outside/secret", 0, kRead, &fd), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "open_absolute")) {
    EXPECT(Open("/etc/passwd", 0, kRead, &fd), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "symlink_absolute")) {
    EXPECT(Open("abs_link", 0, kRead, &fd), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "symlink_relative")) {
    EXPECT(Open("link_out", 0, kRead, &fd), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(Open("sub/out_dir/secret", 0, kRead, &fd), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "symlink_loop")) {
    EXPECT(Open("loop1", 0, kRead, &fd), __WASI_ERRNO_LOOP);
  } else if (!strcmp(name, "nul_byte")) {
    EXPECT(OpenLen("file.txt\0../outside/secret", 27, &fd), __WASI_ERRNO_INVAL);
  } else if (!strcmp(name, "create_through_link")) {
    EXPECT(Open("dangling", __WASI_OFLAGS_CREAT, kWrite, &fd), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(Open("../outside/new", __WASI_OFLAGS_CREAT, kWrite, &fd), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "truncate_outside")) {
    EXPECT(Open("link_out", __WASI_OFLAGS_TRUNC, kWrite, &fd), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "mkdir_outside")) {
    EXPECT(__wasi_path_create_directory(PRE, "../outside/newdir"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_create_directory(PRE, "sub/out_dir/newdir"), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "unlink_outside")) {
    EXPECT(__wasi_path_unlink_file(PRE, "sub/out_dir/secret"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_unlink_file(PRE, "../outside/secret"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_remove_directory(PRE, ".."), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "rename_out")) {
    EXPECT(__wasi_path_rename(PRE, "file.txt", PRE, "../outside/stolen"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_rename(PRE, "file.txt", PRE, "sub/out_dir/stolen"), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "rename_in")) {
    EXPECT(__wasi_path_rename(PRE, "../outside/secret", PRE, "got"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_rename(PRE, "sub/out_dir/secret", PRE, "got"), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "hardlink_out")) {
    EXPECT(__wasi_path_link(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_out", PRE, "hard"),
           __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_link(PRE, 0, "../outside/secret", PRE, "hard"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_link(PRE, 0, "file.txt", PRE, "../outside/hard"), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "symlink_create_out")) {
    EXPECT(__wasi_path_symlink("../outside/secret", PRE, "evil"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_symlink("/etc/passwd", PRE, "evil"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_symlink("../../outside", PRE, "sub/evil"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_symlink("x", PRE, "../outside/evil"), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "stat_outside")) {
    __wasi_filestat_t st;
    EXPECT(__wasi_path_filestat_get(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_out", &st),
           __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_filestat_get(PRE, 0, "../outside", &st), __WASI_ERRNO_NOTCAPABLE);
  } else if (!strcmp(name, "set_times_outside")) {
    EXPECT(__wasi_path_filestat_set_times(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_out",
                                          0, 0, __WASI_FSTFLAGS_MTIM), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_filestat_set_times(PRE, 0, "../outside/secret", 0, 0,
                                          __WASI_FSTFLAGS_MTIM), __WASI_ERRNO_NOTCAPABLE);
  } else {
    printf("FAIL unknown case %s\n", name);
    failures++;
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    printf("usage: fs_guest CASE\n");
    return 2;
  }
  extern void RunCase(const char* name, int* handled);
  int handled = 0;
  RunCase(argv[1], &handled);
  if (!handled) EscapeCase(argv[1]);
  if (failures == 0) printf("PASS %s\n", argv[1]);
  return failures == 0 ? 0 : 1;
}
