// Text <-> value conversions for the command line: invoke arguments parsed
// by the parameter's type, results printed one per line, sizes ("64M"),
// durations ("500ms", "2s", "1m", "1h") and counts.
#ifndef WSBX_CLI_ARGS_H_
#define WSBX_CLI_ARGS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "runtime/types.h"
#include "runtime/value.h"

namespace wsbx {

// Integers in decimal (or 0x hex), signed or unsigned within the type's
// width; floats as decimal/hex floats, "inf", "-inf", "nan", or
// "nan:0xBITS" with the raw bits of a NaN (as results print one).
absl::StatusOr<Value> ParseArg(std::string_view text, ValType type);

// Integers as signed decimal, floats in shortest round-trip form
// ("nan:0x7fc00000" keeps a NaN's bits), references as "null" or "ref".
std::string FormatResult(const Value& v);

// A byte size: a whole number with a unit, K, M or G (each a power of 1024
// however written: 64M, 64MB, 64MiB, 64m are all 64 << 20) or B for bytes.
// A bare number other than 0 is an error that suggests a unit.
absl::StatusOr<uint64_t> ParseByteSize(std::string_view text);

// A positive duration: a decimal number (fraction allowed) with a unit of
// ms, s, m or h ("250ms", "1.5s", "2m", "1h"), at most 30 days. A bare
// number is an error that suggests a unit.
absl::StatusOr<std::chrono::nanoseconds> ParseDuration(std::string_view text);

// A whole decimal number in [min, max].
absl::StatusOr<uint64_t> ParseCount(std::string_view text, uint64_t min,
                                    uint64_t max);

}  // namespace wsbx

#endif  // WSBX_CLI_ARGS_H_
