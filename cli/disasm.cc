// Type, instruction and function-body text for `wsbx inspect` (disasm.h).
// Immediates are printed in the text format's syntax where it has one, so a
// line reads as the instruction a .wat file would hold.
#include "cli/disasm.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "runtime/decode/reader.h"
#include "wasi/audit.h"

namespace wsbx {
namespace {

// Abseil's string functions take absl::string_view, which this Abseil build
// does not alias to std::string_view.
absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }
absl::string_view TypeName(ValType t) { return AbslView(ValTypeName(t)); }

std::string ValTypeList(const std::vector<ValType>& types) {
  std::vector<absl::string_view> names;
  for (ValType t : types) names.push_back(TypeName(t));
  return absl::StrJoin(names, " ");
}

// "1", "1 16", "i64 1": the limits as a table or memory type spells them.
std::string LimitsText(const SizeLimits& limits) {
  std::string out = limits.is64 ? "i64 " : "";
  absl::StrAppend(&out, limits.min);
  if (limits.max) absl::StrAppend(&out, " ", *limits.max);
  return out;
}

template <typename Float, typename Bits>
std::string FloatText(Bits bits) {
  constexpr int kMantissaBits = sizeof(Bits) == 4 ? 23 : 52;
  constexpr Bits kMantissa = (Bits{1} << kMantissaBits) - 1;
  const Float value = std::bit_cast<Float>(bits);
  const char* sign = std::signbit(value) ? "-" : "";
  if (std::isnan(value)) {
    const Bits payload = bits & kMantissa;
    if (payload == (Bits{1} << (kMantissaBits - 1))) {
      return absl::StrCat(sign, "nan");
    }
    return absl::StrFormat("%snan:0x%x", sign, payload);
  }
  if (std::isinf(value)) return absl::StrCat(sign, "inf");
  // Enough digits that the text reads back to the same bits.
  // (Two calls: clang checks that a format string is a constant.)
  if constexpr (sizeof(Bits) == 4) {
    return absl::StrFormat("%.9g", static_cast<double>(value));
  } else {
    return absl::StrFormat("%.17g", static_cast<double>(value));
  }
}

std::string BlockTypeText(const BlockType& block) {
  switch (block.kind) {
    case BlockType::Kind::kEmpty:
      return "";
    case BlockType::Kind::kValue:
      return absl::StrCat(" (result ", TypeName(block.value), ")");
    case BlockType::Kind::kIndex:
      return absl::StrCat(" (type ", block.index, ")");
  }
  return "";
}

// " 1 offset=8 align=2": the memory when not 0, the offset when not 0, the
// alignment (in bytes) when not the access's natural one.
std::string MemArgText(const Instr& instr) {
  std::string out = instr.mem != 0 ? absl::StrCat(" ", instr.mem) : "";
  if (instr.bits != 0) absl::StrAppend(&out, " offset=", instr.bits);
  const uint32_t natural = std::countr_zero(MemoryAccessSize(instr.op));
  if (instr.a != natural) {
    absl::StrAppend(&out, " align=", uint64_t{1} << instr.a);
  }
  return out;
}

// The 16 immediate bytes of v128.const and i8x16.shuffle, in order.
std::vector<uint8_t> ImmBytes(const Instr& instr) {
  std::vector<uint8_t> out(16);
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(instr.bits >> (8 * i));
    out[8 + i] = static_cast<uint8_t>(instr.hi >> (8 * i));
  }
  return out;
}

std::string V128Text(const Instr& instr) {
  std::string out = " i32x4";
  for (uint64_t half : {instr.bits, instr.hi}) {
    absl::StrAppendFormat(&out, " 0x%08x 0x%08x", half & 0xFFFFFFFFu,
                          half >> 32);
  }
  return out;
}

// The immediates of `instr`, each after a space; empty when it has none.
std::string ImmText(const Instr& instr) {
  auto index = [](uint32_t i) { return absl::StrCat(" ", i); };
  auto nonzero = [](uint32_t i) { return i ? absl::StrCat(" ", i) : ""; };
  switch (GetOpcodeInfo(instr.op).imm) {
    case ImmKind::kNone:
      return "";
    case ImmKind::kBlockType:
      return BlockTypeText(instr.block);
    case ImmKind::kLabel:
    case ImmKind::kFunc:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
    case ImmKind::kTable:
    case ImmKind::kData:
    case ImmKind::kElem:
      return index(instr.a);
    case ImmKind::kBrTable:
      return " " + absl::StrJoin(instr.targets, " ");
    case ImmKind::kCallIndirect:
      return absl::StrCat(" ", instr.b, " (type ", instr.a, ")");
    case ImmKind::kSelectT:
      return absl::StrCat(" (result ", TypeName(instr.type), ")");
    case ImmKind::kMemArg:
      return MemArgText(instr);
    case ImmKind::kMemIndex:
      return nonzero(instr.mem);
    case ImmKind::kI32:
      return absl::StrCat(" ", static_cast<int32_t>(instr.bits));
    case ImmKind::kI64:
      return absl::StrCat(" ", static_cast<int64_t>(instr.bits));
    case ImmKind::kF32:
      return " " + FloatText<float>(static_cast<uint32_t>(instr.bits));
    case ImmKind::kF64:
      return " " + FloatText<double>(instr.bits);
    case ImmKind::kRefType:
      return instr.type == ValType::kExternRef ? " extern" : " func";
    case ImmKind::kMemoryInit:
      return absl::StrCat(nonzero(instr.mem), " ", instr.a);
    case ImmKind::kMemoryCopy:
      return instr.mem || instr.b ? absl::StrCat(" ", instr.mem, " ", instr.b)
                                  : "";
    case ImmKind::kTableInit:
      return absl::StrCat(nonzero(instr.b), " ", instr.a);
    case ImmKind::kTableCopy:
      return instr.a || instr.b ? absl::StrCat(" ", instr.a, " ", instr.b) : "";
    case ImmKind::kV128:
      return V128Text(instr);
    case ImmKind::kLane:
      return absl::StrCat(" ", instr.lane);
    case ImmKind::kMemArgLane:
      return absl::StrCat(MemArgText(instr), " ", instr.lane);
    case ImmKind::kShuffle:
      return " " + absl::StrJoin(ImmBytes(instr), " ");
  }
  return "";
}

std::string LocalsText(const FunctionBody& body) {
  std::vector<absl::string_view> names;
  for (const LocalDecl& decl : body.locals) {
    for (uint32_t i = 0; i < decl.count && names.size() < 64; ++i) {
      names.push_back(TypeName(decl.type));
    }
  }
  std::string out = absl::StrJoin(names, " ");
  if (body.num_locals > names.size()) {
    absl::StrAppend(&out, " ... (", body.num_locals, " in all)");
  }
  return out;
}

}  // namespace

std::string FuncTypeText(const FuncType& type) {
  std::string out = "(func";
  if (!type.params.empty()) {
    absl::StrAppend(&out, " (param ", ValTypeList(type.params), ")");
  }
  if (!type.results.empty()) {
    absl::StrAppend(&out, " (result ", ValTypeList(type.results), ")");
  }
  return out + ")";
}

std::string TableTypeText(const TableType& type) {
  return absl::StrCat("(table ", LimitsText(type.limits), " ",
                      TypeName(type.elem), ")");
}

std::string MemoryTypeText(const MemoryType& type) {
  return absl::StrCat("(memory ", LimitsText(type.limits), ")");
}

std::string GlobalTypeText(const GlobalType& type) {
  return type.mutable_
             ? absl::StrCat("(global (mut ", TypeName(type.type), "))")
             : absl::StrCat("(global ", TypeName(type.type), ")");
}

std::string ImportTypeText(const Module& module, const Import& import) {
  switch (import.kind) {
    case ExternKind::kFunc:
      return FuncTypeText(module.types[import.func_type]);
    case ExternKind::kTable:
      return TableTypeText(import.table);
    case ExternKind::kMemory:
      return MemoryTypeText(import.memory);
    case ExternKind::kGlobal:
      return GlobalTypeText(import.global);
  }
  return "";
}

std::string ExternTypeText(const Module& module, ExternKind kind,
                           uint32_t index) {
  switch (kind) {
    case ExternKind::kFunc:
      return FuncTypeText(module.FuncTypeOf(index));
    case ExternKind::kTable:
      return TableTypeText(module.tables[index]);
    case ExternKind::kMemory:
      return MemoryTypeText(module.memories[index]);
    case ExternKind::kGlobal:
      return GlobalTypeText(module.global_types[index]);
  }
  return "";
}

std::string InstrText(const Instr& instr) {
  return absl::StrCat(AbslView(GetOpcodeInfo(instr.op).text), ImmText(instr));
}

std::string ConstExprText(const ConstExpr& expr) {
  std::vector<std::string> parts;
  for (const ConstInstr& c : expr.instrs) {
    Instr instr;
    instr.op = c.op;
    instr.a = static_cast<uint32_t>(c.imm);
    instr.bits = c.imm;
    instr.hi = c.imm_hi;
    if (c.op == Opcode::kRefNull) instr.type = static_cast<ValType>(c.imm);
    parts.push_back(InstrText(instr));
  }
  return absl::StrJoin(parts, " ");
}

absl::StatusOr<std::string> DisassembleFunction(const Module& module,
                                                uint32_t func_index) {
  const FunctionBody& body =
      module.bodies[func_index - module.num_imported_funcs];
  std::string name = module.DisplayName(func_index);
  // Names are the module's bytes: quoted and escaped, never printed raw.
  std::string out =
      absl::StrCat("func ", func_index, name.empty() ? "" : " ",
                   name.empty() ? "" : wasi::JsonQuote(name), " ",
                   FuncTypeText(module.FuncTypeOf(func_index)), "\n");
  if (body.num_locals > 0) {
    absl::StrAppend(&out, "  (local ", LocalsText(body), ")\n");
  }
  Reader r(std::span<const uint8_t>(module.bytes)
               .subspan(body.code_offset, body.code_end - body.code_offset),
           body.code_offset);
  Instr instr;
  int depth = 0;
  while (!r.at_end()) {
    absl::Status read = ReadInstr(r, &instr, UINT32_MAX);
    if (!read.ok()) return read;
    const Opcode op = instr.op;
    if (op == Opcode::kEnd && depth > 0) --depth;
    const int indent = op == Opcode::kElse ? depth - 1 : depth;
    std::string line = InstrText(instr);
    if (op == Opcode::kCall || op == Opcode::kReturnCall ||
        op == Opcode::kRefFunc) {
      std::string callee = module.DisplayName(instr.a);
      if (!callee.empty()) {
        absl::StrAppend(&line, "  ;; ", wasi::JsonQuote(callee));
      }
    }
    absl::StrAppendFormat(&out, "  %06x: %*s%s\n", instr.offset, 2 * indent, "",
                          line);
    if (op == Opcode::kBlock || op == Opcode::kLoop || op == Opcode::kIf) {
      ++depth;
    }
  }
  return out;
}

}  // namespace wsbx
