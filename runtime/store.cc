// The Store's own bookkeeping: type interning, host-created objects, export
// lookup and typed invocation. Instantiation lives in instantiate.cc.
// Objects live in deques or behind unique_ptr so their addresses never move.
#include "runtime/store.h"

#include <cassert>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/interpreter.h"

namespace wsbx {
namespace {

// One byte per value type; 0x00 (never a value type) separates params from
// results, so distinct signatures get distinct keys.
std::string SignatureKey(const FuncType& type) {
  std::string key;
  key.reserve(type.params.size() + type.results.size() + 1);
  for (ValType t : type.params) key.push_back(static_cast<char>(t));
  key.push_back('\0');
  for (ValType t : type.results) key.push_back(static_cast<char>(t));
  return key;
}

InvokeResult TrapResult(TrapKind kind, std::string message) {
  InvokeResult result;
  result.trap = Trap{};
  result.trap->kind = kind;
  result.trap->message = std::move(message);
  return result;
}

}  // namespace

Store::Store(const Limits& limits)
    : limits_(limits), exec_(NewExecContext(limits)) {}

Store::~Store() = default;

uint32_t Store::InternType(const FuncType& type) {
  auto [it, inserted] = type_ids_.try_emplace(
      SignatureKey(type), static_cast<uint32_t>(interned_types_.size()));
  if (inserted) interned_types_.push_back(type);
  return it->second;
}

FunctionInstance* Store::AddHostFunction(const FuncType& type, HostFunction fn,
                                         std::string name) {
  const FuncType& owned = host_types_.emplace_back(type);
  FunctionInstance& func = functions_.emplace_back();
  func.type = &owned;
  func.type_id = InternType(owned);
  func.host = std::move(fn);
  func.host_name = std::move(name);
  return &func;
}

absl::StatusOr<MemoryInstance*> Store::AddMemory(const MemoryType& type) {
  absl::StatusOr<std::unique_ptr<MemoryInstance>> mem =
      MemoryInstance::Create(type, limits_.max_memory_pages);
  if (!mem.ok()) return mem.status();
  return memories_.emplace_back(std::move(*mem)).get();
}

absl::StatusOr<TableInstance*> Store::AddTable(const TableType& type,
                                               RefBits init) {
  uint64_t cap = limits_.max_table_elements;
  if (type.limits.max.has_value() && *type.limits.max < type.limits.min) {
    return absl::InvalidArgumentError(
        absl::StrCat("table maximum ", *type.limits.max,
                     " is below its minimum ", type.limits.min));
  }
  if (type.limits.min > cap || type.limits.min > UINT32_MAX) {
    return absl::ResourceExhaustedError(
        absl::StrCat("table minimum ", type.limits.min,
                     " elements exceeds the cap of ", cap, " elements"));
  }
  return tables_.emplace_back(std::make_unique<TableInstance>(type, cap, init))
      .get();
}

GlobalInstance* Store::AddGlobal(const GlobalType& type, const Value& value) {
  GlobalInstance& global = globals_.emplace_back();
  global.type = type;
  global.bits = value.bits;
  global.hi = value.hi;
  return &global;
}

std::optional<Extern> Instance::FindExport(std::string_view name) const {
  for (const Export& e : module->exports) {
    if (e.name != name) continue;
    Extern ext;
    ext.kind = e.kind;
    switch (e.kind) {
      case ExternKind::kFunc:
        if (e.index >= funcs.size()) return std::nullopt;
        ext.func = funcs[e.index];
        break;
      case ExternKind::kTable:
        if (e.index >= tables.size()) return std::nullopt;
        ext.table = tables[e.index];
        break;
      case ExternKind::kMemory:
        if (e.index >= memories.size()) return std::nullopt;
        ext.memory = memories[e.index];
        break;
      case ExternKind::kGlobal:
        if (e.index >= globals.size()) return std::nullopt;
        ext.global = globals[e.index];
        break;
    }
    return ext;
  }
  return std::nullopt;
}

InvokeResult Store::Invoke(FunctionInstance* func,
                           std::span<const Value> args) {
  if (func == nullptr || func->type == nullptr) {
    return TrapResult(TrapKind::kHostError, "null function");
  }
  const FuncType& type = *func->type;
  if (args.size() != type.params.size()) {
    return TrapResult(TrapKind::kHostError, "argument type mismatch");
  }
  std::vector<uint64_t> arg_slots;
  arg_slots.reserve(SlotCount(type.params));
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type != type.params[i]) {
      return TrapResult(TrapKind::kHostError, "argument type mismatch");
    }
    uint64_t bits = args[i].bits;
    if (args[i].type == ValType::kI32 || args[i].type == ValType::kF32) {
      bits &= 0xFFFFFFFFu;  // slots hold 32-bit values zero-extended
    }
    arg_slots.push_back(bits);
    if (args[i].type == ValType::kV128) arg_slots.push_back(args[i].hi);
  }
  std::vector<uint64_t> result_slots(SlotCount(type.results));
  Trap trap;
  TrapKind kind = Execute(*this, func, arg_slots, result_slots, &trap);
  if (kind != TrapKind::kNone) {
    trap.kind = kind;
    if (trap.message.empty()) trap.message = TrapKindMessage(kind);
    InvokeResult result;
    result.trap = std::move(trap);
    return result;
  }
  InvokeResult result;
  result.values.reserve(type.results.size());
  size_t slot = 0;
  for (size_t i = 0; i < type.results.size(); ++i) {
    ValType t = type.results[i];
    Value v = Value::Default(t);
    v.bits = result_slots[slot++];
    if (t == ValType::kI32 || t == ValType::kF32) v.bits &= 0xFFFFFFFFu;
    if (t == ValType::kV128) v.hi = result_slots[slot++];
    result.values.push_back(v);
  }
  return result;
}

}  // namespace wsbx
