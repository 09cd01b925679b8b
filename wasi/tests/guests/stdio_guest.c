// A WASI guest for stdio as embedders set it up (stdin from a buffer,
// stdout and stderr into sinks or pipes, the output cap), run by
// wasi/tests/stdio_test.cc. Runs the case named by argv[1]. Output may be
// capped, so a failed expectation is reported by its exit code alone.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 20];

// Writes all of [p, p + n) with write(2); false on an error.
static int WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) return 0;
    p += w;
    n -= (size_t)w;
  }
  return 1;
}

// echo PIECE: copies stdin to stdout with read(2) calls of PIECE bytes,
// then reports the count of reads and bytes on stderr.
static int Echo(size_t piece) {
  if (piece == 0 || piece > sizeof buf) return 10;
  long reads = 0, total = 0;
  for (;;) {
    ssize_t n = read(0, buf, piece);
    if (n < 0) return 11;
    if ((size_t)n > piece) return 12;
    if (n == 0) break;
    ++reads;
    total += n;
    if (!WriteAll(1, buf, (size_t)n)) return 13;
  }
  if (read(0, buf, piece) != 0) return 14;  // end of file stays so
  fprintf(stderr, "reads=%ld bytes=%ld\n", reads, total);
  return 0;
}

// cat: the same through the C library's buffered fread and fwrite.
static int Cat(void) {
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    if (fwrite(buf, 1, n, stdout) != n) return 20;
  }
  if (ferror(stdin) || !feof(stdin)) return 21;
  return fflush(stdout) == 0 ? 0 : 22;
}

// empty: stdin is at its end from the start.
static int Empty(void) {
  if (getchar() != EOF) return 30;
  if (!feof(stdin) || ferror(stdin)) return 31;
  if (read(0, buf, 16) != 0) return 32;
  return 0;
}

// interleave: stdout and stderr in turns, through write(2) and stdio.
static int Interleave(void) {
  if (!WriteAll(1, "o1\n", 3)) return 40;
  if (!WriteAll(2, "e1\n", 3)) return 41;
  printf("o%d\n", 2);
  if (fflush(stdout) != 0) return 42;
  fprintf(stderr, "e%d\n", 2);  // stderr is unbuffered
  fputs("o3\n", stdout);
  if (fflush(stdout) != 0) return 43;
  if (!WriteAll(2, "e3\n", 3)) return 44;
  printf("o4\n");  // written by exit's flush
  return 0;
}

// cap LINES: prints 10-byte lines until the output cap stops them; the
// LINES-th (from 0) must be the first to fail, with EFBIG, and from then on
// every non-empty write to stdout or stderr fails the same way.
static int Cap(int want_lines) {
  int i;
  for (i = 0; i < 1000000; ++i) {
    errno = 0;
    if (printf("line %04d\n", i) < 0 || fflush(stdout) == EOF) break;
  }
  if (i != want_lines) return 50;
  if (errno != EFBIG) return 51;
  if (!ferror(stdout)) return 52;
  clearerr(stdout);
  errno = 0;
  if (fwrite("abc", 1, 3, stdout) == 3 && fflush(stdout) == 0) return 53;
  if (errno != EFBIG) return 54;
  errno = 0;
  if (fprintf(stderr, "err\n") >= 0) return 55;  // the cap counts stderr too
  if (errno != EFBIG) return 56;
  if (write(1, "", 0) != 0) return 57;  // writing nothing still succeeds
  errno = 0;
  if (write(2, "x", 1) != -1 || errno != EFBIG) return 58;
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const char* c = argv[1];
  if (!strcmp(c, "echo") && argc == 3) return Echo((size_t)atol(argv[2]));
  if (!strcmp(c, "cat")) return Cat();
  if (!strcmp(c, "empty")) return Empty();
  if (!strcmp(c, "interleave")) return Interleave();
  if (!strcmp(c, "cap") && argc == 3) return Cap(atoi(argv[2]));
  return 3;
}
