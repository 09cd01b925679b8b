// The `wsbx inspect` command (inspect.h): reads the module as `wsbx
// validate` does, decodes and validates it but keeps its bytes (a loaded
// module drops bodies and custom sections), then prints the report or the
// disassembly.
#include "cli/inspect.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/disasm.h"
#include "cli/inspect_report.h"
#include "cli/module_features.h"
#include "cli/module_input.h"
#include "cli/output.h"
#include "cli/read_file.h"
#include "cli/signals.h"
#include "runtime/decode/decoder.h"
#include "runtime/decode/sections.h"
#include "runtime/limits.h"
#include "runtime/validate/validator.h"
#include "wasi/audit.h"

namespace wsbx {
namespace {

constexpr int kExitError = 1;

int Fail(absl::string_view message) {
  PrintErr(absl::StrCat("wsbx: ", message, "\n"));
  return kExitError;
}

absl::StatusOr<std::unique_ptr<Module>> ReadDecodeValidate(
    const std::string& file) {
  const Limits limits;
  auto bytes = ReadModuleFile(file, limits.max_module_bytes, std::nullopt,
                              &StopRequested());
  if (!bytes.ok()) return bytes.status();
  auto binary = ModuleBinary(file, std::move(*bytes));
  if (!binary.ok()) return binary.status();
  const bool is_binary = IsBinaryModule(*binary);
  auto module = DecodeModule(std::move(*binary), limits);
  absl::Status status =
      module.ok() ? ValidateModule(**module, limits) : module.status();
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        LoadErrorMessage(file, is_binary, status.message()));
  }
  return module;
}

// At most kListed names of `names`, quoted (they are the module's bytes),
// then how many more there are.
constexpr size_t kListed = 10;
std::string NameList(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::vector<std::string> quoted;
  for (size_t i = 0; i < names.size() && i < kListed; ++i) {
    quoted.push_back(wasi::JsonQuote(names[i]));
  }
  std::string out = absl::StrJoin(quoted, ", ");
  if (names.size() > kListed) {
    absl::StrAppend(&out, ", and ", names.size() - kListed, " more");
  }
  return out;
}

// How a FUNC may be named, for the error when it names nothing.
std::string HowToName(const Module& m) {
  if (m.bodies.empty()) return "it defines no functions";
  std::vector<std::string> exports, names;
  for (const Export& e : m.exports) {
    if (e.kind == ExternKind::kFunc && e.index >= m.num_imported_funcs) {
      exports.push_back(e.name);
    }
  }
  for (size_t i = m.num_imported_funcs; i < m.function_names.size(); ++i) {
    if (!m.function_names[i].empty()) names.push_back(m.function_names[i]);
  }
  return absl::StrFormat(
      "name one by index (%d to %d), by export name (%s) or by name-section "
      "name (%s)",
      m.num_imported_funcs, m.func_types.size() - 1, NameList(exports),
      NameList(names));
}

// FUNC: an index, an export name, or a name-section name (with or without
// the text format's `$`), in that order of preference.
absl::StatusOr<uint32_t> FindFunction(const Module& m, const std::string& file,
                                      const std::string& func) {
  std::optional<uint32_t> found;
  uint32_t index;
  if (absl::SimpleAtoi(func, &index) && absl::ascii_isdigit(func[0])) {
    if (index < m.func_types.size()) found = index;
  }
  for (const Export& e : m.exports) {
    if (!found && e.kind == ExternKind::kFunc && e.name == func) {
      found = e.index;
    }
  }
  const std::string_view bare =
      std::string_view(func).substr(func.starts_with('$') ? 1 : 0);
  for (size_t i = 0; !found && i < m.function_names.size(); ++i) {
    if (!m.function_names[i].empty() && m.function_names[i] == bare) {
      found = static_cast<uint32_t>(i);
    }
  }
  if (!found) {
    return absl::NotFoundError(absl::StrFormat("%s has no function %s: %s",
                                               file, wasi::JsonQuote(func),
                                               HowToName(m)));
  }
  if (*found < m.num_imported_funcs) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: function %d (%s) is imported: it has no body; %s",
                        file, *found, wasi::JsonQuote(func), HowToName(m)));
  }
  return *found;
}

int Disassemble(const Module& m, const InspectOptions& opts) {
  uint32_t first = m.num_imported_funcs;
  uint32_t end = static_cast<uint32_t>(m.func_types.size());
  // CLI11 gives --disasm without a value as one empty string.
  if (!opts.disasm.empty() && !opts.disasm[0].empty()) {
    absl::StatusOr<uint32_t> index =
        FindFunction(m, DisplayName(opts.file), opts.disasm[0]);
    if (!index.ok()) return Fail(index.status().message());
    first = *index;
    end = first + 1;
  }
  std::string out;
  for (uint32_t i = first; i < end; ++i) {
    absl::StatusOr<std::string> text = DisassembleFunction(m, i);
    if (!text.ok()) {
      return Fail(
          absl::StrCat(DisplayName(opts.file), ": ", text.status().message()));
    }
    absl::StrAppend(&out, i == first ? "" : "\n", *text);
  }
  PrintOut(out);
  return 0;
}

}  // namespace

CLI::App* AddInspectCommand(CLI::App& app, InspectOptions* opts) {
  CLI::App* cmd = app.add_subcommand(
      "inspect",
      "Show a module's sections, imports, exports, memories, tables, "
      "globals, segments and the features it uses, or disassemble it");
  cmd->add_option("file", opts->file,
                  "The module: .wasm, .wat text, or - for stdin")
      ->type_name("MODULE")
      ->required();
  CLI::Option* json =
      cmd->add_flag("--json", opts->json, "Print one JSON object instead");
  opts->disasm_flag =
      cmd->add_option("--disasm", opts->disasm,
                      "Print function bodies as instructions: all of them, "
                      "or FUNC alone (an index, an export name or a "
                      "name-section name); give it after the module")
          ->expected(0, 1)
          ->type_name("[FUNC]")
          ->excludes(json);
  return cmd;
}

int RunInspect(const InspectOptions& opts) {
  absl::StatusOr<std::unique_ptr<Module>> module =
      ReadDecodeValidate(opts.file);
  if (!module.ok()) return Fail(module.status().message());
  const Module& m = **module;
  if (opts.disasm_flag != nullptr && opts.disasm_flag->count() > 0) {
    return Disassemble(m, opts);
  }
  ModuleReport report;
  report.file = DisplayName(opts.file);
  report.module = &m;
  absl::StatusOr<std::vector<SectionSpan>> sections = ListSections(m.bytes);
  absl::StatusOr<std::vector<std::string_view>> features = ModuleFeatures(m);
  if (!sections.ok() || !features.ok()) {
    const absl::Status& s =
        sections.ok() ? features.status() : sections.status();
    return Fail(absl::StrCat(DisplayName(opts.file), ": ", s.message()));
  }
  report.sections = std::move(*sections);
  report.features = std::move(*features);
  PrintOut(opts.json ? ReportJson(report) : ReportText(report));
  return 0;
}

}  // namespace wsbx
