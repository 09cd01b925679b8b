// Differential test of the text reader against wabt's wat2wasm over .wast
// scripts: every `(module ...)` form is converted by both and compared byte
// for byte, else structurally (both decoded with DecodeModule, bodies
// instruction by instruction: encodings may differ where the spec allows,
// e.g. element segment forms and LEB128 lengths). `assert_malformed (module
// quote ...)` texts must be rejected by the reader.
// Usage: wat_compare [-v] [--wat2wasm=PATH] FILE.wast...; exit status 1 when
// a module wat2wasm accepts is rejected by the reader or differs.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/decode/decoder.h"
#include "runtime/decode/instr.h"
#include "runtime/decode/reader.h"
#include "text/lexer.h"
#include "text/wat.h"

namespace {

using wsbx::Module;

// ---- Script scanning --------------------------------------------------

// Skips white space and comments from `pos`.
size_t SkipBlank(std::string_view s, size_t pos) {
  while (pos < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[pos]))) {
      ++pos;
    } else if (s.substr(pos, 2) == ";;") {
      while (pos < s.size() && s[pos] != '\n') ++pos;
    } else if (s.substr(pos, 2) == "(;") {
      int depth = 0;
      while (pos < s.size()) {
        if (s.substr(pos, 2) == "(;") {
          ++depth;
          pos += 2;
        } else if (s.substr(pos, 2) == ";)") {
          pos += 2;
          if (--depth == 0) break;
        } else {
          ++pos;
        }
      }
    } else {
      break;
    }
  }
  return pos;
}

// The end (one past ')') of the parenthesized form starting at `pos`.
size_t FormEnd(std::string_view s, size_t pos) {
  int depth = 0;
  while (pos < s.size()) {
    const size_t next = SkipBlank(s, pos);
    if (next != pos) {
      pos = next;
      continue;
    }
    const char c = s[pos++];
    if (c == '"') {
      while (pos < s.size() && s[pos] != '"') pos += s[pos] == '\\' ? 2 : 1;
      ++pos;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return pos;
    }
  }
  return s.size();
}

// The head keyword of the form at `pos` and the position after it.
std::string_view Head(std::string_view s, size_t pos, size_t* after) {
  size_t p = SkipBlank(s, pos + 1);
  size_t e = p;
  while (e < s.size() && !std::isspace(static_cast<unsigned char>(s[e])) &&
         s[e] != '(' && s[e] != ')') {
    ++e;
  }
  *after = e;
  return s.substr(p, e - p);
}

// `binary`/`quote` after `module $id?`, else "".
std::string_view ModuleKind(std::string_view s, size_t pos) {
  size_t after;
  Head(s, pos, &after);
  size_t p = SkipBlank(s, after);
  if (p < s.size() && s[p] == '$') {
    while (p < s.size() && !std::isspace(static_cast<unsigned char>(s[p]))) ++p;
    p = SkipBlank(s, p);
  }
  if (s.substr(p, 6) == "binary") return "binary";
  if (s.substr(p, 5) == "quote") return "quote";
  return "";
}

// The concatenated strings of a `(module quote "..." ...)` form.
std::string QuoteText(std::string_view form) {
  auto tokens = wsbx::text::Tokenize(form);
  std::string out;
  if (!tokens.ok()) return out;
  for (const auto& t : *tokens) {
    if (t.kind == wsbx::text::TokenKind::kString) {
      out += t.value;
      out += ' ';
    }
  }
  return out;
}

struct Script {
  std::vector<std::string> modules;    // well-formed text modules
  std::vector<std::string> malformed;  // quote texts expected to fail
};

// Top-level forms; modules nested in assert_unlinkable/assert_trap etc.
// count, those in assert_malformed/assert_invalid do not (but quoted ones
// in assert_malformed are collected as malformed).
Script ScanScript(std::string_view s) {
  Script out;
  size_t pos = 0;
  while ((pos = SkipBlank(s, pos)) < s.size()) {
    if (s[pos] != '(') {
      ++pos;
      continue;
    }
    const size_t end = FormEnd(s, pos);
    size_t after;
    const std::string_view head = Head(s, pos, &after);
    size_t inner = SkipBlank(s, after);
    const bool has_module = inner < s.size() && s[inner] == '(' &&
                            Head(s, inner, &after) == "module";
    if (head == "module" && ModuleKind(s, pos).empty()) {
      out.modules.emplace_back(s.substr(pos, end - pos));
    } else if (head == "assert_malformed" && has_module &&
               ModuleKind(s, inner) == "quote") {
      const size_t mend = FormEnd(s, inner);
      out.malformed.push_back(QuoteText(s.substr(inner, mend - inner)));
    } else if ((head == "assert_unlinkable" || head == "assert_trap" ||
                head == "assert_uninstantiable") &&
               has_module && ModuleKind(s, inner).empty()) {
      const size_t mend = FormEnd(s, inner);
      out.modules.emplace_back(s.substr(inner, mend - inner));
    }
    pos = end;
  }
  return out;
}

// ---- Structural comparison -------------------------------------------

bool SameConst(const wsbx::ConstExpr& a, const wsbx::ConstExpr& b) {
  if (a.instrs.size() != b.instrs.size()) return false;
  for (size_t i = 0; i < a.instrs.size(); ++i) {
    const auto& x = a.instrs[i];
    const auto& y = b.instrs[i];
    if (x.op != y.op || x.imm != y.imm || x.imm_hi != y.imm_hi) return false;
  }
  return true;
}

bool SameLimits(const wsbx::SizeLimits& a, const wsbx::SizeLimits& b) {
  return a.min == b.min && a.max == b.max;
}

std::vector<wsbx::ValType> ExpandLocals(const wsbx::FunctionBody& f) {
  std::vector<wsbx::ValType> out;
  for (const auto& d : f.locals) out.insert(out.end(), d.count, d.type);
  return out;
}

bool SameInstr(const wsbx::Instr& x, const wsbx::Instr& y) {
  return x.op == y.op && x.block.kind == y.block.kind &&
         x.block.value == y.block.value && x.block.index == y.block.index &&
         x.a == y.a && x.b == y.b && x.bits == y.bits && x.hi == y.hi &&
         x.lane == y.lane && x.type == y.type && x.targets == y.targets;
}

bool SameBody(const Module& ma, const wsbx::FunctionBody& a, const Module& mb,
              const wsbx::FunctionBody& b) {
  if (ExpandLocals(a) != ExpandLocals(b)) return false;
  wsbx::Reader ra(std::span(ma.bytes).subspan(a.code_offset, a.code_end - a.code_offset));
  wsbx::Reader rb(std::span(mb.bytes).subspan(b.code_offset, b.code_end - b.code_offset));
  wsbx::Instr x, y;
  while (ra.pos() < a.code_end - a.code_offset) {
    if (rb.pos() >= b.code_end - b.code_offset) return false;
    if (!wsbx::ReadInstr(ra, &x, 1u << 20).ok()) return false;
    if (!wsbx::ReadInstr(rb, &y, 1u << 20).ok()) return false;
    if (!SameInstr(x, y)) return false;
  }
  return rb.pos() == b.code_end - b.code_offset;
}

bool SameSegments(const Module& a, const Module& b) {
  if (a.elems.size() != b.elems.size() || a.datas.size() != b.datas.size()) return false;
  for (size_t i = 0; i < a.elems.size(); ++i) {
    const auto& x = a.elems[i];
    const auto& y = b.elems[i];
    if (x.mode != y.mode || x.type != y.type || x.items.size() != y.items.size()) return false;
    if (x.mode == wsbx::SegmentMode::kActive &&
        (x.table != y.table || !SameConst(x.offset, y.offset))) {
      return false;
    }
    for (size_t k = 0; k < x.items.size(); ++k) {
      if (!SameConst(x.items[k], y.items[k])) return false;
    }
  }
  for (size_t i = 0; i < a.datas.size(); ++i) {
    const auto& x = a.datas[i];
    const auto& y = b.datas[i];
    if (x.mode != y.mode || x.data_size != y.data_size) return false;
    if (x.mode == wsbx::SegmentMode::kActive &&
        (x.memory != y.memory || !SameConst(x.offset, y.offset))) {
      return false;
    }
    if (!std::equal(a.bytes.begin() + x.data_offset,
                    a.bytes.begin() + x.data_offset + x.data_size,
                    b.bytes.begin() + y.data_offset)) {
      return false;
    }
  }
  return true;
}

bool SameModule(const Module& a, const Module& b) {
  if (a.types != b.types || a.func_types != b.func_types ||
      a.imports.size() != b.imports.size() || a.tables.size() != b.tables.size() ||
      a.memories.size() != b.memories.size() ||
      a.global_types.size() != b.global_types.size() ||
      a.exports.size() != b.exports.size() || a.start != b.start ||
      a.data_count != b.data_count || a.bodies.size() != b.bodies.size()) {
    return false;
  }
  for (size_t i = 0; i < a.imports.size(); ++i) {
    const auto& x = a.imports[i];
    const auto& y = b.imports[i];
    if (x.module != y.module || x.name != y.name || x.kind != y.kind) return false;
  }
  for (size_t i = 0; i < a.tables.size(); ++i) {
    if (a.tables[i].elem != b.tables[i].elem ||
        !SameLimits(a.tables[i].limits, b.tables[i].limits)) {
      return false;
    }
  }
  for (size_t i = 0; i < a.memories.size(); ++i) {
    if (!SameLimits(a.memories[i].limits, b.memories[i].limits)) return false;
  }
  for (size_t i = 0; i < a.global_types.size(); ++i) {
    if (a.global_types[i].type != b.global_types[i].type ||
        a.global_types[i].mutable_ != b.global_types[i].mutable_) {
      return false;
    }
  }
  for (size_t i = 0; i < a.globals.size(); ++i) {
    if (!SameConst(a.globals[i].init, b.globals[i].init)) return false;
  }
  for (size_t i = 0; i < a.exports.size(); ++i) {
    const auto& x = a.exports[i];
    const auto& y = b.exports[i];
    if (x.name != y.name || x.kind != y.kind || x.index != y.index) return false;
  }
  for (size_t i = 0; i < a.bodies.size(); ++i) {
    if (!SameBody(a, a.bodies[i], b, b.bodies[i])) return false;
  }
  return SameSegments(a, b);
}

// ---- Driver -----------------------------------------------------------

struct Counts {
  int same = 0, structural = 0, differ = 0, we_fail = 0, wabt_fails = 0,
      both_fail = 0, malformed = 0, rejected = 0;
};

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::string wat2wasm_path = "wat2wasm";

// wat2wasm's binary for `text`, or nullopt when it rejects it.
std::optional<std::vector<uint8_t>> Wabt(const std::string& text, const std::string& dir) {
  const std::string wat = dir + "/m.wat", wasm = dir + "/m.wasm";
  std::ofstream(wat, std::ios::binary) << text;
  std::remove(wasm.c_str());
  const std::string cmd = "'" + wat2wasm_path + "' --no-check --enable-all '" + wat + "' -o '" +
                          wasm + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return std::nullopt;
  std::string bytes;
  if (!ReadFile(wasm, &bytes)) return std::nullopt;
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

void Report(const std::string& what, int index, const std::string& text, bool verbose) {
  std::cout << "  " << what << " #" << index << "\n";
  if (verbose) std::cout << text.substr(0, 2000) << "\n";
}

void CompareModule(const std::string& text, int index, const std::string& dir,
                   bool verbose, Counts& c) {
  auto ours = wsbx::text::WatToWasm(text);
  auto theirs = Wabt(text, dir);
  if (!theirs) {
    ++(ours.ok() ? c.wabt_fails : c.both_fail);
    if (ours.ok() && verbose) Report("wabt fails", index, text, false);
    return;
  }
  if (!ours.ok()) {
    ++c.we_fail;
    Report(std::string("we fail: ") + std::string(ours.status().message()), index,
           text, verbose);
    return;
  }
  if (*ours == *theirs) {
    ++c.same;
    return;
  }
  auto ma = wsbx::DecodeModule(*ours);
  auto mb = wsbx::DecodeModule(*theirs);
  if (ma.ok() && mb.ok() && SameModule(**ma, **mb)) {
    ++c.structural;
    return;
  }
  ++c.differ;
  Report(ma.ok() ? "differs" : "differs (ours does not decode)", index, text, verbose);
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-v") {
      verbose = true;
    } else if (arg.starts_with("--wat2wasm=")) {
      wat2wasm_path = arg.substr(11);
    } else {
      files.push_back(arg);
    }
  }
  char tmpl[] = "/tmp/wat_compare.XXXXXX";
  const char* dir = mkdtemp(tmpl);
  if (dir == nullptr) return 2;
  Counts total;
  for (const std::string& file : files) {
    std::string src;
    if (!ReadFile(file, &src)) {
      std::cerr << "cannot read " << file << "\n";
      return 2;
    }
    const Script script = ScanScript(src);
    Counts c;
    std::cout << file << "\n";
    for (size_t i = 0; i < script.modules.size(); ++i) {
      CompareModule(script.modules[i], static_cast<int>(i), dir, verbose, c);
    }
    for (const std::string& text : script.malformed) {
      ++c.malformed;
      if (!wsbx::text::WatToWasm(text).ok()) ++c.rejected;
    }
    std::printf("  modules %zu: same %d, structural %d, differ %d, we fail %d, "
                "wabt fails %d (we too %d); malformed rejected %d/%d\n",
                script.modules.size(), c.same, c.structural, c.differ, c.we_fail,
                c.wabt_fails, c.both_fail, c.rejected, c.malformed);
    total.same += c.same, total.structural += c.structural, total.differ += c.differ;
    total.we_fail += c.we_fail, total.wabt_fails += c.wabt_fails;
    total.both_fail += c.both_fail, total.malformed += c.malformed;
    total.rejected += c.rejected;
  }
  std::printf("TOTAL: same %d, structural %d, differ %d, we fail %d, wabt fails %d "
              "(we too %d); malformed rejected %d/%d\n",
              total.same, total.structural, total.differ, total.we_fail,
              total.wabt_fails, total.both_fail, total.rejected, total.malformed);
  std::system((std::string("rm -rf '") + dir + "'").c_str());
  return total.differ + total.we_fail == 0 ? 0 : 1;
}
