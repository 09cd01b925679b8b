// json contract test guest: answers the bytes 0x00..0xFF, which are not
// UTF-8, as a base64 body with "body_base64": true; the client must
// receive exactly those 256 bytes.
#include <stdio.h>

static const char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int main(void) {
  unsigned char bytes[256];
  for (int i = 0; i < 256; i++) bytes[i] = (unsigned char)i;

  fputs(
      "{\"status\":200,\"headers\":{\"content-type\":"
      "[\"application/octet-stream\"]},\"body_base64\":true,\"body\":\"",
      stdout);
  // 256 = 85 * 3 + 1: 85 full groups, then one byte and "==".
  int i = 0;
  for (; i + 3 <= 256; i += 3) {
    unsigned v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6)
      putchar(kAlphabet[v >> shift & 63]);
  }
  unsigned v = bytes[i] << 16;
  putchar(kAlphabet[v >> 18 & 63]);
  putchar(kAlphabet[v >> 12 & 63]);
  fputs("==\"}\n", stdout);
  return 0;
}
