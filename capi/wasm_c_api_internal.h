// What the opaque types of wsbx/wasm.h are, shared by the files of the C API
// layer. Every store-bound handle holds its StoreCore by shared_ptr, so the
// engine objects it names stay alive until the last handle is deleted,
// whatever order the embedder deletes things in. Handles of one object made
// by copy share their host info. Nothing here throws across the C boundary.
#ifndef WSBX_CAPI_WASM_C_API_INTERNAL_H_
#define WSBX_CAPI_WASM_C_API_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "runtime/limits.h"
#include "runtime/module.h"
#include "runtime/store/store.h"
#include "runtime/types.h"
#include "runtime/value.h"
#include "wsbx/wasm.h"

namespace wsbx::capi {

struct EngineCore {
  Limits limits;
};

// Host info attached to a handle; the finalizer runs when the last handle
// sharing it is gone.
struct HostInfo {
  HostInfo() = default;
  HostInfo(const HostInfo&) = delete;
  HostInfo& operator=(const HostInfo&) = delete;
  ~HostInfo() { Finalize(); }
  void Finalize() {
    if (finalizer != nullptr) finalizer(info);
    finalizer = nullptr;
  }
  void* info = nullptr;
  void (*finalizer)(void*) = nullptr;
};

struct StoreCore;

// Externrefs a store has handed to wasm: the engine sees only an index
// (plus one, as 0 is null); the handle behind it lives with the store.
class ExternRefTable {
 public:
  RefBits Intern(const wasm_ref_t* ref);
  // A new handle for `bits` (nullptr for null or unknown bits).
  wasm_ref_t* Get(const std::shared_ptr<StoreCore>& core, RefBits bits) const;

 private:
  std::vector<std::unique_ptr<wasm_ref_t>> refs_;
  absl::flat_hash_map<const void*, RefBits> by_identity_;
};

struct StoreCore : std::enable_shared_from_this<StoreCore> {
  explicit StoreCore(std::shared_ptr<EngineCore> e)
      : engine(std::move(e)), store(engine->limits) {}
  std::shared_ptr<EngineCore> engine;
  Store store;
  ExternRefTable externrefs;  // after `store`: released first
};

// A module plus, when it has a start function, a copy without it: the C
// API instantiates that copy and calls the start function itself, so that
// a trap in it comes back with its frames.
struct ModuleData {
  std::shared_ptr<const Module> module;
  std::shared_ptr<const Module> startless;
};

struct FrameData {
  std::weak_ptr<StoreCore> store;
  const Instance* instance = nullptr;
  uint32_t func_index = 0;
  uint32_t module_offset = 0;  // of the active instruction; 0 if unknown
  uint32_t func_offset = 0;    // the same, from the function's first byte
};

struct TrapData {
  std::string message;
  std::vector<FrameData> frames;  // innermost first
};

}  // namespace wsbx::capi

// ---- Types ----------------------------------------------------------------

struct wasm_config_t {};

struct wasm_engine_t {
  std::shared_ptr<wsbx::capi::EngineCore> core;
};

struct wasm_store_t {
  std::shared_ptr<wsbx::capi::StoreCore> core;
};

struct wasm_valtype_t {
  wasm_valkind_t kind;
};

struct wasm_externtype_t {
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  virtual ~wasm_externtype_t() = default;
  virtual wasm_externtype_t* Clone() const = 0;
  wasm_externkind_t kind;
};

struct wasm_functype_t : wasm_externtype_t {
  wasm_functype_t();
  ~wasm_functype_t() override;
  wasm_externtype_t* Clone() const override;
  wasm_valtype_vec_t params;
  wasm_valtype_vec_t results;
};

struct wasm_globaltype_t : wasm_externtype_t {
  wasm_globaltype_t(wasm_valtype_t* content, wasm_mutability_t mutability);
  ~wasm_globaltype_t() override;
  wasm_externtype_t* Clone() const override;
  wasm_valtype_t* content;
  wasm_mutability_t mutability;
};

struct wasm_tabletype_t : wasm_externtype_t {
  wasm_tabletype_t(wasm_valtype_t* element, wasm_limits_t limits);
  ~wasm_tabletype_t() override;
  wasm_externtype_t* Clone() const override;
  wasm_valtype_t* element;
  wasm_limits_t limits;
};

struct wasm_memorytype_t : wasm_externtype_t {
  explicit wasm_memorytype_t(wasm_limits_t limits);
  wasm_externtype_t* Clone() const override;
  wasm_limits_t limits;
};

struct wasm_importtype_t {
  ~wasm_importtype_t();
  wasm_name_t module;
  wasm_name_t name;
  wasm_externtype_t* type;
};

struct wasm_exporttype_t {
  ~wasm_exporttype_t();
  wasm_name_t name;
  wasm_externtype_t* type;
};

// ---- References -----------------------------------------------------------

struct wasm_ref_t {
  enum class Kind : uint8_t {
    kFunc,
    kGlobal,
    kTable,
    kMemory,
    kInstance,
    kModule,
    kTrap,
    kForeign,
  };
  explicit wasm_ref_t(Kind k)
      : kind(k), host(std::make_shared<wsbx::capi::HostInfo>()) {}
  virtual ~wasm_ref_t() = default;
  // A new handle to the same object, sharing the host info.
  virtual wasm_ref_t* Clone() const = 0;
  // What wasm_*_same compares: one address per underlying object.
  virtual const void* Identity() const = 0;
  // Handles bound to a store hold it; the externref table keeps its copies
  // unbound (no cycle through the store) and rebinds those it hands out.
  virtual void Rebind(std::shared_ptr<wsbx::capi::StoreCore>) {}

  Kind kind;
  std::shared_ptr<wsbx::capi::HostInfo> host;
};

struct wasm_extern_t : wasm_ref_t {
  wasm_extern_t(std::shared_ptr<wsbx::capi::StoreCore> c, wsbx::Extern e);
  wasm_ref_t* Clone() const override;
  const void* Identity() const override;
  void Rebind(std::shared_ptr<wsbx::capi::StoreCore> c) override {
    core = std::move(c);
  }
  std::shared_ptr<wsbx::capi::StoreCore> core;
  wsbx::Extern ext;
};

struct wasm_func_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_global_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_table_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_memory_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};

struct wasm_instance_t : wasm_ref_t {
  wasm_instance_t(std::shared_ptr<wsbx::capi::StoreCore> c,
                  const wsbx::Instance* i)
      : wasm_ref_t(Kind::kInstance), core(std::move(c)), instance(i) {}
  wasm_ref_t* Clone() const override { return new wasm_instance_t(*this); }
  const void* Identity() const override { return instance; }
  void Rebind(std::shared_ptr<wsbx::capi::StoreCore> c) override {
    core = std::move(c);
  }
  std::shared_ptr<wsbx::capi::StoreCore> core;
  const wsbx::Instance* instance;
};

struct wasm_module_t : wasm_ref_t {
  explicit wasm_module_t(std::shared_ptr<const wsbx::capi::ModuleData> d)
      : wasm_ref_t(Kind::kModule), data(std::move(d)) {}
  wasm_ref_t* Clone() const override { return new wasm_module_t(*this); }
  const void* Identity() const override { return data.get(); }
  std::shared_ptr<const wsbx::capi::ModuleData> data;
};

struct wasm_trap_t : wasm_ref_t {
  explicit wasm_trap_t(std::shared_ptr<const wsbx::capi::TrapData> d)
      : wasm_ref_t(Kind::kTrap), data(std::move(d)) {}
  wasm_ref_t* Clone() const override { return new wasm_trap_t(*this); }
  const void* Identity() const override { return data.get(); }
  std::shared_ptr<const wsbx::capi::TrapData> data;
};

struct wasm_foreign_t : wasm_ref_t {
  wasm_foreign_t() : wasm_ref_t(Kind::kForeign) {}
  wasm_ref_t* Clone() const override { return new wasm_foreign_t(*this); }
  const void* Identity() const override { return host.get(); }
};

struct wasm_frame_t {
  wsbx::capi::FrameData data;
  // What wasm_frame_instance lends out, made on first use.
  mutable std::unique_ptr<wasm_instance_t> instance;
};

namespace wsbx::capi {

// ---- Conversions shared by the files of this layer ------------------------

// Value kinds: nullopt for a kind the engine does not have.
std::optional<ValType> ToValType(wasm_valkind_t kind);
wasm_valkind_t ToValKind(ValType type);
wasm_externkind_t ToExternKind(ExternKind kind);

wasm_limits_t ToCLimits(const SizeLimits& limits);
SizeLimits FromCLimits(const wasm_limits_t& limits);

// New C types for engine types (owned by the caller).
wasm_functype_t* NewFuncType(const FuncType& type);
wasm_globaltype_t* NewGlobalType(const GlobalType& type);
wasm_tabletype_t* NewTableType(const TableType& type);
wasm_memorytype_t* NewMemoryType(const MemoryType& type);
// nullopt when a parameter or result has a kind the engine does not have.
std::optional<FuncType> FromCFuncType(const wasm_functype_t& type);

// A new handle of the derived type that matches ext.kind.
wasm_extern_t* NewExtern(std::shared_ptr<StoreCore> core, const Extern& ext);

// A wasm_ref_t as engine reference bits of type `type` in `core`'s store:
// a funcref must be a function of that store, an externref any handle.
// nullopt when the reference cannot be one of that type there.
std::optional<RefBits> RefToBits(StoreCore& core, ValType type,
                                 const wasm_ref_t* ref);
// A new handle for engine reference bits (nullptr for null).
wasm_ref_t* BitsToRef(StoreCore& core, ValType type, RefBits bits);

// A wasm_val_t as an engine value; nullopt for a kind mismatch, a v128 or a
// reference that does not fit (RefToBits).
std::optional<Value> FromCVal(StoreCore& core, ValType type,
                              const wasm_val_t& val);
// An engine value as a wasm_val_t owning any reference handle. A v128 has
// no wasm_val_t form: it becomes kind WASM_V128 with its low half in i64.
wasm_val_t ToCVal(StoreCore& core, const Value& value);

// A new trap (owned by the caller) with `message` and an engine backtrace.
wasm_trap_t* NewTrap(std::string message);
wasm_trap_t* NewTrapFrom(StoreCore& core, const Trap& trap);

// Copies `s` into a new byte vector, optionally with a final NUL.
void NewName(wasm_name_t* out, std::string_view s, bool nul = false);
std::string_view NameView(const wasm_name_t& name);

}  // namespace wsbx::capi

#endif  // WSBX_CAPI_WASM_C_API_INTERNAL_H_
