// The WebAssembly features a decoded module uses, found from what it holds:
// its types, imports, exports, memories, tables, segments and constant
// expressions, and every instruction of every body (classified by the
// opcode table, runtime/opcodes.h kOpcodeFeatures). A feature is listed
// only when something in the module needs it, never because it is allowed.
#ifndef WSBX_CLI_MODULE_FEATURES_H_
#define WSBX_CLI_MODULE_FEATURES_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/module.h"

namespace wsbx {

// Feature names, stable (the JSON output uses them), in this order:
// "sign-extension", "saturating-float-to-int", "multi-value",
// "mutable-globals", "reference-types", "bulk-memory", "multiple-tables",
// "simd", "relaxed-simd", "tail-call", "extended-const", "multi-memory",
// "memory64", "table64".
// The module must still hold its bytes (decoded, not loaded); a body that
// does not decode is an error.
absl::StatusOr<std::vector<std::string_view>> ModuleFeatures(
    const Module& module);

}  // namespace wsbx

#endif  // WSBX_CLI_MODULE_FEATURES_H_
