// Executes one .wast script against the engine's public API. Each script
// gets a fresh Store holding the spectest host module; modules come encoded
// in the script, are instantiated with imports resolved by (module, field)
// name, and every command ends in exactly one count.
#include "spec-tests/runner.h"

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "runtime/decode/decoder.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "runtime/engine.h"
#include "runtime/store/store.h"
#include "spec-tests/script.h"
#include "spec-tests/spectest_host.h"
#include "spec-tests/wast.h"

namespace wsbx::spec {
namespace {

std::string TrapText(const Trap& trap) {
  return trap.message.empty() ? std::string(TrapKindMessage(trap.kind))
                              : trap.message;
}

// This Abseil's string_view is its own type, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }
std::string_view StdSv(absl::string_view s) { return {s.data(), s.size()}; }

std::string Quote(std::string_view s) {
  return absl::StrCat("\"", Sv(s), "\"");
}

std::string DescribeOutcome(const InvokeResult& r) {
  if (!r.ok()) return absl::StrCat("trap ", Quote(TrapText(*r.trap)));
  return DescribeValues(r.values);
}

Limits StoreLimits(const RunOptions& options) {
  Limits limits;
  if (options.max_memories != 0) limits.max_memories = options.max_memories;
  return limits;
}

class ScriptRunner {
 public:
  ScriptRunner(const RunOptions& options, std::ostream& out)
      : options_(options),
        out_(out),
        store_(StoreLimits(options)),
        host_(absl::UnknownError("not created")) {}

  RunCounts Run(const Script& script);

 private:
  void RunCommand(const Command& cmd);
  void Dispatch(const Command& cmd);

  void Pass() { ++counts_.passed; }
  void Fail(const Command& cmd, std::string_view what);
  // A rejection that passed; notes it when the engine said something else.
  void PassRejection(const Command& cmd, const absl::Status& status);

  void DoModule(const Command& cmd);
  void DoModuleDefinition(const Command& cmd);
  void DoModuleInstance(const Command& cmd);
  // Links and instantiates `module`: the new current module, bound to
  // `name` when the script gives one.
  void Instantiate(const Command& cmd, std::shared_ptr<const Module> module,
                   const std::string& name);
  void DoRegister(const Command& cmd);
  void DoAction(const Command& cmd);
  void DoAssertReturn(const Command& cmd);
  void DoAssertTrap(const Command& cmd);
  void DoAssertRejected(const Command& cmd);
  void DoAssertUnlinkable(const Command& cmd);
  void DoAssertUninstantiable(const Command& cmd);

  absl::StatusOr<std::shared_ptr<const Module>> Load(const Command& cmd);
  absl::StatusOr<std::shared_ptr<const Module>> FindDefinition(
      const std::string& name);
  absl::StatusOr<std::vector<Extern>> ResolveImports(const Module& module);
  absl::StatusOr<Extern> ResolveImport(const Import& import);
  absl::StatusOr<Instance*> FindInstance(const std::string& name);
  absl::StatusOr<InvokeResult> RunAction(const Action& action);

  std::string label_;  // the .wast file
  RunOptions options_;
  std::ostream& out_;
  Store store_;
  absl::StatusOr<SpectestHost> host_;
  absl::flat_hash_map<std::string, Instance*> named_;       // "$name"
  absl::flat_hash_map<std::string, Instance*> registered_;  // import name
  // Modules by "$name" and the last one loaded, for (module instance).
  absl::flat_hash_map<std::string, std::shared_ptr<const Module>> defined_;
  std::shared_ptr<const Module> last_defined_;
  Instance* current_ = nullptr;
  RunCounts counts_;
};

RunCounts ScriptRunner::Run(const Script& script) {
  label_ = script.source_filename;
  host_ = SpectestHost::Create(store_);
  if (!host_.ok()) {
    Command setup;
    setup.type_name = "spectest";
    Fail(setup, absl::StrCat("cannot create the spectest module: ",
                             host_.status().ToString()));
  }
  for (const Command& cmd : script.commands) RunCommand(cmd);
  return counts_;
}

void ScriptRunner::RunCommand(const Command& cmd) {
  if (!cmd.error.empty()) {
    Fail(cmd, absl::StrCat("unreadable command: ", cmd.error));
    return;
  }
  // The engine reports errors as values; an exception (allocation failure)
  // still must not end the whole run.
  try {
    Dispatch(cmd);
  } catch (const std::exception& e) {
    Fail(cmd, absl::StrCat("exception: ", e.what()));
  }
}

void ScriptRunner::Dispatch(const Command& cmd) {
  switch (cmd.type) {
    case CommandType::kModule:
      return DoModule(cmd);
    case CommandType::kModuleDefinition:
      return DoModuleDefinition(cmd);
    case CommandType::kModuleInstance:
      return DoModuleInstance(cmd);
    case CommandType::kRegister:
      return DoRegister(cmd);
    case CommandType::kAction:
      return DoAction(cmd);
    case CommandType::kAssertReturn:
      return DoAssertReturn(cmd);
    case CommandType::kAssertTrap:
      if (cmd.module.has_value()) return DoAssertUninstantiable(cmd);
      return DoAssertTrap(cmd);
    case CommandType::kAssertExhaustion:
      return DoAssertTrap(cmd);
    case CommandType::kAssertException:
      return Fail(cmd, "the engine has no exception handling");
    case CommandType::kAssertInvalid:
    case CommandType::kAssertMalformed:
      return DoAssertRejected(cmd);
    case CommandType::kAssertUnlinkable:
      return DoAssertUnlinkable(cmd);
    case CommandType::kAssertUninstantiable:
      return DoAssertUninstantiable(cmd);
    case CommandType::kUnknown:
      break;
  }
  Fail(cmd, "unknown command");
}

void ScriptRunner::Fail(const Command& cmd, std::string_view what) {
  ++counts_.failed;
  out_ << label_ << ":" << cmd.line << ": " << cmd.type_name << ": " << what
       << "\n";
}

void ScriptRunner::PassRejection(const Command& cmd,
                                 const absl::Status& status) {
  Pass();
  if (absl::StrContains(status.message(), cmd.text)) return;
  ++counts_.message_differs;
  if (options_.verbose) {
    out_ << label_ << ":" << cmd.line << ": " << cmd.type_name
         << ": message differs: expected " << Quote(cmd.text) << ", got "
         << Quote(StdSv(status.message())) << "\n";
  }
}

absl::StatusOr<std::shared_ptr<const Module>> ScriptRunner::Load(
    const Command& cmd) {
  if (!cmd.module.has_value()) {
    return absl::InvalidArgumentError("the command has no module");
  }
  const ScriptModule& m = *cmd.module;
  if (!m.text_error.empty()) return absl::InvalidArgumentError(m.text_error);
  return LoadModule(
      m.bytes, store_.limits(),
      options_.plain ? CompileMode::kPlain : CompileMode::kOptimized);
}

absl::StatusOr<std::shared_ptr<const Module>> ScriptRunner::FindDefinition(
    const std::string& name) {
  if (name.empty()) {
    if (last_defined_ == nullptr) {
      return absl::FailedPreconditionError("no module defined");
    }
    return last_defined_;
  }
  auto it = defined_.find(name);
  if (it == defined_.end()) {
    return absl::NotFoundError(absl::StrCat("unknown module ", name));
  }
  if (it->second == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("module ", name, " failed to load"));
  }
  return it->second;
}

absl::StatusOr<Extern> ScriptRunner::ResolveImport(const Import& import) {
  auto it = registered_.find(import.module);
  if (it != registered_.end()) {
    std::optional<Extern> e = it->second->FindExport(import.name);
    if (e.has_value()) return *e;
  } else if (import.module == "spectest") {
    if (!host_.ok()) return host_.status();
    std::optional<Extern> e = host_->Find(import.name);
    if (e.has_value()) return *e;
  }
  return absl::NotFoundError(absl::StrCat(
      "unknown import ", Quote(import.module), " ", Quote(import.name)));
}

absl::StatusOr<std::vector<Extern>> ScriptRunner::ResolveImports(
    const Module& module) {
  std::vector<Extern> externs;
  for (const Import& import : module.imports) {
    absl::StatusOr<Extern> e = ResolveImport(import);
    if (!e.ok()) return e.status();
    externs.push_back(*e);
  }
  return externs;
}

absl::StatusOr<Instance*> ScriptRunner::FindInstance(const std::string& name) {
  if (name.empty()) {
    if (current_ == nullptr) {
      return absl::FailedPreconditionError("no current module");
    }
    return current_;
  }
  auto it = named_.find(name);
  if (it == named_.end()) {
    return absl::NotFoundError(absl::StrCat("unknown module ", name));
  }
  if (it->second == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("module ", name, " failed to load"));
  }
  return it->second;
}

absl::StatusOr<InvokeResult> ScriptRunner::RunAction(const Action& action) {
  absl::StatusOr<Instance*> instance = FindInstance(action.module);
  if (!instance.ok()) return instance.status();
  std::optional<Extern> e = (*instance)->FindExport(action.field);
  if (!e.has_value()) {
    return absl::NotFoundError(absl::StrCat("no export ", Quote(action.field)));
  }
  if (action.type == ActionType::kGet) {
    if (e->kind != ExternKind::kGlobal || e->global == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("export ", Quote(action.field), " is not a global"));
    }
    return InvokeResult{{e->global->Get()}, std::nullopt};
  }
  if (e->kind != ExternKind::kFunc || e->func == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("export ", Quote(action.field), " is not a function"));
  }
  std::vector<Value> args;
  for (const ScriptValue& a : action.args) {
    absl::StatusOr<Value> v = ToArgument(a);
    if (!v.ok()) return v.status();
    args.push_back(*v);
  }
  return store_.Invoke(e->func, args);
}

void ScriptRunner::DoModule(const Command& cmd) {
  current_ = nullptr;
  if (!cmd.name.empty()) named_[cmd.name] = nullptr;
  absl::StatusOr<std::shared_ptr<const Module>> module = Load(cmd);
  if (!module.ok()) {
    return Fail(cmd, absl::StrCat("load failed: ", module.status().ToString()));
  }
  Instantiate(cmd, std::move(*module), cmd.name);
}

void ScriptRunner::DoModuleDefinition(const Command& cmd) {
  if (!cmd.name.empty()) defined_[cmd.name] = nullptr;
  absl::StatusOr<std::shared_ptr<const Module>> module = Load(cmd);
  if (!module.ok()) {
    return Fail(cmd, absl::StrCat("load failed: ", module.status().ToString()));
  }
  last_defined_ = *module;
  if (!cmd.name.empty()) defined_[cmd.name] = last_defined_;
  Pass();
}

void ScriptRunner::DoModuleInstance(const Command& cmd) {
  current_ = nullptr;
  if (!cmd.name.empty()) named_[cmd.name] = nullptr;
  absl::StatusOr<std::shared_ptr<const Module>> module =
      FindDefinition(cmd.definition);
  if (!module.ok()) return Fail(cmd, StdSv(module.status().message()));
  Instantiate(cmd, std::move(*module), cmd.name);
}

void ScriptRunner::Instantiate(const Command& cmd,
                               std::shared_ptr<const Module> module,
                               const std::string& name) {
  absl::StatusOr<std::vector<Extern>> imports = ResolveImports(*module);
  if (!imports.ok()) {
    return Fail(cmd, absl::StrCat("link failed: ", imports.status().message()));
  }
  absl::StatusOr<Instance*> instance =
      store_.Instantiate(std::move(module), *imports);
  if (!instance.ok() || *instance == nullptr) {
    return Fail(cmd, absl::StrCat("instantiation failed: ",
                                  instance.status().ToString()));
  }
  current_ = *instance;
  if (!name.empty()) named_[name] = current_;
  Pass();
}

void ScriptRunner::DoRegister(const Command& cmd) {
  absl::StatusOr<Instance*> instance = FindInstance(cmd.name);
  if (!instance.ok()) {
    return Fail(cmd, absl::StrCat("cannot register ", Quote(cmd.as), ": ",
                                  instance.status().message()));
  }
  registered_[cmd.as] = *instance;
  Pass();
}

void ScriptRunner::DoAction(const Command& cmd) {
  absl::StatusOr<InvokeResult> r = RunAction(*cmd.action);
  if (!r.ok()) return Fail(cmd, StdSv(r.status().message()));
  if (!r->ok()) {
    return Fail(cmd, absl::StrCat("unexpected ", DescribeOutcome(*r)));
  }
  Pass();
}

void ScriptRunner::DoAssertReturn(const Command& cmd) {
  absl::StatusOr<InvokeResult> r = RunAction(*cmd.action);
  if (!r.ok()) return Fail(cmd, StdSv(r.status().message()));
  bool match = r->ok() && r->values.size() == cmd.expected.size();
  for (size_t i = 0; match && i < cmd.expected.size(); ++i) {
    match = Matches(cmd.expected[i], r->values[i]);
  }
  if (!match) {
    return Fail(cmd, absl::StrCat(cmd.action->field, ": expected ",
                                  DescribeExpectedList(cmd.expected), ", got ",
                                  DescribeOutcome(*r)));
  }
  Pass();
}

// assert_trap and assert_exhaustion: the action must trap with the text.
void ScriptRunner::DoAssertTrap(const Command& cmd) {
  absl::StatusOr<InvokeResult> r = RunAction(*cmd.action);
  if (!r.ok()) return Fail(cmd, StdSv(r.status().message()));
  if (r->ok() || !absl::StrContains(TrapText(*r->trap), cmd.text)) {
    return Fail(cmd,
                absl::StrCat(cmd.action->field, ": expected trap ",
                             Quote(cmd.text), ", got ", DescribeOutcome(*r)));
  }
  Pass();
}

// assert_invalid and assert_malformed: the engine must refuse the binary,
// or, for a malformed text module, the text reader the text.
// An invalid module is well-formed: it decodes, and validation refuses it
// (a decoder error there would be the wrong phase: malformed, not invalid).
void ScriptRunner::DoAssertRejected(const Command& cmd) {
  absl::StatusOr<std::shared_ptr<const Module>> module = Load(cmd);
  if (module.ok()) {
    return Fail(cmd, absl::StrCat("expected rejection ", Quote(cmd.text),
                                  ", but the module loaded"));
  }
  if (cmd.type == CommandType::kAssertInvalid && cmd.module->text_error.empty()) {
    absl::StatusOr<std::unique_ptr<Module>> decoded =
        DecodeModule(std::span<const uint8_t>(cmd.module->bytes), store_.limits());
    if (!decoded.ok()) {
      return Fail(cmd, absl::StrCat("expected an invalid module ",
                                    Quote(cmd.text), ", but it is malformed: ",
                                    decoded.status().message()));
    }
  }
  PassRejection(cmd, module.status());
}

void ScriptRunner::DoAssertUnlinkable(const Command& cmd) {
  absl::StatusOr<std::shared_ptr<const Module>> module = Load(cmd);
  if (!module.ok()) {
    return Fail(cmd, absl::StrCat(
                         "expected link error ", Quote(cmd.text),
                         ", but loading failed: ", module.status().ToString()));
  }
  absl::StatusOr<std::vector<Extern>> imports = ResolveImports(**module);
  if (!imports.ok()) return PassRejection(cmd, imports.status());
  absl::StatusOr<Instance*> instance =
      store_.Instantiate(std::move(*module), *imports);
  if (instance.ok()) {
    return Fail(cmd, absl::StrCat("expected link error ", Quote(cmd.text),
                                  ", but the module instantiated"));
  }
  if (absl::IsAborted(instance.status())) {
    return Fail(cmd,
                absl::StrCat("expected link error ", Quote(cmd.text),
                             ", got a trap: ", instance.status().message()));
  }
  PassRejection(cmd, instance.status());
}

// assert_uninstantiable and assert_trap on a module: instantiation must trap.
void ScriptRunner::DoAssertUninstantiable(const Command& cmd) {
  absl::StatusOr<std::shared_ptr<const Module>> module = Load(cmd);
  if (!module.ok()) {
    return Fail(cmd, absl::StrCat(
                         "expected trap ", Quote(cmd.text),
                         ", but loading failed: ", module.status().ToString()));
  }
  absl::StatusOr<std::vector<Extern>> imports = ResolveImports(**module);
  if (!imports.ok()) {
    return Fail(cmd, absl::StrCat("link failed: ", imports.status().message()));
  }
  absl::StatusOr<Instance*> instance =
      store_.Instantiate(std::move(*module), *imports);
  if (instance.ok()) {
    return Fail(cmd, absl::StrCat("expected trap ", Quote(cmd.text),
                                  ", but the module instantiated"));
  }
  if (!absl::IsAborted(instance.status()) ||
      !absl::StrContains(instance.status().message(), cmd.text)) {
    return Fail(cmd, absl::StrCat("expected trap ", Quote(cmd.text), ", got ",
                                  instance.status().ToString()));
  }
  Pass();
}

}  // namespace

void RunCounts::Add(const RunCounts& other) {
  passed += other.passed;
  failed += other.failed;
  message_differs += other.message_differs;
}

std::string FormatCounts(const RunCounts& counts) {
  std::string s =
      absl::StrCat(counts.passed, " passed, ", counts.failed, " failed");
  if (counts.message_differs > 0) {
    absl::StrAppend(&s, " (", counts.message_differs,
                    " rejections passed with a different message; -v lists "
                    "them)");
  }
  return s;
}

RunCounts RunScriptFile(const std::string& wast_path, const RunOptions& options,
                        std::ostream& out) {
  RunCounts counts;
  absl::StatusOr<Script> script = LoadWast(wast_path);
  if (!script.ok()) {
    out << wast_path << ": " << script.status().message() << "\n";
    counts.failed = 1;
  } else {
    ScriptRunner runner(options, out);
    counts = runner.Run(*script);
  }
  out << wast_path << ": " << FormatCounts(counts) << "\n";
  return counts;
}

}  // namespace wsbx::spec
