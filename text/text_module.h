// The in-memory form of a text-format module between parsing and encoding:
// fields as written, with every abbreviation already expanded. Index
// references keep their symbolic names until ResolveModule fills `index`.
#ifndef WSBX_TEXT_TEXT_MODULE_H_
#define WSBX_TEXT_TEXT_MODULE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/opcodes.h"

namespace wsbx::text {

// Value type bytes as in the binary format (spec 5.3).
inline constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C,
                         kV128 = 0x7B, kFuncRef = 0x70, kExternRef = 0x6F;

// An index written as a number or as an `$id`; `index` is final once the
// module is resolved. line:col locate the reference for error messages.
struct Ref {
  uint32_t index = 0;
  std::string name;  // empty for a numeric reference
  uint32_t line = 0;
  uint32_t col = 0;
};

struct FuncSig {
  std::vector<uint8_t> params;
  std::vector<uint8_t> results;
  bool operator==(const FuncSig& other) const = default;
};

// `(type x)? (param ...)* (result ...)*`, for functions, blocks and
// call_indirect. `index` is the type index after resolution (for a block
// with `inline_block` set, no type index is used).
struct TypeUse {
  std::optional<Ref> type;
  FuncSig sig;  // the inline params and results
  std::vector<std::string> param_names;
  int implicit_slot = -1;  // into TextModule::implicit_sigs when no `type`
  uint32_t index = 0;
  uint32_t line = 0;
  uint32_t col = 0;
};

struct Instr {
  Opcode op = Opcode::kNop;
  // Index immediates: the first and second index of the binary encoding
  // (kMemArg/kMemArgLane/kMemIndex: memory in `a`; kCallIndirect: table in
  // `b`; kTableInit: elem a, table b; kMemoryInit: data a, memory b;
  // kTableCopy/kMemoryCopy: dst a, src b). Labels are depths in a.index.
  Ref a;
  Ref b;
  uint64_t bits = 0;  // constants; v128 and shuffle bytes 0-7
  uint64_t hi = 0;    // v128 and shuffle bytes 8-15
  uint64_t offset = 0;      // memarg
  uint32_t align_log2 = 0;  // memarg
  uint8_t lane = 0;
  uint8_t ref_type = 0;            // ref.null
  std::vector<uint32_t> targets;   // br_table depths, default last
  std::vector<uint8_t> types;      // select (result t*)
  TypeUse block;                   // kBlockType and kCallIndirect
  bool inline_block = false;       // block type written without a type index
};

using Expr = std::vector<Instr>;

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool is64 = false;
};

struct ImportName {
  std::string module;
  std::string name;
};

struct Func {
  TypeUse type;
  std::optional<ImportName> import;
  std::vector<uint8_t> locals;          // declared locals, params excluded
  std::vector<std::string> local_names;  // parallel to locals
  Expr body;
};

struct Table {
  uint8_t ref_type = kFuncRef;
  Limits limits;
  std::optional<ImportName> import;
};

struct Memory {
  Limits limits;
  std::optional<ImportName> import;
};

struct Global {
  uint8_t type = kI32;
  bool is_mutable = false;
  std::optional<ImportName> import;
  Expr init;
};

enum class Space : uint8_t {
  kFunc = 0,  // the first four are ExternKind values
  kTable = 1,
  kMemory = 2,
  kGlobal = 3,
  kType,
  kElem,
  kData,
};
inline constexpr int kSpaceCount = 7;

struct Export {
  std::string name;
  Space kind = Space::kFunc;
  Ref ref;
};

enum class Mode : uint8_t { kActive, kPassive, kDeclarative };

struct Elem {
  Mode mode = Mode::kPassive;
  Ref table;
  Expr offset;
  uint8_t ref_type = kFuncRef;
  std::vector<Expr> items;  // function-index lists become `ref.func x` each
};

struct Data {
  Mode mode = Mode::kPassive;
  Ref memory;
  Expr offset;
  std::string bytes;
};

// An import in module order: which space and which entry of it.
struct ImportRef {
  Space kind;
  uint32_t index;
};

struct TextModule {
  std::vector<FuncSig> types;
  std::vector<ImportRef> imports;
  std::vector<Func> funcs;  // imported first, as every index space
  std::vector<Table> tables;
  std::vector<Memory> memories;
  std::vector<Global> globals;
  std::vector<Export> exports;
  std::optional<Ref> start;
  std::vector<Elem> elems;
  std::vector<Data> datas;
  // Signatures of type uses without `(type x)`, in text order; resolution
  // maps each to an existing type or appends one (spec 6.6.13).
  std::vector<FuncSig> implicit_sigs;
  std::map<std::string, uint32_t> names[kSpaceCount];
};

}  // namespace wsbx::text

#endif  // WSBX_TEXT_TEXT_MODULE_H_
