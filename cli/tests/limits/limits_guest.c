// A WASI guest for the hard-limit tests: argv[1] names the case.
//   read     blocks reading stdin (the test keeps the pipe open)
//   sleep    sleeps 10 s in poll_oneoff
//   recurse  recursion without end (the trap's backtrace names frames)
//   depth N  recursion to depth N, prints N
//   memset N fills N MiB at once with memory.fill, forever
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Not inlined, and the result is mixed in a way that the compiler cannot
// turn into a loop, so every level is a wasm frame.
__attribute__((noinline)) static int recurse_forever(int n) {
  int r = recurse_forever(n + 1);
  return r ^ (r >> 1) ^ n;
}

__attribute__((noinline)) static int recurse_to(int n) {
  if (n == 0) return 0;
  return recurse_to(n - 1) + 1;
}

static int do_memset(size_t mib) {
  size_t n = mib << 20;
  unsigned char* p = malloc(n);
  if (p == NULL) {
    fprintf(stderr, "malloc failed\n");
    return 1;
  }
  for (unsigned i = 0;; ++i) {
    __builtin_memset(p, (int)i, n);  // one memory.fill (-mbulk-memory)
    if (p[n - 1] != (unsigned char)i) return 1;
  }
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const char* c = argv[1];
  if (strcmp(c, "read") == 0) {
    char buf[16];
    ssize_t n = read(0, buf, sizeof buf);
    printf("read returned %ld\n", (long)n);
    return 0;
  }
  if (strcmp(c, "sleep") == 0) {
    sleep(10);
    printf("woke up\n");
    return 0;
  }
  if (strcmp(c, "recurse") == 0) return recurse_forever(0);
  if (strcmp(c, "depth") == 0 && argc > 2) {
    printf("%d\n", recurse_to(atoi(argv[2])));
    return 0;
  }
  if (strcmp(c, "memset") == 0 && argc > 2) return do_memset(atoi(argv[2]));
  return 2;
}
