// The .wast reader: paren matching over the whole token stream, then one
// CommandReader per top-level s-expression. A reader never looks past its
// command's closing paren, so an error in one command cannot take the next
// one with it. Names ("$M") keep their `$`, as actions refer to them.
#include "spec-tests/wast.h"

#include <charconv>
#include <cstdint>
#include <fstream>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/status_macros.h"
#include "text/lexer.h"
#include "text/wat.h"

namespace wsbx::spec {
namespace {

using text::Token;
using text::TokenKind;

constexpr size_t kNoMatch = std::numeric_limits<size_t>::max();

// This Abseil's string_view is its own type, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

struct CommandName {
  std::string_view name;
  CommandType type;
};

constexpr CommandName kCommandNames[] = {
    {"module", CommandType::kModule},
    {"register", CommandType::kRegister},
    {"invoke", CommandType::kAction},
    {"get", CommandType::kAction},
    {"assert_return", CommandType::kAssertReturn},
    {"assert_trap", CommandType::kAssertTrap},
    {"assert_exhaustion", CommandType::kAssertExhaustion},
    {"assert_exception", CommandType::kAssertException},
    {"assert_invalid", CommandType::kAssertInvalid},
    {"assert_malformed", CommandType::kAssertMalformed},
    {"assert_unlinkable", CommandType::kAssertUnlinkable},
    {"assert_uninstantiable", CommandType::kAssertUninstantiable},
};

// For each '(' the index of its ')', kNoMatch when it is never closed.
std::vector<size_t> MatchParens(std::span<const Token> toks) {
  std::vector<size_t> close(toks.size(), kNoMatch);
  std::vector<size_t> open;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind == TokenKind::kLParen) {
      open.push_back(i);
    } else if (toks[i].kind == TokenKind::kRParen && !open.empty()) {
      close[open.back()] = i;
      open.pop_back();
    }
  }
  return close;
}

// Reads one command, tokens [begin, end] with end its closing paren.
class CommandReader {
 public:
  CommandReader(std::span<const Token> toks, const std::vector<size_t>& close,
                size_t begin, size_t end)
      : toks_(toks), close_(close), pos_(begin), end_(end) {}

  absl::Status Read(Command& cmd);

 private:
  const Token& Peek(size_t ahead = 0) const {
    return toks_[pos_ + ahead < end_ ? pos_ + ahead : end_];
  }
  const Token& Next() { return toks_[pos_ < end_ ? pos_++ : end_]; }
  // At the ')' of the command or of a part of it (Peek never passes the
  // command's ')').
  bool AtClose() const { return Peek().kind == TokenKind::kRParen; }
  bool AtKeyword(std::string_view kw) const {
    return Peek().kind == TokenKind::kKeyword && Peek().text == kw;
  }
  bool AtLParenKeyword(std::string_view kw) const {
    return Peek().kind == TokenKind::kLParen && pos_ + 1 < end_ &&
           Peek(1).kind == TokenKind::kKeyword && Peek(1).text == kw;
  }
  absl::Status Unexpected(std::string_view expected) const {
    const Token& t = Peek();
    return text::ErrorAt(
        t, absl::StrCat("expected ", Sv(expected), ", got ",
                        t.kind == TokenKind::kRParen ? "')'" : Sv(t.text)));
  }
  absl::Status Expect(TokenKind kind, std::string_view what) {
    if (Peek().kind != kind) {
      return Unexpected(what);
    }
    Next();
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> ReadString();
  std::string ReadOptionalId();
  // The index of the ')' closing the '(' at pos_.
  size_t CloseOfHere() const { return close_[pos_]; }

  absl::Status ReadModuleCommand(Command& cmd);
  absl::Status ReadModule(Command& cmd, bool* definition);
  absl::Status ReadTextModule(ScriptModule& module, size_t begin, size_t close,
                              bool definition);
  absl::Status ReadModuleInstance(Command& cmd);
  absl::Status ReadRegister(Command& cmd);
  absl::Status ReadAction(Command& cmd);
  absl::Status ReadBody(Command& cmd);
  absl::StatusOr<ScriptValue> ReadValue(bool result);
  absl::Status ReadConst(std::string_view op, ScriptValue& v, bool result);
  absl::Status ReadRef(std::string_view op, ScriptValue& v, bool result);
  absl::Status ReadV128(ScriptValue& v, bool result);
  absl::StatusOr<uint64_t> ReadLane(ValType lane_type, int bits,
                                    NanPattern* nan, bool result);

  std::span<const Token> toks_;
  const std::vector<size_t>& close_;
  size_t pos_;
  size_t end_;
};

absl::StatusOr<std::string> CommandReader::ReadString() {
  if (Peek().kind != TokenKind::kString) {
    return Unexpected("a string");
  }
  return Next().value;
}

std::string CommandReader::ReadOptionalId() {
  if (Peek().kind != TokenKind::kId) return "";
  return absl::StrCat("$", Next().value);
}

absl::Status CommandReader::Read(Command& cmd) {
  Next();  // '('
  const Token& kw = Peek();
  if (kw.kind != TokenKind::kKeyword) return Unexpected("a command");
  cmd.type_name = std::string(kw.text);
  for (const CommandName& c : kCommandNames) {
    if (c.name == kw.text) cmd.type = c.type;
  }
  switch (cmd.type) {
    case CommandType::kModule:
      pos_--;  // the module reader starts at its '('
      WSBX_RETURN_IF_ERROR(ReadModuleCommand(cmd));
      return absl::OkStatus();
    case CommandType::kAction:
      pos_--;
      return ReadAction(cmd);
    case CommandType::kRegister:
      Next();
      WSBX_RETURN_IF_ERROR(ReadRegister(cmd));
      break;
    case CommandType::kUnknown:
      return text::ErrorAt(kw, absl::StrCat("unknown command ", Sv(kw.text)));
    default:
      Next();
      WSBX_RETURN_IF_ERROR(ReadBody(cmd));
      break;
  }
  return Expect(TokenKind::kRParen, "')'");
}

// (module ...), (module definition ...), (module instance ...).
absl::Status CommandReader::ReadModuleCommand(Command& cmd) {
  if (Peek(2).kind == TokenKind::kKeyword && Peek(2).text == "instance") {
    cmd.type = CommandType::kModuleInstance;
    return ReadModuleInstance(cmd);
  }
  bool definition = false;
  WSBX_RETURN_IF_ERROR(ReadModule(cmd, &definition));
  if (definition) cmd.type = CommandType::kModuleDefinition;
  if (!cmd.module->text_error.empty()) {
    return absl::InvalidArgumentError(cmd.module->text_error);
  }
  return absl::OkStatus();
}

absl::Status CommandReader::ReadModuleInstance(Command& cmd) {
  Next();  // '('
  Next();  // module
  Next();  // instance
  cmd.name = ReadOptionalId();
  cmd.definition = ReadOptionalId();
  return Expect(TokenKind::kRParen, "')'");
}

// A module at pos_: text, `binary "..."*` or `quote "..."*`, with an
// optional `definition` and `$name`. Leaves pos_ after its ')'.
absl::Status CommandReader::ReadModule(Command& cmd, bool* definition) {
  if (!AtLParenKeyword("module")) return Unexpected("(module ...)");
  const size_t begin = pos_;
  const size_t close = CloseOfHere();
  Next();
  Next();
  if (AtKeyword("definition")) {
    Next();
    *definition = true;
  }
  cmd.name = ReadOptionalId();
  ScriptModule& module = cmd.module.emplace();
  if (AtKeyword("binary") || AtKeyword("quote")) {
    module.quoted = Next().text == "quote";
    std::string data;
    while (Peek().kind == TokenKind::kString && pos_ < close) {
      data += Next().value;
    }
    if (pos_ != close) return Unexpected("a string or ')'");
    Next();
    if (!module.quoted) {
      module.bytes.assign(data.begin(), data.end());
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<uint8_t>> bytes = text::WatToWasm(data);
    if (bytes.ok()) {
      module.bytes = std::move(*bytes);
    } else {
      module.text_error =
          absl::StrCat("in the quoted module: ", bytes.status().message());
    }
    return absl::OkStatus();
  }
  return ReadTextModule(module, begin, close, *definition);
}

// The text parser reads `(module $id? field*)` itself; with `definition`
// in the header it gets the fields alone.
absl::Status CommandReader::ReadTextModule(ScriptModule& module, size_t begin,
                                           size_t close, bool definition) {
  const std::span<const Token> range =
      definition ? toks_.subspan(pos_, close - pos_)
                 : toks_.subspan(begin, close + 1 - begin);
  pos_ = close;
  Next();
  absl::StatusOr<std::vector<uint8_t>> bytes = text::TokensToWasm(range);
  if (bytes.ok()) {
    module.bytes = std::move(*bytes);
  } else {
    module.text_error = std::string(bytes.status().message());
  }
  return absl::OkStatus();
}

absl::Status CommandReader::ReadRegister(Command& cmd) {
  WSBX_ASSIGN_OR_RETURN(cmd.as, ReadString());
  cmd.name = ReadOptionalId();
  return absl::OkStatus();
}

// (invoke $M? "name" arg*) or (get $M? "name").
absl::Status CommandReader::ReadAction(Command& cmd) {
  if (Peek().kind != TokenKind::kLParen) return Unexpected("an action");
  Next();
  Action& action = cmd.action.emplace();
  if (AtKeyword("invoke")) {
    action.type = ActionType::kInvoke;
  } else if (AtKeyword("get")) {
    action.type = ActionType::kGet;
  } else {
    return Unexpected("invoke or get");
  }
  Next();
  action.module = ReadOptionalId();
  WSBX_ASSIGN_OR_RETURN(action.field, ReadString());
  while (action.type == ActionType::kInvoke &&
         Peek().kind == TokenKind::kLParen) {
    WSBX_ASSIGN_OR_RETURN(ScriptValue v, ReadValue(/*result=*/false));
    action.args.push_back(std::move(v));
  }
  return Expect(TokenKind::kRParen, "')'");
}

// What follows an assertion's keyword, up to its ')'.
absl::Status CommandReader::ReadBody(Command& cmd) {
  switch (cmd.type) {
    case CommandType::kAssertReturn:
      WSBX_RETURN_IF_ERROR(ReadAction(cmd));
      while (Peek().kind == TokenKind::kLParen) {
        WSBX_ASSIGN_OR_RETURN(ScriptValue v, ReadValue(/*result=*/true));
        cmd.expected.push_back(std::move(v));
      }
      return absl::OkStatus();
    case CommandType::kAssertException:
      return ReadAction(cmd);
    case CommandType::kAssertTrap:
    case CommandType::kAssertExhaustion:
      if (AtLParenKeyword("module") && cmd.type == CommandType::kAssertTrap) {
        bool definition = false;
        WSBX_RETURN_IF_ERROR(ReadModule(cmd, &definition));
      } else {
        WSBX_RETURN_IF_ERROR(ReadAction(cmd));
      }
      break;
    default: {  // assertions on a module
      bool definition = false;
      WSBX_RETURN_IF_ERROR(ReadModule(cmd, &definition));
      break;
    }
  }
  WSBX_ASSIGN_OR_RETURN(cmd.text, ReadString());
  // Only a malformed module may fail in the text reader.
  if (cmd.module.has_value() && !cmd.module->text_error.empty() &&
      cmd.type != CommandType::kAssertMalformed) {
    return absl::InvalidArgumentError(cmd.module->text_error);
  }
  return absl::OkStatus();
}

absl::StatusOr<ScriptValue> CommandReader::ReadValue(bool result) {
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "'('"));
  const Token& op = Peek();
  if (op.kind != TokenKind::kKeyword) return Unexpected("a value");
  Next();
  ScriptValue v;
  if (op.text == "either" && result) {
    while (Peek().kind == TokenKind::kLParen) {
      WSBX_ASSIGN_OR_RETURN(ScriptValue alternative, ReadValue(result));
      v.either.push_back(std::move(alternative));
    }
    if (v.either.empty()) return Unexpected("a result");
  } else if (op.text.substr(0, 4) == "ref.") {
    WSBX_RETURN_IF_ERROR(ReadRef(op.text, v, result));
  } else if (op.text == "v128.const") {
    WSBX_RETURN_IF_ERROR(ReadV128(v, result));
  } else {
    WSBX_RETURN_IF_ERROR(ReadConst(op.text, v, result));
  }
  WSBX_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "')'"));
  return v;
}

bool IsNumber(const Token& t) {
  return t.kind == TokenKind::kNat || t.kind == TokenKind::kInt ||
         t.kind == TokenKind::kFloat;
}

absl::Status CommandReader::ReadConst(std::string_view op, ScriptValue& v,
                                      bool result) {
  struct Type {
    std::string_view op;
    ValType type;
    int bits;
  };
  constexpr Type kTypes[] = {{"i32.const", ValType::kI32, 32},
                             {"i64.const", ValType::kI64, 64},
                             {"f32.const", ValType::kF32, 32},
                             {"f64.const", ValType::kF64, 64}};
  for (const Type& t : kTypes) {
    if (t.op != op) continue;
    v.type = t.type;
    WSBX_ASSIGN_OR_RETURN(v.bits, ReadLane(t.type, t.bits, &v.nan, result));
    return absl::OkStatus();
  }
  return text::ErrorAt(toks_[pos_ - 1], absl::StrCat("unknown value ", Sv(op)));
}

// One number of type `lane_type`, or in a float result a NaN pattern
// (then *nan is set and the bits are 0).
absl::StatusOr<uint64_t> CommandReader::ReadLane(ValType lane_type, int bits,
                                                 NanPattern* nan, bool result) {
  const Token& t = Peek();
  const bool is_float =
      lane_type == ValType::kF32 || lane_type == ValType::kF64;
  if (is_float && result && t.kind == TokenKind::kKeyword &&
      (t.text == "nan:canonical" || t.text == "nan:arithmetic")) {
    Next();
    *nan = t.text == "nan:canonical" ? NanPattern::kCanonical
                                     : NanPattern::kArithmetic;
    return 0;
  }
  if (!IsNumber(t)) return Unexpected("a number");
  std::optional<uint64_t> value;
  if (!is_float) {
    value = text::ParseInteger(t.text, bits);
  } else if (bits == 32) {
    std::optional<uint32_t> f = text::ParseF32(t.text);
    if (f.has_value()) value = *f;
  } else {
    value = text::ParseF64(t.text);
  }
  if (!value.has_value()) {
    return text::ErrorAt(
        t, absl::StrCat("malformed ", Sv(ValTypeName(lane_type)), " number ",
                        Sv(t.text)));
  }
  Next();
  return *value;
}

absl::Status CommandReader::ReadV128(ScriptValue& v, bool result) {
  struct Shape {
    std::string_view name;
    ValType lane_type;
    uint8_t lane_bytes;
  };
  constexpr Shape kShapes[] = {
      {"i8x16", ValType::kI32, 1}, {"i16x8", ValType::kI32, 2},
      {"i32x4", ValType::kI32, 4}, {"i64x2", ValType::kI64, 8},
      {"f32x4", ValType::kF32, 4}, {"f64x2", ValType::kF64, 8}};
  const Shape* shape = nullptr;
  for (const Shape& s : kShapes) {
    if (AtKeyword(s.name)) shape = &s;
  }
  if (shape == nullptr) return Unexpected("a v128 lane shape");
  Next();
  v.type = ValType::kV128;
  v.lane_type = shape->lane_type;
  v.lane_bytes = shape->lane_bytes;
  const int lane_bits = 8 * shape->lane_bytes;
  for (int i = 0; i < 16 / shape->lane_bytes; ++i) {
    NanPattern nan = NanPattern::kNone;
    WSBX_ASSIGN_OR_RETURN(uint64_t lane,
                          ReadLane(shape->lane_type, lane_bits, &nan, result));
    if (nan != NanPattern::kNone) v.lane_nan[i] = nan;
    const int bit = i * lane_bits;
    (bit < 64 ? v.bits : v.hi) |= lane << (bit % 64);
  }
  return absl::OkStatus();
}

// Reference values. The engine has funcref and externref only; anything
// else is read (so that the command itself is not lost) as unsupported.
absl::Status CommandReader::ReadRef(std::string_view op, ScriptValue& v,
                                    bool result) {
  const std::string spelled = std::string(op);
  if (op == "ref.null") {
    if (AtClose()) {
      if (!result) return Unexpected("a heap type");
      v.any_ref_type = true;
      return absl::OkStatus();
    }
    const Token& ht = Next();
    if (ht.text == "func" || ht.text == "nofunc") {
      v.type = ValType::kFuncRef;
    } else if (ht.text == "extern" || ht.text == "noextern") {
      v.type = ValType::kExternRef;
    } else {
      v.unsupported = absl::StrCat(spelled, " ", Sv(ht.text));
    }
    return absl::OkStatus();
  }
  if (op == "ref.extern" && (Peek().kind == TokenKind::kNat || AtClose())) {
    v.type = ValType::kExternRef;
    if (AtClose()) {
      if (!result) return Unexpected("a number");
      v.any_non_null = true;
      return absl::OkStatus();
    }
    // The host's handle for (ref.extern N) is N + 1, so that it is never
    // the null reference.
    std::optional<uint64_t> n = text::ParseUnsigned(Peek().text, 64);
    if (!n.has_value() || *n == std::numeric_limits<uint64_t>::max()) {
      return Unexpected("an extern handle");
    }
    Next();
    v.bits = *n + 1;
    return absl::OkStatus();
  }
  if (op == "ref.func") {
    // Which function is not observable; as an argument, it cannot be made.
    if (!AtClose()) Next();
    v.type = ValType::kFuncRef;
    v.any_non_null = true;
    return absl::OkStatus();
  }
  // ref.host N, ref.i31, ref.struct, ref.array, ref.eq, ref.any, ref.exn...
  v.unsupported = spelled;
  while (!AtClose()) {
    if (Peek().kind == TokenKind::kLParen) {
      pos_ = CloseOfHere() + 1;  // a nested expression, not part of the name
      continue;
    }
    absl::StrAppend(&v.unsupported, " ", Sv(Next().text));
  }
  return absl::OkStatus();
}

// Top-level tokens that are not a command: skipped up to the next '('.
size_t SkipStray(std::span<const Token> toks, size_t i) {
  while (toks[i].kind != TokenKind::kEof &&
         toks[i].kind != TokenKind::kLParen) {
    ++i;
  }
  return i;
}

// A script of module fields alone is one module (the spec interpreter's
// inline module), e.g. `(func) (memory 0)`.
bool IsInlineModule(std::span<const Token> toks) {
  constexpr std::string_view kFields[] = {"type",  "import", "export", "func",
                                          "table", "memory", "global", "start",
                                          "elem",  "data",   "tag",    "rec"};
  if (toks.size() < 2 || toks[0].kind != TokenKind::kLParen ||
      toks[1].kind != TokenKind::kKeyword) {
    return false;
  }
  for (std::string_view field : kFields) {
    if (toks[1].text == field) return true;
  }
  return false;
}

void ReadInlineModule(std::span<const Token> toks, Script& script) {
  Command cmd;
  cmd.type = CommandType::kModule;
  cmd.type_name = "module";
  cmd.line = toks[0].line;
  absl::StatusOr<std::vector<uint8_t>> bytes = text::TokensToWasm(toks);
  if (bytes.ok()) {
    cmd.module.emplace().bytes = std::move(*bytes);
  } else {
    cmd.error = std::string(bytes.status().message());
  }
  script.commands.push_back(std::move(cmd));
}

void ReadCommands(std::span<const Token> toks, bool truncated, Script& script) {
  if (!truncated && IsInlineModule(toks)) return ReadInlineModule(toks, script);
  const std::vector<size_t> close = MatchParens(toks);
  size_t i = 0;
  while (toks[i].kind != TokenKind::kEof) {
    Command cmd;
    cmd.line = toks[i].line;
    if (toks[i].kind != TokenKind::kLParen) {
      cmd.error = std::string(
          text::ErrorAt(toks[i], "expected a command '('").message());
      script.commands.push_back(std::move(cmd));
      i = SkipStray(toks, i);
      continue;
    }
    if (close[i] == kNoMatch) {
      // In a source cut at a lexer error, the command that was cut is
      // reported by that error.
      if (truncated) return;
      cmd.error =
          std::string(text::ErrorAt(toks[i], "unclosed command").message());
      script.commands.push_back(std::move(cmd));
      return;
    }
    CommandReader reader(toks, close, i, close[i]);
    if (absl::Status s = reader.Read(cmd); !s.ok()) {
      cmd.error = std::string(s.message());
    }
    script.commands.push_back(std::move(cmd));
    i = close[i] + 1;
  }
}

// The line of a lexer error "LINE:COL: what".
uint32_t ErrorLine(std::string_view message) {
  uint32_t line = 0;
  std::from_chars(message.data(), message.data() + message.size(), line);
  return line;
}

}  // namespace

Script ReadWast(std::string_view source, std::string source_filename) {
  Script script;
  script.source_filename = std::move(source_filename);
  absl::StatusOr<std::vector<Token>> tokens = text::Tokenize(source);
  if (tokens.ok()) {
    ReadCommands(*tokens, /*truncated=*/false, script);
    return script;
  }
  // The commands before the line the lexer stopped at are still read.
  const std::string error(tokens.status().message());
  const uint32_t line = ErrorLine(error);
  size_t cut = 0;
  for (uint32_t l = 1; l < line && cut != std::string_view::npos; ++l) {
    cut = source.find('\n', cut);
    if (cut != std::string_view::npos) ++cut;
  }
  if (line > 1 && cut != std::string_view::npos) {
    absl::StatusOr<std::vector<Token>> head =
        text::Tokenize(source.substr(0, cut));
    if (head.ok()) ReadCommands(*head, /*truncated=*/true, script);
  }
  Command lost;
  lost.line = line;
  lost.type_name = "script";
  lost.error = absl::StrCat(error, " (the rest of the script is not read)");
  script.commands.push_back(std::move(lost));
  return script;
}

absl::StatusOr<Script> LoadWast(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return ReadWast(contents.str(), path);
}

}  // namespace wsbx::spec
