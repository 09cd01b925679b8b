// The `wsbx run` WASI grants as text: `--dir DIR`, `--dir HOST::GUEST`,
// `--dir-ro` (the same forms),
// `--env NAME=VALUE` and `--env NAME` (copies one host variable).
#ifndef WSBX_CLI_WASI_FLAGS_H_
#define WSBX_CLI_WASI_FLAGS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "wasi/wasi.h"

namespace wsbx {

// "HOST::GUEST", or "DIR" (no "::"), which is HOST and GUEST both: the
// guest sees the directory under the name given, as wasmtime's --dir does.
// Every part non-empty, no NUL bytes.
absl::StatusOr<WasiPreopen> ParseDirGrant(std::string_view text,
                                          bool read_only);

// "NAME=VALUE" is passed as is; "NAME" becomes "NAME=<host value>", or
// nullopt when the host has no such variable. NAME must be non-empty and
// free of '=' and NUL.
absl::StatusOr<std::optional<std::string>> ParseEnvGrant(std::string_view text);

}  // namespace wsbx

#endif  // WSBX_CLI_WASI_FLAGS_H_
