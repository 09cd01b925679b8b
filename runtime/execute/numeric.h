// Exact WebAssembly numeric semantics (spec 4.3) on raw value bits: integer
// division and shifts, float min/max/nearest, trapping and saturating
// truncation, and bit-level float sign operations that never touch NaN
// payloads. Helpers that can trap return false and leave *out unset.
#ifndef WSBX_RUNTIME_EXECUTE_NUMERIC_H_
#define WSBX_RUNTIME_EXECUTE_NUMERIC_H_

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "runtime/value.h"

namespace wsbx::num {

inline float F32(uint64_t bits) {
  return std::bit_cast<float>(static_cast<uint32_t>(bits));
}
inline double F64(uint64_t bits) { return std::bit_cast<double>(bits); }
inline uint64_t Bits(float f) { return std::bit_cast<uint32_t>(f); }
inline uint64_t Bits(double d) { return std::bit_cast<uint64_t>(d); }

// Integer division: kNone on success, else the trap (spec 4.3.2 idiv/irem).
template <typename T>
TrapKind DivS(T a, T b, T* out) {
  if (b == 0) return TrapKind::kIntegerDivideByZero;
  if (a == std::numeric_limits<T>::min() && b == -1) {
    return TrapKind::kIntegerOverflow;
  }
  *out = a / b;
  return TrapKind::kNone;
}
template <typename T>
TrapKind DivU(T a, T b, T* out) {
  if (b == 0) return TrapKind::kIntegerDivideByZero;
  *out = a / b;
  return TrapKind::kNone;
}
template <typename T>
TrapKind RemS(T a, T b, T* out) {
  if (b == 0) return TrapKind::kIntegerDivideByZero;
  *out = (b == -1) ? 0 : a % b;  // INT_MIN % -1 is 0, not a trap
  return TrapKind::kNone;
}
template <typename T>
TrapKind RemU(T a, T b, T* out) {
  if (b == 0) return TrapKind::kIntegerDivideByZero;
  *out = a % b;
  return TrapKind::kNone;
}

// Shifts take the count modulo the width (spec 4.3.2 ishl).
template <typename U>
U Shl(U a, U b) {
  return a << (b & (sizeof(U) * 8 - 1));
}
template <typename U>
U ShrU(U a, U b) {
  return a >> (b & (sizeof(U) * 8 - 1));
}
template <typename U>
U ShrS(U a, U b) {
  using S = std::make_signed_t<U>;
  return static_cast<U>(static_cast<S>(a) >> (b & (sizeof(U) * 8 - 1)));
}
template <typename U>
U Rotl(U a, U b) {
  return std::rotl(a, static_cast<int>(b & (sizeof(U) * 8 - 1)));
}
template <typename U>
U Rotr(U a, U b) {
  return std::rotr(a, static_cast<int>(b & (sizeof(U) * 8 - 1)));
}

// min/max: NaN if either operand is NaN (a + b propagates a quiet NaN),
// and -0 orders below +0 (spec 4.3.3 fmin/fmax).
template <typename F>
F Min(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <typename F>
F Max(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

// Rounding to integral values. A NaN operand yields a quiet NaN (a + a),
// which libm does not promise for signalling inputs.
template <typename F>
F Ceil(F a) {
  return std::isnan(a) ? a + a : std::ceil(a);
}
template <typename F>
F Floor(F a) {
  return std::isnan(a) ? a + a : std::floor(a);
}
template <typename F>
F Trunc(F a) {
  return std::isnan(a) ? a + a : std::trunc(a);
}
// Round half to even under the default rounding mode.
template <typename F>
F Nearest(F a) {
  return std::isnan(a) ? a + a : std::nearbyint(a);
}

// Sign operations on bits so NaN payloads (and signalling NaNs) survive.
inline uint64_t F32Abs(uint64_t a) { return a & 0x7FFFFFFFu; }
inline uint64_t F32Neg(uint64_t a) { return (a ^ 0x80000000u) & 0xFFFFFFFFu; }
inline uint64_t F32Copysign(uint64_t a, uint64_t b) {
  return (a & 0x7FFFFFFFu) | (b & 0x80000000u);
}
inline uint64_t F64Abs(uint64_t a) { return a & 0x7FFFFFFFFFFFFFFFull; }
inline uint64_t F64Neg(uint64_t a) { return a ^ 0x8000000000000000ull; }
inline uint64_t F64Copysign(uint64_t a, uint64_t b) {
  return (a & 0x7FFFFFFFFFFFFFFFull) | (b & 0x8000000000000000ull);
}

// Exclusive bounds (lo, hi) such that a float f truncates into I exactly when
// lo < f < hi; all are exactly representable as double.
template <typename I>
constexpr double TruncLowerBound() {
  if constexpr (std::is_unsigned_v<I>) {
    return -1.0;
  } else if constexpr (sizeof(I) == 4) {
    return -2147483649.0;
  } else {
    // -2^63 - 1 is not a double; -2^63 itself is valid, so compare >= below.
    return -9223372036854775808.0;
  }
}
template <typename I>
constexpr double TruncUpperBound() {
  if constexpr (std::is_unsigned_v<I>) {
    return sizeof(I) == 4 ? 4294967296.0 : 18446744073709551616.0;
  } else {
    return sizeof(I) == 4 ? 2147483648.0 : 9223372036854775808.0;
  }
}
template <typename I>
bool TruncInRange(double d) {
  constexpr bool kInclusiveLow = std::is_signed_v<I> && sizeof(I) == 8;
  bool low_ok = kInclusiveLow ? d >= TruncLowerBound<I>()
                              : d > TruncLowerBound<I>();
  return low_ok && d < TruncUpperBound<I>();
}

// Trapping truncation (spec 4.3.3 trunc): NaN is an invalid conversion,
// out-of-range values overflow.
template <typename I, typename F>
TrapKind TruncToInt(F f, I* out) {
  if (std::isnan(f)) return TrapKind::kInvalidConversionToInteger;
  if (!TruncInRange<I>(static_cast<double>(f))) {
    return TrapKind::kIntegerOverflow;
  }
  *out = static_cast<I>(f);
  return TrapKind::kNone;
}

// Saturating truncation (spec 4.3.3 trunc_sat): NaN is 0, out of range
// clamps.
template <typename I, typename F>
I TruncSat(F f) {
  if (std::isnan(f)) return 0;
  double d = static_cast<double>(f);
  if (!TruncInRange<I>(d)) {
    return d < 0 ? std::numeric_limits<I>::min()
                 : std::numeric_limits<I>::max();
  }
  return static_cast<I>(f);
}

// Little-endian memory access through memcpy (the host is little-endian).
template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
void Store(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

}  // namespace wsbx::num

#endif  // WSBX_RUNTIME_EXECUTE_NUMERIC_H_
