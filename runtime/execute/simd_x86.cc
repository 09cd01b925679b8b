// x86 forms of the SIMD byte permutations (simd.h), built with the SSSE3
// target attribute so the rest of the runtime keeps the baseline target;
// simd.h calls them only when the CPU reports SSSE3.
#include "runtime/execute/simd.h"

#ifdef WSBX_SIMD_X86

#include <tmmintrin.h>

namespace wsbx::simd {
namespace {

__attribute__((target("ssse3"))) __m128i LoadM(const uint64_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

}  // namespace

bool CpuHasSsse3() { return __builtin_cpu_supports("ssse3"); }

// pshufb zeroes lanes whose index has bit 7 set: for a, indices 16-31 get
// that bit; for b, indices 0-15 wrap to 0xF0-0xFF after subtracting 16.
__attribute__((target("ssse3"))) void ShuffleSsse3(const uint64_t* a,
                                                   const uint64_t* b,
                                                   const uint64_t* lanes,
                                                   uint64_t* out) {
  const __m128i idx = LoadM(lanes);
  const __m128i from_b = _mm_cmpgt_epi8(idx, _mm_set1_epi8(15));
  const __m128i ra = _mm_shuffle_epi8(LoadM(a), _mm_or_si128(idx, from_b));
  const __m128i rb =
      _mm_shuffle_epi8(LoadM(b), _mm_sub_epi8(idx, _mm_set1_epi8(16)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_or_si128(ra, rb));
}

// Saturating +0x70 sets bit 7 exactly for indices of 16 and above.
__attribute__((target("ssse3"))) void SwizzleSsse3(const uint64_t* a,
                                                   const uint64_t* s,
                                                   uint64_t* out) {
  const __m128i idx = _mm_adds_epu8(LoadM(s), _mm_set1_epi8(0x70));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                   _mm_shuffle_epi8(LoadM(a), idx));
}

}  // namespace wsbx::simd

#endif  // WSBX_SIMD_X86
