// The working half of fs_guest: every fd_* and path_* function used the way
// a program would, inside the preopen (fd 3), and the read-only checks.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "expect.h"

#define PRE 3

static const __wasi_rights_t kAll = (1ull << 30) - 1;

static void ReadWrite(void) {
  __wasi_fd_t fd, dir;
  EXPECT(__wasi_path_open(PRE, 0, "made.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                          kAll & ~(__WASI_RIGHTS_FD_READDIR), 0, 0, &fd), 0);
  char data[] = "0123456789";
  __wasi_ciovec_t out = {(const uint8_t*)data, 10};
  __wasi_size_t n = 0;
  EXPECT(__wasi_fd_write(fd, &out, 1, &n), 0);
  CHECK(n == 10);
  __wasi_filesize_t pos = 0;
  EXPECT(__wasi_fd_tell(fd, &pos), 0);
  CHECK(pos == 10);
  EXPECT(__wasi_fd_seek(fd, 2, __WASI_WHENCE_SET, &pos), 0);
  char buf[16] = {0};
  __wasi_iovec_t in = {(uint8_t*)buf, 3};
  EXPECT(__wasi_fd_read(fd, &in, 1, &n), 0);
  CHECK(n == 3 && memcmp(buf, "234", 3) == 0);
  __wasi_ciovec_t pw = {(const uint8_t*)"AB", 2};
  EXPECT(__wasi_fd_pwrite(fd, &pw, 1, 0, &n), 0);
  in.buf_len = 4;
  EXPECT(__wasi_fd_pread(fd, &in, 1, 0, &n), 0);
  CHECK(n == 4 && memcmp(buf, "AB23", 4) == 0);
  EXPECT(__wasi_fd_seek(fd, -1, __WASI_WHENCE_END, &pos), 0);
  CHECK(pos == 9);
  EXPECT(__wasi_fd_seek(fd, 0, 7, &pos), __WASI_ERRNO_INVAL);
  __wasi_filestat_t st;
  EXPECT(__wasi_fd_filestat_get(fd, &st), 0);
  CHECK(st.size == 10 && st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.nlink == 1);
  EXPECT(__wasi_fd_filestat_set_size(fd, 6), 0);
  EXPECT(__wasi_fd_allocate(fd, 0, 8), 0);
  EXPECT(__wasi_fd_filestat_get(fd, &st), 0);
  CHECK(st.size == 8);
  EXPECT(__wasi_fd_filestat_set_size(fd, 6), 0);
  EXPECT(__wasi_fd_filestat_set_times(fd, 1000000000ull, 2000000000ull,
                                      __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
  EXPECT(__wasi_fd_filestat_get(fd, &st), 0);
  CHECK(st.mtim == 2000000000ull && st.atim == 1000000000ull);
  EXPECT(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
         __WASI_ERRNO_INVAL);
  EXPECT(__wasi_fd_advise(fd, 0, 6, __WASI_ADVICE_SEQUENTIAL), 0);
  EXPECT(__wasi_fd_advise(fd, 0, 6, 9), __WASI_ERRNO_INVAL);
  EXPECT(__wasi_fd_datasync(fd), 0);
  EXPECT(__wasi_fd_sync(fd), 0);
  __wasi_fdstat_t fs;
  EXPECT(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), 0);
  EXPECT(__wasi_fd_fdstat_get(fd, &fs), 0);
  CHECK(fs.fs_flags == __WASI_FDFLAGS_APPEND && fs.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
  __wasi_ciovec_t tail = {(const uint8_t*)"Z", 1};
  EXPECT(__wasi_fd_write(fd, &tail, 1, &n), 0);
  EXPECT(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0), 0);
  EXPECT(__wasi_fd_write(fd, &tail, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_fdstat_set_rights(fd, kAll, 0), __WASI_ERRNO_NOTCAPABLE);
  // Renumber onto a second fd, which is closed by it.
  __wasi_fd_t other;
  EXPECT(__wasi_path_open(PRE, 0, "file.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &other), 0);
  EXPECT(__wasi_fd_renumber(fd, other), 0);
  EXPECT(__wasi_fd_close(fd), __WASI_ERRNO_BADF);
  EXPECT(__wasi_fd_close(other), 0);
  EXPECT(__wasi_fd_renumber(other, 1), __WASI_ERRNO_BADF);

  EXPECT(__wasi_path_create_directory(PRE, "newdir"), 0);
  EXPECT(__wasi_path_create_directory(PRE, "newdir"), __WASI_ERRNO_EXIST);
  EXPECT(__wasi_path_rename(PRE, "made.txt", PRE, "newdir/moved.txt"), 0);
  EXPECT(__wasi_path_link(PRE, 0, "newdir/moved.txt", PRE, "hardlink.txt"), 0);
  EXPECT(__wasi_path_symlink("newdir/moved.txt", PRE, "soft"), 0);
  EXPECT(__wasi_path_symlink("../file.txt", PRE, "newdir/up"), 0);
  char target[64] = {0};
  EXPECT(__wasi_path_readlink(PRE, "soft", (uint8_t*)target, sizeof target, &n), 0);
  CHECK(n == 16 && memcmp(target, "newdir/moved.txt", 16) == 0);
  EXPECT(__wasi_path_readlink(PRE, "link_out", (uint8_t*)target, 4, &n), 0);
  CHECK(n == 4 && memcmp(target, "../o", 4) == 0);  // truncated, data only
  EXPECT(__wasi_path_filestat_get(PRE, 0, "soft", &st), 0);
  CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
  EXPECT(__wasi_path_filestat_get(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "soft", &st), 0);
  CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size == 7 && st.nlink == 2);
  EXPECT(__wasi_path_filestat_set_times(PRE, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "soft", 0,
                                        5000000000ull, __WASI_FSTFLAGS_MTIM), 0);
  EXPECT(__wasi_path_filestat_get(PRE, 0, "hardlink.txt", &st), 0);
  CHECK(st.mtim == 5000000000ull);
  EXPECT(__wasi_path_open(PRE, 0, "newdir", __WASI_OFLAGS_DIRECTORY,
                          __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN, kAll, 0, &dir), 0);
  __wasi_fd_t via_dir;
  // Every directory fd is its own root: its links may not climb above it.
  EXPECT(__wasi_path_open(dir, 1, "up", 0, __WASI_RIGHTS_FD_READ, 0, 0, &via_dir),
         __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_open(dir, 1, "moved.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &via_dir), 0);
  EXPECT(__wasi_path_open(dir, 1, "../../outside/secret", 0, __WASI_RIGHTS_FD_READ, 0, 0,
                          &via_dir), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_open(PRE, 0, "file.txt", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ,
                          0, 0, &via_dir), __WASI_ERRNO_NOTDIR);
  EXPECT(__wasi_path_unlink_file(PRE, "soft"), 0);
  EXPECT(__wasi_path_unlink_file(PRE, "hardlink.txt"), 0);
  EXPECT(__wasi_path_remove_directory(PRE, "newdir"), __WASI_ERRNO_NOTEMPTY);
  EXPECT(__wasi_path_unlink_file(PRE, "newdir/up"), 0);
  EXPECT(__wasi_path_rename(PRE, "newdir/moved.txt", PRE, "final.txt"), 0);
  EXPECT(__wasi_path_remove_directory(PRE, "newdir"), 0);
  EXPECT(__wasi_path_unlink_file(PRE, "missing"), __WASI_ERRNO_NOENT);
}

static void Readdir(void) {
  __wasi_fd_t dir;
  EXPECT(__wasi_path_open(PRE, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR,
                          0, 0, &dir), 0);
  uint8_t buf[512];
  __wasi_size_t used = 0;
  EXPECT(__wasi_fd_readdir(dir, buf, sizeof buf, 0, &used), 0);
  int seen_inner = 0, seen_deeper = 0, count = 0;
  __wasi_dircookie_t last = 0;
  for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used; ++count) {
    __wasi_dirent_t d;
    memcpy(&d, buf + off, sizeof d);
    const char* name = (const char*)buf + off + sizeof d;
    if (d.d_namlen == 9 && !memcmp(name, "inner.txt", 9)) {
      seen_inner = d.d_type == __WASI_FILETYPE_REGULAR_FILE;
    }
    if (d.d_namlen == 6 && !memcmp(name, "deeper", 6)) {
      seen_deeper = d.d_type == __WASI_FILETYPE_DIRECTORY;
    }
    last = d.d_next;
    off += sizeof d + d.d_namlen;
  }
  CHECK(seen_inner && seen_deeper);
  CHECK(count >= 4);  // ".", "..", deeper, inner.txt, out_dir, up_link
  // Reading on from the last cookie yields nothing more.
  EXPECT(__wasi_fd_readdir(dir, buf, sizeof buf, last, &used), 0);
  CHECK(used == 0);
  // A tiny buffer is filled completely (the caller retries bigger).
  EXPECT(__wasi_fd_readdir(dir, buf, 10, 0, &used), 0);
  CHECK(used == 10);
  EXPECT(__wasi_fd_readdir(PRE + 100, buf, 10, 0, &used), __WASI_ERRNO_BADF);
  __wasi_fd_t file;
  EXPECT(__wasi_path_open(PRE, 0, "file.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &file), 0);
  EXPECT(__wasi_fd_readdir(file, buf, 10, 0, &used), __WASI_ERRNO_NOTCAPABLE);
}

static void ReadOnly(void) {
  __wasi_fd_t fd;
  __wasi_fdstat_t fs;
  EXPECT(__wasi_fd_fdstat_get(PRE, &fs), 0);
  CHECK((fs.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE) == 0);
  // Asking for write rights is not refused: the fd gets what the grant
  // allows (no write), and the write is what fails.
  EXPECT(__wasi_path_open(PRE, 0, "file.txt", 0, __WASI_RIGHTS_FD_WRITE |
                          __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0);
  EXPECT(__wasi_fd_fdstat_get(fd, &fs), 0);
  CHECK((fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) == 0);
  CHECK((fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0);
  __wasi_ciovec_t one = {(const uint8_t*)"x", 1};
  __wasi_size_t wrote;
  EXPECT(__wasi_fd_write(fd, &one, 1, &wrote), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_close(fd), 0);
  EXPECT(__wasi_path_open(PRE, 0, "new.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0,
                          &fd), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_open(PRE, 0, "file.txt", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0, 0,
                          &fd), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_create_directory(PRE, "d"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_remove_directory(PRE, "sub/deeper"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_unlink_file(PRE, "file.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_rename(PRE, "file.txt", PRE, "renamed"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_link(PRE, 0, "file.txt", PRE, "linked"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_symlink("file.txt", PRE, "sym"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_filestat_set_times(PRE, 0, "file.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
         __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_open(PRE, 0, "file.txt", 0, __WASI_RIGHTS_FD_READ |
                          __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0, &fd), 0);
  EXPECT(__wasi_fd_filestat_set_size(fd, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
         __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), __WASI_ERRNO_NOTCAPABLE);
  __wasi_ciovec_t out = {(const uint8_t*)"x", 1};
  __wasi_size_t n;
  EXPECT(__wasi_fd_write(fd, &out, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  char buf[8] = {0};
  __wasi_iovec_t in = {(uint8_t*)buf, 5};
  EXPECT(__wasi_fd_read(fd, &in, 1, &n), 0);
  CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);
  // A subdirectory opened from a read-only preopen is read-only too.
  __wasi_fd_t sub;
  EXPECT(__wasi_path_open(PRE, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_PATH_OPEN,
                          __WASI_RIGHTS_FD_READ, 0, &sub), 0);
  EXPECT(__wasi_path_create_directory(sub, "x"), __WASI_ERRNO_NOTCAPABLE);
  // libc's view: fopen for writing fails, for reading works.
  CHECK(fopen("/data/file.txt", "w") == NULL);
  CHECK(fopen("/data/made.txt", "w") == NULL);
  FILE* f = fopen("/data/file.txt", "r");
  CHECK(f != NULL);
}

void RunCase(const char* name, int* handled) {
  *handled = 1;
  if (!strcmp(name, "readwrite")) ReadWrite();
  else if (!strcmp(name, "readdir")) Readdir();
  else if (!strcmp(name, "readonly")) ReadOnly();
  else *handled = 0;
  if (failures) {
    extern void AddFailures(int n);
    AddFailures(failures);
  }
}
