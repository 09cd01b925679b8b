// The C API (include/wsbx/wsbx.h), second half: sandboxes, owned or on
// lease from a pool. A handle caches its module's export signatures so
// that a call's result count is checked before the guest runs.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/c_api_internal.h"

struct wsbx_sandbox {
  std::optional<wsbx::Sandbox> owned;  // empty for a lease's sandbox
  wsbx::Sandbox* sandbox = nullptr;
  mutable std::shared_ptr<const wsbx::sandbox_c_api::Signatures> signatures;

  const wsbx::sandbox_c_api::Signatures& Exports() const {
    if (!signatures) {
      signatures = wsbx::sandbox_c_api::ParseSignatures(sandbox->DescribeExports());
    }
    return *signatures;
  }
  const wsbx::sandbox_c_api::Signature* Find(std::string_view name) const {
    for (const wsbx::sandbox_c_api::Signature& s : Exports()) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
};

struct wsbx_pool {
  std::unique_ptr<wsbx::Pool> pool;
  // Every sandbox of the pool has the same module: parsed once.
  std::once_flag parsed;
  std::shared_ptr<const wsbx::sandbox_c_api::Signatures> signatures;
};

struct wsbx_lease {
  wsbx::Pool::Lease lease;
  wsbx_sandbox handle;
};

using wsbx::sandbox_c_api::InvalidArgument;
using wsbx::sandbox_c_api::NewError;

extern "C" {

wsbx_error_t* wsbx_sandbox_new(const wsbx_config_t* config,
                               wsbx_sandbox_t** out) {
  if (config == nullptr || out == nullptr) {
    return InvalidArgument("wsbx_sandbox_new: config or out is NULL");
  }
  *out = nullptr;
  wsbx::Result<wsbx::Sandbox> built = wsbx::sandbox_c_api::ToBuilder(*config).Build();
  if (!built.ok()) return NewError(built.error());
  auto handle = std::make_unique<wsbx_sandbox>();
  handle->owned.emplace(std::move(*built));
  handle->sandbox = &*handle->owned;
  *out = handle.release();
  return nullptr;
}

void wsbx_sandbox_delete(wsbx_sandbox_t* sandbox) { delete sandbox; }

wsbx_error_t* wsbx_sandbox_run(wsbx_sandbox_t* sandbox, int* exit_code) {
  wsbx::Result<int> status = sandbox->sandbox->Run();
  if (!status.ok()) return NewError(status.error());
  if (exit_code != nullptr) *exit_code = *status;
  return nullptr;
}

wsbx_error_t* wsbx_sandbox_call(wsbx_sandbox_t* sandbox, const char* name,
                                const wsbx_val_t* args, size_t nargs,
                                wsbx_val_t* results, size_t nresults) {
  if (name == nullptr) return InvalidArgument("wsbx_sandbox_call: no name");
  if ((args == nullptr && nargs > 0) || (results == nullptr && nresults > 0)) {
    return InvalidArgument("wsbx_sandbox_call: args or results is NULL");
  }
  // An unknown export falls through to Call, whose error lists them all.
  if (const wsbx::sandbox_c_api::Signature* sig = sandbox->Find(name);
      sig != nullptr && sig->results.size() != nresults) {
    return InvalidArgument("'" + std::string(name) + "' is " + sig->text +
                           "; the call has room for " +
                           std::to_string(nresults) + " results");
  }
  std::vector<wsbx::Val> in;
  in.reserve(nargs);
  for (size_t i = 0; i < nargs; ++i) {
    wsbx::Result<wsbx::Val> v = wsbx::sandbox_c_api::ToVal(args[i]);
    if (!v.ok()) {
      return InvalidArgument("argument " + std::to_string(i) + " of '" + name +
                             "' is " + v.error().message());
    }
    in.push_back(*v);
  }
  wsbx::Result<std::vector<wsbx::Val>> out = sandbox->sandbox->Call(name, in);
  if (!out.ok()) return NewError(out.error());
  for (size_t i = 0; i < nresults && i < out->size(); ++i) {
    results[i] = wsbx::sandbox_c_api::FromVal((*out)[i]);
  }
  return nullptr;
}

wsbx_error_t* wsbx_sandbox_export_type(const wsbx_sandbox_t* sandbox,
                                       const char* name,
                                       const wsbx_valkind_t** params,
                                       size_t* nparams,
                                       const wsbx_valkind_t** results,
                                       size_t* nresults) {
  const wsbx::sandbox_c_api::Signature* sig =
      name != nullptr ? sandbox->Find(name) : nullptr;
  if (sig == nullptr) {
    return InvalidArgument("no exported function '" +
                           std::string(name != nullptr ? name : "") + "'");
  }
  if (params != nullptr) *params = sig->params.data();
  if (nparams != nullptr) *nparams = sig->params.size();
  if (results != nullptr) *results = sig->results.data();
  if (nresults != nullptr) *nresults = sig->results.size();
  return nullptr;
}

wsbx_strings_t* wsbx_sandbox_exports(const wsbx_sandbox_t* sandbox) {
  return new wsbx_strings{sandbox->sandbox->DescribeExports()};
}

void wsbx_sandbox_interrupt(wsbx_sandbox_t* sandbox) {
  sandbox->sandbox->Interrupt();
}

void wsbx_sandbox_stats(const wsbx_sandbox_t* sandbox, wsbx_stats_t* out) {
  const wsbx::Stats& s = sandbox->sandbox->stats();
  out->fuel_consumed = s.fuel_consumed;
  out->peak_memory_bytes = s.peak_memory_bytes;
  out->memory_pages = s.memory_pages;
  out->stdout_bytes = s.stdout_bytes;
  out->stderr_bytes = s.stderr_bytes;
  out->audit_events = s.audit_events;
  out->last_call_ns = static_cast<uint64_t>(s.last_call_time.count());
  out->host_calls = s.host_calls.size();
}

const char* wsbx_sandbox_host_call(const wsbx_sandbox_t* sandbox, size_t i,
                                   uint64_t* count) {
  const auto& calls = sandbox->sandbox->stats().host_calls;
  if (i >= calls.size()) return nullptr;
  if (count != nullptr) *count = calls[i].second;
  return calls[i].first.c_str();
}

const char* wsbx_sandbox_stdout(const wsbx_sandbox_t* sandbox, size_t* size) {
  std::string_view out = sandbox->sandbox->captured_stdout();
  if (size != nullptr) *size = out.size();
  return out.data();
}

const char* wsbx_sandbox_stderr(const wsbx_sandbox_t* sandbox, size_t* size) {
  std::string_view err = sandbox->sandbox->captured_stderr();
  if (size != nullptr) *size = err.size();
  return err.data();
}

size_t wsbx_sandbox_audit_count(const wsbx_sandbox_t* sandbox) {
  return sandbox->sandbox->audit_events().size();
}

bool wsbx_sandbox_audit_event(const wsbx_sandbox_t* sandbox, size_t i,
                              wsbx_audit_event_t* out) {
  const auto& events = sandbox->sandbox->audit_events();
  if (i >= events.size() || out == nullptr) return false;
  const wsbx::AuditEvent& e = events[i];
  *out = {e.function.c_str(), e.path.c_str(), e.errno_name.c_str(),
          e.reason.c_str(), e.json.c_str()};
  return true;
}

wsbx_error_t* wsbx_sandbox_reset(wsbx_sandbox_t* sandbox) {
  wsbx::Result<void> r = sandbox->sandbox->Reset();
  return r.ok() ? nullptr : NewError(r.error());
}

wsbx_error_t* wsbx_sandbox_enable_fast_reset(wsbx_sandbox_t* sandbox) {
  wsbx::Result<void> r = sandbox->sandbox->EnableFastReset();
  return r.ok() ? nullptr : NewError(r.error());
}

// ---------------------------------------------------------------------------
// Pools

wsbx_error_t* wsbx_pool_new(const wsbx_config_t* config, size_t size,
                            wsbx_pool_t** out) {
  if (config == nullptr || out == nullptr) {
    return InvalidArgument("wsbx_pool_new: config or out is NULL");
  }
  *out = nullptr;
  auto pool = wsbx::Pool::Create(wsbx::sandbox_c_api::ToBuilder(*config), size);
  if (!pool.ok()) return NewError(pool.error());
  auto handle = std::make_unique<wsbx_pool>();
  handle->pool = std::move(*pool);
  *out = handle.release();
  return nullptr;
}

void wsbx_pool_delete(wsbx_pool_t* pool) { delete pool; }

wsbx_error_t* wsbx_pool_acquire(wsbx_pool_t* pool, int64_t timeout_ns,
                                wsbx_lease_t** out) {
  if (out == nullptr) return InvalidArgument("wsbx_pool_acquire: out is NULL");
  *out = nullptr;
  const std::chrono::nanoseconds wait =
      timeout_ns < 0 ? std::chrono::nanoseconds::max()
                     : std::chrono::nanoseconds(timeout_ns);
  wsbx::Result<wsbx::Pool::Lease> lease = pool->pool->Acquire(wait);
  if (!lease.ok()) return NewError(lease.error());
  auto handle = std::unique_ptr<wsbx_lease>(
      new wsbx_lease{std::move(*lease), wsbx_sandbox{}});
  handle->handle.sandbox = &*handle->lease;
  std::call_once(pool->parsed, [&] {
    pool->signatures =
        wsbx::sandbox_c_api::ParseSignatures(handle->handle.sandbox->DescribeExports());
  });
  handle->handle.signatures = pool->signatures;
  *out = handle.release();
  return nullptr;
}

wsbx_sandbox_t* wsbx_lease_sandbox(wsbx_lease_t* lease) {
  return &lease->handle;
}

void wsbx_lease_release(wsbx_lease_t* lease) { delete lease; }

size_t wsbx_pool_size(const wsbx_pool_t* pool) { return pool->pool->size(); }

size_t wsbx_pool_available(const wsbx_pool_t* pool) {
  return pool->pool->available();
}

uint64_t wsbx_pool_resets(const wsbx_pool_t* pool) {
  return pool->pool->resets();
}

}  // extern "C"
