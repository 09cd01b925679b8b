// The differential oracle: one module run in plain and in optimized code
// (runtime/compile/compiler.h, CompileMode) must behave identically. Shared by the
// diff_fuzzer target, its regression replay and anything else that wants to
// check a module against the optimizer.
#ifndef WSBX_FUZZ_DIFF_CHECK_H_
#define WSBX_FUZZ_DIFF_CHECK_H_

#include <cstdint>
#include <span>
#include <string>

namespace wsbx::fuzz {

struct DiffConfig {
  uint64_t fuel = 20000;      // budget for instantiation and for each call
  uint64_t arg_seed = 0;      // call arguments derive from it
  bool require_load = false;  // a module that does not load is an error
};

// Loads `wasm` in both modes, instantiates each in its own Store with the
// same stub imports and limits, and calls every exported function in export
// order with the same arguments. After each call the two runs must agree on
// the results (floats: any NaN equals any NaN, since wasm leaves payloads
// open), the trap kind and the functions it unwound, the fuel left and the
// host calls made; at the end, on memory, globals and tables. Returns "" when they agree, otherwise a
// description of the first difference.
std::string CompareModes(std::span<const uint8_t> wasm,
                         const DiffConfig& config);

// A seed for DiffConfig::arg_seed from input bytes (FNV-1a).
uint64_t SeedFromBytes(std::span<const uint8_t> bytes);

}  // namespace wsbx::fuzz

#endif  // WSBX_FUZZ_DIFF_CHECK_H_
