// Configuration, engines, stores, modules and instances of the C API. An
// engine holds the Limits every store made from it runs under; a module is
// loaded under its store's limits and may be instantiated in any store. A
// failed instantiation is reported as a trap, as the API asks: link errors
// and traps in segment initialisation carry the engine's message, a trap
// in the start function also its frames.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "capi/wasm_c_api_internal.h"
#include "runtime/engine.h"
#include "runtime/module.h"
#include "runtime/store/store.h"
#include "wsbx/wasm.h"

namespace wsbx::capi {
namespace {

std::span<const uint8_t> Bytes(const wasm_byte_vec_t* binary) {
  if (binary == nullptr || binary->data == nullptr) return {};
  return {reinterpret_cast<const uint8_t*>(binary->data), binary->size};
}

wasm_externtype_t* ImportType(const Module& m, const Import& imp) {
  switch (imp.kind) {
    case ExternKind::kFunc:
      return NewFuncType(m.types[imp.func_type]);
    case ExternKind::kTable:
      return NewTableType(imp.table);
    case ExternKind::kMemory:
      return NewMemoryType(imp.memory);
    case ExternKind::kGlobal:
      return NewGlobalType(imp.global);
  }
  return nullptr;
}

wasm_externtype_t* ExportType(const Module& m, const Export& exp) {
  switch (exp.kind) {
    case ExternKind::kFunc:
      return NewFuncType(m.FuncTypeOf(exp.index));
    case ExternKind::kTable:
      return NewTableType(m.tables[exp.index]);
    case ExternKind::kMemory:
      return NewMemoryType(m.memories[exp.index]);
    case ExternKind::kGlobal:
      return NewGlobalType(m.global_types[exp.index]);
  }
  return nullptr;
}

Extern ExportedExtern(const Instance& inst, const Export& exp) {
  switch (exp.kind) {
    case ExternKind::kFunc:
      return Extern::Func(inst.funcs[exp.index]);
    case ExternKind::kTable:
      return Extern::Table(inst.tables[exp.index]);
    case ExternKind::kMemory:
      return Extern::Memory(inst.memories[exp.index]);
    case ExternKind::kGlobal:
      return Extern::Global(inst.globals[exp.index]);
  }
  return Extern();
}

// The engine objects behind `imports`, or a message saying which is wrong.
absl::StatusOr<std::vector<Extern>> ImportExterns(
    const wasm_extern_vec_t* imports) {
  std::vector<Extern> out;
  if (imports == nullptr) return out;
  out.reserve(imports->size);
  for (size_t i = 0; i < imports->size; ++i) {
    if (imports->data[i] == nullptr) {
      return absl::InvalidArgumentError("unknown import: import " +
                                        std::to_string(i) + " is null");
    }
    out.push_back(imports->data[i]->ext);
  }
  return out;
}

// Instantiates, running the start function (when there is one) as a call
// of its own; a trap is written to *trap.
const Instance* Instantiate(StoreCore& core, const ModuleData& data,
                            std::span<const Extern> imports,
                            wasm_trap_t** trap) {
  const bool has_start = data.startless != nullptr;
  absl::StatusOr<Instance*> inst =
      core.store.Instantiate(has_start ? data.startless : data.module, imports);
  if (!inst.ok()) {
    *trap = NewTrap(std::string(inst.status().message()));
    return nullptr;
  }
  if (has_start) {
    FunctionInstance* start = (*inst)->funcs[*data.module->start];
    if (!start->type->params.empty() || !start->type->results.empty()) {
      *trap = NewTrap("start function must have type [] -> []");
      return nullptr;
    }
    InvokeResult result = core.store.Invoke(start, {});
    if (!result.ok()) {
      *trap = NewTrapFrom(core, *result.trap);
      return nullptr;
    }
  }
  return *inst;
}

}  // namespace
}  // namespace wsbx::capi

using wsbx::capi::EngineCore;
using wsbx::capi::ModuleData;
using wsbx::capi::StoreCore;

extern "C" {

// Configuration: nothing to configure yet; engines use the default Limits.
wasm_config_t* wasm_config_new(void) noexcept { return new wasm_config_t(); }
void wasm_config_delete(wasm_config_t* config) noexcept { delete config; }

wasm_engine_t* wasm_engine_new(void) noexcept {
  return new wasm_engine_t{std::make_shared<EngineCore>()};
}
wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config) noexcept {
  delete config;
  return wasm_engine_new();
}
void wasm_engine_delete(wasm_engine_t* engine) noexcept { delete engine; }

wasm_store_t* wasm_store_new(wasm_engine_t* engine) noexcept {
  return new wasm_store_t{std::make_shared<StoreCore>(engine->core)};
}
void wasm_store_delete(wasm_store_t* store) noexcept { delete store; }

// Modules.
wasm_module_t* wasm_module_new(wasm_store_t* store,
                               const wasm_byte_vec_t* binary) noexcept {
  absl::StatusOr<std::shared_ptr<const wsbx::Module>> module =
      wsbx::LoadModule(wsbx::capi::Bytes(binary), store->core->engine->limits);
  if (!module.ok()) return nullptr;
  auto data = std::make_shared<ModuleData>();
  data->module = *std::move(module);
  if (data->module->start.has_value()) {
    auto startless = std::make_shared<wsbx::Module>(*data->module);
    startless->start.reset();
    data->startless = std::move(startless);
  }
  return new wasm_module_t(std::move(data));
}

bool wasm_module_validate(wasm_store_t* store,
                          const wasm_byte_vec_t* binary) noexcept {
  return wsbx::ValidateBinary(wsbx::capi::Bytes(binary),
                              store->core->engine->limits)
      .ok();
}

void wasm_module_imports(const wasm_module_t* module,
                         wasm_importtype_vec_t* out) noexcept {
  const wsbx::Module& m = *module->data->module;
  wasm_importtype_vec_new_uninitialized(out, m.imports.size());
  for (size_t i = 0; i < m.imports.size(); ++i) {
    const wsbx::Import& imp = m.imports[i];
    wasm_name_t mod, name;
    wsbx::capi::NewName(&mod, imp.module);
    wsbx::capi::NewName(&name, imp.name);
    out->data[i] =
        wasm_importtype_new(&mod, &name, wsbx::capi::ImportType(m, imp));
  }
}

void wasm_module_exports(const wasm_module_t* module,
                         wasm_exporttype_vec_t* out) noexcept {
  const wsbx::Module& m = *module->data->module;
  wasm_exporttype_vec_new_uninitialized(out, m.exports.size());
  for (size_t i = 0; i < m.exports.size(); ++i) {
    wasm_name_t name;
    wsbx::capi::NewName(&name, m.exports[i].name);
    out->data[i] =
        wasm_exporttype_new(&name, wsbx::capi::ExportType(m, m.exports[i]));
  }
}

// wsbx has no serialized form of compiled modules.
void wasm_module_serialize(const wasm_module_t*,
                           wasm_byte_vec_t* out) noexcept {
  wasm_byte_vec_new_empty(out);
}
wasm_module_t* wasm_module_deserialize(wasm_store_t*,
                                       const wasm_byte_vec_t*) noexcept {
  return nullptr;
}

// Instances.
wasm_instance_t* wasm_instance_new(wasm_store_t* store,
                                   const wasm_module_t* module,
                                   const wasm_extern_vec_t* imports,
                                   wasm_trap_t** trap_out) noexcept {
  wasm_trap_t* trap = nullptr;
  const wsbx::Instance* inst = nullptr;
  absl::StatusOr<std::vector<wsbx::Extern>> externs =
      wsbx::capi::ImportExterns(imports);
  if (!externs.ok()) {
    trap = wsbx::capi::NewTrap(std::string(externs.status().message()));
  } else {
    inst =
        wsbx::capi::Instantiate(*store->core, *module->data, *externs, &trap);
  }
  if (trap_out != nullptr) {
    *trap_out = trap;
  } else {
    delete trap;
  }
  if (inst == nullptr) return nullptr;
  return new wasm_instance_t(store->core, inst);
}

void wasm_instance_exports(const wasm_instance_t* instance,
                           wasm_extern_vec_t* out) noexcept {
  const wsbx::Instance& inst = *instance->instance;
  const std::vector<wsbx::Export>& exports = inst.module->exports;
  wasm_extern_vec_new_uninitialized(out, exports.size());
  for (size_t i = 0; i < exports.size(); ++i) {
    out->data[i] = wsbx::capi::NewExtern(
        instance->core, wsbx::capi::ExportedExtern(inst, exports[i]));
  }
}

}  // extern "C"
