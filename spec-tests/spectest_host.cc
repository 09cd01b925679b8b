// The spectest host module. The print functions accept their arguments and
// do nothing: the scripts only check that they can be imported and called.
#include "spec-tests/spectest_host.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace wsbx::spec {
namespace {

struct PrintFunction {
  const char* name;
  std::vector<ValType> params;
};

TrapKind PrintNothing(HostContext&, std::span<const uint64_t>,
                      std::span<uint64_t>) {
  return TrapKind::kNone;
}

}  // namespace

absl::StatusOr<SpectestHost> SpectestHost::Create(Store& store) {
  using enum ValType;
  const PrintFunction kPrints[] = {
      {"print", {}},
      {"print_i32", {kI32}},
      {"print_i64", {kI64}},
      {"print_f32", {kF32}},
      {"print_f64", {kF64}},
      {"print_i32_f32", {kI32, kF32}},
      {"print_f64_f64", {kF64, kF64}},
  };
  SpectestHost host;
  for (const PrintFunction& p : kPrints) {
    FuncType type{p.params, {}};
    FunctionInstance* f = store.AddHostFunction(
        type, PrintNothing, absl::StrCat("spectest.", p.name));
    if (f == nullptr) {
      return absl::InternalError(
          absl::StrCat("cannot create spectest.", p.name));
    }
    host.exports_[p.name] = Extern::Func(f);
  }
  host.exports_["global_i32"] =
      Extern::Global(store.AddGlobal(GlobalType{kI32, false}, Value::I32(666)));
  host.exports_["global_i64"] =
      Extern::Global(store.AddGlobal(GlobalType{kI64, false}, Value::I64(666)));
  host.exports_["global_f32"] = Extern::Global(
      store.AddGlobal(GlobalType{kF32, false}, Value::F32(666.6f)));
  host.exports_["global_f64"] =
      Extern::Global(store.AddGlobal(GlobalType{kF64, false}, Value::F64(666.6)));

  absl::StatusOr<TableInstance*> table =
      store.AddTable(TableType{kFuncRef, SizeLimits{10, 20}});
  if (!table.ok()) return table.status();
  host.exports_["table"] = Extern::Table(*table);
  // The 3.0 suite's table64.wast imports a 64-bit table of the same size.
  absl::StatusOr<TableInstance*> table64 =
      store.AddTable(TableType{kFuncRef, SizeLimits{10, 20, true}});
  if (!table64.ok()) return table64.status();
  host.exports_["table64"] = Extern::Table(*table64);

  absl::StatusOr<MemoryInstance*> memory =
      store.AddMemory(MemoryType{SizeLimits{1, 2}});
  if (!memory.ok()) return memory.status();
  host.exports_["memory"] = Extern::Memory(*memory);
  return host;
}

std::optional<Extern> SpectestHost::Find(std::string_view field) const {
  auto it = exports_.find(absl::string_view(field.data(), field.size()));
  if (it == exports_.end()) return std::nullopt;
  return it->second;
}

}  // namespace wsbx::spec
