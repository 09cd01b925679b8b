// The Store's own bookkeeping: host-created objects, references, export
// lookup and typed invocation. Instantiation lives in instantiate.cc.
// Objects live in deques or behind unique_ptr so their addresses never move.
#include "runtime/store/store.h"

#include <cassert>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/execute/exec_context.h"
#include "runtime/execute/interpreter.h"
#include "runtime/store/type_registry.h"

namespace wsbx {
namespace {

InvokeResult TrapResult(TrapKind kind, std::string message) {
  InvokeResult result;
  result.trap = Trap{};
  result.trap->kind = kind;
  result.trap->message = std::move(message);
  return result;
}

}  // namespace

Store::Store(const Limits& limits)
    : limits_(limits),
      account_(limits.max_store_bytes),
      exec_(NewExecContext(limits)) {
  exec_->func_refs = {func_refs_.data(), func_refs_.size()};
}

Store::~Store() = default;

FunctionInstance& Store::NewFunction() {
  FunctionInstance& func = functions_.emplace_back();
  func.store = this;
  func.ref = func_refs_.size();
  func_refs_.push_back(&func);
  exec_->func_refs = {func_refs_.data(), func_refs_.size()};
  return func;
}

FunctionInstance* Store::FunctionFromRef(RefBits ref) const {
  return exec_->func_refs.Lookup(ref);
}

FunctionInstance* Store::AddHostFunction(const FuncType& type, HostFunction fn,
                                         std::string name) {
  const FuncType& owned = host_types_.emplace_back(type);
  FunctionInstance& func = NewFunction();
  func.type = &owned;
  func.type_id = CanonicalTypeId(owned);
  func.host = std::move(fn);
  func.host_name = std::move(name);
  return &func;
}

absl::StatusOr<MemoryInstance*> Store::AddMemory(const MemoryType& type) {
  absl::StatusOr<std::unique_ptr<MemoryInstance>> mem =
      MemoryInstance::Create(type, limits_.max_memory_pages, &account_);
  if (!mem.ok()) return mem.status();
  (*mem)->store_ = this;
  return memories_.emplace_back(std::move(*mem)).get();
}

absl::StatusOr<TableInstance*> Store::AddTable(const TableType& type,
                                               RefBits init) {
  absl::StatusOr<std::unique_ptr<TableInstance>> table = TableInstance::Create(
      type, limits_.max_table_elements, init, &account_);
  if (!table.ok()) return table.status();
  (*table)->store_ = this;
  return tables_.emplace_back(std::move(*table)).get();
}

GlobalInstance* Store::AddGlobal(const GlobalType& type, const Value& value) {
  GlobalInstance& global = globals_.emplace_back();
  global.type = type;
  global.bits = value.bits;
  global.hi = value.hi;
  global.store = this;
  return &global;
}

bool Store::Owns(const Extern& ext) const {
  switch (ext.kind) {
    case ExternKind::kFunc:
      return Owns(ext.func);
    case ExternKind::kTable:
      return Owns(ext.table);
    case ExternKind::kMemory:
      return Owns(ext.memory);
    case ExternKind::kGlobal:
      return Owns(ext.global);
  }
  return false;
}

absl::StatusOr<Value> Store::GetTableElement(const TableInstance* table,
                                             uint32_t index) const {
  if (!Owns(table)) {
    return absl::InvalidArgumentError("table belongs to another store");
  }
  if (index >= table->size()) {
    return absl::OutOfRangeError(absl::StrCat(
        "table index ", index, " out of range (size ", table->size(), ")"));
  }
  return Value::Ref(table->elem_type(), table->data()[index]);
}

absl::Status Store::SetTableElement(TableInstance* table, uint32_t index,
                                    const Value& value) {
  if (!Owns(table)) {
    return absl::InvalidArgumentError("table belongs to another store");
  }
  if (value.type != table->elem_type()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a ", std::string(ValTypeName(value.type)), " value in a table of ",
        std::string(ValTypeName(table->elem_type()))));
  }
  if (value.type == ValType::kFuncRef && value.bits != kNullRef &&
      FunctionFromRef(value.bits) == nullptr) {
    return absl::InvalidArgumentError(
        "funcref names no function of this store");
  }
  if (index >= table->size()) {
    return absl::OutOfRangeError(absl::StrCat(
        "table index ", index, " out of range (size ", table->size(), ")"));
  }
  table->data()[index] = value.bits;
  return absl::OkStatus();
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
  if (!Owns(func)) {
    return TrapResult(TrapKind::kHostError,
                      "function belongs to another store");
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
    if (args[i].type == ValType::kFuncRef && args[i].bits != kNullRef &&
        FunctionFromRef(args[i].bits) == nullptr) {
      return TrapResult(TrapKind::kHostError,
                        absl::StrCat("argument ", i,
                                     ": funcref names no function of this "
                                     "store"));
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
