// json contract test guest: answers with the request's body unchanged
// (and its body_base64 flag) and an x-counter header counting the runs of
// this instance. A fresh sandbox per request always answers 1; a reused
// instance would answer 2, 3, ... and fail the test.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// In linear memory, so it survives only if the instance does.
static volatile int runs;

// The unread part of the input.
struct cursor {
  const char *p;
  const char *end;
};

static void skip_space(struct cursor *c) {
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) {
    c->p++;
  }
}

// Skips the string whose opening quote is at c->p; 0, or -1 if unended.
static int skip_string(struct cursor *c) {
  for (c->p++; c->p < c->end; c->p++) {
    if (*c->p == '\\') {
      c->p++;
    } else if (*c->p == '"') {
      c->p++;
      return 0;
    }
  }
  c->p = c->end;
  return -1;
}

// Skips one value (nested ones included); 0, or -1 on malformed input.
static int skip_value(struct cursor *c) {
  int depth = 0;
  do {
    skip_space(c);
    if (c->p >= c->end) return -1;
    char ch = *c->p;
    if (ch == '"') {
      if (skip_string(c) != 0) return -1;
    } else if (ch == '{' || ch == '[') {
      depth++;
      c->p++;
    } else if (ch == '}' || ch == ']' || ch == ',' || ch == ':') {
      if (depth == 0) return -1;
      if (ch == '}' || ch == ']') depth--;
      c->p++;
    } else {
      const char *start = c->p;
      while (c->p < c->end && *c->p != '\0' &&
             strchr("+-.0123456789eEtrufalsn", *c->p)) {
        c->p++;
      }
      if (c->p == start) return -1;
    }
  } while (depth > 0);
  return 0;
}

static int is_key(const char *start, const char *end, const char *quoted) {
  return (size_t)(end - start) == strlen(quoted) &&
         memcmp(start, quoted, end - start) == 0;
}

// Reads all of stdin into a new buffer; NULL when memory runs out.
static char *read_all(size_t *size) {
  size_t used = 0, capacity = 4096;
  char *buffer = malloc(capacity);
  while (buffer != NULL) {
    used += fread(buffer + used, 1, capacity - used, stdin);
    if (used < capacity) break;
    char *bigger = realloc(buffer, capacity * 2);
    if (bigger == NULL) free(buffer);
    buffer = bigger;
    capacity *= 2;
  }
  *size = used;
  return buffer;
}

int main(void) {
  runs = runs + 1;
  size_t size = 0;
  const char *input = read_all(&size);
  if (input == NULL) return 1;

  // The raw JSON texts of "body" and "body_base64", copied out as they are.
  const char *body = "\"\"", *body_end = body + 2;
  const char *flag = "false", *flag_end = flag + 5;
  struct cursor c = {input, input + size};
  skip_space(&c);
  if (c.p < c.end && *c.p == '{') {
    c.p++;
    for (;;) {
      skip_space(&c);
      const char *key = c.p;
      if (c.p >= c.end || *c.p != '"' || skip_string(&c) != 0) break;
      const char *key_end = c.p;
      skip_space(&c);
      if (c.p >= c.end || *c.p++ != ':') break;
      skip_space(&c);
      const char *value = c.p;
      if (skip_value(&c) != 0) break;
      if (is_key(key, key_end, "\"body\"") && *value == '"') {
        body = value, body_end = c.p;
      } else if (is_key(key, key_end, "\"body_base64\"")) {
        flag = value, flag_end = c.p;
      }
      skip_space(&c);
      if (c.p >= c.end || *c.p++ != ',') break;
    }
  }
  printf("{\"status\":200,\"headers\":{\"x-counter\":[\"%d\"]},\"body\":",
         runs);
  fwrite(body, 1, (size_t)(body_end - body), stdout);
  fputs(",\"body_base64\":", stdout);
  fwrite(flag, 1, (size_t)(flag_end - flag), stdout);
  fputs("}\n", stdout);
  return 0;
}
