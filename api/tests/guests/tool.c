// The API tests' WASI guest. argv[1] picks what it does:
//   upper            stdin to stdout in upper case, a line to stderr
//   read PATH        prints the file's contents
//   escape           tries to climb out of its /data grant to /etc/passwd
//                    (refused), then prints "after refused"
//   flood N          writes N bytes of 'x' to stdout, prints the count written
//   exit N           exits with status N
//   env NAME         prints the variable's value
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int upper(void) {
  int c;
  while ((c = getchar()) != EOF) putchar(toupper(c));
  fprintf(stderr, "done\n");
  return 0;
}

static int read_file(const char* path) {
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    printf("open failed: %s\n", strerror(errno));
    return 1;
  }
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
  fclose(f);
  return 0;
}

static int flood(long n) {
  long written = 0;
  char chunk[1000];
  memset(chunk, 'x', sizeof chunk);
  while (written < n) {
    size_t want = n - written < (long)sizeof chunk ? (size_t)(n - written)
                                                   : sizeof chunk;
    size_t got = fwrite(chunk, 1, want, stdout);
    if (fflush(stdout) != 0 || got < want) {
      fprintf(stderr, "write failed after %ld: %s\n", written,
              strerror(errno));
      return 3;
    }
    written += (long)got;
  }
  fprintf(stderr, "wrote %ld\n", written);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const char* cmd = argv[1];
  if (strcmp(cmd, "upper") == 0) return upper();
  if (strcmp(cmd, "read") == 0 && argc > 2) return read_file(argv[2]);
  if (strcmp(cmd, "escape") == 0) {
    FILE* f = fopen("/data/../etc/passwd", "r");
    printf("after %s\n", f == NULL ? "refused" : "opened");
    return 0;
  }
  if (strcmp(cmd, "flood") == 0 && argc > 2) return flood(atol(argv[2]));
  if (strcmp(cmd, "exit") == 0 && argc > 2) exit(atoi(argv[2]));
  if (strcmp(cmd, "env") == 0 && argc > 2) {
    const char* v = getenv(argv[2]);
    printf("%s\n", v ? v : "(unset)");
    return 0;
  }
  return 2;
}
