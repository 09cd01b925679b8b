// wsbx-spectest: runs .wast scripts of the official spec suite (or any
// other) and prints per-file and total counts. Exit status 0 only when no
// command failed and at least one passed.
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "spec-tests/runner.h"

namespace {

constexpr char kUsage[] =
    "usage: wsbx-spectest [-v] [--plain] [--max-memories=N] FILE.wast...\n"
    "  -v, --verbose     also list rejections whose message differs\n"
    "  --plain           compile modules in plain mode (no fusion, no "
    "aliases)\n"
    "  --max-memories=N  memories a module may have; 1 also reads memory\n"
    "                    immediates as 2.0 encodes them (the 2.0 suite)\n";

constexpr std::string_view kMaxMemories = "--max-memories=";

// N of --max-memories=N: a positive number, else nullopt.
std::optional<uint32_t> ParseMaxMemories(std::string_view arg) {
  const std::string_view n = arg.substr(kMaxMemories.size());
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), v);
  if (n.empty() || ec != std::errc() || end != n.data() + n.size() || v == 0) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  wsbx::spec::RunOptions options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0 ||
        std::strcmp(argv[i], "--verbose") == 0) {
      options.verbose = true;
    } else if (std::strcmp(argv[i], "--plain") == 0) {
      options.plain = true;
    } else if (std::string_view(argv[i]).starts_with(kMaxMemories)) {
      std::optional<uint32_t> n = ParseMaxMemories(argv[i]);
      if (!n.has_value()) {
        std::cerr << "wsbx-spectest: bad " << argv[i] << "\n" << kUsage;
        return 2;
      }
      options.max_memories = *n;
    } else if (std::strcmp(argv[i], "-h") == 0 ||
               std::strcmp(argv[i], "--help") == 0) {
      std::cout << kUsage;
      return 0;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      std::cerr << "wsbx-spectest: unknown option " << argv[i] << "\n"
                << kUsage;
      return 2;
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  wsbx::spec::RunCounts total;
  for (const std::string& file : files) {
    total.Add(wsbx::spec::RunScriptFile(file, options, std::cout));
  }
  std::cout << "total: " << wsbx::spec::FormatCounts(total) << "\n";
  if (total.failed > 0) return 1;
  if (total.passed == 0) return 1;
  return 0;
}
