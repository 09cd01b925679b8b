// ModuleFeatures (module_features.h): one pass over the module's structure,
// then one over its instructions.
#include "cli/module_features.h"

#include <array>
#include <cstdint>
#include <span>

#include "runtime/decode/instr.h"
#include "runtime/decode/reader.h"
#include "runtime/opcodes.h"

namespace wsbx {
namespace {

enum Feature : uint8_t {
  kSignExtension,
  kSaturatingFloatToInt,
  kMultiValue,
  kMutableGlobals,
  kReferenceTypes,
  kBulkMemory,
  kMultipleTables,
  kSimd,
  kRelaxedSimd,
  kTailCall,
  kExtendedConst,
  kMultiMemory,
  kMemory64,
  kTable64,
  kFeatureCount,
};

constexpr std::array<std::string_view, kFeatureCount> kFeatureNames = {
    "sign-extension",  "saturating-float-to-int",
    "multi-value",     "mutable-globals",
    "reference-types", "bulk-memory",
    "multiple-tables", "simd",
    "relaxed-simd",    "tail-call",
    "extended-const",  "multi-memory",
    "memory64",        "table64"};

using FeatureSet = std::array<bool, kFeatureCount>;

Feature FromOpcode(OpcodeFeature f) {
  switch (f) {
    case OpcodeFeature::kSignExtension:
      return kSignExtension;
    case OpcodeFeature::kSaturatingFloatToInt:
      return kSaturatingFloatToInt;
    case OpcodeFeature::kBulkMemory:
      return kBulkMemory;
    case OpcodeFeature::kReferenceTypes:
      return kReferenceTypes;
    case OpcodeFeature::kSimd:
      return kSimd;
    case OpcodeFeature::kRelaxedSimd:
      return kRelaxedSimd;
    case OpcodeFeature::kTailCall:
      return kTailCall;
    case OpcodeFeature::kCore:
      break;
  }
  return kFeatureCount;
}

void NoteValType(ValType t, FeatureSet& f) {
  if (t == ValType::kV128) f[kSimd] = true;
  if (t == ValType::kExternRef) f[kReferenceTypes] = true;
}

void NoteOpcode(Opcode op, FeatureSet& f) {
  Feature feature = FromOpcode(kOpcodeFeatures[static_cast<int>(op)]);
  if (feature != kFeatureCount) f[feature] = true;
}

// A constant expression of more than one instruction needs extended
// constants (1.0 and 2.0 allow exactly one).
void NoteConstExpr(const ConstExpr& expr, FeatureSet& f) {
  if (expr.instrs.size() > 1) f[kExtendedConst] = true;
  for (const ConstInstr& c : expr.instrs) NoteOpcode(c.op, f);
}

void NoteTypes(const Module& module, FeatureSet& f) {
  for (const FuncType& type : module.types) {
    if (type.results.size() > 1) f[kMultiValue] = true;
    for (ValType t : type.params) NoteValType(t, f);
    for (ValType t : type.results) NoteValType(t, f);
  }
  for (const GlobalType& g : module.global_types) NoteValType(g.type, f);
  for (const TableType& t : module.tables) {
    NoteValType(t.elem, f);
    if (t.limits.is64) f[kTable64] = true;
  }
  for (const MemoryType& m : module.memories) {
    if (m.limits.is64) f[kMemory64] = true;
  }
  if (module.tables.size() > 1) f[kMultipleTables] = true;
  if (module.memories.size() > 1) f[kMultiMemory] = true;
}

// 1.0 allows only immutable globals across the module boundary.
void NoteImportsExports(const Module& module, FeatureSet& f) {
  for (const Import& i : module.imports) {
    if (i.kind == ExternKind::kGlobal && i.global.mutable_) {
      f[kMutableGlobals] = true;
    }
  }
  for (const Export& e : module.exports) {
    if (e.kind == ExternKind::kGlobal &&
        module.global_types[e.index].mutable_) {
      f[kMutableGlobals] = true;
    }
  }
}

void NoteSegments(const Module& module, FeatureSet& f) {
  for (const Global& g : module.globals) NoteConstExpr(g.init, f);
  for (const ElemSegment& e : module.elems) {
    // Passive segments came with bulk memory, declarative ones and
    // externref segments with reference types.
    if (e.mode == SegmentMode::kPassive) f[kBulkMemory] = true;
    if (e.mode == SegmentMode::kDeclarative) f[kReferenceTypes] = true;
    NoteValType(e.type, f);
    if (e.mode == SegmentMode::kActive) NoteConstExpr(e.offset, f);
    // Items are all normalised to expressions: `ref.func i` is what a 1.0
    // function index list becomes, so only other expressions count.
    for (const ConstExpr& item : e.items) {
      if (item.instrs.size() == 1 && item.instrs[0].op == Opcode::kRefFunc) {
        continue;
      }
      NoteConstExpr(item, f);
    }
  }
  for (const DataSegment& d : module.datas) {
    if (d.mode == SegmentMode::kPassive) f[kBulkMemory] = true;
    if (d.mode == SegmentMode::kActive) NoteConstExpr(d.offset, f);
  }
  if (module.data_count) f[kBulkMemory] = true;
}

absl::Status NoteBodies(const Module& module, FeatureSet& f) {
  Instr instr;
  for (const FunctionBody& body : module.bodies) {
    for (const LocalDecl& decl : body.locals) NoteValType(decl.type, f);
    Reader r(std::span<const uint8_t>(module.bytes)
                 .subspan(body.code_offset, body.code_end - body.code_offset),
             body.code_offset);
    while (!r.at_end()) {
      absl::Status read = ReadInstr(r, &instr, UINT32_MAX);
      if (!read.ok()) return read;
      NoteOpcode(instr.op, f);
      // A block type naming a function type: parameters or several results.
      if (GetOpcodeInfo(instr.op).imm == ImmKind::kBlockType &&
          instr.block.kind == BlockType::Kind::kIndex) {
        f[kMultiValue] = true;
      }
      if (instr.op == Opcode::kSelectT) NoteValType(instr.type, f);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string_view>> ModuleFeatures(
    const Module& module) {
  FeatureSet f{};
  NoteTypes(module, f);
  NoteImportsExports(module, f);
  NoteSegments(module, f);
  absl::Status bodies = NoteBodies(module, f);
  if (!bodies.ok()) return bodies;
  std::vector<std::string_view> out;
  for (int i = 0; i < kFeatureCount; ++i) {
    if (f[i]) out.push_back(kFeatureNames[i]);
  }
  return out;
}

}  // namespace wsbx
