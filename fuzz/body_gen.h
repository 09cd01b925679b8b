// Internal to the module generator (module_gen.cc): what function bodies may
// refer to, and the type-directed generator of one body. A body is built as
// nested expressions, each leaving exactly the values its caller asked for,
// with a stack of the enclosing labels' types, so every body validates.
#ifndef WSBX_FUZZ_BODY_GEN_H_
#define WSBX_FUZZ_BODY_GEN_H_

#include <cstdint>
#include <vector>

#include "fuzz/module_gen.h"
#include "runtime/types.h"

namespace wsbx::fuzz {

using Bytes = std::vector<uint8_t>;
using Types = std::vector<ValType>;

// The type section under construction: equal types share an index.
class TypeTable {
 public:
  uint32_t Intern(const FuncType& type);
  const std::vector<FuncType>& types() const { return types_; }

 private:
  std::vector<FuncType> types_;
};

inline constexpr uint32_t kNullSlot = UINT32_MAX;

// Everything outside a body that the body may use.
struct ModuleShape {
  TypeTable types;
  std::vector<uint32_t> func_types;  // type index per function index
  uint32_t imported_funcs = 0;       // the first function indices
  std::vector<GlobalType> globals;
  std::vector<uint32_t> table_slots;  // function index per slot, or kNullSlot
  uint32_t memory_pages = 1;          // initial size
  uint32_t memories = 1;              // each of memory_pages
  bool second_is64 = false;           // memory 1 takes i64 addresses

  bool Is64(uint32_t memory) const { return memory == 1 && second_is64; }
  bool simd = false;

  // Invalidated when the type table grows.
  const FuncType& func_type(uint32_t func) const {
    return types.types()[func_types[func]];
  }
};

// Appends a constant instruction (t.const) with a value from `entropy`,
// biased to edge cases: zero first, then extremes, NaNs and infinities.
void AppendConst(Entropy& entropy, ValType t, Bytes& out);

// The code section entry of defined function `func_index` (local
// declarations, then the body), without its size prefix.
Bytes GenerateBody(Entropy& entropy, const GenOptions& options,
                   ModuleShape& shape, uint32_t func_index);

}  // namespace wsbx::fuzz

#endif  // WSBX_FUZZ_BODY_GEN_H_
