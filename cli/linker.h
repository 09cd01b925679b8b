// How `wsbx run` satisfies a module's imports: WASI functions, the exports of
// modules preloaded under a name (--preload NAME=MODULE), and for anything
// else what --unknown-imports asks. Every import that cannot be satisfied is
// reported in one error, not only the first.
#ifndef WSBX_CLI_LINKER_H_
#define WSBX_CLI_LINKER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/module.h"
#include "runtime/store/store.h"
#include "wasi/wasi.h"

namespace wsbx {

// What an import that nothing provides becomes.
enum class UnknownImports {
  kError,    // a link error (the default)
  kTrap,     // a function that traps when called; other kinds stay errors
  kDefault,  // a function returning zeros, a zeroed global, a fresh memory
             // or table of the declared minimum size
};

// "error", "trap" or "default"; an error naming the choices otherwise.
absl::StatusOr<UnknownImports> ParseUnknownImports(std::string_view text);

// A "NAME=MODULE" argument of --preload, as {NAME, MODULE}.
absl::StatusOr<std::pair<std::string, std::string>> ParsePreload(
    std::string_view text);

// "name(i32, i64) -> f32" for every exported function, comma-separated;
// "none" when there is none.
std::string ExportedFunctionList(const Module& module);

// Modules instantiated before the main one, each under the name its
// exports are imported by.
struct Preloaded {
  std::string name;
  Instance* instance = nullptr;
};

// The externs for `module`'s imports, in import order, added to `store`.
// Errors (InvalidArgument) list every import that could not be linked, one
// per line, each with what was looked for.
absl::StatusOr<std::vector<Extern>> LinkModuleImports(
    Store& store, Wasi& wasi, const Module& module,
    const std::vector<Preloaded>& preloaded, UnknownImports unknown);

}  // namespace wsbx

#endif  // WSBX_CLI_LINKER_H_
