// Reads a module file for the CLI: any readable file (regular, pipe, FIFO,
// /dev/stdin), refused with a clear error when it is a directory, cannot be
// read, or is larger than the module size limit (a regular file by its size,
// before reading; anything else as it is read, so /dev/zero cannot exhaust
// memory). Waiting for input honours a deadline and an interrupt flag: a
// FIFO with no writer or a silent pipe cannot hold the command forever.
#ifndef WSBX_CLI_READ_FILE_H_
#define WSBX_CLI_READ_FILE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace wsbx {

// Errors: DeadlineExceeded once `deadline` passes while waiting for input,
// Cancelled once `*interrupt` is true, ResourceExhausted past `max_bytes`,
// and NotFound or InvalidArgument (with the system's reason) otherwise.
absl::StatusOr<std::vector<uint8_t>> ReadModuleFile(
    const std::string& path, uint64_t max_bytes,
    std::optional<std::chrono::steady_clock::time_point> deadline =
        std::nullopt,
    const std::atomic<bool>* interrupt = nullptr);

}  // namespace wsbx

#endif  // WSBX_CLI_READ_FILE_H_
