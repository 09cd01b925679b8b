// Module instantiation (spec 4.5.4, WebAssembly 2.0): import matching,
// allocation, constant expressions, segment initialisation and the start
// function. Objects allocated before a failure stay in the Store, because a
// shared table or memory may already refer to them. Every import must belong
// to this Store, so an instance only ever holds its own Store's objects.
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "runtime/execute/interpreter.h"
#include "runtime/status_macros.h"
#include "runtime/store/store.h"
#include "runtime/store/type_registry.h"

namespace wsbx {
namespace {

// This Abseil build keeps its own string_view type, distinct from std's.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string LimitsString(const SizeLimits& l) {
  const char* at = l.is64 ? "i64 " : "";
  if (!l.max.has_value()) return absl::StrCat(at, "{min ", l.min, "}");
  return absl::StrCat(at, "{min ", l.min, ", max ", *l.max, "}");
}

// Limits subtyping (spec 4.5.3): the actual object must be at least as large
// as required and promise a maximum no larger than the required one.
bool LimitsMatch(const SizeLimits& actual, const SizeLimits& required) {
  if (actual.is64 != required.is64) return false;  // address types differ
  if (actual.min < required.min) return false;
  if (!required.max.has_value()) return true;
  return actual.max.has_value() && *actual.max <= *required.max;
}

absl::Status Incompatible(size_t index, const Import& imp,
                          const std::string& detail) {
  return absl::InvalidArgumentError(
      absl::StrFormat("incompatible import type: import %d \"%s\".\"%s\": %s",
                      index, imp.module, imp.name, detail));
}

std::string FuncTypeString(const FuncType& t) {
  std::string s = "[";
  for (size_t i = 0; i < t.params.size(); ++i) {
    absl::StrAppend(&s, i ? " " : "", Sv(ValTypeName(t.params[i])));
  }
  absl::StrAppend(&s, "] -> [");
  for (size_t i = 0; i < t.results.size(); ++i) {
    absl::StrAppend(&s, i ? " " : "", Sv(ValTypeName(t.results[i])));
  }
  return s + "]";
}

// Checks one provided extern against the import's declared type.
absl::Status MatchImport(const Module& module, size_t index,
                         const Extern& ext) {
  const Import& imp = module.imports[index];
  if (ext.kind != imp.kind) {
    return Incompatible(
        index, imp,
        absl::StrCat("expected a ", Sv(ExternKindName(imp.kind)), ", got a ",
                     Sv(ExternKindName(ext.kind))));
  }
  switch (imp.kind) {
    case ExternKind::kFunc: {
      if (ext.func == nullptr || ext.func->type == nullptr) {
        return Incompatible(index, imp, "null function");
      }
      if (imp.func_type >= module.types.size()) {
        return Incompatible(index, imp, "type index out of range");
      }
      const FuncType& want = module.types[imp.func_type];
      if (!(*ext.func->type == want)) {
        return Incompatible(
            index, imp,
            absl::StrCat("expected function type ", FuncTypeString(want),
                         ", got ", FuncTypeString(*ext.func->type)));
      }
      return absl::OkStatus();
    }
    case ExternKind::kTable: {
      if (ext.table == nullptr) return Incompatible(index, imp, "null table");
      TableType have = ext.table->type();
      if (have.elem != imp.table.elem) {
        return Incompatible(
            index, imp,
            absl::StrCat("expected ", Sv(ValTypeName(imp.table.elem)),
                         " elements, got ", Sv(ValTypeName(have.elem))));
      }
      if (!LimitsMatch(have.limits, imp.table.limits)) {
        return Incompatible(
            index, imp,
            absl::StrCat("table limits ", LimitsString(have.limits),
                         " do not match ", LimitsString(imp.table.limits)));
      }
      return absl::OkStatus();
    }
    case ExternKind::kMemory: {
      if (ext.memory == nullptr) return Incompatible(index, imp, "null memory");
      MemoryType have = ext.memory->type();
      if (!LimitsMatch(have.limits, imp.memory.limits)) {
        return Incompatible(
            index, imp,
            absl::StrCat("memory limits ", LimitsString(have.limits),
                         " do not match ", LimitsString(imp.memory.limits)));
      }
      return absl::OkStatus();
    }
    case ExternKind::kGlobal: {
      if (ext.global == nullptr) return Incompatible(index, imp, "null global");
      const GlobalType& have = ext.global->type;
      if (have.mutable_ != imp.global.mutable_ ||
          have.type != imp.global.type) {
        auto str = [](const GlobalType& g) {
          return absl::StrCat(g.mutable_ ? "mut " : "",
                              Sv(ValTypeName(g.type)));
        };
        return Incompatible(index, imp,
                            absl::StrCat("expected global ", str(imp.global),
                                         ", got ", str(have)));
      }
      return absl::OkStatus();
    }
  }
  return Incompatible(index, imp, "unknown extern kind");
}

using ConstStack = absl::InlinedVector<Value, 4>;

// One instruction of a constant expression (spec 4.4.10), or nullopt with
// `why` set when it cannot be evaluated.
std::optional<Value> EvalConstInstr(const ConstInstr& in, const Instance& inst,
                                    ConstStack& stack,
                                    std::string& why) {
  switch (in.op) {
    case Opcode::kI32Const:
      return Value::I32(static_cast<uint32_t>(in.imm));
    case Opcode::kI64Const:
      return Value::I64(in.imm);
    case Opcode::kF32Const:
      return Value::F32Bits(static_cast<uint32_t>(in.imm));
    case Opcode::kF64Const:
      return Value::F64Bits(in.imm);
    case Opcode::kV128Const:
      return Value{ValType::kV128, in.imm, in.imm_hi};
    case Opcode::kRefNull: {
      uint8_t b = static_cast<uint8_t>(in.imm);
      if (b != static_cast<uint8_t>(ValType::kFuncRef) &&
          b != static_cast<uint8_t>(ValType::kExternRef)) {
        why = "ref.null of a non-reference type";
        return std::nullopt;
      }
      return Value::Ref(static_cast<ValType>(b), kNullRef);
    }
    case Opcode::kRefFunc:
      if (in.imm >= inst.funcs.size()) {
        why = "function index out of range";
        return std::nullopt;
      }
      return Value::Ref(ValType::kFuncRef, inst.funcs[in.imm]->ref);
    case Opcode::kGlobalGet:
      if (in.imm >= inst.globals.size()) {
        why = "global index out of range";
        return std::nullopt;
      }
      return inst.globals[in.imm]->Get();
    case Opcode::kI32Add: case Opcode::kI32Sub: case Opcode::kI32Mul:
    case Opcode::kI64Add: case Opcode::kI64Sub: case Opcode::kI64Mul: {
      const bool is32 = in.op == Opcode::kI32Add || in.op == Opcode::kI32Sub ||
                        in.op == Opcode::kI32Mul;
      const ValType t = is32 ? ValType::kI32 : ValType::kI64;
      if (stack.size() < 2 || stack[stack.size() - 1].type != t ||
          stack[stack.size() - 2].type != t) {
        why = "operands of the wrong type";
        return std::nullopt;
      }
      const uint64_t b = stack.back().bits;
      stack.pop_back();
      const uint64_t a = stack.back().bits;
      stack.pop_back();
      // Unsigned arithmetic wraps, as the wasm operations do.
      uint64_t r;
      if (in.op == Opcode::kI32Add || in.op == Opcode::kI64Add) {
        r = a + b;
      } else if (in.op == Opcode::kI32Sub || in.op == Opcode::kI64Sub) {
        r = a - b;
      } else {
        r = a * b;
      }
      return is32 ? Value::I32(static_cast<uint32_t>(r)) : Value::I64(r);
    }
    default:
      why = absl::StrCat("instruction ", Sv(GetOpcodeInfo(in.op).text),
                         " is not constant");
      return std::nullopt;
  }
}

// Evaluates a constant expression (spec 3.3.11 / 4.4.10) in the context of
// a partly built instance: globals and functions allocated so far.
absl::StatusOr<Value> EvalConst(const ConstExpr& expr, const Instance& inst) {
  auto fail = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "constant expression at offset ", expr.offset, ": ", Sv(why)));
  };
  ConstStack stack;  // no allocation for the usual short expressions
  std::string why;
  for (const ConstInstr& in : expr.instrs) {
    std::optional<Value> v = EvalConstInstr(in, inst, stack, why);
    if (!v) return fail(why);
    stack.push_back(*v);
  }
  if (stack.size() != 1) return fail("expected exactly one result");
  return stack[0];
}

// Evaluates an active segment's offset, an i32 read as unsigned.
absl::StatusOr<uint64_t> EvalOffset(const ConstExpr& expr,
                                    const Instance& inst) {
  WSBX_ASSIGN_OR_RETURN(Value v, EvalConst(expr, inst));
  if (v.type == ValType::kI64) return v.bits;  // memory64/table64
  if (v.type != ValType::kI32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "segment offset at ", expr.offset, " is not an i32 or i64"));
  }
  return static_cast<uint64_t>(v.i32());
}

// offset + n > size without overflow (64-bit offsets may be near 2^64).
bool OutOfRange(uint64_t offset, uint64_t n, uint64_t size) {
  return offset > size || n > size - offset;
}

absl::Status TrapStatus(TrapKind kind) {
  return absl::AbortedError(Sv(TrapKindMessage(kind)));
}

// Step 3 of instantiation: element segments, then data segments, in order.
absl::Status InitSegments(Instance& inst) {
  const Module& module = *inst.module;
  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& seg = module.elems[i];
    std::vector<RefBits>& refs = inst.elem_segments[i];
    if (seg.mode == SegmentMode::kActive) {
      if (seg.table >= inst.tables.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("element segment ", i, ": unknown table ", seg.table));
      }
      TableInstance* table = inst.tables[seg.table];
      WSBX_ASSIGN_OR_RETURN(uint64_t offset, EvalOffset(seg.offset, inst));
      if (OutOfRange(offset, refs.size(), table->size())) {
        return TrapStatus(TrapKind::kTableOutOfBounds);
      }
      if (!refs.empty()) {
        std::memcpy(table->data() + offset, refs.data(),
                    refs.size() * sizeof(RefBits));
      }
    }
    if (seg.mode != SegmentMode::kPassive) refs = {};  // elem.drop
  }
  for (size_t i = 0; i < module.datas.size(); ++i) {
    const DataSegment& seg = module.datas[i];
    if (seg.mode != SegmentMode::kActive) continue;
    if (seg.memory >= inst.memories.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("data segment ", i, ": unknown memory ", seg.memory));
    }
    if (uint64_t{seg.data_offset} + seg.data_size > module.bytes.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("data segment ", i, ": contents out of range"));
    }
    MemoryInstance* mem = inst.memories[seg.memory];
    WSBX_ASSIGN_OR_RETURN(uint64_t offset, EvalOffset(seg.offset, inst));
    if (OutOfRange(offset, seg.data_size, mem->size_bytes())) {
      return TrapStatus(TrapKind::kMemoryOutOfBounds);
    }
    if (seg.data_size > 0) {
      std::memcpy(mem->base() + offset, module.bytes.data() + seg.data_offset,
                  seg.data_size);
    }
    inst.data_dropped[i] = true;  // data.drop
  }
  return absl::OkStatus();
}

// Step 2 for the module's own tables, memories and globals, then its element
// segments evaluated to references (functions are already allocated).
absl::Status AllocateDefinitions(Store& store, Instance& inst) {
  const Module& m = *inst.module;
  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    WSBX_ASSIGN_OR_RETURN(TableInstance * table, store.AddTable(m.tables[i]));
    inst.tables.push_back(table);
  }
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    WSBX_ASSIGN_OR_RETURN(MemoryInstance * mem, store.AddMemory(m.memories[i]));
    inst.memories.push_back(mem);
  }
  for (const Global& g : m.globals) {
    WSBX_ASSIGN_OR_RETURN(Value v, EvalConst(g.init, inst));
    inst.globals.push_back(store.AddGlobal(g.type, v));
  }
  inst.elem_segments.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    std::vector<RefBits>& refs = inst.elem_segments[i];
    refs.reserve(m.elems[i].items.size());
    for (const ConstExpr& item : m.elems[i].items) {
      WSBX_ASSIGN_OR_RETURN(Value v, EvalConst(item, inst));
      refs.push_back(v.bits);
    }
  }
  return absl::OkStatus();
}

// What an instance of `m` holds in the Store beyond its tables and memories.
uint64_t InstanceBytes(const Module& m) {
  uint64_t bytes = sizeof(Instance) + m.types.size() * sizeof(uint32_t) +
                   m.bodies.size() * sizeof(FunctionInstance) +
                   (m.imports.size() + m.bodies.size()) * sizeof(void*) +
                   m.globals.size() * (sizeof(GlobalInstance) + sizeof(void*)) +
                   m.datas.size();
  for (const auto& seg : m.elems) {
    bytes += sizeof(std::vector<RefBits>) + seg.items.size() * sizeof(RefBits);
  }
  if (m.code != nullptr) {
    bytes += m.code->code.size() * sizeof(CodeWord) +
             m.code->sites.size() * sizeof(CodeSite);
  }
  return bytes;
}

}  // namespace

absl::StatusOr<Instance*> Store::Instantiate(
    std::shared_ptr<const Module> module, std::span<const Extern> imports) {
  if (module == nullptr) return absl::InvalidArgumentError("null module");
  if (!module->bodies.empty() && module->code == nullptr) {
    return absl::FailedPreconditionError("module has not been compiled");
  }
  // Step 1: imports (spec 4.5.3 matching).
  if (imports.size() != module->imports.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown import: the module has ", module->imports.size(),
                     " imports, ", imports.size(), " were provided"));
  }
  for (size_t i = 0; i < imports.size(); ++i) {
    WSBX_RETURN_IF_ERROR(MatchImport(*module, i, imports[i]));
    if (!Owns(imports[i])) {
      const Import& imp = module->imports[i];
      return absl::InvalidArgumentError(
          absl::StrFormat("import %d \"%s\".\"%s\": belongs to another store",
                          i, imp.module, imp.name));
    }
  }

  // Step 2: allocation. From here on everything created stays in the store.
  // The instance, its functions, globals, evaluated element segments and the
  // module's code are charged up front; tables and memories charge their own.
  const uint64_t instance_bytes = InstanceBytes(*module);
  if (!account_.TryCharge(instance_bytes)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "instantiating needs ", instance_bytes, " bytes for code, functions, "
        "globals and element segments; the memory cap allows ",
        account_.limit() - account_.used(), " more"));
  }
  Instance& inst = instances_.emplace_back();
  inst.module = module;
  const Module& m = *module;
  inst.type_ids = CanonicalTypeIds(m.types);
  for (const Extern& ext : imports) {
    switch (ext.kind) {
      case ExternKind::kFunc:
        inst.funcs.push_back(ext.func);
        break;
      case ExternKind::kTable:
        inst.tables.push_back(ext.table);
        break;
      case ExternKind::kMemory:
        inst.memories.push_back(ext.memory);
        break;
      case ExternKind::kGlobal:
        inst.globals.push_back(ext.global);
        break;
    }
  }
  for (size_t i = 0; i < m.bodies.size(); ++i) {
    uint32_t type_index = m.bodies[i].type_index;
    if (type_index >= m.types.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("function ", i, ": type index out of range"));
    }
    FunctionInstance& func = NewFunction();
    func.type = &m.types[type_index];
    func.type_id = inst.type_ids[type_index];
    func.instance = &inst;
    // The code is immutable and shared by the instance, so the call path
    // can jump straight to it.
    func.entry = m.code->code.data() + m.code->funcs[i].entry;
    func.func_index = static_cast<uint32_t>(m.num_imported_funcs + i);
    inst.funcs.push_back(&func);
  }
  WSBX_RETURN_IF_ERROR(AllocateDefinitions(*this, inst));
  inst.data_dropped.assign(m.datas.size(), false);

  // Step 3: segment initialisation; a trap keeps earlier writes.
  WSBX_RETURN_IF_ERROR(InitSegments(inst));

  // Step 4: the start function.
  if (m.start.has_value()) {
    if (*m.start >= inst.funcs.size()) {
      return absl::InvalidArgumentError("start function index out of range");
    }
    FunctionInstance* start = inst.funcs[*m.start];
    if (!start->type->params.empty() || !start->type->results.empty()) {
      return absl::InvalidArgumentError(
          "start function must have type [] -> []");
    }
    Trap trap;
    TrapKind kind = Execute(*this, start, {}, {}, &trap);
    start_trap_ = trap;
    start_trap_.kind = kind;
    if (kind != TrapKind::kNone) {
      return absl::AbortedError(trap.message.empty()
                                    ? std::string(TrapKindMessage(kind))
                                    : trap.message);
    }
  }
  return &inst;
}

}  // namespace wsbx
