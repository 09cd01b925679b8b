// Matching expected results against actual values, and describing both
// for failure messages. Values come from the .wast reader (wast.cc); this
// file knows nothing of the script syntax.
#include "spec-tests/script.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wsbx::spec {
namespace {

// This Abseil's string_view is its own type, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string DescribeBits(ValType type, uint64_t bits) {
  return ValueToString(Value{type, bits, 0});
}

// Lane by lane when float lanes carry NaN patterns, else all 128 bits.
bool MatchesV128(const ScriptValue& expected, const Value& got) {
  if (expected.lane_type != ValType::kF32 &&
      expected.lane_type != ValType::kF64) {
    return got.bits == expected.bits && got.hi == expected.hi;
  }
  const int lane_bits = 8 * expected.lane_bytes;
  const uint64_t mask =
      lane_bits == 64 ? UINT64_MAX : (uint64_t{1} << lane_bits) - 1;
  for (int i = 0; i < 128 / lane_bits; ++i) {
    const int bit = i * lane_bits;
    const uint64_t got_lane =
        ((bit < 64 ? got.bits : got.hi) >> (bit % 64)) & mask;
    const uint64_t want_lane =
        ((bit < 64 ? expected.bits : expected.hi) >> (bit % 64)) & mask;
    ScriptValue lane;
    lane.type = expected.lane_type;
    lane.bits = want_lane;
    lane.nan = expected.lane_nan[i];
    if (!Matches(lane, Value{expected.lane_type, got_lane, 0})) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Value> ToArgument(const ScriptValue& v) {
  if (!v.unsupported.empty()) {
    return absl::UnimplementedError(absl::StrCat(
        "the engine has no type for the argument ", v.unsupported));
  }
  if (!v.either.empty() || v.any_ref_type) {
    return absl::InvalidArgumentError("a result pattern is not an argument");
  }
  for (NanPattern p : v.lane_nan) {
    if (p != NanPattern::kNone) {
      return absl::InvalidArgumentError("a NaN pattern is not an argument");
    }
  }
  if (v.type == ValType::kV128) return Value{v.type, v.bits, v.hi};
  if (v.nan != NanPattern::kNone) {
    return absl::InvalidArgumentError("a NaN pattern is not an argument");
  }
  if (v.any_non_null) {
    return absl::UnimplementedError(
        "a non-null funcref argument cannot be created by the runner");
  }
  return Value{v.type, v.bits, 0};
}

bool Matches(const ScriptValue& expected, const Value& got) {
  if (!expected.either.empty()) {
    for (const ScriptValue& alternative : expected.either) {
      if (Matches(alternative, got)) return true;
    }
    return false;
  }
  if (!expected.unsupported.empty()) return false;
  if (expected.any_ref_type) return IsRefType(got.type) && got.bits == kNullRef;
  if (got.type != expected.type) return false;
  if (expected.type == ValType::kV128) return MatchesV128(expected, got);
  if (expected.any_non_null) return got.bits != kNullRef;
  if (expected.type == ValType::kF32) {
    const uint32_t b = static_cast<uint32_t>(got.bits);
    switch (expected.nan) {
      case NanPattern::kCanonical:
        return (b & 0x7FFFFFFFu) == 0x7FC00000u;
      case NanPattern::kArithmetic:
        return (b & 0x7FC00000u) == 0x7FC00000u;
      case NanPattern::kNone:
        return b == expected.bits;
    }
  }
  if (expected.type == ValType::kF64) {
    constexpr uint64_t kQuiet = 0x7FF8000000000000u;
    switch (expected.nan) {
      case NanPattern::kCanonical:
        return (got.bits & 0x7FFFFFFFFFFFFFFFu) == kQuiet;
      case NanPattern::kArithmetic:
        return (got.bits & kQuiet) == kQuiet;
      case NanPattern::kNone:
        return got.bits == expected.bits;
    }
  }
  if (expected.type == ValType::kI32) {
    return static_cast<uint32_t>(got.bits) == expected.bits;
  }
  return got.bits == expected.bits;
}

std::string DescribeExpected(const ScriptValue& v) {
  if (!v.either.empty()) {
    std::vector<std::string> parts;
    for (const ScriptValue& a : v.either) parts.push_back(DescribeExpected(a));
    return absl::StrCat("either(", absl::StrJoin(parts, " "), ")");
  }
  if (!v.unsupported.empty()) {
    return absl::StrCat(v.unsupported, " (no such type in the engine)");
  }
  if (v.any_ref_type) return "ref:null";
  const std::string prefix = absl::StrCat(Sv(ValTypeName(v.type)), ":");
  if (v.type == ValType::kV128) {
    std::string s = ValueToString(Value{v.type, v.bits, v.hi});
    for (int i = 0; i < 4; ++i) {
      if (v.lane_nan[i] == NanPattern::kCanonical) {
        absl::StrAppend(&s, " lane ", i, " nan:canonical");
      } else if (v.lane_nan[i] == NanPattern::kArithmetic) {
        absl::StrAppend(&s, " lane ", i, " nan:arithmetic");
      }
    }
    return s;
  }
  if (v.nan == NanPattern::kCanonical) return prefix + "nan:canonical";
  if (v.nan == NanPattern::kArithmetic) return prefix + "nan:arithmetic";
  if (v.any_non_null) return prefix + "non-null";
  if (v.type == ValType::kExternRef && v.bits != kNullRef) {
    return absl::StrCat(prefix, v.bits - 1);
  }
  return DescribeBits(v.type, v.bits);
}

std::string DescribeValues(const std::vector<Value>& values) {
  std::vector<std::string> parts;
  for (const Value& v : values) {
    if (v.type == ValType::kExternRef && v.bits != kNullRef) {
      parts.push_back(absl::StrCat("externref:", v.bits - 1));
    } else {
      parts.push_back(ValueToString(v));
    }
  }
  return absl::StrCat("(", absl::StrJoin(parts, " "), ")");
}

std::string DescribeExpectedList(const std::vector<ScriptValue>& values) {
  std::vector<std::string> parts;
  for (const ScriptValue& v : values) parts.push_back(DescribeExpected(v));
  return absl::StrCat("(", absl::StrJoin(parts, " "), ")");
}

}  // namespace wsbx::spec
