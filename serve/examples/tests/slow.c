// A json-contract guest that takes its time: sleeps for the number of
// milliseconds in the request's query ("?ms=300", default 300), then
// answers 200 "slept". For tests of draining and reloading under load.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(void) {
  char request[65536];
  size_t n = fread(request, 1, sizeof request - 1, stdin);
  request[n] = '\0';
  long ms = 300;
  const char* q = strstr(request, "ms=");
  if (q != NULL) ms = strtol(q + 3, NULL, 10);
  if (ms < 0 || ms > 60000) ms = 300;
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
  printf("{\"status\":200,\"headers\":{\"content-type\":[\"text/plain\"]},"
         "\"body\":\"slept %ld\"}", ms);
  return 0;
}
