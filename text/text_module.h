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

// Value type bytes as in the binary format (spec 5.3); packed storage
// types for struct and array fields.
inline constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C,
                         kV128 = 0x7B, kI8 = 0x78, kI16 = 0x77;
// Abstract heap types (spec 5.3.4): each is one byte, and that byte alone
// also encodes the nullable reference `(ref null ht)`.
inline constexpr uint8_t kHeapNoExn = 0x74, kHeapNoFunc = 0x73,
                         kHeapNoExtern = 0x72, kHeapNone = 0x71,
                         kHeapFunc = 0x70, kHeapExtern = 0x6F, kHeapAny = 0x6E,
                         kHeapEq = 0x6D, kHeapI31 = 0x6C, kHeapStruct = 0x6B,
                         kHeapArray = 0x6A, kHeapExn = 0x69;
// Reference type prefixes: `(ref null ht)` and `(ref ht)`.
inline constexpr uint8_t kRefNull = 0x63, kRefNonNull = 0x64;

// An index written as a number or as an `$id`; `index` is final once the
// module is resolved. line:col locate the reference for error messages.
struct Ref {
  uint32_t index = 0;
  std::string name;  // empty for a numeric reference
  uint32_t line = 0;
  uint32_t col = 0;
};

// A value or storage type. References carry an abstract heap type byte or,
// with `heap` 0, a type index in `type`. Comparison looks at the encoding
// only, so it is meaningful once `type` is resolved.
struct ValType {
  uint8_t code = kI32;  // a number, vector or packed type; kRefNull/kRefNonNull
  uint8_t heap = 0;
  Ref type;

  static ValType Num(uint8_t code) { return ValType{code, 0, {}}; }
  static ValType RefTo(bool nullable, uint8_t heap) {
    return ValType{nullable ? kRefNull : kRefNonNull, heap, {}};
  }
  bool is_ref() const { return code == kRefNull || code == kRefNonNull; }
  bool operator==(const ValType& o) const {
    return code == o.code && heap == o.heap && type.index == o.type.index;
  }
  bool operator<(const ValType& o) const {
    if (code != o.code) return code < o.code;
    if (heap != o.heap) return heap < o.heap;
    return type.index < o.type.index;
  }
};

inline const ValType kFuncRef = ValType::RefTo(true, kHeapFunc);
inline const ValType kExternRef = ValType::RefTo(true, kHeapExtern);
inline const ValType kRefFunc = ValType::RefTo(false, kHeapFunc);  // (ref func)

struct FuncSig {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncSig& other) const = default;
};

// A struct field or an array's element: storage type and mutability.
struct FieldType {
  ValType type;
  bool is_mutable = false;
  bool operator==(const FieldType& other) const = default;
};

enum class CompKind : uint8_t { kFunc, kStruct, kArray };

// One entry of the type index space (spec 6.6.2): a composite type with its
// subtyping header. `final` without supertypes is the plain form.
struct TypeDef {
  CompKind kind = CompKind::kFunc;
  FuncSig sig;                      // kFunc
  std::vector<FieldType> fields;    // kStruct; kArray: exactly one
  std::map<std::string, uint32_t> field_names;  // struct field namespace
  bool is_final = true;
  std::vector<Ref> supers;
};

// Consecutive types that form one recursion group; `explicit_rec` when
// written `(rec ...)`, else a group of one.
struct RecGroup {
  uint32_t first = 0;
  uint32_t count = 0;
  bool explicit_rec = false;
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

struct TextOpInfo;  // text_ops.h: instructions outside runtime/opcodes.def

// A handler of try_table: kind is the binary catch kind (0 catch,
// 1 catch_ref, 2 catch_all, 3 catch_all_ref).
struct Catch {
  uint8_t kind = 0;
  Ref tag;
  uint32_t label = 0;
};

struct Instr {
  Opcode op = Opcode::kNop;
  // Set for the instructions of text_ops.h; `op` is then kBlock for
  // try_table (so that it nests as a block) and kNop otherwise.
  const TextOpInfo* text_op = nullptr;
  // Index immediates: the first and second index of the binary encoding
  // (kMemArg/kMemArgLane/kMemIndex: memory in `a`; kCallIndirect: table in
  // `b`; kTableInit: elem a, table b; kMemoryInit: data a, memory b;
  // kTableCopy/kMemoryCopy: dst a, src b). Labels are depths in a.index.
  // text_ops.h instructions: the type, tag or label in `a`, the field,
  // data, elem or second type in `b`, array.new_fixed's count in `bits`.
  Ref a;
  Ref b;
  uint64_t bits = 0;  // constants; v128 and shuffle bytes 0-7
  uint64_t hi = 0;    // v128 and shuffle bytes 8-15
  uint64_t offset = 0;      // memarg
  uint32_t align_log2 = 0;  // memarg
  uint8_t lane = 0;
  std::vector<uint32_t> targets;   // br_table depths, default last
  // select (result t*); ref.null: its heap type as (ref null ht);
  // ref.test/ref.cast: the type; br_on_cast(_fail): both types.
  std::vector<ValType> types;
  std::vector<Catch> catches;      // try_table
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
  std::vector<ValType> locals;          // declared locals, params excluded
  std::vector<std::string> local_names;  // parallel to locals
  Expr body;
};

struct Table {
  ValType ref_type = kFuncRef;
  Limits limits;
  std::optional<ImportName> import;
  Expr init;  // empty: no initializer expression
};

struct Memory {
  Limits limits;
  std::optional<ImportName> import;
};

struct Global {
  ValType type;
  bool is_mutable = false;
  std::optional<ImportName> import;
  Expr init;
};

enum class Space : uint8_t {
  kFunc = 0,  // the first four are ExternKind values
  kTable = 1,
  kMemory = 2,
  kGlobal = 3,
  kTag = 4,
  kType,
  kElem,
  kData,
};
inline constexpr int kSpaceCount = 8;

// An exception tag (3.0): its type is a function type with no results.
struct Tag {
  TypeUse type;
  std::optional<ImportName> import;
};

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
  ValType ref_type = kFuncRef;
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
  std::vector<TypeDef> types;
  std::vector<RecGroup> rec_groups;  // covering `types` in order
  std::vector<ImportRef> imports;
  std::vector<Func> funcs;  // imported first, as every index space
  std::vector<Table> tables;
  std::vector<Memory> memories;
  std::vector<Global> globals;
  std::vector<Tag> tags;
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
