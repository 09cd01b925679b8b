// Times how fast the engine turns a module's bytes into something runnable:
// LoadModule (decode + validate + compile) and ValidateBinary alone, each the
// median of N runs, with the code section's size and the throughput in MB/s.
// Bench-only; bench/run.py parses its one-line output.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/engine.h"

namespace {

bool ReadFile(const char* path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in),
              std::istreambuf_iterator<char>());
  return !in.bad();
}

// Reads an unsigned LEB128; false when it runs past the end or is too long.
bool ReadU32(const std::vector<uint8_t>& b, size_t* pos, uint32_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (*pos >= b.size()) return false;
    uint8_t byte = b[(*pos)++];
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *out = static_cast<uint32_t>(v);
      return v <= UINT32_MAX;
    }
  }
  return false;
}

// Size of the code section (id 10) in bytes, or 0 when there is none or the
// section headers are malformed (LoadModule then reports the real error).
uint64_t CodeSectionBytes(const std::vector<uint8_t>& b) {
  size_t pos = 8;
  while (pos < b.size()) {
    uint8_t id = b[pos++];
    uint32_t size = 0;
    if (!ReadU32(b, &pos, &size) || size > b.size() - pos) return 0;
    if (id == 10) return size;
    pos += size;
  }
  return 0;
}

template <typename F>
double MedianSeconds(int runs, F&& f) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (!f()) return -1;
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start;
    times.push_back(d.count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: load_bench FILE.wasm [RUNS]\n");
    return 2;
  }
  int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  std::vector<uint8_t> bytes;
  if (!ReadFile(argv[1], &bytes)) {
    std::fprintf(stderr, "load_bench: cannot read %s\n", argv[1]);
    return 1;
  }
  std::string error;
  double load = MedianSeconds(runs, [&] {
    auto module = wsbx::LoadModule(bytes);
    if (!module.ok()) error = std::string(module.status().message());
    return module.ok();
  });
  double validate = MedianSeconds(runs, [&] {
    absl::Status status = wsbx::ValidateBinary(bytes);
    if (!status.ok()) error = std::string(status.message());
    return status.ok();
  });
  if (load < 0 || validate < 0) {
    std::fprintf(stderr, "load_bench: %s: %s\n", argv[1], error.c_str());
    return 1;
  }
  uint64_t code = CodeSectionBytes(bytes);
  double mb = static_cast<double>(code) / 1e6;
  std::printf(
      "file_bytes=%zu code_bytes=%llu load_ms=%.2f validate_ms=%.2f "
      "load_mb_s=%.1f validate_mb_s=%.1f\n",
      bytes.size(), static_cast<unsigned long long>(code), load * 1e3,
      validate * 1e3, mb / load, mb / validate);
  return 0;
}
