// wsbx-spectest: runs wast2json scripts of the official spec suite and
// prints per-file and total counts. Exit status 0 only when no command
// failed and at least one was read. A script whose commands are all text
// modules (token.wast, utf8-invalid-encoding.wast) exits 0 with "0 passed,
// 0 failed, N not applicable": nothing in it can be judged, nothing failed.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "spec-tests/runner.h"

namespace {

constexpr char kUsage[] =
    "usage: wsbx-spectest [-v] [--plain] FILE.json [FILE.json...]\n"
    "  -v, --verbose  also list rejections whose message differs\n"
    "  --plain        compile modules in plain mode (no fusion, no aliases)\n";

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
  if (total.passed == 0 && total.not_applicable == 0) return 1;
  return 0;
}
