// Expectation macros shared by the WASI test guests: each failed expectation
// prints its file, line and values and counts into this file's `failures`.
#ifndef WSBX_WASI_TESTS_GUESTS_EXPECT_H_
#define WSBX_WASI_TESTS_GUESTS_EXPECT_H_

#include <stdio.h>
#include <wasi/api.h>

static int failures = 0;

#define EXPECT(call, want)                                                  \
  do {                                                                      \
    __wasi_errno_t got_ = (call);                                           \
    if (got_ != (want)) {                                                   \
      printf("FAIL %s:%d: %s -> %d, want %d\n", __FILE__, __LINE__, #call,  \
             got_, (int)(want));                                            \
      failures++;                                                           \
    }                                                                       \
  } while (0)

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                \
      failures++;                                                           \
    }                                                                       \
  } while (0)

#endif  // WSBX_WASI_TESTS_GUESTS_EXPECT_H_
