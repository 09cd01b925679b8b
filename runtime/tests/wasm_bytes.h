// Encoding helpers for code that assembles wasm binaries by hand: the unit
// tests here and the fuzz module generator (fuzz/module_gen.h).
#ifndef WSBX_RUNTIME_TESTS_WASM_BYTES_H_
#define WSBX_RUNTIME_TESTS_WASM_BYTES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace wsbx::testing {

using Bytes = std::vector<uint8_t>;

// Unsigned LEB128.
inline void AppendU32(Bytes& b, uint32_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    b.push_back(byte | (v ? 0x80 : 0));
  } while (v);
}

// Signed LEB128.
inline void AppendS64(Bytes& b, int64_t v) {
  while (true) {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
    b.push_back(byte | (done ? 0 : 0x80));
    if (done) return;
  }
}

// A name: its length, then its bytes.
inline void AppendName(Bytes& b, const std::string& s) {
  AppendU32(b, static_cast<uint32_t>(s.size()));
  b.insert(b.end(), s.begin(), s.end());
}

}  // namespace wsbx::testing

#endif  // WSBX_RUNTIME_TESTS_WASM_BYTES_H_
