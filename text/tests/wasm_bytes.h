// Test helpers over the bytes WatToWasm writes: a module's sections and a
// function body's instructions, for byte-exact checks.
#ifndef WSBX_TEXT_TESTS_WASM_BYTES_H_
#define WSBX_TEXT_TESTS_WASM_BYTES_H_

#include <cstdint>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "text/wat.h"

namespace wsbx::text {

using Bytes = std::vector<uint8_t>;

inline uint32_t ReadLeb(const Bytes& b, size_t* pos) {
  uint32_t v = 0;
  for (int shift = 0;; shift += 7) {
    const uint8_t byte = b.at((*pos)++);
    v |= uint32_t{byte & 0x7Fu} << shift;
    if ((byte & 0x80) == 0) return v;
  }
}

// The payload of section `id`, empty when absent.
inline Bytes Section(const Bytes& wasm, uint8_t id) {
  size_t pos = 8;
  while (pos < wasm.size()) {
    const uint8_t sid = wasm[pos++];
    const uint32_t size = ReadLeb(wasm, &pos);
    if (sid == id) return Bytes(wasm.begin() + pos, wasm.begin() + pos + size);
    pos += size;
  }
  return {};
}

inline Bytes Wasm(const std::string& text) {
  auto r = WatToWasm(text);
  INFO(text);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  return *r;
}

// The instructions of function body `n` (locals and the final end dropped).
inline Bytes Body(const std::string& text, uint32_t n = 0) {
  const Bytes code = Section(Wasm(text), 10);
  size_t pos = 0;
  const uint32_t count = ReadLeb(code, &pos);
  REQUIRE(n < count);
  for (uint32_t i = 0;; ++i) {
    const uint32_t size = ReadLeb(code, &pos);
    const size_t end = pos + size;
    if (i == n) {
      const uint32_t runs = ReadLeb(code, &pos);
      for (uint32_t k = 0; k < runs; ++k) {
        ReadLeb(code, &pos);
        ++pos;
      }
      return Bytes(code.begin() + pos, code.begin() + end - 1);
    }
    pos = end;
  }
}

inline std::string Error(const std::string& text) {
  auto r = WatToWasm(text);
  return r.ok() ? "ok" : std::string(r.status().message());
}

}  // namespace wsbx::text

#endif  // WSBX_TEXT_TESTS_WASM_BYTES_H_
