// Test guest for a failing run: a message on stderr and exit status 3,
// which the route answers with 502 whatever the contract.
#include <stdio.h>

int main(void) {
  fputs("failing on purpose\n", stderr);
  return 3;
}
