// Import resolution for `wsbx run`. Each import is looked up in order: the
// WASI module, then a preloaded module of that name, then the
// --unknown-imports choice. Problems are gathered so that one run names
// every import a module lacks.
#include "cli/linker.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/log.h"

namespace wsbx {
namespace {

std::string TypeList(const std::vector<ValType>& types) {
  std::vector<std::string> names;
  for (ValType t : types) names.emplace_back(ValTypeName(t));
  return absl::StrJoin(names, ", ");
}

std::string Signature(const FuncType& type) {
  std::string text = absl::StrCat("(", TypeList(type.params), ")");
  if (!type.results.empty()) {
    absl::StrAppend(&text, " -> ", TypeList(type.results));
  }
  return text;
}

std::string ImportName(const Import& imp) {
  return absl::StrFormat("%s.%s (%s)", imp.module, imp.name,
                         ExternKindName(imp.kind));
}

// A stand-in for an import nothing provides, or an error saying why not.
absl::StatusOr<Extern> Substitute(Store& store, const Module& module,
                                  const Import& imp, UnknownImports unknown) {
  const std::string name = absl::StrCat(imp.module, ".", imp.name);
  if (unknown == UnknownImports::kError ||
      (unknown == UnknownImports::kTrap && imp.kind != ExternKind::kFunc)) {
    return absl::NotFoundError(
        unknown == UnknownImports::kError
            ? "nothing provides it"
            : "nothing provides it (--unknown-imports=trap stands in for "
              "functions only; =default also for other kinds)");
  }
  switch (imp.kind) {
    case ExternKind::kFunc: {
      const FuncType& type = module.types[imp.func_type];
      const bool trap = unknown == UnknownImports::kTrap;
      HostFunction fn = [name, trap](HostContext& host,
                                     std::span<const uint64_t>,
                                     std::span<uint64_t> results) {
        if (trap) {
          host.trap_message = absl::StrCat(
              "unknown import ", name, " was called (--unknown-imports=trap)");
          return TrapKind::kHostError;
        }
        for (uint64_t& r : results) r = 0;
        return TrapKind::kNone;
      };
      return Extern::Func(store.AddHostFunction(type, std::move(fn), name));
    }
    case ExternKind::kMemory: {
      absl::StatusOr<MemoryInstance*> m = store.AddMemory(imp.memory);
      if (!m.ok()) return m.status();
      return Extern::Memory(*m);
    }
    case ExternKind::kTable: {
      absl::StatusOr<TableInstance*> t = store.AddTable(imp.table);
      if (!t.ok()) return t.status();
      return Extern::Table(*t);
    }
    case ExternKind::kGlobal:
      return Extern::Global(
          store.AddGlobal(imp.global, Value{imp.global.type, 0, 0}));
  }
  return absl::InternalError("unknown import kind");
}

// The extern for one import, or why there is none.
absl::StatusOr<Extern> LinkOne(Store& store, Wasi& wasi, const Module& module,
                               const Import& imp,
                               const std::vector<Preloaded>& preloaded,
                               UnknownImports unknown) {
  if (IsWasiModuleName(imp.module)) {
    if (imp.kind != ExternKind::kFunc) {
      return absl::NotFoundError("WASI provides functions only");
    }
    FuncType sig;
    HostFunction fn = wasi.Function(imp.module, imp.name, &sig);
    if (!fn) {
      if (unknown != UnknownImports::kError) {
        return Substitute(store, module, imp, unknown);
      }
      return absl::NotFoundError(absl::StrCat("not a ", imp.module, " function"));
    }
    if (!(module.types[imp.func_type] == sig)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the module declares ", Signature(module.types[imp.func_type]),
          ", WASI's is ", Signature(sig)));
    }
    return Extern::Func(store.AddHostFunction(
        sig, std::move(fn), absl::StrCat(imp.module, ".", imp.name)));
  }
  for (const Preloaded& p : preloaded) {
    if (p.name != imp.module) continue;
    std::optional<Extern> ext = p.instance->FindExport(imp.name);
    if (!ext) {
      return absl::NotFoundError(absl::StrFormat(
          "the module preloaded as %s has no export %s", p.name, imp.name));
    }
    if (ext->kind != imp.kind) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "the module preloaded as %s exports %s as a %s", p.name, imp.name,
          ExternKindName(ext->kind)));
    }
    return *ext;
  }
  return Substitute(store, module, imp, unknown);
}

}  // namespace

absl::StatusOr<UnknownImports> ParseUnknownImports(std::string_view text) {
  if (text == "error") return UnknownImports::kError;
  if (text == "trap") return UnknownImports::kTrap;
  if (text == "default") return UnknownImports::kDefault;
  return absl::InvalidArgumentError(absl::StrFormat(
      "'%s' is not one of error, trap, default", text));
}

absl::StatusOr<std::pair<std::string, std::string>> ParsePreload(
    std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "'%s' is not NAME=MODULE (the import module name, then the file)",
        text));
  }
  std::string name(text.substr(0, eq));
  if (IsWasiModuleName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", name, "' is WASI's own module name"));
  }
  return std::make_pair(std::move(name), std::string(text.substr(eq + 1)));
}

std::string ExportedFunctionList(const Module& module) {
  std::vector<std::string> names;
  for (const Export& e : module.exports) {
    if (e.kind != ExternKind::kFunc) continue;
    names.push_back(e.name + Signature(module.FuncTypeOf(e.index)));
  }
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

absl::StatusOr<std::vector<Extern>> LinkModuleImports(
    Store& store, Wasi& wasi, const Module& module,
    const std::vector<Preloaded>& preloaded, UnknownImports unknown) {
  std::vector<Extern> externs;
  std::vector<std::string> problems;
  for (const Import& imp : module.imports) {
    absl::StatusOr<Extern> ext =
        LinkOne(store, wasi, module, imp, preloaded, unknown);
    if (ext.ok()) {
      Log(LogLevel::kDebug, absl::StrCat("import ", ImportName(imp), ": linked"));
      externs.push_back(*ext);
      continue;
    }
    problems.push_back(
        absl::StrCat("  ", ImportName(imp), ": ", ext.status().message()));
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%d of %d imports cannot be linked:\n%s", problems.size(),
        module.imports.size(), absl::StrJoin(problems, "\n")));
  }
  return externs;
}

}  // namespace wsbx
