// json contract example: reads the request object from stdin and answers
// {"status":200,...,"body":"{\"hello\":\"<method> <uri>\",\"bytes\":N}"}.
// A starting point to copy: no JSON library, just a small scanner that
// never reads past its input and answers 400 to anything it cannot read.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The unread part of the input.
struct cursor {
  char *p;
  char *end;
};

// A decoded JSON string: points into the input buffer.
struct text {
  const char *data;
  size_t size;
};

static void skip_space(struct cursor *c) {
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) {
    c->p++;
  }
}

static int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Reads the 4 hex digits of a \u escape at c->p; -1 if they are not there.
static long read_hex4(struct cursor *c) {
  if (c->end - c->p < 4) return -1;
  long value = 0;
  for (int i = 0; i < 4; i++) {
    int digit = hex_value(c->p[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  c->p += 4;
  return value;
}

static char *put_utf8(char *w, long cp) {
  if (cp < 0x80) {
    *w++ = (char)cp;
  } else if (cp < 0x800) {
    *w++ = (char)(0xC0 | cp >> 6);
    *w++ = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *w++ = (char)(0xE0 | cp >> 12);
    *w++ = (char)(0x80 | (cp >> 6 & 0x3F));
    *w++ = (char)(0x80 | (cp & 0x3F));
  } else {
    *w++ = (char)(0xF0 | cp >> 18);
    *w++ = (char)(0x80 | (cp >> 12 & 0x3F));
    *w++ = (char)(0x80 | (cp >> 6 & 0x3F));
    *w++ = (char)(0x80 | (cp & 0x3F));
  }
  return w;
}

// Decodes the string whose opening quote is at c->p, in place: a decoded
// string is never longer than its JSON form. Returns 0, or -1 when the
// input ends or holds a bad escape.
static int read_string(struct cursor *c, struct text *out) {
  char *w = ++c->p;  // past the opening quote
  out->data = w;
  while (c->p < c->end) {
    char ch = *c->p++;
    if (ch == '"') {
      out->size = (size_t)(w - out->data);
      return 0;
    }
    if (ch != '\\') {
      *w++ = ch;
      continue;
    }
    if (c->p >= c->end) return -1;
    ch = *c->p++;
    switch (ch) {
      case 'b':
        *w++ = '\b';
        break;
      case 'f':
        *w++ = '\f';
        break;
      case 'n':
        *w++ = '\n';
        break;
      case 'r':
        *w++ = '\r';
        break;
      case 't':
        *w++ = '\t';
        break;
      case '"':
      case '\\':
      case '/':
        *w++ = ch;
        break;
      case 'u': {
        long cp = read_hex4(c);
        if (cp < 0) return -1;
        // A surrogate pair encodes one code point above U+FFFF.
        if (cp >= 0xD800 && cp <= 0xDBFF && c->end - c->p >= 6 &&
            c->p[0] == '\\' && c->p[1] == 'u') {
          struct cursor low = {c->p + 2, c->end};
          long cp2 = read_hex4(&low);
          if (cp2 >= 0xDC00 && cp2 <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (cp2 - 0xDC00);
            c->p = low.p;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // a lone surrogate
        w = put_utf8(w, cp);
        break;
      }
      default:
        return -1;
    }
  }
  return -1;
}

static int is_scalar_char(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == 'E' ||
         ch == '+' || ch == '-' || ch == '.';
}

// Skips one value of any type (nested ones included). Returns 0 or -1.
static int skip_value(struct cursor *c) {
  int depth = 0;
  do {
    skip_space(c);
    if (c->p >= c->end) return -1;
    char ch = *c->p;
    if (ch == '"') {
      struct text ignored;
      if (read_string(c, &ignored) != 0) return -1;
    } else if (ch == '{' || ch == '[') {
      depth++;
      c->p++;
    } else if (ch == '}' || ch == ']' || ch == ',' || ch == ':') {
      if (depth == 0) return -1;
      if (ch == '}' || ch == ']') depth--;
      c->p++;
    } else {  // a number, true, false or null
      char *start = c->p;
      while (c->p < c->end && is_scalar_char(*c->p)) c->p++;
      if (c->p == start) return -1;
    }
  } while (depth > 0);
  return 0;
}

static int text_is(struct text t, const char *word) {
  return t.size == strlen(word) && memcmp(t.data, word, t.size) == 0;
}

struct request {
  struct text method, uri, body;
  int body_base64;
};

// Reads the members of the request object this function needs.
static int parse_request(struct cursor *c, struct request *r) {
  skip_space(c);
  if (c->p >= c->end || *c->p != '{') return -1;
  c->p++;
  skip_space(c);
  if (c->p < c->end && *c->p == '}') return 0;
  for (;;) {
    struct text key;
    skip_space(c);
    if (c->p >= c->end || *c->p != '"' || read_string(c, &key) != 0) return -1;
    skip_space(c);
    if (c->p >= c->end || *c->p++ != ':') return -1;
    skip_space(c);
    struct text *field = text_is(key, "method") ? &r->method
                         : text_is(key, "uri")  ? &r->uri
                         : text_is(key, "body") ? &r->body
                                                : NULL;
    if (field != NULL && c->p < c->end && *c->p == '"') {
      if (read_string(c, field) != 0) return -1;
    } else {
      if (text_is(key, "body_base64")) {
        r->body_base64 = c->end - c->p >= 4 && memcmp(c->p, "true", 4) == 0;
      }
      if (skip_value(c) != 0) return -1;
    }
    skip_space(c);
    if (c->p >= c->end) return -1;
    char ch = *c->p++;
    if (ch == '}') return 0;
    if (ch != ',') return -1;
  }
}

// Writes s as JSON string contents (no quotes) to out, which has room for
// 6 bytes per input byte; returns the end of what was written.
static char *json_escape(char *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') {
      *out++ = '\\';
      *out++ = (char)ch;
    } else if (ch < 0x20) {
      out += sprintf(out, "\\u%04x", ch);
    } else {
      *out++ = (char)ch;
    }
  }
  return out;
}

// Reads all of stdin into a new buffer; NULL when memory runs out.
static char *read_all(size_t *size) {
  size_t used = 0, capacity = 4096;
  char *buffer = malloc(capacity);
  while (buffer != NULL) {
    used += fread(buffer + used, 1, capacity - used, stdin);
    if (used < capacity) break;  // end of input (or an error)
    char *bigger = realloc(buffer, capacity * 2);
    if (bigger == NULL) free(buffer);
    buffer = bigger;
    capacity *= 2;
  }
  *size = used;
  return buffer;
}

static size_t decoded_size(struct request *r) {
  if (!r->body_base64 || r->body.size % 4 != 0) return r->body.size;
  size_t n = r->body.size / 4 * 3;
  if (n > 0 && r->body.data[r->body.size - 1] == '=') n--;
  if (n > 0 && r->body.data[r->body.size - 2] == '=') n--;
  return n;
}

int main(void) {
  size_t size = 0;
  char *input = read_all(&size);
  struct request r = {{"", 0}, {"", 0}, {"", 0}, 0};
  struct cursor c = {input, input + size};
  if (input == NULL || parse_request(&c, &r) != 0) {
    fputs("json_hello: could not read the request object\n", stderr);
    puts(
        "{\"status\":400,\"headers\":{\"content-type\":[\"text/plain\"]},"
        "\"body\":\"json_hello could not read the request\\n\"}");
    return 0;
  }
  // The body is JSON text inside a JSON string: escaped once for itself,
  // then once more as the response's "body".
  size_t room = 6 * (r.method.size + 1 + r.uri.size) + 64;
  char *inner = malloc(room), *outer = malloc(6 * room);
  if (inner == NULL || outer == NULL) return 1;
  char *w = inner + sprintf(inner, "{\"hello\":\"");
  w = json_escape(w, r.method.data, r.method.size);
  *w++ = ' ';
  w = json_escape(w, r.uri.data, r.uri.size);
  w += sprintf(w, "\",\"bytes\":%zu}", decoded_size(&r));
  char *end = json_escape(outer, inner, (size_t)(w - inner));
  fputs(
      "{\"status\":200,\"headers\":{\"content-type\":[\"application/json\"]},"
      "\"body\":\"",
      stdout);
  fwrite(outer, 1, (size_t)(end - outer), stdout);
  fputs("\"}\n", stdout);
  return 0;
}
