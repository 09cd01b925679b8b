// Lexer for the text format: one left-to-right scan that tracks line:column,
// drops white space, comments (line and nested block) and annotations, and
// classifies each run of id characters as keyword, id, number or reserved.
// The source is UTF-8 (spec 6.3): non-ASCII text may stand only in strings
// and comments, and must be well-formed there.
#include "text/lexer.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wsbx::text {
namespace {

bool IsIdChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z')) {
    return true;
  }
  return std::strchr("!#$%&'*+-./:<=>?@\\^_`|~", c) != nullptr && c != '\0';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsDigit(char c, bool hex) {
  return hex ? HexValue(c) >= 0 : (c >= '0' && c <= '9');
}

// Digits with single `_` separators between them, from s[*pos]. False when
// there is no digit or a separator is misplaced.
bool ScanDigits(std::string_view s, size_t* pos, bool hex) {
  size_t p = *pos;
  if (p >= s.size() || !IsDigit(s[p], hex)) return false;
  while (p < s.size()) {
    if (IsDigit(s[p], hex)) {
      ++p;
    } else if (s[p] == '_' && p + 1 < s.size() && IsDigit(s[p + 1], hex)) {
      p += 2;
    } else {
      break;
    }
  }
  *pos = p;
  return true;
}

size_t SkipSign(std::string_view s) {
  return !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
}

bool HasHexPrefix(std::string_view s, size_t p) {
  return s.size() >= p + 2 && s[p] == '0' && s[p + 1] == 'x';
}

// sign? (num | 0x hexnum)
bool IsIntegerText(std::string_view s) {
  size_t p = SkipSign(s);
  const bool hex = HasHexPrefix(s, p);
  if (hex) p += 2;
  return ScanDigits(s, &p, hex) && p == s.size();
}

bool IsFloatKeyword(std::string_view s) {
  if (s == "inf" || s == "nan") return true;
  if (s.substr(0, 6) != "nan:0x") return false;
  size_t p = 6;
  return ScanDigits(s, &p, true) && p == s.size();
}

// sign? (num (. num?)? (e sign? num)? | 0x hexnum (. hexnum?)? (p ...)?
// | inf | nan | nan:0x hexnum), integers included.
bool IsFloatText(std::string_view s) {
  size_t p = SkipSign(s);
  if (IsFloatKeyword(s.substr(p))) return true;
  const bool hex = HasHexPrefix(s, p);
  if (hex) p += 2;
  if (!ScanDigits(s, &p, hex)) return false;
  if (p < s.size() && s[p] == '.') {
    ++p;
    if (p < s.size() && IsDigit(s[p], hex)) {
      if (!ScanDigits(s, &p, hex)) return false;
    }
  }
  if (p < s.size() && (hex ? (s[p] == 'p' || s[p] == 'P')
                           : (s[p] == 'e' || s[p] == 'E'))) {
    ++p;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
    if (!ScanDigits(s, &p, false)) return false;
  }
  return p == s.size();
}

std::string WithoutUnderscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

// The magnitude of an unsigned integer text (no sign), nullopt on overflow.
std::optional<uint64_t> Magnitude(std::string_view s) {
  const bool hex = HasHexPrefix(s, 0);
  uint64_t v = 0;
  const uint64_t base = hex ? 16 : 10;
  for (size_t i = hex ? 2 : 0; i < s.size(); ++i) {
    if (s[i] == '_') continue;
    const uint64_t d = static_cast<uint64_t>(HexValue(s[i]));
    if (v > (UINT64_MAX - d) / base) return std::nullopt;
    v = v * base + d;
  }
  return v;
}

// A float's bits for the given format: `mant_bits` fraction bits.
template <typename Bits>
std::optional<Bits> FloatKeywordBits(std::string_view s, int mant_bits,
                                     int exp_bits) {
  const bool neg = !s.empty() && s[0] == '-';
  const std::string_view body = s.substr(SkipSign(s));
  const Bits sign = neg ? Bits{1} << (mant_bits + exp_bits) : 0;
  const Bits exp_all = ((Bits{1} << exp_bits) - 1) << mant_bits;
  if (body == "inf") return sign | exp_all;
  if (body == "nan") return sign | exp_all | (Bits{1} << (mant_bits - 1));
  std::optional<uint64_t> payload = Magnitude(body.substr(4));
  if (!payload || *payload == 0 || *payload >= (uint64_t{1} << mant_bits)) {
    return std::nullopt;
  }
  return sign | exp_all | static_cast<Bits>(*payload);
}

}  // namespace

absl::Status ErrorAt(const Token& at, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%d:%d: %s", at.line, at.col, what));
}

std::optional<uint64_t> ParseUnsigned(std::string_view text, int bits) {
  if (!IsIntegerText(text) || SkipSign(text) != 0) return std::nullopt;
  std::optional<uint64_t> v = Magnitude(text);
  if (!v || (bits < 64 && *v >> bits != 0)) return std::nullopt;
  return v;
}

std::optional<uint64_t> ParseInteger(std::string_view text, int bits) {
  if (!IsIntegerText(text)) return std::nullopt;
  const size_t sign = SkipSign(text);
  std::optional<uint64_t> v = Magnitude(text.substr(sign));
  if (!v) return std::nullopt;
  const uint64_t mask = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  if (sign != 0 && text[0] == '-') {
    if (*v > (uint64_t{1} << (bits - 1))) return std::nullopt;
    return (~*v + 1) & mask;
  }
  if (*v > mask) return std::nullopt;
  return v;
}

std::optional<uint32_t> ParseF32(std::string_view text) {
  if (!IsFloatText(text)) return std::nullopt;
  if (IsFloatKeyword(text.substr(SkipSign(text)))) {
    return FloatKeywordBits<uint32_t>(text, 23, 8);
  }
  const std::string clean = WithoutUnderscores(text);
  const float f = std::strtof(clean.c_str(), nullptr);
  if (std::isinf(f)) return std::nullopt;
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

std::optional<uint64_t> ParseF64(std::string_view text) {
  if (!IsFloatText(text)) return std::nullopt;
  if (IsFloatKeyword(text.substr(SkipSign(text)))) {
    return FloatKeywordBits<uint64_t>(text, 52, 11);
  }
  const std::string clean = WithoutUnderscores(text);
  const double d = std::strtod(clean.c_str(), nullptr);
  if (std::isinf(d)) return std::nullopt;
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

size_t Utf8Length(std::string_view s, size_t i) {
  const uint8_t c = static_cast<uint8_t>(s[i]);
  int n = 0;
  uint32_t cp = 0;
  if (c < 0x80) {
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 1, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n >= s.size()) return 0;
  for (int k = 1; k <= n; ++k) {
    const uint8_t b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) ||
      (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
    return 0;
  }
  return n + 1;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0, n = 0; i < s.size(); i += n) {
    n = Utf8Length(s, i);
    if (n == 0) return false;
  }
  return true;
}

namespace {

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  absl::StatusOr<std::vector<Token>> Run();

 private:
  Token Start(size_t at);
  absl::Status Error(size_t at, std::string_view what);
  absl::Status SkipChar();
  absl::Status SkipLineComment();
  absl::Status SkipBlockComment();
  absl::Status SkipAnnotation();
  absl::Status ReadAnnotationId();
  absl::Status IllegalCharacter(size_t at);
  absl::Status ReadString(std::string* out);
  absl::Status ReadEscape(std::string* out);
  absl::Status ReadAtom(std::vector<Token>* out);
  void Classify(Token* t);

  std::string_view src_;
  size_t pos_ = 0;
  // Line bookkeeping, advanced lazily up to the offsets asked for.
  size_t mark_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

Token Lexer::Start(size_t at) {
  for (; mark_ < at; ++mark_) {
    const char c = src_[mark_];
    const bool crlf = c == '\r' && mark_ + 1 < src_.size() &&
                      src_[mark_ + 1] == '\n';
    if (c == '\n' || (c == '\r' && !crlf)) {
      ++line_;
      line_start_ = mark_ + 1;
    }
  }
  Token t;
  t.line = line_;
  t.col = static_cast<uint32_t>(at - line_start_ + 1);
  return t;
}

absl::Status Lexer::Error(size_t at, std::string_view what) {
  return ErrorAt(Start(at), what);
}

// One character of a comment: any Unicode character, well-formed UTF-8.
absl::Status Lexer::SkipChar() {
  const size_t n = Utf8Length(src_, pos_);
  if (n == 0) return Error(pos_, "malformed UTF-8 encoding");
  pos_ += n;
  return absl::OkStatus();
}

// `;;` up to the end of the line: LF, CR or the end of the source.
absl::Status Lexer::SkipLineComment() {
  while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') {
    if (absl::Status s = SkipChar(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Lexer::SkipBlockComment() {
  const size_t start = pos_;
  int depth = 0;
  while (pos_ + 1 < src_.size()) {
    if (src_[pos_] == '(' && src_[pos_ + 1] == ';') {
      ++depth;
      pos_ += 2;
    } else if (src_[pos_] == ';' && src_[pos_ + 1] == ')') {
      pos_ += 2;
      if (--depth == 0) return absl::OkStatus();
    } else if (absl::Status s = SkipChar(); !s.ok()) {
      return s;
    }
  }
  return Error(start, "unterminated block comment");
}

absl::Status Lexer::IllegalCharacter(size_t at) {
  const size_t n = Utf8Length(src_, at);
  if (n == 0) return Error(at, "malformed UTF-8 encoding");
  uint32_t cp = static_cast<uint8_t>(src_[at]);
  if (n > 1) {
    cp &= 0x7F >> n;
    for (size_t k = 1; k < n; ++k) {
      cp = (cp << 6) | (static_cast<uint8_t>(src_[at + k]) & 0x3F);
    }
  }
  return Error(at, absl::StrFormat("illegal character U+%04X", cp));
}

// After `(@`: idchar+ or a string that is a name (non-empty UTF-8).
absl::Status Lexer::ReadAnnotationId() {
  const size_t start = pos_;
  if (pos_ < src_.size() && src_[pos_] == '"') {
    std::string id;
    if (absl::Status s = ReadString(&id); !s.ok()) return s;
    if (id.empty()) return Error(start, "empty annotation id");
    if (!IsValidUtf8(id)) return Error(start, "malformed UTF-8 encoding");
    return absl::OkStatus();
  }
  while (pos_ < src_.size() && IsIdChar(src_[pos_])) ++pos_;
  if (pos_ == start) return Error(start, "empty annotation id");
  return absl::OkStatus();
}

// `(@id ...)`: balanced parentheses around tokens, white space and comments
// (the annotations appendix of the spec); the tokens are lexed and dropped.
absl::Status Lexer::SkipAnnotation() {
  const size_t start = pos_;
  pos_ += 2;
  if (absl::Status s = ReadAnnotationId(); !s.ok()) return s;
  int depth = 1;
  std::vector<Token> ignored;
  while (pos_ < src_.size()) {
    const char c = src_[pos_];
    const char next = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    absl::Status s;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++pos_;
    } else if (c == ';' && next == ';') {
      s = SkipLineComment();
    } else if (c == '(' && next == ';') {
      s = SkipBlockComment();
    } else if (c == '(') {
      ++pos_;
      ++depth;
    } else if (c == ')') {
      ++pos_;
      if (--depth == 0) return absl::OkStatus();
    } else {
      ignored.clear();
      s = ReadAtom(&ignored);
    }
    if (!s.ok()) return s;
  }
  return Error(start, "unterminated annotation");
}

absl::Status Lexer::ReadEscape(std::string* out) {
  const size_t at = pos_ - 1;
  if (pos_ >= src_.size()) return Error(at, "unterminated string");
  const char c = src_[pos_++];
  switch (c) {
    case 't': out->push_back('\t'); return absl::OkStatus();
    case 'n': out->push_back('\n'); return absl::OkStatus();
    case 'r': out->push_back('\r'); return absl::OkStatus();
    case '"': case '\'': case '\\': out->push_back(c); return absl::OkStatus();
    case 'u': break;
    default: {
      const int hi = HexValue(c);
      const int lo = pos_ < src_.size() ? HexValue(src_[pos_]) : -1;
      if (hi < 0 || lo < 0) return Error(at, "invalid escape in string");
      ++pos_;
      out->push_back(static_cast<char>(hi * 16 + lo));
      return absl::OkStatus();
    }
  }
  // \u{hexnum}: a Unicode scalar value, written as UTF-8.
  if (pos_ >= src_.size() || src_[pos_] != '{') {
    return Error(at, "invalid \\u escape in string");
  }
  size_t p = pos_ + 1;
  const size_t digits = p;
  if (!ScanDigits(src_, &p, true) || p >= src_.size() || src_[p] != '}') {
    return Error(at, "invalid \\u escape in string");
  }
  std::optional<uint64_t> cp =
      Magnitude(absl::StrCat("0x", std::string(src_.substr(digits, p - digits))));
  pos_ = p + 1;
  if (!cp || *cp >= 0x110000 || (*cp >= 0xD800 && *cp < 0xE000)) {
    return Error(at, "invalid Unicode scalar value in string");
  }
  const uint32_t v = static_cast<uint32_t>(*cp);
  if (v < 0x80) {
    out->push_back(static_cast<char>(v));
  } else if (v < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (v >> 6)));
    out->push_back(static_cast<char>(0x80 | (v & 0x3F)));
  } else if (v < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (v >> 12)));
    out->push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (v & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (v >> 18)));
    out->push_back(static_cast<char>(0x80 | ((v >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (v & 0x3F)));
  }
  return absl::OkStatus();
}

// A string from the opening quote at pos_; pos_ ends past the closing one.
absl::Status Lexer::ReadString(std::string* out) {
  const size_t start = pos_++;
  while (pos_ < src_.size()) {
    const unsigned char c = static_cast<unsigned char>(src_[pos_++]);
    if (c == '"') return absl::OkStatus();
    if (c == '\\') {
      if (absl::Status s = ReadEscape(out); !s.ok()) return s;
    } else if (c < 0x20 || c == 0x7F) {
      return Error(pos_ - 1, c == '\n' ? "unterminated string"
                                       : "control character in string");
    } else {
      const size_t n = Utf8Length(src_, pos_ - 1);
      if (n == 0) return Error(pos_ - 1, "malformed UTF-8 encoding");
      out->append(src_.substr(pos_ - 1, n));
      pos_ += n - 1;
    }
  }
  return Error(start, "unterminated string");
}

void Lexer::Classify(Token* t) {
  const std::string_view s = t->text;
  const char c = s[0];
  if (c == '$') {
    t->kind = s.size() > 1 ? TokenKind::kId : TokenKind::kReserved;
    t->value = std::string(s.substr(1));
  } else if (c >= 'a' && c <= 'z') {
    t->kind = IsFloatKeyword(s) ? TokenKind::kFloat : TokenKind::kKeyword;
  } else if (IsIntegerText(s)) {
    t->kind = SkipSign(s) != 0 ? TokenKind::kInt : TokenKind::kNat;
  } else if (IsFloatText(s)) {
    t->kind = TokenKind::kFloat;
  } else {
    t->kind = TokenKind::kReserved;
  }
}

// A run of id characters and strings up to white space, a parenthesis or a
// comment: a string alone, `$"name"`, or a classified id-character run.
absl::Status Lexer::ReadAtom(std::vector<Token>* out) {
  const size_t start = pos_;
  Token t = Start(start);
  int strings = 0;
  size_t string_start = 0;
  size_t string_end = 0;
  std::string value;
  while (pos_ < src_.size()) {
    const char c = src_[pos_];
    if (c == '"') {
      value.clear();
      string_start = pos_;
      if (absl::Status s = ReadString(&value); !s.ok()) return s;
      string_end = pos_;
      ++strings;
    } else if (IsIdChar(c) || c == ',' || c == '[' || c == ']' || c == '{' ||
               c == '}') {
      ++pos_;
    } else if (c == ';' && !(pos_ + 1 < src_.size() && src_[pos_ + 1] == ';')) {
      ++pos_;
    } else {
      break;
    }
  }
  if (pos_ == start) return IllegalCharacter(start);
  t.text = src_.substr(start, pos_ - start);
  const bool one_string = strings == 1 && string_end == pos_;
  if (one_string && string_start == start) {
    t.kind = TokenKind::kString;
    t.value = std::move(value);
  } else if (one_string && string_start == start + 1 && src_[start] == '$') {
    if (value.empty() || !IsValidUtf8(value)) {
      return Error(start, "invalid identifier");
    }
    t.kind = TokenKind::kId;
    t.value = std::move(value);
  } else if (strings > 0) {
    t.kind = TokenKind::kReserved;
  } else {
    bool plain = true;
    for (char c : t.text) plain = plain && IsIdChar(c);
    if (plain) {
      Classify(&t);
    } else {
      t.kind = TokenKind::kReserved;
    }
  }
  out->push_back(std::move(t));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Token>> Lexer::Run() {
  std::vector<Token> out;
  while (pos_ < src_.size()) {
    const char c = src_[pos_];
    const char next = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    absl::Status s;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++pos_;
    } else if (c == ';' && next == ';') {
      s = SkipLineComment();
    } else if (c == '(' && next == ';') {
      s = SkipBlockComment();
    } else if (c == '(' && next == '@') {
      s = SkipAnnotation();
    } else if (c == '(' || c == ')') {
      Token t = Start(pos_);
      t.kind = c == '(' ? TokenKind::kLParen : TokenKind::kRParen;
      t.text = src_.substr(pos_++, 1);
      out.push_back(std::move(t));
    } else {
      s = ReadAtom(&out);
    }
    if (!s.ok()) return s;
  }
  Token eof = Start(pos_);
  eof.kind = TokenKind::kEof;
  out.push_back(std::move(eof));
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view source) {
  return Lexer(source).Run();
}

}  // namespace wsbx::text
