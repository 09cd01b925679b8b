// The `wsbx` command: run a module's _start or an exported function, or
// validate a module. Exit codes are documented in docs/cli.md: 0 success,
// 1 load/link error, 2 usage error, 124 time or fuel budget spent, 134 trap.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "cli/args.h"
#include "runtime/engine.h"
#include "runtime/store.h"

namespace wsbx {
namespace {

constexpr int kExitLoadError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitBudget = 124;
constexpr int kExitTrap = 134;

struct RunOptions {
  std::string file;
  std::string invoke;
  std::vector<std::string> args;
  std::string mem;
};

bool ReadFile(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in),
              std::istreambuf_iterator<char>());
  return !in.bad();
}

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "wsbx: %s\n", message.c_str());
  return code;
}

int TrapExit(const Trap& trap) {
  if (trap.kind == TrapKind::kExit) return trap.exit_code;
  std::fprintf(stderr, "wsbx: trap: %s\n", trap.ToString().c_str());
  if (trap.kind == TrapKind::kTimeout || trap.kind == TrapKind::kFuelExhausted) {
    return kExitBudget;
  }
  return kExitTrap;
}

int CmdValidate(const std::string& file) {
  std::vector<uint8_t> bytes;
  if (!ReadFile(file, &bytes)) return Fail(kExitLoadError, "cannot read " + file);
  absl::Status status = ValidateBinary(bytes);
  if (!status.ok()) {
    return Fail(kExitLoadError, file + ": " + std::string(status.message()));
  }
  std::printf("%s: valid\n", file.c_str());
  return 0;
}

// Converts the command-line arguments to the function's parameter types.
bool ParseInvokeArgs(const RunOptions& opts, const FuncType& type,
                     std::vector<Value>* out, std::string* error) {
  if (opts.args.size() != type.params.size()) {
    *error = absl::StrFormat("'%s' takes %d argument(s), %d given",
                             opts.invoke, type.params.size(), opts.args.size());
    return false;
  }
  for (size_t i = 0; i < opts.args.size(); ++i) {
    absl::StatusOr<Value> v = ParseArg(opts.args[i], type.params[i]);
    if (!v.ok()) {
      *error = absl::StrFormat("argument %d: %s", i + 1, v.status().message());
      return false;
    }
    out->push_back(*v);
  }
  return true;
}

int CmdRun(const RunOptions& opts) {
  Limits limits;
  if (!opts.mem.empty()) {
    absl::StatusOr<uint64_t> bytes = ParseByteSize(opts.mem);
    if (!bytes.ok()) return Fail(kExitUsage, "--mem: " + std::string(bytes.status().message()));
    limits.max_memory_pages = *bytes / kPageSize;
  }
  std::vector<uint8_t> bytes;
  if (!ReadFile(opts.file, &bytes)) return Fail(kExitLoadError, "cannot read " + opts.file);
  auto module = LoadModule(bytes, limits);
  if (!module.ok()) {
    return Fail(kExitLoadError, opts.file + ": " + std::string(module.status().message()));
  }
  for (const Import& imp : (*module)->imports) {
    return Fail(kExitLoadError,
                absl::StrFormat("%s: unknown import %s.%s (%s)", opts.file,
                                imp.module, imp.name, ExternKindName(imp.kind)));
  }
  Store store(limits);
  auto instance = store.Instantiate(*module, {});
  if (!instance.ok()) {
    bool trapped = instance.status().code() == absl::StatusCode::kAborted;
    return Fail(trapped ? kExitTrap : kExitLoadError,
                opts.file + ": " + std::string(instance.status().message()));
  }
  std::string name = opts.invoke.empty() ? "_start" : opts.invoke;
  std::optional<Extern> ext = (*instance)->FindExport(name);
  if (!ext || ext->kind != ExternKind::kFunc) {
    return Fail(kExitLoadError, absl::StrFormat("%s: no exported function '%s'",
                                                opts.file, name));
  }
  std::vector<Value> args;
  std::string error;
  if (!ParseInvokeArgs(opts, *ext->func->type, &args, &error)) {
    return Fail(kExitUsage, error);
  }
  InvokeResult result = store.Invoke(ext->func, args);
  std::fflush(stdout);
  if (!result.ok()) return TrapExit(*result.trap);
  if (!opts.invoke.empty()) {
    for (const Value& v : result.values) std::printf("%s\n", FormatResult(v).c_str());
  }
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"wsbx: a sandbox runtime for untrusted WebAssembly"};
  app.require_subcommand(1);

  RunOptions run_opts;
  CLI::App* run = app.add_subcommand("run", "Run a module's _start, or --invoke an export");
  run->add_option("file", run_opts.file, "The .wasm module")->required();
  run->add_option("--invoke", run_opts.invoke,
                  "Call this exported function and print its results");
  run->add_option("--mem", run_opts.mem,
                  "Cap on every linear memory (K, M or G suffix; 64 KiB pages)");
  run->add_option("args", run_opts.args,
                  "Arguments for --invoke (put them after -- if negative)");

  std::string validate_file;
  CLI::App* validate = app.add_subcommand("validate", "Decode and validate a module");
  validate->add_option("file", validate_file, "The .wasm module")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (*validate) return CmdValidate(validate_file);
  return CmdRun(run_opts);
}

}  // namespace
}  // namespace wsbx

int main(int argc, char** argv) { return wsbx::Main(argc, argv); }
