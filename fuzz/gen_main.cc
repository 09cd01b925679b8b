// wsbx-gen: writes a module from the fuzz generator (module_gen.h), from
// seeded random bytes or from a diff_fuzzer input, to inspect or replay what
// the fuzzer ran:
//   wsbx-gen [--seed N] [--size BYTES] OUT.wasm
//   wsbx-gen --from INPUT OUT.wasm   (an input that is already wasm is copied)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "fuzz/module_gen.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: wsbx-gen [--seed N] [--size BYTES] OUT.wasm\n"
               "       wsbx-gen --from INPUT OUT.wasm\n");
  return 2;
}

bool ReadFile(const char* path, std::vector<uint8_t>* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  bytes->assign(std::istreambuf_iterator<char>(in),
                std::istreambuf_iterator<char>());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 0;
  size_t size = 4096;
  const char* from = nullptr;
  const char* out = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--seed" && has_value) {
      seed = std::strtoull(argv[++i], nullptr, 0);
    } else if (arg == "--size" && has_value) {
      size = std::strtoull(argv[++i], nullptr, 0);
    } else if (arg == "--from" && has_value) {
      from = argv[++i];
    } else if (out == nullptr && !arg.starts_with("--")) {
      out = argv[i];
    } else {
      return Usage();
    }
  }
  if (out == nullptr) return Usage();

  std::vector<uint8_t> input;
  if (from != nullptr) {
    if (!ReadFile(from, &input)) {
      std::fprintf(stderr, "wsbx-gen: cannot read %s\n", from);
      return 1;
    }
  } else {
    std::mt19937_64 rng(seed);
    input.resize(size);
    for (uint8_t& b : input) b = static_cast<uint8_t>(rng());
  }
  static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6D};
  std::vector<uint8_t> wasm =
      input.size() >= 4 && std::memcmp(input.data(), kMagic, 4) == 0
          ? input
          : wsbx::fuzz::GenerateModule(input);
  std::ofstream file(out, std::ios::binary);
  file.write(reinterpret_cast<const char*>(wasm.data()),
             static_cast<std::streamsize>(wasm.size()));
  if (!file) {
    std::fprintf(stderr, "wsbx-gen: cannot write %s\n", out);
    return 1;
  }
  return 0;
}
