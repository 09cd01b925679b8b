// json contract test guest: writes something that is not JSON and exits
// 0, so the route must answer 502 because of the output alone.
#include <stdio.h>

int main(void) {
  puts("not json");
  return 0;
}
