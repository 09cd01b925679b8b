// The `wsbx` command: run a module's _start or an exported function, or
// validate a module. Exit codes are documented in docs/cli.md: 0 success,
// 1 load/link error, 2 usage error, 124 time or fuel budget spent, 134 trap,
// and the guest's own code when it calls WASI proc_exit.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "cli/args.h"
#include "cli/wasi_flags.h"
#include "runtime/engine.h"
#include "runtime/store.h"
#include "wasi/wasi.h"

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
  // WASI grants (deny by default).
  std::vector<std::string> dirs;
  std::vector<std::string> dirs_ro;
  std::vector<std::string> envs;
  std::string audit;
  bool path_walk = false;  // force the portable path resolver (tests)
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

// Builds the WASI context from the grant flags; false with a usage error.
bool MakeWasiOptions(const RunOptions& opts, WasiOptions* out,
                     std::string* error) {
  std::string_view name = opts.file;
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  out->args.emplace_back(name);
  if (opts.invoke.empty()) {
    out->args.insert(out->args.end(), opts.args.begin(), opts.args.end());
  }
  for (bool ro : {false, true}) {
    for (const std::string& d : ro ? opts.dirs_ro : opts.dirs) {
      absl::StatusOr<WasiPreopen> p = ParseDirGrant(d, ro);
      if (!p.ok()) {
        *error = std::string(ro ? "--dir-ro: " : "--dir: ") +
                 std::string(p.status().message());
        return false;
      }
      out->preopens.push_back(*p);
    }
  }
  for (const std::string& e : opts.envs) {
    absl::StatusOr<std::optional<std::string>> v = ParseEnvGrant(e);
    if (!v.ok()) {
      *error = "--env: " + std::string(v.status().message());
      return false;
    }
    if (v->has_value()) out->env.push_back(**v);
  }
  out->force_path_walk = opts.path_walk;
  return true;
}

int RunInstance(const RunOptions& opts, Store& store,
                const std::shared_ptr<const Module>& module,
                const std::vector<Extern>& imports);

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
  WasiOptions wasi_opts;
  std::string error;
  if (!MakeWasiOptions(opts, &wasi_opts, &error)) return Fail(kExitUsage, error);
  absl::StatusOr<std::unique_ptr<Wasi>> wasi = Wasi::Create(std::move(wasi_opts));
  if (!wasi.ok()) return Fail(kExitUsage, std::string(wasi.status().message()));
  Store store(limits);
  // Only wasi_snapshot_preview1 functions link; anything else is an error.
  auto imports = (*wasi)->LinkImports(store, **module);
  if (!imports.ok()) {
    return Fail(kExitLoadError, opts.file + ": " + std::string(imports.status().message()));
  }
  int code = RunInstance(opts, store, *module, *imports);
  if (!opts.audit.empty()) {
    absl::Status written = (*wasi)->WriteAuditLog(opts.audit);
    if (!written.ok()) {
      std::fprintf(stderr, "wsbx: %s\n", std::string(written.message()).c_str());
      if (code == 0) code = kExitLoadError;
    }
  }
  return code;
}

int RunInstance(const RunOptions& opts, Store& store,
                const std::shared_ptr<const Module>& module,
                const std::vector<Extern>& imports) {
  auto instance = store.Instantiate(module, imports);
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
  if (!opts.invoke.empty() && !ParseInvokeArgs(opts, *ext->func->type, &args, &error)) {
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
  run->add_option("--dir", run_opts.dirs,
                  "Grant a host directory read-write as GUEST (HOST::GUEST)")
      ->allow_extra_args(false);
  run->add_option("--dir-ro", run_opts.dirs_ro,
                  "Grant a host directory read-only as GUEST (HOST::GUEST)")
      ->allow_extra_args(false);
  run->add_option("--env", run_opts.envs,
                  "Pass NAME=VALUE, or copy the host's NAME, to the guest")
      ->allow_extra_args(false);
  run->add_option("--audit", run_opts.audit,
                  "Write every refused WASI operation to FILE as JSON Lines");
  run->add_flag("--wasi-path-walk", run_opts.path_walk,
                "Resolve guest paths without openat2 (for testing)")
      ->group("");
  run->add_option("args", run_opts.args,
                  "Arguments for --invoke, or for the guest's _start "
                  "(put them after --)");

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
