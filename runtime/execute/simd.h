// Lane arithmetic of the fixed-width SIMD instructions (spec 4.3.4), written
// with GCC/Clang vector extensions so it compiles on any 64-bit host (the
// compiler picks SSE, NEON or scalar code). Internal to the interpreter:
// handlers in interp_simd.inc call these on V128 values read from slots.
// On x86-64 with the meson option simd_backend=auto (WSBX_SIMD_X86), byte
// shuffles use pshufb when the CPU has SSSE3, checked once at startup; the
// portable code is the reference and passes the same spec tests.
#ifndef WSBX_RUNTIME_EXECUTE_SIMD_H_
#define WSBX_RUNTIME_EXECUTE_SIMD_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "runtime/execute/numeric.h"

namespace wsbx::simd {

typedef int8_t I8x16 __attribute__((vector_size(16)));
typedef uint8_t U8x16 __attribute__((vector_size(16)));
typedef int16_t I16x8 __attribute__((vector_size(16)));
typedef uint16_t U16x8 __attribute__((vector_size(16)));
typedef int32_t I32x4 __attribute__((vector_size(16)));
typedef uint32_t U32x4 __attribute__((vector_size(16)));
typedef int64_t I64x2 __attribute__((vector_size(16)));
typedef uint64_t U64x2 __attribute__((vector_size(16)));
typedef float F32x4 __attribute__((vector_size(16)));
typedef double F64x2 __attribute__((vector_size(16)));

// The vector type whose lanes are T.
template <typename T>
struct VecOf;
template <>
struct VecOf<int8_t> {
  using type = I8x16;
};
template <>
struct VecOf<uint8_t> {
  using type = U8x16;
};
template <>
struct VecOf<int16_t> {
  using type = I16x8;
};
template <>
struct VecOf<uint16_t> {
  using type = U16x8;
};
template <>
struct VecOf<int32_t> {
  using type = I32x4;
};
template <>
struct VecOf<uint32_t> {
  using type = U32x4;
};
template <>
struct VecOf<int64_t> {
  using type = I64x2;
};
template <>
struct VecOf<uint64_t> {
  using type = U64x2;
};

// A v128 as it sits in two value slots: bytes 0-7 in lo, 8-15 in hi.
struct V128 {
  uint64_t lo;
  uint64_t hi;
};

inline V128 Load(const uint64_t* slots) { return {slots[0], slots[1]}; }
inline void Store(uint64_t* slots, V128 v) {
  slots[0] = v.lo;
  slots[1] = v.hi;
}

template <typename T>
T As(V128 v) {
  static_assert(sizeof(T) == 16);
  T r;
  std::memcpy(&r, &v, 16);
  return r;
}
template <typename T>
V128 From(T x) {
  static_assert(sizeof(T) == 16);
  V128 v;
  std::memcpy(&v, &x, 16);
  return v;
}

// Lane-wise helpers over plain arrays, for operations without a vector
// operator; the optimiser vectorises most of these loops.
template <typename T>
struct Lanes {
  static constexpr int kCount = 16 / sizeof(T);
  T v[kCount];
};
template <typename T>
Lanes<T> Split(V128 x) {
  Lanes<T> l;
  std::memcpy(l.v, &x, 16);
  return l;
}
template <typename T>
V128 Join(const Lanes<T>& l) {
  V128 x;
  std::memcpy(&x, l.v, 16);
  return x;
}
template <typename T, typename F>
V128 Map(V128 a, F f) {
  Lanes<T> x = Split<T>(a);
  for (int i = 0; i < Lanes<T>::kCount; ++i) x.v[i] = f(x.v[i]);
  return Join(x);
}
template <typename T, typename F>
V128 Zip(V128 a, V128 b, F f) {
  Lanes<T> x = Split<T>(a);
  Lanes<T> y = Split<T>(b);
  for (int i = 0; i < Lanes<T>::kCount; ++i) x.v[i] = f(x.v[i], y.v[i]);
  return Join(x);
}

template <typename T>
T Saturate(int64_t v) {
  if (v < std::numeric_limits<T>::min()) return std::numeric_limits<T>::min();
  if (v > std::numeric_limits<T>::max()) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

// ---- Construction and lanes.

template <typename T>
V128 Splat(T x) {
  Lanes<T> l;
  for (int i = 0; i < Lanes<T>::kCount; ++i) l.v[i] = x;
  return Join(l);
}
template <typename T>
T ExtractLane(V128 v, uint32_t lane) {
  T x;
  std::memcpy(&x, reinterpret_cast<const uint8_t*>(&v) + lane * sizeof(T),
              sizeof(T));
  return x;
}
template <typename T>
V128 ReplaceLane(V128 v, uint32_t lane, T x) {
  std::memcpy(reinterpret_cast<uint8_t*>(&v) + lane * sizeof(T), &x, sizeof(T));
  return v;
}

#ifdef WSBX_SIMD_X86
// simd_x86.cc: pshufb forms of shuffle and swizzle on slot pointers (each
// two slots; `out` may alias an operand), compiled for SSSE3 whatever the
// rest of the build targets, so only called when kHasSsse3.
void ShuffleSsse3(const uint64_t* a, const uint64_t* b, const uint64_t* lanes,
                  uint64_t* out);
void SwizzleSsse3(const uint64_t* a, const uint64_t* s, uint64_t* out);
bool CpuHasSsse3();
inline const bool kHasSsse3 = CpuHasSsse3();
#endif

// i8x16.shuffle: lanes index the 32 bytes of a then b (validated < 32).
inline V128 Shuffle(V128 a, V128 b, V128 lanes) {
  uint8_t both[32];
  std::memcpy(both, &a, 16);
  std::memcpy(both + 16, &b, 16);
  Lanes<uint8_t> idx = Split<uint8_t>(lanes);
  Lanes<uint8_t> r;
  for (int i = 0; i < 16; ++i) r.v[i] = both[idx.v[i] & 31];
  return Join(r);
}
// i8x16.swizzle: out-of-range indices select 0.
inline V128 Swizzle(V128 a, V128 s) {
  Lanes<uint8_t> x = Split<uint8_t>(a);
  Lanes<uint8_t> idx = Split<uint8_t>(s);
  Lanes<uint8_t> r;
  for (int i = 0; i < 16; ++i) r.v[i] = idx.v[i] < 16 ? x.v[idx.v[i]] : 0;
  return Join(r);
}

// The handlers' entry points: operands and result as slot pointers.
inline void ShuffleSlots(const uint64_t* a, const uint64_t* b,
                         const uint64_t* lanes, uint64_t* out) {
#ifdef WSBX_SIMD_X86
  if (kHasSsse3) return ShuffleSsse3(a, b, lanes, out);
#endif
  Store(out, Shuffle(Load(a), Load(b), Load(lanes)));
}
inline void SwizzleSlots(const uint64_t* a, const uint64_t* s, uint64_t* out) {
#ifdef WSBX_SIMD_X86
  if (kHasSsse3) return SwizzleSsse3(a, s, out);
#endif
  Store(out, Swizzle(Load(a), Load(s)));
}

// ---- Bitwise.

inline V128 Not(V128 a) { return {~a.lo, ~a.hi}; }
inline V128 And(V128 a, V128 b) { return {a.lo & b.lo, a.hi & b.hi}; }
inline V128 AndNot(V128 a, V128 b) { return {a.lo & ~b.lo, a.hi & ~b.hi}; }
inline V128 Or(V128 a, V128 b) { return {a.lo | b.lo, a.hi | b.hi}; }
inline V128 Xor(V128 a, V128 b) { return {a.lo ^ b.lo, a.hi ^ b.hi}; }
inline V128 Bitselect(V128 a, V128 b, V128 c) {
  return {(a.lo & c.lo) | (b.lo & ~c.lo), (a.hi & c.hi) | (b.hi & ~c.hi)};
}
inline uint32_t AnyTrue(V128 a) { return (a.lo | a.hi) != 0; }

template <typename T>
uint32_t AllTrue(V128 a) {
  Lanes<T> x = Split<T>(a);
  uint32_t all = 1;
  for (int i = 0; i < Lanes<T>::kCount; ++i) all &= x.v[i] != 0;
  return all;
}
// The sign bit of each lane, lane 0 in bit 0.
template <typename T>
uint32_t Bitmask(V128 a) {
  using S = std::make_signed_t<T>;
  Lanes<S> x = Split<S>(a);
  uint32_t mask = 0;
  for (int i = 0; i < Lanes<S>::kCount; ++i) mask |= uint32_t{x.v[i] < 0} << i;
  return mask;
}

// ---- Integer arithmetic (wrapping unless named saturating).

template <typename V>
V128 Add(V128 a, V128 b) {
  return From(As<V>(a) + As<V>(b));
}
template <typename V>
V128 Sub(V128 a, V128 b) {
  return From(As<V>(a) - As<V>(b));
}
template <typename V>
V128 Mul(V128 a, V128 b) {
  return From(As<V>(a) * As<V>(b));
}
template <typename V>
V128 Neg(V128 a) {
  return From(V{} - As<V>(a));
}
// Absolute value of signed lanes; the minimum stays itself.
template <typename T>
V128 Abs(V128 a) {
  using U = std::make_unsigned_t<T>;
  return Map<T>(a, [](T x) {
    return static_cast<T>(x < 0 ? U(0) - static_cast<U>(x) : static_cast<U>(x));
  });
}
// Shift counts are taken modulo the lane width.
template <typename T>
V128 Shl(V128 a, uint32_t n) {
  using U = std::make_unsigned_t<T>;
  const int s = static_cast<int>(n & (sizeof(T) * 8 - 1));
  return From(As<typename VecOf<U>::type>(a) << s);
}
template <typename T>
V128 Shr(V128 a, uint32_t n) {
  const int s = static_cast<int>(n & (sizeof(T) * 8 - 1));
  return From(As<typename VecOf<T>::type>(a) >> s);
}
template <typename T>
V128 AddSat(V128 a, V128 b) {
  return Zip<T>(a, b,
                [](T x, T y) { return Saturate<T>(int64_t{x} + int64_t{y}); });
}
template <typename T>
V128 SubSat(V128 a, V128 b) {
  return Zip<T>(a, b,
                [](T x, T y) { return Saturate<T>(int64_t{x} - int64_t{y}); });
}
template <typename T>
V128 Min(V128 a, V128 b) {
  return Zip<T>(a, b, [](T x, T y) { return x < y ? x : y; });
}
template <typename T>
V128 Max(V128 a, V128 b) {
  return Zip<T>(a, b, [](T x, T y) { return x > y ? x : y; });
}
template <typename T>
V128 AvgrU(V128 a, V128 b) {
  return Zip<T>(a, b, [](T x, T y) {
    return static_cast<T>((uint32_t{x} + uint32_t{y} + 1) >> 1);
  });
}
inline V128 Popcnt(V128 a) {
  return Map<uint8_t>(
      a, [](uint8_t x) { return static_cast<uint8_t>(__builtin_popcount(x)); });
}
inline V128 Q15MulrSat(V128 a, V128 b) {
  return Zip<int16_t>(a, b, [](int16_t x, int16_t y) {
    return Saturate<int16_t>((int32_t{x} * int32_t{y} + 0x4000) >> 15);
  });
}

// Comparisons: all-ones lanes for true. Vector comparisons already produce
// -1/0 lanes of the operand width.
template <typename V>
V128 Eq(V128 a, V128 b) {
  return From(As<V>(a) == As<V>(b));
}
template <typename V>
V128 Ne(V128 a, V128 b) {
  return From(As<V>(a) != As<V>(b));
}
template <typename V>
V128 Lt(V128 a, V128 b) {
  return From(As<V>(a) < As<V>(b));
}
template <typename V>
V128 Gt(V128 a, V128 b) {
  return From(As<V>(a) > As<V>(b));
}
template <typename V>
V128 Le(V128 a, V128 b) {
  return From(As<V>(a) <= As<V>(b));
}
template <typename V>
V128 Ge(V128 a, V128 b) {
  return From(As<V>(a) >= As<V>(b));
}

// ---- Widening and narrowing. `From` and `To` are lane types; `high`
// selects the upper half of the source lanes.

template <typename To, typename Fr>
V128 Extend(V128 a, bool high) {
  Lanes<Fr> x = Split<Fr>(a);
  Lanes<To> r;
  const int base = high ? Lanes<To>::kCount : 0;
  for (int i = 0; i < Lanes<To>::kCount; ++i) r.v[i] = x.v[base + i];
  return Join(r);
}
template <typename To, typename Fr>
V128 ExtMul(V128 a, V128 b, bool high) {
  Lanes<Fr> x = Split<Fr>(a);
  Lanes<Fr> y = Split<Fr>(b);
  Lanes<To> r;
  const int base = high ? Lanes<To>::kCount : 0;
  for (int i = 0; i < Lanes<To>::kCount; ++i) {
    // The exact product fits To; 64-bit unsigned arithmetic keeps its low
    // bits without signed overflow.
    r.v[i] =
        static_cast<To>(static_cast<uint64_t>(static_cast<To>(x.v[base + i])) *
                        static_cast<uint64_t>(static_cast<To>(y.v[base + i])));
  }
  return Join(r);
}
template <typename To, typename Fr>
V128 ExtAddPairwise(V128 a) {
  Lanes<Fr> x = Split<Fr>(a);
  Lanes<To> r;
  for (int i = 0; i < Lanes<To>::kCount; ++i) {
    r.v[i] = static_cast<To>(To{x.v[2 * i]} + To{x.v[2 * i + 1]});
  }
  return Join(r);
}
// Lanes of a then b, each saturated to the narrower type To.
template <typename To, typename Fr>
V128 Narrow(V128 a, V128 b) {
  Lanes<Fr> x = Split<Fr>(a);
  Lanes<Fr> y = Split<Fr>(b);
  Lanes<To> r;
  constexpr int n = Lanes<Fr>::kCount;
  for (int i = 0; i < n; ++i) {
    r.v[i] = Saturate<To>(x.v[i]);
    r.v[n + i] = Saturate<To>(y.v[i]);
  }
  return Join(r);
}
inline V128 Dot(V128 a, V128 b) {
  Lanes<int16_t> x = Split<int16_t>(a);
  Lanes<int16_t> y = Split<int16_t>(b);
  Lanes<uint32_t> r;
  for (int i = 0; i < 4; ++i) {
    // -32768 * -32768 * 2 wraps to INT32_MIN: add as unsigned.
    r.v[i] = static_cast<uint32_t>(int32_t{x.v[2 * i]} * y.v[2 * i]) +
             static_cast<uint32_t>(int32_t{x.v[2 * i + 1]} * y.v[2 * i + 1]);
  }
  return Join(r);
}

// ---- Floating point. NaN results follow the scalar instructions' rules.

template <typename V>
V128 FAdd(V128 a, V128 b) {
  return From(As<V>(a) + As<V>(b));
}
template <typename V>
V128 FSub(V128 a, V128 b) {
  return From(As<V>(a) - As<V>(b));
}
template <typename V>
V128 FMul(V128 a, V128 b) {
  return From(As<V>(a) * As<V>(b));
}
template <typename V>
V128 FDiv(V128 a, V128 b) {
  return From(As<V>(a) / As<V>(b));
}
template <typename F>
V128 FMin(V128 a, V128 b) {
  return Zip<F>(a, b, [](F x, F y) { return num::Min(x, y); });
}
template <typename F>
V128 FMax(V128 a, V128 b) {
  return Zip<F>(a, b, [](F x, F y) { return num::Max(x, y); });
}
// Pseudo-minimum and maximum: plain comparisons, a wins on NaN or equality.
template <typename F>
V128 PMin(V128 a, V128 b) {
  return Zip<F>(a, b, [](F x, F y) { return y < x ? y : x; });
}
template <typename F>
V128 PMax(V128 a, V128 b) {
  return Zip<F>(a, b, [](F x, F y) { return x < y ? y : x; });
}
template <typename F>
V128 Sqrt(V128 a) {
  return Map<F>(a, [](F x) { return std::sqrt(x); });
}
template <typename F>
V128 Ceil(V128 a) {
  return Map<F>(a, [](F x) { return num::Ceil(x); });
}
template <typename F>
V128 Floor(V128 a) {
  return Map<F>(a, [](F x) { return num::Floor(x); });
}
template <typename F>
V128 Trunc(V128 a) {
  return Map<F>(a, [](F x) { return num::Trunc(x); });
}
template <typename F>
V128 Nearest(V128 a) {
  return Map<F>(a, [](F x) { return num::Nearest(x); });
}
// abs and neg touch only the sign bits, so NaN payloads survive.
inline V128 F32Abs(V128 a) { return And(a, Splat<uint32_t>(0x7FFFFFFFu)); }
inline V128 F32Neg(V128 a) { return Xor(a, Splat<uint32_t>(0x80000000u)); }
inline V128 F64Abs(V128 a) {
  return And(a, Splat<uint64_t>(0x7FFFFFFFFFFFFFFFull));
}
inline V128 F64Neg(V128 a) {
  return Xor(a, Splat<uint64_t>(0x8000000000000000ull));
}

// ---- Conversions.

template <typename I>
V128 TruncSatF32(V128 a) {
  Lanes<float> x = Split<float>(a);
  Lanes<I> r;
  for (int i = 0; i < 4; ++i) r.v[i] = num::TruncSat<I>(x.v[i]);
  return Join(r);
}
// The two f64 lanes go to lanes 0-1; lanes 2-3 are zero.
template <typename I>
V128 TruncSatF64Zero(V128 a) {
  Lanes<double> x = Split<double>(a);
  Lanes<I> r{};
  for (int i = 0; i < 2; ++i) r.v[i] = num::TruncSat<I>(x.v[i]);
  return Join(r);
}
template <typename I>
V128 ConvertToF32(V128 a) {
  Lanes<I> x = Split<I>(a);
  Lanes<float> r;
  for (int i = 0; i < 4; ++i) r.v[i] = static_cast<float>(x.v[i]);
  return Join(r);
}
template <typename I>
V128 ConvertLowToF64(V128 a) {
  Lanes<I> x = Split<I>(a);
  Lanes<double> r;
  for (int i = 0; i < 2; ++i) r.v[i] = static_cast<double>(x.v[i]);
  return Join(r);
}
inline V128 DemoteZero(V128 a) {
  Lanes<double> x = Split<double>(a);
  Lanes<float> r{};
  for (int i = 0; i < 2; ++i) r.v[i] = static_cast<float>(x.v[i]);
  return Join(r);
}
inline V128 PromoteLow(V128 a) {
  Lanes<float> x = Split<float>(a);
  Lanes<double> r;
  for (int i = 0; i < 2; ++i) r.v[i] = static_cast<double>(x.v[i]);
  return Join(r);
}

// ---- Relaxed SIMD (Wasm 3.0). Each result is the deterministic profile's
// (spec 4.3, "Relaxed Operations": every choice parameter is 0), fixed for
// all modes; swizzle, trunc, laneselect, min, max and q15mulr coincide with
// plain instructions above and reuse them.

// relaxed_madd unfused: a * b rounded, then + c rounded. The empty asm hides
// the product from the optimiser, which would otherwise fuse the two where
// the target has FMA (GCC contracts across statements by default).
template <typename V>
V128 RelaxedMadd(V128 a, V128 b, V128 c) {
  V p = As<V>(a) * As<V>(b);
  asm("" : "+m"(p));
  return From(p + As<V>(c));
}
// relaxed_nmadd(a, b, c) = relaxed_madd(-a, b, c).
template <typename V>
V128 RelaxedNmadd(V128 a, V128 b, V128 c) {
  V p = -As<V>(a) * As<V>(b);
  asm("" : "+m"(p));
  return From(p + As<V>(c));
}
// i16x8.relaxed_dot_i8x16_i7x16_s: both bytes signed, each pair's sum
// saturated to i16 (spec $ivdot_sat_ with R_idot = 0).
inline V128 RelaxedDotI8(V128 a, V128 b) {
  Lanes<int8_t> x = Split<int8_t>(a);
  Lanes<int8_t> y = Split<int8_t>(b);
  Lanes<int16_t> r;
  for (int i = 0; i < 8; ++i) {
    r.v[i] = Saturate<int16_t>(int32_t{x.v[2 * i]} * y.v[2 * i] +
                               int32_t{x.v[2 * i + 1]} * y.v[2 * i + 1]);
  }
  return Join(r);
}
// i32x4.relaxed_dot_i8x16_i7x16_add_s: the i16 dot above, adjacent lanes
// added into i32, then c added with wrapping.
inline V128 RelaxedDotI8Add(V128 a, V128 b, V128 c) {
  return Add<U32x4>(ExtAddPairwise<int32_t, int16_t>(RelaxedDotI8(a, b)), c);
}

// ---- Memory forms: lanes read from memory of width sizeof(Fr) and
// extended to To (v128.load8x8_s and friends).
template <typename To, typename Fr>
V128 LoadExtend(const uint8_t* p) {
  Lanes<To> r;
  for (int i = 0; i < Lanes<To>::kCount; ++i) {
    Fr x;
    std::memcpy(&x, p + i * sizeof(Fr), sizeof(Fr));
    r.v[i] = x;
  }
  return Join(r);
}

}  // namespace wsbx::simd

#endif  // WSBX_RUNTIME_EXECUTE_SIMD_H_
