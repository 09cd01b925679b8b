// The public API's values and errors (include/wsbx/wsbx.hpp).
#include <cstdio>
#include <cstring>
#include <string>

#include "wsbx/wsbx.hpp"

namespace wsbx {

Val::Val(float v) : kind_(ValKind::kF32) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  lo_ = bits;
}

Val::Val(double v) : kind_(ValKind::kF64) { std::memcpy(&lo_, &v, sizeof v); }

Val Val::V128(uint64_t lo, uint64_t hi) { return FromRaw(ValKind::kV128, lo, hi); }

Val Val::NullRef(ValKind kind) { return FromRaw(kind, 0, 0); }

Val Val::FromRaw(ValKind kind, uint64_t lo, uint64_t hi) {
  Val v;
  v.kind_ = kind;
  v.lo_ = lo;
  v.hi_ = hi;
  return v;
}

float Val::f32() const {
  const uint32_t bits = static_cast<uint32_t>(lo_);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

double Val::f64() const {
  double d;
  std::memcpy(&d, &lo_, sizeof d);
  return d;
}

bool Val::is_null_ref() const {
  return (kind_ == ValKind::kFuncRef || kind_ == ValKind::kExternRef) &&
         lo_ == 0;
}

std::string Val::ToString() const {
  char buf[64];
  switch (kind_) {
    case ValKind::kI32:
      std::snprintf(buf, sizeof buf, "i32:%d", i32());
      break;
    case ValKind::kI64:
      std::snprintf(buf, sizeof buf, "i64:%lld", static_cast<long long>(i64()));
      break;
    case ValKind::kF32:
      std::snprintf(buf, sizeof buf, "f32:%.9g", static_cast<double>(f32()));
      break;
    case ValKind::kF64:
      std::snprintf(buf, sizeof buf, "f64:%.17g", f64());
      break;
    case ValKind::kV128:
      std::snprintf(buf, sizeof buf, "v128:0x%016llx%016llx",
                    static_cast<unsigned long long>(hi_),
                    static_cast<unsigned long long>(lo_));
      break;
    case ValKind::kFuncRef:
    case ValKind::kExternRef:
      if (lo_ == 0) {
        std::snprintf(buf, sizeof buf, "%s:null", wsbx::ToString(kind_));
      } else {
        std::snprintf(buf, sizeof buf, "%s:%llu", wsbx::ToString(kind_),
                      static_cast<unsigned long long>(lo_));
      }
      break;
  }
  return buf;
}

const char* ToString(ValKind kind) {
  switch (kind) {
    case ValKind::kI32: return "i32";
    case ValKind::kI64: return "i64";
    case ValKind::kF32: return "f32";
    case ValKind::kF64: return "f64";
    case ValKind::kV128: return "v128";
    case ValKind::kFuncRef: return "funcref";
    case ValKind::kExternRef: return "externref";
  }
  return "?";
}

const char* ToString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "invalid argument";
    case ErrorKind::kIo: return "i/o error";
    case ErrorKind::kLoad: return "load error";
    case ErrorKind::kLink: return "link error";
    case ErrorKind::kTrap: return "trap";
    case ErrorKind::kTimeout: return "timeout";
    case ErrorKind::kFuel: return "fuel exhausted";
    case ErrorKind::kInterrupted: return "interrupted";
    case ErrorKind::kExit: return "exit";
    case ErrorKind::kRefused: return "refused";
    case ErrorKind::kResource: return "resource limit";
  }
  return "?";
}

const char* ToString(Policy policy) {
  switch (policy) {
    case Policy::kStandard: return "standard";
    case Policy::kStrict: return "strict";
    case Policy::kParanoid: return "paranoid";
  }
  return "?";
}

bool Error::is_guest_error() const {
  switch (kind_) {
    case ErrorKind::kTrap:
    case ErrorKind::kTimeout:
    case ErrorKind::kFuel:
    case ErrorKind::kInterrupted:
    case ErrorKind::kExit:
    case ErrorKind::kRefused:
    case ErrorKind::kResource:
      return true;
    default:
      return false;
  }
}

std::string Error::ToString() const {
  std::string text = std::string(wsbx::ToString(kind_)) + ": " + message_;
  constexpr size_t kShownFrames = 16;  // deep recursion: the innermost
  for (size_t i = 0; i < backtrace_.size() && i < kShownFrames; ++i) {
    const TrapFrame& f = backtrace_[i];
    text += "\n  at ";
    text += f.name.empty()
                ? "func " + std::to_string(f.func_index)
                : f.name + " (func " + std::to_string(f.func_index) + ")";
    if (f.code_offset.has_value()) {
      char hex[16];
      std::snprintf(hex, sizeof(hex), " +0x%x", *f.code_offset);
      text += hex;
    }
  }
  if (backtrace_.size() > kShownFrames) {
    text += "\n  ... " + std::to_string(backtrace_.size() - kShownFrames) +
            " more frames";
  }
  return text;
}

}  // namespace wsbx
