// What a public Sandbox holds (include/wsbx/wsbx.hpp): the engine's Store,
// instance and WASI context, the settings a policy and the builder chose,
// and the image Reset() restores. Internal to the library.
#ifndef WSBX_API_SANDBOX_STATE_H_
#define WSBX_API_SANDBOX_STATE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "api/snapshot.h"
#include "wsbx/wsbx.hpp"
#include "runtime/limits.h"
#include "runtime/module.h"
#include "runtime/store/store.h"
#include "wasi/wasi.h"

namespace wsbx {

namespace internal {
struct ModuleData {
  std::shared_ptr<const Module> module;
};
}  // namespace internal

struct Sandbox::Builder::Config {
  std::optional<std::vector<uint8_t>> bytes;
  std::string file;
  std::shared_ptr<const Module> module;
  wsbx::Policy policy = wsbx::Policy::kStandard;
  std::optional<uint64_t> memory, fuel, stack, table_elements, max_output;
  std::optional<uint32_t> call_depth;
  std::optional<std::chrono::nanoseconds> timeout;
  std::string program = "main";
  std::vector<std::string> args;
  std::vector<std::string> env;  // NAME=VALUE
  std::vector<WasiPreopen> dirs;
  std::optional<std::string> stdin_data;
  bool capture = false;
  std::function<void(std::string_view)> on_stdout, on_stderr;
  std::function<void(const AuditEvent&)> on_audit;
  std::vector<RawHostFunction> hosts;
};

// The budgets and rules in force: the policy's defaults with the builder's
// explicit settings on top.
struct Settings {
  Limits limits;
  std::optional<uint64_t> fuel;
  std::optional<std::chrono::nanoseconds> timeout;
  uint64_t max_output = UINT64_MAX;
  bool end_on_refusal = false;
};

Settings EffectiveSettings(const Sandbox::Builder::Config& config);

namespace internal {

struct SandboxState {
  Sandbox::Builder::Config config;
  Settings settings;
  std::shared_ptr<const Module> module;
  std::unique_ptr<Store> store;
  std::unique_ptr<Wasi> wasi;
  Instance* instance = nullptr;
  std::atomic<bool> interrupt{false};
  Stats stats;
  std::string out, err;             // captured output
  std::vector<AuditEvent> audit;    // public form of the WASI events
  size_t events_seen = 0;           // WASI events already converted
  std::optional<std::string> refusal;  // set when a refusal ended the guest
  // Host calls per import, in import order (name, count).
  std::vector<std::pair<std::string, uint64_t>> host_calls;
  // The WASI function behind each import (empty for other imports); a
  // reset swaps in a fresh WASI context's functions.
  std::vector<HostFunction> wasi_fns;
  std::optional<RunInput> run_input;  // Run(input) until the next Reset
  uint64_t fuel_base = 0;           // FuelConsumed at the last reset
  Snapshot snapshot;                // the state right after Build
};

}  // namespace internal

// Links and instantiates state.module into a new Store (fresh or rebuilt).
Result<void> Instantiate(internal::SandboxState& state);
// A new WASI context for `state`, its functions in state.wasi_fns.
Result<void> NewWasi(internal::SandboxState& state);

// The engine's trap as a public error.
Error ErrorFromTrap(const Trap& trap, const internal::SandboxState& state);

}  // namespace wsbx

#endif  // WSBX_API_SANDBOX_STATE_H_
