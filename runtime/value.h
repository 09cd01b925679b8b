// Typed wasm values as the embedding API passes them, and trap kinds.
// Inside the interpreter values are untyped 8-byte slots; Value is only used
// at the API boundary (invoke arguments/results, globals, host calls).
#ifndef WSBX_RUNTIME_VALUE_H_
#define WSBX_RUNTIME_VALUE_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/types.h"

namespace wsbx {

struct Instance;  // store.h

// A reference is a 64-bit handle, never an address: 0 is null. A funcref is
// the index of a function in its Store's list (Store::FunctionFromRef and
// Store::RefOf convert); an externref is whatever non-zero handle the host
// chose when it created the value, and the engine never interprets it.
using RefBits = uint64_t;
inline constexpr RefBits kNullRef = 0;

struct Value {
  ValType type = ValType::kI32;
  uint64_t bits = 0;  // i32 zero-extended, f32/f64 raw bits, references
  uint64_t hi = 0;    // upper half of a v128

  static Value I32(uint32_t v) { return {ValType::kI32, v, 0}; }
  static Value I64(uint64_t v) { return {ValType::kI64, v, 0}; }
  static Value F32Bits(uint32_t v) { return {ValType::kF32, v, 0}; }
  static Value F64Bits(uint64_t v) { return {ValType::kF64, v, 0}; }
  static Value F32(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return F32Bits(b);
  }
  static Value F64(double d) {
    uint64_t b;
    std::memcpy(&b, &d, 8);
    return F64Bits(b);
  }
  static Value Ref(ValType t, RefBits r) { return {t, r, 0}; }
  static Value Default(ValType t) { return {t, 0, 0}; }

  uint32_t i32() const { return static_cast<uint32_t>(bits); }
  uint64_t i64() const { return bits; }
  float f32() const {
    uint32_t b = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  }
  double f64() const {
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  bool operator==(const Value& other) const = default;
};

// "i32:42", "f64:1.5", "funcref:null" ...: for CLI output and test messages.
std::string ValueToString(const Value& v);

// Every way execution can stop early. The message of each spec trap is the
// text the official test suite expects (spec 4.4 and the .wast files).
enum class TrapKind : uint8_t {
  kNone = 0,
  kUnreachable,
  kMemoryOutOfBounds,
  kTableOutOfBounds,
  kUndefinedElement,
  kUninitializedElement,
  kIndirectCallTypeMismatch,
  kInvalidReference,  // a funcref that names no function of the Store
  kIntegerDivideByZero,
  kIntegerOverflow,
  kInvalidConversionToInteger,
  kCallStackExhausted,
  kTimeout,        // wall-clock deadline passed (limits issue)
  kFuelExhausted,  // instruction budget spent (limits issue)
  kInterrupted,    // the embedder's interrupt flag was set (budget.h)
  kHostError,      // a host function failed; see Trap::message
  kExit,           // the guest asked to exit (WASI proc_exit); see exit_code
};

std::string_view TrapKindMessage(TrapKind kind);

struct BacktraceFrame {
  uint32_t func_index = 0;
  // From the name section, else the function's first export, else empty.
  std::string func_name;
  std::string module_name;
  const Instance* instance = nullptr;  // whose code the frame runs
  // Module offset of the wasm instruction the frame was running: the one
  // that trapped (or the call into the host function that did) for the
  // innermost frame, the active call for the others. Unknown for frames
  // whose code holds no record of it.
  std::optional<uint32_t> code_offset = std::nullopt;
};

struct Trap {
  TrapKind kind = TrapKind::kNone;
  std::string message;  // TrapKindMessage(kind) unless the host said more
  int exit_code = 0;    // kExit only
  std::vector<BacktraceFrame> backtrace;  // innermost first
  std::string ToString() const;  // message plus one backtrace line per frame
};

}  // namespace wsbx

#endif  // WSBX_RUNTIME_VALUE_H_
