// wsbx-text3-check FILE.wast...: the text reader over 3.0 scripts whose
// modules use typed references, GC or exception handling. Every text or
// quoted module outside assert_malformed must convert to a binary, and
// every quoted module of assert_malformed must be refused; the engine is
// not involved. Prints the counts per file and in total. With
// --dump=DIR first, writes each converted module to DIR/NAME.LINE.wasm, for
// reading by other tools.
#include <cstdio>
#include <fstream>
#include <string>

#include "spec-tests/wast.h"

namespace {

std::string dump_dir;

void Dump(const std::string& path, uint64_t line, const std::vector<uint8_t>& bytes) {
  if (dump_dir.empty()) return;
  const std::string base = path.substr(path.find_last_of('/') + 1);
  std::ofstream out(dump_dir + "/" + base + "." + std::to_string(line) + ".wasm",
                    std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

struct Counts {
  int converted = 0;       // modules outside assert_malformed, read
  int failed = 0;          // ... and refused by the text reader
  int malformed_refused = 0;
  int malformed_accepted = 0;
};

void CheckFile(const std::string& path, Counts& total) {
  absl::StatusOr<wsbx::spec::Script> script = wsbx::spec::LoadWast(path);
  if (!script.ok()) {
    std::printf("%s: %s\n", path.c_str(), std::string(script.status().message()).c_str());
    ++total.failed;
    return;
  }
  Counts c;
  for (const wsbx::spec::Command& cmd : script->commands) {
    const bool malformed = cmd.type == wsbx::spec::CommandType::kAssertMalformed;
    if (!cmd.module.has_value()) {
      // A module written as bare fields (ReadInlineModule) carries the text
      // reader's error in `error`; other commands without a module are
      // about values and actions, not the text reader.
      if (cmd.type == wsbx::spec::CommandType::kModule && !cmd.error.empty()) {
        ++c.failed;
        std::printf("%s:%llu: %s\n", path.c_str(),
                    static_cast<unsigned long long>(cmd.line), cmd.error.c_str());
      }
      continue;
    }
    const wsbx::spec::ScriptModule& m = *cmd.module;
    if (malformed) {
      if (!m.quoted) continue;  // binary modules are the decoder's
      if (m.text_error.empty()) {
        ++c.malformed_accepted;
        std::printf("%s:%llu: malformed module accepted (%s)\n", path.c_str(),
                    static_cast<unsigned long long>(cmd.line), cmd.text.c_str());
      } else {
        ++c.malformed_refused;
      }
      continue;
    }
    if (!m.text_error.empty()) {
      ++c.failed;
      std::printf("%s:%llu: %s\n", path.c_str(),
                  static_cast<unsigned long long>(cmd.line), m.text_error.c_str());
    } else if (!m.bytes.empty()) {
      ++c.converted;
      if (cmd.type == wsbx::spec::CommandType::kModule) Dump(path, cmd.line, m.bytes);
    }
  }
  std::printf("%s: %d converted, %d refused; malformed: %d refused, %d accepted\n",
              path.c_str(), c.converted, c.failed, c.malformed_refused,
              c.malformed_accepted);
  total.converted += c.converted;
  total.failed += c.failed;
  total.malformed_refused += c.malformed_refused;
  total.malformed_accepted += c.malformed_accepted;
}

}  // namespace

int main(int argc, char** argv) {
  Counts total;
  int first = 1;
  if (argc > 1 && std::string(argv[1]).starts_with("--dump=")) {
    dump_dir = std::string(argv[1]).substr(7);
    first = 2;
  }
  for (int i = first; i < argc; ++i) CheckFile(argv[i], total);
  std::printf("total: %d modules converted, %d refused; assert_malformed quote "
              "modules: %d refused, %d accepted\n",
              total.converted, total.failed, total.malformed_refused,
              total.malformed_accepted);
  return total.failed == 0 && total.malformed_accepted == 0 && total.converted > 0
             ? 0 : 1;
}
