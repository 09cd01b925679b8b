// A structure-aware generator of valid wasm modules for the fuzz targets:
// fuzzer bytes are read as a stream of choices, and every choice keeps the
// module valid, so the fuzzer explores execution instead of the decoder's
// error paths. Once the bytes are spent every choice takes its default
// (choice 0), which always leads to the shortest completion.
#ifndef WSBX_FUZZ_MODULE_GEN_H_
#define WSBX_FUZZ_MODULE_GEN_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace wsbx::fuzz {

// Choices read from fuzzer bytes; zero once the bytes run out.
class Entropy {
 public:
  explicit Entropy(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  bool exhausted() const { return pos_ >= bytes_.size(); }
  uint8_t Byte() { return exhausted() ? 0 : bytes_[pos_++]; }
  // A number in [0, n) for n >= 1: one byte for n <= 256, four above.
  uint32_t Below(uint32_t n);
  uint32_t U32();
  uint64_t U64();
  bool Flip() { return (Byte() & 1) != 0; }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

struct GenOptions {
  uint32_t max_funcs = 6;          // defined functions, at least one
  uint32_t max_params = 4;         // per function type
  uint32_t max_results = 2;        // per function type (multi-value above 1)
  uint32_t max_locals = 6;         // declared locals besides loop counters
  uint32_t max_body_instrs = 300;  // past this, bodies only finish what is open
  uint32_t max_depth = 8;          // expression and block nesting
  bool allow_simd = true;          // v128 values, when the input also asks
};

// A valid module (spec 2.0 with SIMD, plus 3.0 tail calls and multiple
// memories): types, optionally one imported function ("env" "f"),
// 1..max_funcs functions, every function exported as "f<index>", one or two
// memories with a maximum and a data segment in memory 0, a funcref table
// with a prefix filled by an active element segment, and one to five
// globals, mostly mutable. Inputs that differ only past the bytes read
// give the same module.
std::vector<uint8_t> GenerateModule(std::span<const uint8_t> input,
                                    const GenOptions& options = GenOptions());

}  // namespace wsbx::fuzz

#endif  // WSBX_FUZZ_MODULE_GEN_H_
