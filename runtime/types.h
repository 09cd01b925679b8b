// Core wasm types shared by every stage: value types, function types,
// limits and the external kinds, with their binary encodings.
#ifndef WSBX_RUNTIME_TYPES_H_
#define WSBX_RUNTIME_TYPES_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace wsbx {

// Value types, valued by their binary encoding (spec 5.3.1-5.3.3).
enum class ValType : uint8_t {
  kI32 = 0x7F,
  kI64 = 0x7E,
  kF32 = 0x7D,
  kF64 = 0x7C,
  kV128 = 0x7B,
  kFuncRef = 0x70,
  kExternRef = 0x6F,
};

// True when b is a value type encoding this engine knows.
bool IsValTypeByte(uint8_t b);
inline bool IsRefType(ValType t) {
  return t == ValType::kFuncRef || t == ValType::kExternRef;
}
std::string_view ValTypeName(ValType t);

// Value slots (8 bytes each) a value of type t takes in the interpreter and
// in host-function argument spans: a v128 takes two, low half first.
inline uint32_t SlotCount(ValType t) { return t == ValType::kV128 ? 2 : 1; }
inline size_t SlotCount(const std::vector<ValType>& types) {
  size_t n = 0;
  for (ValType t : types) n += SlotCount(t);
  return n;
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType& other) const = default;
};

// Size limits of a memory (in 64 KiB pages) or table (in elements).
struct SizeLimits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool is64 = false;  // memory64/table64: i64 addresses
  bool operator==(const SizeLimits& other) const = default;
};

struct TableType {
  ValType elem = ValType::kFuncRef;
  SizeLimits limits;
};

struct MemoryType {
  SizeLimits limits;
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool mutable_ = false;
};

enum class ExternKind : uint8_t {
  kFunc = 0,
  kTable = 1,
  kMemory = 2,
  kGlobal = 3,
};
std::string_view ExternKindName(ExternKind k);

inline constexpr uint64_t kPageSize = 65536;
inline constexpr uint64_t kMaxPages = 65536;  // 4 GiB for 32-bit memories

}  // namespace wsbx

#endif  // WSBX_RUNTIME_TYPES_H_
