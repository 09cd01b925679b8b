// The C API's handles (include/wsbx/wsbx.h) and the conversions its two
// halves share: c_api_config.cc (values, errors, modules, configuration)
// and c_api_sandbox.cc (sandboxes and pools). Built on wsbx/wsbx.hpp only.
#ifndef WSBX_API_C_API_INTERNAL_H_
#define WSBX_API_C_API_INTERNAL_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wsbx/wsbx.h"
#include "wsbx/wsbx.hpp"

struct wsbx_error {
  wsbx::Error error;
  mutable std::optional<std::string> text;  // wsbx_error_to_string, cached
};

struct wsbx_strings {
  std::vector<std::string> items;
};

struct wsbx_module {
  wsbx::CompiledModule module;
};

struct wsbx_config {
  enum class Source { kNone, kBytes, kFile, kModule };
  struct Dir {
    std::string host, guest;
    bool read_only = false;
  };
  Source source = Source::kNone;
  std::vector<uint8_t> bytes;
  std::string file;
  std::optional<wsbx::CompiledModule> module;
  wsbx::Policy policy = wsbx::Policy::kStandard;
  std::optional<uint64_t> memory, fuel, stack, table_elements, max_output;
  std::optional<uint32_t> call_depth;
  std::optional<std::chrono::nanoseconds> timeout;
  std::optional<std::string> program;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<Dir> dirs;
  std::optional<std::string> stdin_data;
  bool capture = false;
  std::function<void(std::string_view)> on_stdout, on_stderr;
  std::function<void(const wsbx::AuditEvent&)> on_audit;
  std::vector<wsbx::Sandbox::Builder::RawHostFunction> hosts;
};

namespace wsbx::sandbox_c_api {

// An export's parameter and result kinds, as wsbx_sandbox_export_type
// hands them out.
struct Signature {
  std::string name;
  std::vector<wsbx_valkind_t> params, results;
  std::string text;  // "(i32) -> (i32)"
};
using Signatures = std::vector<Signature>;

// Parses Sandbox::DescribeExports' "name: (i32, i64) -> (f64)" lines.
std::shared_ptr<const Signatures> ParseSignatures(
    const std::vector<std::string>& described);

wsbx_error_t* NewError(Error error);
wsbx_error_t* InvalidArgument(std::string message);

// Conversions; ToVal fails (kInvalidArgument) on a kind that is none.
Result<Val> ToVal(const wsbx_val_t& v);
wsbx_val_t FromVal(const Val& v);

// The C++ builder a config stands for.
Sandbox::Builder ToBuilder(const wsbx_config& config);

}  // namespace wsbx::sandbox_c_api

#endif  // WSBX_API_C_API_INTERNAL_H_
