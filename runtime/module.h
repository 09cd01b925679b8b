// The decoded form of a wasm binary (spec 2.5): what the decoder produces,
// the validator checks and the compiler and instantiator read. A Module is
// immutable once validated and may be shared by many instances.
#ifndef WSBX_RUNTIME_MODULE_H_
#define WSBX_RUNTIME_MODULE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "runtime/opcodes.h"
#include "runtime/types.h"

namespace wsbx {

struct CompiledCode;  // the interpreter's form of all bodies (compiler.h)

// One instruction of a constant expression (spec 3.3.10). In 2.0 a valid one
// is a single constant instruction, but the decoder keeps whatever sequence it
// read up to `end` so the validator can reject the rest.
struct ConstInstr {
  Opcode op = Opcode::kNop;
  uint64_t imm = 0;  // i32/i64 value (sign-extended), f32/f64 bits, an index,
                     // or the ValType byte of ref.null
  uint64_t imm_hi = 0;  // v128.const: bytes 8-15 (imm holds bytes 0-7)
};

struct ConstExpr {
  // Without the final `end`. Most hold one instruction (extended constants
  // may hold more), kept inline so that element segments cost no
  // allocation per item.
  absl::InlinedVector<ConstInstr, 1> instrs;
  uint32_t offset = 0;             // byte offset of the expression
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t func_type = 0;  // kFunc: type index
  TableType table;         // kTable
  MemoryType memory;       // kMemory
  GlobalType global;       // kGlobal
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

// An element segment (spec 5.5.12): every form is normalised to a list of
// constant expressions; function-index forms become `ref.func i` each.
struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  ValType type = ValType::kFuncRef;
  uint32_t table = 0;  // active only
  ConstExpr offset;    // active only
  std::vector<ConstExpr> items;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;  // never kDeclarative
  uint32_t memory = 0;                      // active only
  ConstExpr offset;                         // active only
  uint32_t data_offset = 0;  // byte range of the contents in Module::bytes
  uint32_t data_size = 0;
};

// A run of locals of one type, as declared in a body.
struct LocalDecl {
  uint32_t count = 0;
  ValType type = ValType::kI32;
};

// A function defined in the module (not imported).
struct FunctionBody {
  uint32_t type_index = 0;
  std::vector<LocalDecl> locals;  // declared locals (parameters excluded)
  uint32_t num_locals = 0;        // sum of locals[].count
  uint32_t code_offset = 0;       // first instruction byte in Module::bytes
  uint32_t code_end = 0;          // one past the body's final `end`
};

struct CustomSection {
  std::string name;
  uint32_t data_offset = 0;  // payload after the name, in Module::bytes
  uint32_t data_size = 0;
  uint8_t after_section = 0;  // id of the last known section before it
};

struct Module {
  // The binary, which bodies, data segments and custom sections point into.
  // LoadModule then keeps only the data segments' contents here (their
  // offsets rewritten), zeroes the bodies' code ranges and drops `customs`:
  // nothing reads them after compilation.
  std::vector<uint8_t> bytes;

  std::vector<FuncType> types;
  std::vector<Import> imports;
  // Index spaces: imports come first (spec 2.5.1). func_types covers every
  // function (imported then defined); the other vectors likewise.
  std::vector<uint32_t> func_types;    // type index per function
  std::vector<TableType> tables;       // imported then defined
  std::vector<MemoryType> memories;    // imported then defined
  std::vector<GlobalType> global_types;  // imported then defined
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  std::vector<Global> globals;  // defined globals only
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;  // from the data count section
  std::vector<FunctionBody> bodies;    // defined functions only

  std::vector<CustomSection> customs;
  // From the "name" custom section when present and well-formed; indexed by
  // function index, empty strings for unnamed functions.
  std::vector<std::string> function_names;
  std::string module_name;

  // Filled by the compiler after validation; null until then.
  std::shared_ptr<const CompiledCode> code;

  const FuncType& FuncTypeOf(uint32_t func_index) const {
    return types[func_types[func_index]];
  }

  // The name to show for a function (trap reports, disassembly): the name
  // section's, else the name of its first export, else empty.
  std::string DisplayName(uint32_t func_index) const {
    if (func_index < function_names.size() &&
        !function_names[func_index].empty()) {
      return function_names[func_index];
    }
    for (const Export& e : exports) {
      if (e.kind == ExternKind::kFunc && e.index == func_index) return e.name;
    }
    return std::string();
  }
};

}  // namespace wsbx

#endif  // WSBX_RUNTIME_MODULE_H_
