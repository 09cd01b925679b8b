// Printing of API values and the fixed texts of trap kinds. Integers print
// as signed decimal, floats with round-trip precision (NaNs and infinities
// with their raw bits), references as "null" or their hex handle.
#include "runtime/value.h"

#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wsbx {
namespace {

std::string FloatBody(double d, uint64_t raw_bits, int digits, int hex_width) {
  if (std::isnan(d)) {
    return absl::StrFormat("%snan:0x%0*x", std::signbit(d) ? "-" : "",
                           hex_width, raw_bits);
  }
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  return absl::StrFormat("%.*g", digits, d);
}

}  // namespace

std::string ValueToString(const Value& v) {
  std::string prefix = std::string(ValTypeName(v.type)) + ":";
  switch (v.type) {
    case ValType::kI32:
      return absl::StrCat(prefix, static_cast<int32_t>(v.i32()));
    case ValType::kI64:
      return absl::StrCat(prefix, static_cast<int64_t>(v.i64()));
    case ValType::kF32:
      return prefix + FloatBody(v.f32(), v.bits & 0xFFFFFFFFu, 9, 8);
    case ValType::kF64:
      return prefix + FloatBody(v.f64(), v.bits, 17, 16);
    case ValType::kV128:
      return absl::StrFormat("%s0x%016x%016x", prefix, v.hi, v.bits);
    case ValType::kFuncRef:
    case ValType::kExternRef:
      if (v.bits == kNullRef) return prefix + "null";
      return absl::StrFormat("%s0x%x", prefix, v.bits);
  }
  return prefix + "?";
}

std::string_view TrapKindMessage(TrapKind kind) {
  switch (kind) {
    case TrapKind::kNone:
      return "no trap";
    case TrapKind::kUnreachable:
      return "unreachable";
    case TrapKind::kMemoryOutOfBounds:
      return "out of bounds memory access";
    case TrapKind::kTableOutOfBounds:
      return "out of bounds table access";
    case TrapKind::kUndefinedElement:
      return "undefined element";
    case TrapKind::kUninitializedElement:
      return "uninitialized element";
    case TrapKind::kIndirectCallTypeMismatch:
      return "indirect call type mismatch";
    case TrapKind::kInvalidReference:
      return "invalid reference";
    case TrapKind::kIntegerDivideByZero:
      return "integer divide by zero";
    case TrapKind::kIntegerOverflow:
      return "integer overflow";
    case TrapKind::kInvalidConversionToInteger:
      return "invalid conversion to integer";
    case TrapKind::kCallStackExhausted:
      return "call stack exhausted";
    case TrapKind::kTimeout:
      return "timeout";
    case TrapKind::kFuelExhausted:
      return "fuel exhausted";
    case TrapKind::kInterrupted:
      return "interrupted";
    case TrapKind::kHostError:
      return "host error";
    case TrapKind::kExit:
      return "exit";
  }
  return "unknown trap";
}

namespace {

// "fib (func 3) +0x1a2", or "func 3 +0x1a2" without a name; the offset is
// the module's, as other runtimes print it.
std::string FrameText(const BacktraceFrame& frame) {
  std::string out = frame.func_name.empty()
                        ? absl::StrCat("func ", frame.func_index)
                        : absl::StrCat(frame.func_name, " (func ",
                                       frame.func_index, ")");
  if (frame.code_offset.has_value()) {
    absl::StrAppend(&out, absl::StrFormat(" +0x%x", *frame.code_offset));
  }
  return out;
}

bool SameFrameLine(const BacktraceFrame& a, const BacktraceFrame& b) {
  return a.func_index == b.func_index && a.module_name == b.module_name &&
         a.code_offset == b.code_offset;
}

}  // namespace

// Deep recursion can leave tens of thousands of frames: runs of the same
// function at the same offset (a recursive call) collapse into one line
// with a count, and at most kMaxLines lines are printed, so a trap report
// stays readable and bounded.
std::string Trap::ToString() const {
  constexpr size_t kMaxLines = 32;
  std::string out =
      message.empty() ? std::string(TrapKindMessage(kind)) : message;
  size_t lines = 0;
  size_t i = 0;
  while (i < backtrace.size()) {
    if (lines == kMaxLines) {
      absl::StrAppend(&out, "\n  ... ", backtrace.size() - i, " more frames");
      break;
    }
    const BacktraceFrame& frame = backtrace[i];
    size_t run = 1;
    while (i + run < backtrace.size() &&
           SameFrameLine(backtrace[i + run], frame)) {
      ++run;
    }
    absl::StrAppend(&out, "\n  at ", FrameText(frame));
    if (run > 1) absl::StrAppend(&out, " (", run, " frames)");
    ++lines;
    i += run;
  }
  return out;
}

}  // namespace wsbx
