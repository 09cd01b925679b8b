// Parsing and printing of CLI values; every malformed input is an error
// naming the text and the expected type or form.
#include "cli/args.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace wsbx {
namespace {

absl::Status BadArg(std::string_view text, ValType type) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "cannot parse '%s' as %s", text, ValTypeName(type)));
}

// Parses a whole integer; accepts values in [min_signed, max_unsigned].
absl::StatusOr<uint64_t> ParseInt(std::string_view text, int bits,
                                  ValType type) {
  std::string s(text);
  if (s.empty()) return BadArg(text, type);
  bool negative = s[0] == '-';
  const char* begin = s.c_str() + (negative || s[0] == '+' ? 1 : 0);
  int base = 10;
  if (std::strncmp(begin, "0x", 2) == 0 || std::strncmp(begin, "0X", 2) == 0) {
    base = 16;
    begin += 2;
  }
  if (*begin == '\0' || *begin == '-' || *begin == '+') return BadArg(text, type);
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(begin, s.c_str() + s.size(), magnitude, base);
  if (ec != std::errc() || *end != '\0') return BadArg(text, type);
  uint64_t max_unsigned = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  uint64_t max_negative = uint64_t{1} << (bits - 1);
  if (negative ? magnitude > max_negative : magnitude > max_unsigned) {
    return BadArg(text, type);
  }
  uint64_t value = negative ? ~magnitude + 1 : magnitude;
  return value & max_unsigned;
}

absl::StatusOr<double> ParseDouble(std::string_view text, ValType type) {
  std::string s(text);
  if (s.empty()) return BadArg(text, type);
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (*end != '\0') return BadArg(text, type);
  return d;
}

// "nan:0xBITS", as FormatResult prints a NaN: the value's raw bits, which
// must be a NaN's. Nullopt when `text` is not of that form.
std::optional<absl::StatusOr<uint64_t>> ParseNanBits(std::string_view text,
                                                     ValType type) {
  if (!text.starts_with("nan:0x")) return std::nullopt;
  const int bits = type == ValType::kF32 ? 32 : 64;
  const std::string_view hex = text.substr(6);
  uint64_t raw = 0;
  auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), raw, 16);
  const uint64_t exponent = bits == 32 ? 0x7f800000u : 0x7ff0000000000000u;
  const uint64_t all = bits == 32 ? 0xffffffffu : ~uint64_t{0};
  if (hex.empty() || ec != std::errc() || end != hex.data() + hex.size() ||
      raw > all || (raw & exponent) != exponent || (raw & ~exponent & (all >> 1)) == 0) {
    return absl::StatusOr<uint64_t>(BadArg(text, type));
  }
  return absl::StatusOr<uint64_t>(raw);
}

}  // namespace

absl::StatusOr<Value> ParseArg(std::string_view text, ValType type) {
  switch (type) {
    case ValType::kI32: {
      auto v = ParseInt(text, 32, type);
      if (!v.ok()) return v.status();
      return Value::I32(static_cast<uint32_t>(*v));
    }
    case ValType::kI64: {
      auto v = ParseInt(text, 64, type);
      if (!v.ok()) return v.status();
      return Value::I64(*v);
    }
    case ValType::kF32: {
      if (auto nan = ParseNanBits(text, type)) {
        if (!nan->ok()) return nan->status();
        return Value::F32Bits(static_cast<uint32_t>(**nan));
      }
      auto d = ParseDouble(text, type);
      if (!d.ok()) return d.status();
      // strtof rounds once from the decimal text, unlike a double round trip.
      return Value::F32(std::strtof(std::string(text).c_str(), nullptr));
    }
    case ValType::kF64: {
      if (auto nan = ParseNanBits(text, type)) {
        if (!nan->ok()) return nan->status();
        return Value::F64Bits(**nan);
      }
      auto d = ParseDouble(text, type);
      if (!d.ok()) return d.status();
      return Value::F64(*d);
    }
    case ValType::kFuncRef:
    case ValType::kExternRef:
      if (text == "null") return Value::Ref(type, kNullRef);
      return BadArg(text, type);
    case ValType::kV128:
      break;
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "arguments of type %s are not supported on the command line",
      ValTypeName(type)));
}

std::string FormatResult(const Value& v) {
  switch (v.type) {
    case ValType::kI32:
      return absl::StrFormat("%d", static_cast<int32_t>(v.i32()));
    case ValType::kI64:
      return absl::StrFormat("%d", static_cast<int64_t>(v.i64()));
    case ValType::kF32: {
      if (std::isnan(v.f32())) return absl::StrFormat("nan:0x%08x", v.i32());
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, v.f32());
      return std::string(buf, res.ptr);
    }
    case ValType::kF64: {
      if (std::isnan(v.f64())) return absl::StrFormat("nan:0x%016x", v.i64());
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, v.f64());
      return std::string(buf, res.ptr);
    }
    case ValType::kFuncRef:
    case ValType::kExternRef:
      return v.bits == kNullRef ? "null" : "ref";
    case ValType::kV128:
      return absl::StrFormat("v128:0x%016x%016x", v.hi, v.bits);
  }
  return "?";
}

absl::StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  // The unit: the longest suffix of letters; K, M and G are powers of 1024
  // whether written K, KB or KiB (any case), B is bytes.
  size_t unit_at = text.size();
  while (unit_at > 0 && absl::ascii_isalpha(text[unit_at - 1])) --unit_at;
  const std::string_view digits = text.substr(0, unit_at);
  const std::string unit = absl::AsciiStrToLower(std::string(text.substr(unit_at)));
  uint64_t n = 0;
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), n);
  const bool number = !digits.empty() && ec == std::errc() &&
                      end == digits.data() + digits.size();
  if (number && unit.empty() && n != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "'%s' has no unit: add one, e.g. %sM (K, M, G: powers of 1024)", text,
        text));
  }
  int shift = -1;
  if (unit.empty() || unit == "b") {
    shift = 0;
  } else if (unit.size() <= 3 && (unit.size() == 1 || unit.substr(1) == "b" ||
                                  unit.substr(1) == "ib")) {
    const size_t at = std::string_view("kmg").find(unit[0]);
    if (at != std::string_view::npos) shift = 10 * static_cast<int>(at + 1);
  }
  if (!number || shift < 0 || n > (~uint64_t{0} >> shift)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cannot parse size '%s' (expected a whole number with K, M or G, "
        "e.g. 64M, 64MiB, 4G)",
        text));
  }
  return n << shift;
}

absl::StatusOr<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cannot parse duration '%s' (expected a positive number with ms, s, "
        "m or h, e.g. 250ms, 2s, 1.5m, 1h)",
        text));
  };
  std::string_view number = text;
  uint64_t unit_ns = 0;
  if (number.ends_with("ms")) {
    unit_ns = 1000000;
    number.remove_suffix(2);
  } else if (number.ends_with("s")) {
    unit_ns = 1000000000;
    number.remove_suffix(1);
  } else if (number.ends_with("m")) {
    unit_ns = 60000000000;
    number.remove_suffix(1);
  } else if (number.ends_with("h")) {
    unit_ns = 3600000000000;
    number.remove_suffix(1);
  } else if (!number.empty() &&
             number.find_first_not_of("0123456789.") == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "'%s' has no unit: add one, e.g. %ss (ms, s, m or h)", text, text));
  } else {
    return bad();
  }
  size_t dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view frac =
      dot == std::string_view::npos ? std::string_view() : number.substr(dot + 1);
  if (whole.empty() || (dot != std::string_view::npos && frac.empty())) {
    return bad();
  }
  constexpr uint64_t kMaxNs = uint64_t{30} * 24 * 3600 * 1000000000;
  uint64_t w = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), w);
  if (ec != std::errc() || end != whole.data() + whole.size() ||
      w > kMaxNs / unit_ns) {
    return bad();
  }
  uint64_t ns = w * unit_ns;
  // Fraction digits beyond nanoseconds are ignored, but must be digits.
  uint64_t scale = unit_ns;
  for (char c : frac) {
    if (c < '0' || c > '9') return bad();
    scale /= 10;
    ns += static_cast<uint64_t>(c - '0') * scale;
  }
  if (ns == 0 || ns > kMaxNs) return bad();
  return std::chrono::nanoseconds(static_cast<int64_t>(ns));
}

absl::StatusOr<uint64_t> ParseCount(std::string_view text, uint64_t min,
                                    uint64_t max) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      n < min || n > max) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cannot parse '%s' (expected a whole number from %d to %d)", text, min,
        max));
  }
  return n;
}

}  // namespace wsbx
