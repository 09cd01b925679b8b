// Test guest for the route's output cap: tries to write 64 MiB to stdout,
// far beyond the default cap (16 MiB). It stops at the first failed write,
// in case the host refuses further output instead of ending the run.
#include <stdio.h>
#include <string.h>

int main(void) {
  static char chunk[64 * 1024];
  memset(chunk, 'x', sizeof chunk);
  for (int i = 0; i < 64 * 1024 * 1024 / (int)sizeof chunk; i++) {
    if (fwrite(chunk, 1, sizeof chunk, stdout) != sizeof chunk) return 1;
  }
  return 0;
}
