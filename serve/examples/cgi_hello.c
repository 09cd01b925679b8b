// cgi contract example: the request arrives as RFC 3875 environment
// variables and the body on stdin; the answer is header lines, a blank
// line, then the body. This one greets, shows a few variables and echoes
// the request body (CONTENT_LENGTH bytes of stdin).
#include <stdio.h>
#include <stdlib.h>

static const char *env_or_empty(const char *name) {
  const char *value = getenv(name);
  return value != NULL ? value : "";
}

int main(void) {
  // Unset or malformed CONTENT_LENGTH means no body (strtoul gives 0).
  unsigned long length = strtoul(env_or_empty("CONTENT_LENGTH"), NULL, 10);

  fputs("Content-Type: text/plain\n\n", stdout);
  puts("hello from CGI");
  printf("method: %s\n", env_or_empty("REQUEST_METHOD"));
  printf("query: %s\n", env_or_empty("QUERY_STRING"));
  printf("path info: %s\n", env_or_empty("PATH_INFO"));
  printf("body (%lu bytes): ", length);

  char buffer[4096];
  while (length > 0) {
    size_t want = length < sizeof buffer ? length : sizeof buffer;
    size_t got = fread(buffer, 1, want, stdin);
    if (got == 0) break;  // stdin ended before CONTENT_LENGTH bytes
    fwrite(buffer, 1, got, stdout);
    length -= got;
  }
  putchar('\n');
  return 0;
}
