// Sandbox::Builder (include/wsbx/wsbx.hpp): collects the configuration;
// Build() is in sandbox.cc.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/sandbox_state.h"

namespace wsbx {

using Builder = Sandbox::Builder;

Builder::Builder() : config_(std::make_unique<Config>()) {}
Builder::Builder(const Builder& other)
    : config_(std::make_unique<Config>(*other.config_)) {}
Builder& Builder::operator=(const Builder& other) {
  if (this != &other) config_ = std::make_unique<Config>(*other.config_);
  return *this;
}
Builder::Builder(Builder&&) noexcept = default;
Builder& Builder::operator=(Builder&&) noexcept = default;
Builder::~Builder() = default;

Builder& Builder::ModuleBytes(std::vector<uint8_t> bytes) {
  config_->bytes = std::move(bytes);
  config_->file.clear();
  config_->module.reset();
  return *this;
}

Builder& Builder::ModuleFile(std::string path) {
  config_->file = std::move(path);
  config_->bytes.reset();
  config_->module.reset();
  return *this;
}

Builder& Builder::UseModule(CompiledModule module) {
  config_->module = module.data()->module;
  config_->bytes.reset();
  config_->file.clear();
  return *this;
}

Builder& Builder::Policy(wsbx::Policy policy) {
  config_->policy = policy;
  return *this;
}

Builder& Builder::MemoryLimit(uint64_t bytes) {
  config_->memory = bytes;
  return *this;
}

Builder& Builder::Fuel(uint64_t units) {
  config_->fuel = units;
  return *this;
}

Builder& Builder::Timeout(std::chrono::nanoseconds timeout) {
  config_->timeout = timeout;
  return *this;
}

Builder& Builder::StackLimit(uint64_t bytes) {
  config_->stack = bytes;
  return *this;
}

Builder& Builder::MaxCallDepth(uint32_t frames) {
  config_->call_depth = frames;
  return *this;
}

Builder& Builder::MaxTableElements(uint64_t elements) {
  config_->table_elements = elements;
  return *this;
}

Builder& Builder::Args(std::vector<std::string> args) {
  config_->args = std::move(args);
  return *this;
}

Builder& Builder::ProgramName(std::string name) {
  config_->program = std::move(name);
  return *this;
}

Builder& Builder::Env(std::string name, std::string value) {
  config_->env.push_back(std::move(name) + "=" + std::move(value));
  return *this;
}

Builder& Builder::Dir(std::string host_path, std::string guest_path) {
  config_->dirs.push_back({std::move(host_path), std::move(guest_path), false});
  return *this;
}

Builder& Builder::DirReadOnly(std::string host_path, std::string guest_path) {
  config_->dirs.push_back({std::move(host_path), std::move(guest_path), true});
  return *this;
}

Builder& Builder::Stdin(std::string data) {
  config_->stdin_data = std::move(data);
  return *this;
}

Builder& Builder::CaptureOutput() {
  config_->capture = true;
  return *this;
}

Builder& Builder::OnStdout(std::function<void(std::string_view)> sink) {
  config_->on_stdout = std::move(sink);
  return *this;
}

Builder& Builder::OnStderr(std::function<void(std::string_view)> sink) {
  config_->on_stderr = std::move(sink);
  return *this;
}

Builder& Builder::MaxOutput(uint64_t bytes) {
  config_->max_output = bytes;
  return *this;
}

Builder& Builder::OnAudit(std::function<void(const AuditEvent&)> callback) {
  config_->on_audit = std::move(callback);
  return *this;
}

Builder& Builder::RawHost(RawHostFunction fn) {
  config_->hosts.push_back(std::move(fn));
  return *this;
}

}  // namespace wsbx
