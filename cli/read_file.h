// Reads a module file for the CLI: any readable file (regular, pipe,
// /dev/stdin), refused with a clear error when it is a directory, cannot be
// read, or grows past the module size limit (so /dev/zero cannot exhaust
// memory).
#ifndef WSBX_CLI_READ_FILE_H_
#define WSBX_CLI_READ_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace wsbx {

absl::StatusOr<std::vector<uint8_t>> ReadModuleFile(const std::string& path,
                                                    uint64_t max_bytes);

}  // namespace wsbx

#endif  // WSBX_CLI_READ_FILE_H_
