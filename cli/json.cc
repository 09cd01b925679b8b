// Recursive-descent JSON reader (json.h). It tracks line and column as it
// goes so every error points at the offending character; depth is capped so
// a hostile file cannot exhaust the stack.
#include "cli/json.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace wsbx {
namespace {

constexpr int kMaxDepth = 32;

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  absl::StatusOr<JsonValue> Document() {
    JsonValue v;
    if (absl::Status s = Value(0, &v); !s.ok()) return s;
    SkipSpace();
    if (pos_ < text_.size()) return Error("unexpected text after the value");
    return v;
  }

 private:
  absl::Status Error(std::string_view why) const {
    return absl::InvalidArgumentError(
        absl::StrFormat("line %d, column %d: %s", line_, column_, why));
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  void Advance() {
    if (text_[pos_++] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' ||
                        Peek() == '\r')) {
      Advance();
    }
  }
  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    for (size_t i = 0; i < word.size(); ++i) Advance();
    return true;
  }

  absl::Status Value(int depth, JsonValue* out) {
    SkipSpace();
    out->line = line_;
    out->column = column_;
    if (AtEnd()) return Error("unexpected end of input, expected a value");
    if (depth > kMaxDepth) return Error("nesting is too deep");
    char c = Peek();
    if (c == '{') return Object(depth, out);
    if (c == '[') return Array(depth, out);
    if (c == '"') {
      out->kind = JsonValue::Kind::kString;
      return String(&out->text);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
    if (Literal("true") || Literal("false")) {
      out->kind = JsonValue::Kind::kBool;
      out->boolean = c == 't';
      return absl::OkStatus();
    }
    if (Literal("null")) return absl::OkStatus();
    return Error(absl::StrFormat("unexpected character '%c'", c));
  }

  absl::Status Object(int depth, JsonValue* out) {
    out->kind = JsonValue::Kind::kObject;
    Advance();  // {
    SkipSpace();
    if (!AtEnd() && Peek() == '}') {
      Advance();
      return absl::OkStatus();
    }
    while (true) {
      SkipSpace();
      if (AtEnd() || Peek() != '"') return Error("expected a string key");
      std::string key;
      const size_t key_line = line_, key_column = column_;
      if (absl::Status s = String(&key); !s.ok()) return s;
      for (const auto& member : out->members) {
        if (member.first == key) {
          line_ = key_line;
          column_ = key_column;
          return Error("duplicate key \"" + key + "\"");
        }
      }
      SkipSpace();
      if (AtEnd() || Peek() != ':') return Error("expected ':' after a key");
      Advance();
      JsonValue v;
      if (absl::Status s = Value(depth + 1, &v); !s.ok()) return s;
      v.key_line = key_line;
      v.key_column = key_column;
      out->members.push_back(JsonMember{std::move(key), std::move(v)});
      SkipSpace();
      if (!AtEnd() && Peek() == ',') {
        Advance();
        continue;
      }
      if (!AtEnd() && Peek() == '}') {
        Advance();
        return absl::OkStatus();
      }
      return Error("expected ',' or '}' in an object");
    }
  }

  absl::Status Array(int depth, JsonValue* out) {
    out->kind = JsonValue::Kind::kArray;
    Advance();  // [
    SkipSpace();
    if (!AtEnd() && Peek() == ']') {
      Advance();
      return absl::OkStatus();
    }
    while (true) {
      JsonValue v;
      if (absl::Status s = Value(depth + 1, &v); !s.ok()) return s;
      out->items.push_back(std::move(v));
      SkipSpace();
      if (!AtEnd() && Peek() == ',') {
        Advance();
        continue;
      }
      if (!AtEnd() && Peek() == ']') {
        Advance();
        return absl::OkStatus();
      }
      return Error("expected ',' or ']' in an array");
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as text.
  absl::Status Number(JsonValue* out) {
    out->kind = JsonValue::Kind::kNumber;
    const size_t start = pos_;
    auto digits = [&] {
      size_t n = 0;
      for (; !AtEnd() && Peek() >= '0' && Peek() <= '9'; ++n) Advance();
      return n;
    };
    if (Peek() == '-') Advance();
    if (!AtEnd() && Peek() == '0') {
      Advance();
    } else if (digits() == 0) {
      return Error("expected a digit");
    }
    if (!AtEnd() && Peek() == '.') {
      Advance();
      if (digits() == 0) return Error("expected a digit after '.'");
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      Advance();
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) Advance();
      if (digits() == 0) return Error("expected a digit in the exponent");
    }
    out->text = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  // Four hex digits of a \u escape.
  absl::Status Hex4(uint32_t* out) {
    *out = 0;
    for (int i = 0; i < 4; ++i) {
      if (AtEnd()) return Error("unterminated \\u escape");
      char c = Peek();
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return Error("expected a hex digit in a \\u escape");
      *out = *out * 16 + d;
      Advance();
    }
    return absl::OkStatus();
  }

  // After "\u": one code point (a surrogate pair counts as one), as UTF-8.
  absl::Status Unicode(std::string* out) {
    uint32_t cp;
    if (absl::Status s = Hex4(&cp); !s.ok()) return s;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("lone low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low;
      if (!Literal("\\u")) return Error("high surrogate without a low one");
      if (absl::Status s = Hex4(&low); !s.ok()) return s;
      if (low < 0xDC00 || low > 0xDFFF) return Error("invalid surrogate pair");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return absl::OkStatus();
  }

  absl::Status String(std::string* out) {
    Advance();  // opening quote
    while (true) {
      if (AtEnd()) return Error("unterminated string");
      char c = Peek();
      if (c == '"') {
        Advance();
        return absl::OkStatus();
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return Error("control character in a string (escape it)");
      }
      Advance();
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (AtEnd()) return Error("unterminated string");
      char e = Peek();
      Advance();
      switch (e) {
        case '"': case '\\': case '/': out->push_back(e); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u':
          if (absl::Status s = Unicode(out); !s.ok()) return s;
          break;
        default:
          return Error(absl::StrFormat("invalid escape '\\%c'", e));
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t column_ = 1;
};

}  // namespace

std::string_view JsonKindName(JsonValue::Kind kind) {
  switch (kind) {
    case JsonValue::Kind::kNull: return "null";
    case JsonValue::Kind::kBool: return "a boolean";
    case JsonValue::Kind::kNumber: return "a number";
    case JsonValue::Kind::kString: return "a string";
    case JsonValue::Kind::kArray: return "an array";
    case JsonValue::Kind::kObject: return "an object";
  }
  return "a value";
}

absl::StatusOr<JsonValue> ParseJson(std::string_view text) {
  return Reader(text).Document();
}

}  // namespace wsbx
