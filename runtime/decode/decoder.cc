// Binary decoder (spec chapter 5): one pass over the sections, filling a
// Module. Every count is checked against the loader Limits and the bytes left
// before anything is sized from it; error messages use the reference
// interpreter's phrases so the spec suite's assert_malformed checks match.
#include "runtime/decode/decoder.h"

#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "runtime/decode/instr.h"
#include "runtime/decode/reader.h"
#include "runtime/status_macros.h"

namespace wsbx {
namespace {

enum SectionId : uint8_t {
  kCustomSection = 0,
  kTypeSection = 1,
  kImportSection = 2,
  kFunctionSection = 3,
  kTableSection = 4,
  kMemorySection = 5,
  kGlobalSection = 6,
  kExportSection = 7,
  kStartSection = 8,
  kElementSection = 9,
  kCodeSection = 10,
  kDataSection = 11,
  kDataCountSection = 12,
};

std::string_view SectionName(uint8_t id) {
  static constexpr std::string_view kNames[] = {
      "custom", "type",    "import",  "function", "table",
      "memory", "global",  "export",  "start",    "element",
      "code",   "data",    "data count"};
  return id < std::size(kNames) ? kNames[id] : "unknown";
}

// Position of a known section in the required order (spec 5.5.2): the data
// count section sits between element and code although its id is 12.
int SectionRank(uint8_t id) {
  switch (id) {
    case kDataCountSection: return kElementSection + 1;
    case kCodeSection: return kElementSection + 2;
    case kDataSection: return kElementSection + 3;
    default: return id;
  }
}

// Strict UTF-8 (spec 5.2.4 / Unicode 3.9): no overlong forms, no surrogates,
// nothing above U+10FFFF, no truncated sequences.
bool IsValidUtf8(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    uint32_t min;
    if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i < static_cast<size_t>(len)) return false;
    for (int k = 1; k < len; ++k) {
      uint8_t c = s[i + k];
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

// Puts "section 'x': " after the "at offset 0x..: " prefix of an error, and
// names a truncation inside a section the way the reference interpreter does.
absl::Status InSection(const absl::Status& status, std::string_view section) {
  const std::string full(status.message());
  std::string_view msg = full;
  size_t colon = msg.find(": ");
  std::string_view head = colon == msg.npos ? "" : msg.substr(0, colon + 2);
  std::string_view what = colon == msg.npos ? msg : msg.substr(colon + 2);
  constexpr std::string_view kEnd = "unexpected end";
  if (what.starts_with(kEnd) && !what.starts_with("unexpected end of")) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%ssection '%s': %s of section or function%s", head, section, kEnd,
        what.substr(kEnd.size())));
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("%ssection '%s': %s", head, section, what));
}

class ModuleDecoder {
 public:
  ModuleDecoder(std::unique_ptr<Module> module, const Limits& limits)
      : module_(std::move(module)), bytes_(module_->bytes), limits_(limits) {}

  absl::StatusOr<std::unique_ptr<Module>> Decode();

 private:
  absl::Status DecodeHeader(Reader& r);
  absl::Status DecodeSection(uint8_t id, Reader& r, uint32_t size);
  absl::Status DecodeCustomSection(Reader& r, uint32_t size);
  absl::Status DecodeTypeSection(Reader& r);
  absl::Status DecodeImportSection(Reader& r);
  absl::Status DecodeFunctionSection(Reader& r);
  absl::Status DecodeTableSection(Reader& r);
  absl::Status DecodeMemorySection(Reader& r);
  absl::Status DecodeGlobalSection(Reader& r);
  absl::Status DecodeExportSection(Reader& r);
  absl::Status DecodeElementSection(Reader& r);
  absl::Status DecodeElemSegment(Reader& r, ElemSegment* seg);
  absl::Status DecodeCodeSection(Reader& r);
  absl::Status DecodeBody(Reader& r, uint32_t func_index, FunctionBody* body);
  absl::Status DecodeDataSection(Reader& r);
  absl::Status Finish();
  void DecodeNameSection(std::span<const uint8_t> payload, uint32_t base);

  // A vector length or byte length: larger than the bytes left cannot be
  // right ("length out of bounds"), larger than `limit` is refused.
  absl::StatusOr<uint32_t> ReadLength(Reader& r, uint32_t limit,
                                      std::string_view what);
  absl::StatusOr<std::string> ReadName(Reader& r);
  absl::StatusOr<ValType> ReadValType(Reader& r);
  absl::StatusOr<ValType> ReadRefType(Reader& r);
  absl::Status ReadLimits(Reader& r, SizeLimits* out);
  absl::Status ReadTableType(Reader& r, TableType* out);
  absl::Status ReadGlobalType(Reader& r, GlobalType* out);
  absl::Status ReadConstExpr(Reader& r, ConstExpr* out);

  uint32_t NumFunctions() const {
    return static_cast<uint32_t>(module_->func_types.size());
  }

  std::unique_ptr<Module> module_;
  std::span<const uint8_t> bytes_;  // module_->bytes
  const Limits& limits_;
  uint8_t last_known_section_ = 0;
  bool seen_code_section_ = false;
  bool seen_data_section_ = false;
  uint32_t num_declared_funcs_ = 0;  // from the function section
  uint64_t total_elem_items_ = 0;    // over all element segments
  // The first "name" custom section, parsed once all sections are known so
  // that function indices can be checked.
  bool seen_name_section_ = false;
  std::span<const uint8_t> name_payload_;
  uint32_t name_payload_offset_ = 0;
  Instr instr_;  // reused by ReadConstExpr
};

absl::StatusOr<std::unique_ptr<Module>> ModuleDecoder::Decode() {
  Reader r(bytes_);
  WSBX_RETURN_IF_ERROR(DecodeHeader(r));
  int last_rank = 0;
  while (!r.at_end()) {
    uint32_t section_offset = r.offset();
    uint8_t id;
    WSBX_ASSIGN_OR_RETURN(id, r.ReadByte());
    if (id > kDataCountSection) {
      return Reader::ErrorAt(section_offset,
                             absl::StrFormat("malformed section id %u", id));
    }
    uint32_t size_offset = r.offset();
    uint32_t size;
    WSBX_ASSIGN_OR_RETURN(size, r.ReadU32());
    if (size > r.remaining()) {
      return Reader::ErrorAt(
          size_offset,
          absl::StrFormat("section '%s': length out of bounds (size %u, %u "
                          "bytes left)",
                          SectionName(id), size, r.remaining()));
    }
    if (id != kCustomSection) {
      // A section out of order or repeated cannot follow what came before.
      if (SectionRank(id) <= last_rank) {
        return Reader::ErrorAt(
            section_offset,
            absl::StrFormat("unexpected content after last section (section "
                            "'%s' repeated or out of order)",
                            SectionName(id)));
      }
      last_rank = SectionRank(id);
    }
    // Section contents are read from a reader that may run past the declared
    // size (as the reference interpreter does), so a wrong count is reported
    // by what it runs into; the size is checked exactly afterwards.
    uint32_t content_offset = r.offset();
    Reader content(bytes_.subspan(r.pos()), content_offset);
    absl::Status s = DecodeSection(id, content, size);
    if (!s.ok()) return InSection(s, SectionName(id));
    if (content.pos() != size) {
      return Reader::ErrorAt(
          content_offset,
          absl::StrFormat("section '%s': section size mismatch (declared %u "
                          "bytes, contents take %u)",
                          SectionName(id), size, content.pos()));
    }
    WSBX_RETURN_IF_ERROR(r.Skip(size));
    if (id != kCustomSection) last_known_section_ = id;
  }
  WSBX_RETURN_IF_ERROR(Finish());
  return std::move(module_);
}

absl::Status ModuleDecoder::DecodeHeader(Reader& r) {
  static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6D};
  std::span<const uint8_t> magic;
  WSBX_ASSIGN_OR_RETURN(magic, r.ReadBytes(4));
  if (!std::equal(magic.begin(), magic.end(), std::begin(kMagic))) {
    return Reader::ErrorAt(0, "magic header not detected");
  }
  uint32_t version;
  WSBX_ASSIGN_OR_RETURN(version, r.ReadFixed32());
  if (version != 1) {
    return Reader::ErrorAt(
        4, absl::StrFormat("unknown binary version 0x%x", version));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeSection(uint8_t id, Reader& r,
                                          uint32_t size) {
  switch (id) {
    case kCustomSection: return DecodeCustomSection(r, size);
    case kTypeSection: return DecodeTypeSection(r);
    case kImportSection: return DecodeImportSection(r);
    case kFunctionSection: return DecodeFunctionSection(r);
    case kTableSection: return DecodeTableSection(r);
    case kMemorySection: return DecodeMemorySection(r);
    case kGlobalSection: return DecodeGlobalSection(r);
    case kExportSection: return DecodeExportSection(r);
    case kStartSection: {
      WSBX_ASSIGN_OR_RETURN(module_->start, r.ReadU32());
      return absl::OkStatus();
    }
    case kElementSection: return DecodeElementSection(r);
    case kDataCountSection: {
      WSBX_ASSIGN_OR_RETURN(module_->data_count, r.ReadU32());
      return absl::OkStatus();
    }
    case kCodeSection: return DecodeCodeSection(r);
    case kDataSection: return DecodeDataSection(r);
  }
  return r.Error("malformed section id");
}

// Custom sections (spec 5.5.3): the name must be valid UTF-8 and fit in the
// section; the payload is opaque and never makes the module malformed.
absl::Status ModuleDecoder::DecodeCustomSection(Reader& r, uint32_t size) {
  CustomSection custom;
  WSBX_ASSIGN_OR_RETURN(custom.name, ReadName(r));
  if (r.pos() > size) return r.Error("unexpected end (name past the section)");
  const uint32_t payload_size = static_cast<uint32_t>(size - r.pos());
  custom.data_offset = r.offset();
  custom.data_size = payload_size;
  custom.after_section = last_known_section_;
  if (custom.name == "name" && !seen_name_section_) {
    seen_name_section_ = true;
    name_payload_ = r.data().subspan(r.pos(), payload_size);
    name_payload_offset_ = custom.data_offset;
  }
  module_->customs.push_back(std::move(custom));
  return r.Skip(payload_size);
}

absl::Status ModuleDecoder::DecodeTypeSection(Reader& r) {
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(count, ReadLength(r, limits_.max_types, "types"));
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t at = r.offset();
    uint8_t form;
    WSBX_ASSIGN_OR_RETURN(form, r.ReadByte());
    // The form is a signed LEB128 of one byte (-0x20) in the spec grammar.
    if (form & 0x80) {
      return Reader::ErrorAt(
          at, "integer representation too long (function type form)");
    }
    if (form != 0x60) {
      return Reader::ErrorAt(
          at, absl::StrFormat("malformed function type 0x%02x", form));
    }
    FuncType type;
    uint32_t n;
    WSBX_ASSIGN_OR_RETURN(n, ReadLength(r, limits_.max_params, "params"));
    for (uint32_t k = 0; k < n; ++k) {
      WSBX_ASSIGN_OR_RETURN(auto t, ReadValType(r));
      type.params.push_back(t);
    }
    WSBX_ASSIGN_OR_RETURN(n, ReadLength(r, limits_.max_results, "results"));
    for (uint32_t k = 0; k < n; ++k) {
      WSBX_ASSIGN_OR_RETURN(auto t, ReadValType(r));
      type.results.push_back(t);
    }
    module_->types.push_back(std::move(type));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeImportSection(Reader& r) {
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(count, ReadLength(r, limits_.max_imports, "imports"));
  for (uint32_t i = 0; i < count; ++i) {
    Import imp;
    WSBX_ASSIGN_OR_RETURN(imp.module, ReadName(r));
    WSBX_ASSIGN_OR_RETURN(imp.name, ReadName(r));
    uint32_t at = r.offset();
    uint8_t kind;
    WSBX_ASSIGN_OR_RETURN(kind, r.ReadByte());
    switch (kind) {
      case 0: {
        if (NumFunctions() >= limits_.max_functions) {
          return Reader::ErrorAt(at, "too many functions");
        }
        WSBX_ASSIGN_OR_RETURN(imp.func_type, r.ReadU32());
        module_->func_types.push_back(imp.func_type);
        ++module_->num_imported_funcs;
        break;
      }
      case 1: {
        if (module_->tables.size() >= limits_.max_tables) {
          return Reader::ErrorAt(at, "too many tables");
        }
        WSBX_RETURN_IF_ERROR(ReadTableType(r, &imp.table));
        module_->tables.push_back(imp.table);
        ++module_->num_imported_tables;
        break;
      }
      case 2: {
        WSBX_RETURN_IF_ERROR(ReadLimits(r, &imp.memory.limits));
        module_->memories.push_back(imp.memory);
        ++module_->num_imported_memories;
        break;
      }
      case 3: {
        if (module_->global_types.size() >= limits_.max_globals) {
          return Reader::ErrorAt(at, "too many globals");
        }
        WSBX_RETURN_IF_ERROR(ReadGlobalType(r, &imp.global));
        module_->global_types.push_back(imp.global);
        ++module_->num_imported_globals;
        break;
      }
      default:
        return Reader::ErrorAt(
            at, absl::StrFormat("malformed import kind 0x%02x", kind));
    }
    imp.kind = static_cast<ExternKind>(kind);
    module_->imports.push_back(std::move(imp));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeFunctionSection(Reader& r) {
  uint32_t at = r.offset();
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(count,
                        ReadLength(r, limits_.max_functions, "functions"));
  if (count > limits_.max_functions - NumFunctions()) {
    return Reader::ErrorAt(
        at, absl::StrFormat("too many functions (%u imported, %u defined)",
                            NumFunctions(), count));
  }
  num_declared_funcs_ = count;
  for (uint32_t i = 0; i < count; ++i) {
    WSBX_ASSIGN_OR_RETURN(auto type_index, r.ReadU32());
    module_->func_types.push_back(type_index);
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeTableSection(Reader& r) {
  uint32_t at = r.offset();
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(count, ReadLength(r, limits_.max_tables, "tables"));
  if (count > limits_.max_tables - module_->tables.size()) {
    return Reader::ErrorAt(at, "too many tables");
  }
  for (uint32_t i = 0; i < count; ++i) {
    TableType t;
    WSBX_RETURN_IF_ERROR(ReadTableType(r, &t));
    module_->tables.push_back(t);
  }
  return absl::OkStatus();
}

// More than one memory is a validation error in 2.0, not a malformed module,
// so any count is decoded (bounded by the bytes it takes).
absl::Status ModuleDecoder::DecodeMemorySection(Reader& r) {
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(count, ReadLength(r, UINT32_MAX, "memories"));
  for (uint32_t i = 0; i < count; ++i) {
    MemoryType m;
    WSBX_RETURN_IF_ERROR(ReadLimits(r, &m.limits));
    module_->memories.push_back(m);
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeGlobalSection(Reader& r) {
  uint32_t at = r.offset();
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(count, ReadLength(r, limits_.max_globals, "globals"));
  if (count > limits_.max_globals - module_->global_types.size()) {
    return Reader::ErrorAt(at, "too many globals");
  }
  for (uint32_t i = 0; i < count; ++i) {
    Global g;
    WSBX_RETURN_IF_ERROR(ReadGlobalType(r, &g.type));
    WSBX_RETURN_IF_ERROR(ReadConstExpr(r, &g.init));
    module_->global_types.push_back(g.type);
    module_->globals.push_back(std::move(g));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeExportSection(Reader& r) {
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(count, ReadLength(r, limits_.max_exports, "exports"));
  for (uint32_t i = 0; i < count; ++i) {
    Export e;
    WSBX_ASSIGN_OR_RETURN(e.name, ReadName(r));
    uint32_t at = r.offset();
    uint8_t kind;
    WSBX_ASSIGN_OR_RETURN(kind, r.ReadByte());
    if (kind > 3) {
      return Reader::ErrorAt(
          at, absl::StrFormat("malformed export kind 0x%02x", kind));
    }
    e.kind = static_cast<ExternKind>(kind);
    WSBX_ASSIGN_OR_RETURN(e.index, r.ReadU32());
    module_->exports.push_back(std::move(e));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeElementSection(Reader& r) {
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(
      count, ReadLength(r, limits_.max_element_segments, "element segments"));
  for (uint32_t i = 0; i < count; ++i) {
    ElemSegment seg;
    WSBX_RETURN_IF_ERROR(DecodeElemSegment(r, &seg));
    module_->elems.push_back(std::move(seg));
  }
  return absl::OkStatus();
}

// The eight element segment forms of spec 5.5.12. Bit 0: passive or
// declarative (bit 1 picks which) instead of active; bit 1 on an active
// segment: explicit table index and element kind/type; bit 2: items are
// expressions rather than function indices.
absl::Status ModuleDecoder::DecodeElemSegment(Reader& r, ElemSegment* seg) {
  uint32_t at = r.offset();
  uint32_t form;
  WSBX_ASSIGN_OR_RETURN(form, r.ReadU32());
  if (form > 7) {
    return Reader::ErrorAt(
        at, absl::StrFormat("malformed elements segment kind %u", form));
  }
  const bool passive_or_declarative = form & 1;
  const bool explicit_type = form & 3;  // forms 0 and 4 imply funcref
  const bool exprs = form & 4;
  if (passive_or_declarative) {
    seg->mode = (form & 2) ? SegmentMode::kDeclarative : SegmentMode::kPassive;
  } else {
    seg->mode = SegmentMode::kActive;
    if (form & 2) {
      WSBX_ASSIGN_OR_RETURN(seg->table, r.ReadU32());
    }
    WSBX_RETURN_IF_ERROR(ReadConstExpr(r, &seg->offset));
  }
  seg->type = ValType::kFuncRef;
  if (explicit_type && exprs) {
    WSBX_ASSIGN_OR_RETURN(seg->type, ReadRefType(r));
  } else if (explicit_type) {
    uint32_t kind_at = r.offset();
    uint8_t kind;
    WSBX_ASSIGN_OR_RETURN(kind, r.ReadByte());
    if (kind != 0x00) {
      return Reader::ErrorAt(
          kind_at, absl::StrFormat("malformed element kind 0x%02x", kind));
    }
  }
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(
      count, ReadLength(r, limits_.max_table_init_size, "segment elements"));
  // Each item costs a ConstExpr (tens of bytes) for as little as one input
  // byte, so the sum over all segments is capped too.
  total_elem_items_ += count;
  if (total_elem_items_ > limits_.max_total_elem_items) {
    return r.Error(absl::StrFormat(
        "section 'element': more than %d element items in all segments",
        limits_.max_total_elem_items));
  }
  seg->items.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    ConstExpr item;
    if (exprs) {
      WSBX_RETURN_IF_ERROR(ReadConstExpr(r, &item));
    } else {
      item.offset = r.offset();
      WSBX_ASSIGN_OR_RETURN(uint32_t func, r.ReadU32());
      item.instrs.push_back(ConstInstr{Opcode::kRefFunc, func});
    }
    seg->items.push_back(std::move(item));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeCodeSection(Reader& r) {
  uint32_t at = r.offset();
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(count,
                        ReadLength(r, limits_.max_functions, "functions"));
  if (count != num_declared_funcs_) {
    return Reader::ErrorAt(
        at, absl::StrFormat("function and code section have inconsistent "
                            "lengths (%u functions, %u bodies)",
                            num_declared_funcs_, count));
  }
  seen_code_section_ = true;
  module_->bodies.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t func_index = module_->num_imported_funcs + i;
    absl::Status s = DecodeBody(r, func_index, &module_->bodies[i]);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat(s.message(), " (function ",
                                                 func_index, ")"));
    }
  }
  return absl::OkStatus();
}

// One entry of the code section (spec 5.5.13): the body size, then the local
// declarations; the instructions are left to the validator, which walks
// [code_offset, code_end).
absl::Status ModuleDecoder::DecodeBody(Reader& r, uint32_t func_index,
                                       FunctionBody* body) {
  uint32_t size;
  WSBX_ASSIGN_OR_RETURN(size, ReadLength(r, UINT32_MAX, "body bytes"));
  if (size > limits_.max_function_body_bytes) {
    return r.Error(absl::StrFormat("function body too large (%u bytes)", size));
  }
  uint32_t body_offset = r.offset();
  std::span<const uint8_t> body_bytes;
  WSBX_ASSIGN_OR_RETURN(body_bytes, r.ReadBytes(size));
  Reader b(body_bytes, body_offset);

  body->type_index = module_->func_types[func_index];
  uint64_t params = 0;
  if (body->type_index < module_->types.size()) {
    params = module_->types[body->type_index].params.size();
  }
  uint32_t decl_count;
  WSBX_ASSIGN_OR_RETURN(decl_count, ReadLength(b, UINT32_MAX, "local decls"));
  uint64_t total = 0;
  for (uint32_t i = 0; i < decl_count; ++i) {
    uint32_t at = b.offset();
    LocalDecl decl;
    WSBX_ASSIGN_OR_RETURN(decl.count, b.ReadU32());
    total += decl.count;
    // The spec bounds the total by 2^32; the loader limit counts parameters
    // too. Checked per declaration so nothing is ever sized from a sum.
    if (total > UINT32_MAX || params + total > limits_.max_locals) {
      return Reader::ErrorAt(
          at, absl::StrFormat("too many locals (%u or more, limit %u)", total,
                              limits_.max_locals));
    }
    WSBX_ASSIGN_OR_RETURN(decl.type, ReadValType(b));
    body->locals.push_back(decl);
  }
  body->num_locals = static_cast<uint32_t>(total);
  body->code_offset = b.offset();
  body->code_end = body_offset + size;
  return absl::OkStatus();
}

absl::Status ModuleDecoder::DecodeDataSection(Reader& r) {
  uint32_t at = r.offset();
  uint32_t count;
  WSBX_ASSIGN_OR_RETURN(
      count, ReadLength(r, limits_.max_data_segments, "data segments"));
  if (module_->data_count && *module_->data_count != count) {
    return Reader::ErrorAt(
        at, absl::StrFormat("data count and data section have inconsistent "
                            "lengths (%u and %u)",
                            *module_->data_count, count));
  }
  seen_data_section_ = true;
  for (uint32_t i = 0; i < count; ++i) {
    DataSegment seg;
    uint32_t form_at = r.offset();
    uint32_t form;
    WSBX_ASSIGN_OR_RETURN(form, r.ReadU32());
    if (form > 2) {
      return Reader::ErrorAt(
          form_at, absl::StrFormat("malformed data segment kind %u", form));
    }
    if (form == 1) {
      seg.mode = SegmentMode::kPassive;
    } else {
      if (form == 2) {
        WSBX_ASSIGN_OR_RETURN(seg.memory, r.ReadU32());
      }
      WSBX_RETURN_IF_ERROR(ReadConstExpr(r, &seg.offset));
    }
    WSBX_ASSIGN_OR_RETURN(seg.data_size,
                          ReadLength(r, UINT32_MAX, "data bytes"));
    seg.data_offset = r.offset();
    WSBX_RETURN_IF_ERROR(r.Skip(seg.data_size));
    module_->datas.push_back(seg);
  }
  return absl::OkStatus();
}

// Whole-module consistency the binary format itself requires (spec 5.5.16).
absl::Status ModuleDecoder::Finish() {
  const uint32_t end = static_cast<uint32_t>(bytes_.size());
  if (!seen_code_section_ && num_declared_funcs_ != 0) {
    return Reader::ErrorAt(
        end, absl::StrFormat("function and code section have inconsistent "
                             "lengths (%u functions, no code section)",
                             num_declared_funcs_));
  }
  if (!seen_data_section_ && module_->data_count.value_or(0) != 0) {
    return Reader::ErrorAt(
        end, absl::StrFormat("data count and data section have inconsistent "
                             "lengths (%u and no data section)",
                             *module_->data_count));
  }
  if (seen_name_section_) {
    DecodeNameSection(name_payload_, name_payload_offset_);
  }
  return absl::OkStatus();
}

// The "name" custom section (spec 7.4.1): module name (subsection 0) and
// function names (subsection 1). Anything malformed in it leaves the names
// empty: custom section contents never make a module invalid.
void ModuleDecoder::DecodeNameSection(std::span<const uint8_t> payload,
                                      uint32_t base) {
  Reader r(payload, base);
  std::string module_name;
  std::vector<std::pair<uint32_t, std::string>> names;
  int last_id = -1;
  while (!r.at_end()) {
    auto id = r.ReadByte();
    auto size = r.ReadU32();
    if (!id.ok() || !size.ok() || *size > r.remaining()) return;
    if (static_cast<int>(*id) <= last_id) return;
    last_id = *id;
    Reader sub(r.data().subspan(r.pos(), *size), r.offset());
    (void)r.Skip(*size);
    if (*id == 0) {
      auto name = ReadName(sub);
      if (!name.ok() || !sub.at_end()) return;
      module_name = std::move(*name);
    } else if (*id == 1) {
      auto count = ReadLength(sub, UINT32_MAX, "function names");
      if (!count.ok()) return;
      for (uint32_t i = 0; i < *count; ++i) {
        auto index = sub.ReadU32();
        if (!index.ok()) return;
        auto name = ReadName(sub);
        if (!name.ok()) return;
        // Indices must be strictly increasing (spec 7.4.1.3 name maps).
        if (!names.empty() && *index <= names.back().first) return;
        if (*index < NumFunctions()) names.emplace_back(*index, *name);
      }
      if (!sub.at_end()) return;
    }
  }
  module_->module_name = std::move(module_name);
  if (!names.empty()) {
    module_->function_names.resize(NumFunctions());
    for (auto& [index, name] : names) {
      module_->function_names[index] = std::move(name);
    }
  }
}

absl::StatusOr<uint32_t> ModuleDecoder::ReadLength(Reader& r, uint32_t limit,
                                                   std::string_view what) {
  uint32_t at = r.offset();
  uint32_t n;
  WSBX_ASSIGN_OR_RETURN(n, r.ReadU32());
  // Every element takes at least one byte, so a length beyond the bytes left
  // is malformed; this also bounds what any vector sized from it can cost.
  // Like the reference interpreter, the bytes left are counted from the
  // length field itself, so a count that is only just too large is reported
  // as the truncation it runs into.
  uint64_t left = r.remaining() + (r.offset() - at);
  if (n > left) {
    return Reader::ErrorAt(
        at, absl::StrFormat("length out of bounds (%u %s, %u bytes left)", n,
                            what, left));
  }
  if (n > limit) {
    return Reader::ErrorAt(
        at, absl::StrFormat("too many %s (%u, limit %u)", what, n, limit));
  }
  return n;
}

absl::StatusOr<std::string> ModuleDecoder::ReadName(Reader& r) {
  uint32_t at = r.offset();
  uint32_t n;
  WSBX_ASSIGN_OR_RETURN(n, ReadLength(r, limits_.max_name_bytes, "name bytes"));
  std::span<const uint8_t> s;
  WSBX_ASSIGN_OR_RETURN(s, r.ReadBytes(n));
  if (!IsValidUtf8(s)) return Reader::ErrorAt(at, "malformed UTF-8 encoding");
  return std::string(s.begin(), s.end());
}

absl::StatusOr<ValType> ModuleDecoder::ReadValType(Reader& r) {
  uint32_t at = r.offset();
  uint8_t b;
  WSBX_ASSIGN_OR_RETURN(b, r.ReadByte());
  if (!IsValTypeByte(b)) {
    return Reader::ErrorAt(at,
                           absl::StrFormat("malformed value type 0x%02x", b));
  }
  return static_cast<ValType>(b);
}

absl::StatusOr<ValType> ModuleDecoder::ReadRefType(Reader& r) {
  uint32_t at = r.offset();
  uint8_t b;
  WSBX_ASSIGN_OR_RETURN(b, r.ReadByte());
  if (b != static_cast<uint8_t>(ValType::kFuncRef) &&
      b != static_cast<uint8_t>(ValType::kExternRef)) {
    return Reader::ErrorAt(
        at, absl::StrFormat("malformed reference type 0x%02x", b));
  }
  return static_cast<ValType>(b);
}

// Limits (spec 5.3.7). The flag is a one-bit LEB128 in the reference
// interpreter, hence its two error phrases.
absl::Status ModuleDecoder::ReadLimits(Reader& r, SizeLimits* out) {
  uint32_t at = r.offset();
  uint8_t flag;
  WSBX_ASSIGN_OR_RETURN(flag, r.ReadByte());
  if (flag & 0x80) {
    return Reader::ErrorAt(at, "integer representation too long (limits flag)");
  }
  // Bit 0: a maximum follows; bit 2 (Wasm 3.0, memory64/table64): i64
  // addresses, limits as u64. Shared memories (bit 1) are not supported.
  const bool wasm3 = limits_.max_memories > 1;
  if (flag & ~(wasm3 ? 0x05 : 0x01)) {
    return Reader::ErrorAt(
        at, absl::StrFormat("integer too large (limits flag 0x%02x)", flag));
  }
  out->is64 = (flag & 0x04) != 0;
  // 3.0 encodes every limit as a u64: a 32-bit memory or table beyond its
  // range is well-formed, and validation refuses it (invalid, not
  // malformed). 2.0's limits are u32.
  const bool u64 = wasm3 || out->is64;
  auto read_limit = [&]() -> absl::StatusOr<uint64_t> {
    if (u64) return r.ReadU64();
    return r.ReadU32();
  };
  WSBX_ASSIGN_OR_RETURN(out->min, read_limit());
  if (flag & 0x01) {
    WSBX_ASSIGN_OR_RETURN(out->max, read_limit());
  } else {
    out->max.reset();
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::ReadTableType(Reader& r, TableType* out) {
  WSBX_ASSIGN_OR_RETURN(out->elem, ReadRefType(r));
  return ReadLimits(r, &out->limits);
}

absl::Status ModuleDecoder::ReadGlobalType(Reader& r, GlobalType* out) {
  WSBX_ASSIGN_OR_RETURN(out->type, ReadValType(r));
  uint32_t at = r.offset();
  uint8_t mut;
  WSBX_ASSIGN_OR_RETURN(mut, r.ReadByte());
  if (mut > 1) {
    return Reader::ErrorAt(
        at, absl::StrFormat("malformed mutability 0x%02x", mut));
  }
  out->mutable_ = mut == 1;
  return absl::OkStatus();
}

// A constant expression (spec 5.4.9): instructions up to `end`, kept as read;
// the validator decides which are constant.
absl::Status ModuleDecoder::ReadConstExpr(Reader& r, ConstExpr* out) {
  out->offset = r.offset();
  out->instrs.clear();
  for (;;) {
    WSBX_RETURN_IF_ERROR(ReadInstr(r, &instr_, limits_.max_br_table_size,
                                   limits_.max_memories > 1));
    if (instr_.op == Opcode::kEnd) return absl::OkStatus();
    ConstInstr ci{instr_.op, instr_.a};
    switch (GetOpcodeInfo(instr_.op).imm) {
      case ImmKind::kI32: case ImmKind::kI64: case ImmKind::kF32:
      case ImmKind::kF64:
        ci.imm = instr_.bits;
        break;
      case ImmKind::kV128:
        ci.imm = instr_.bits;
        ci.imm_hi = instr_.hi;
        break;
      case ImmKind::kRefType:
        ci.imm = static_cast<uint8_t>(instr_.type);
        break;
      default:
        break;
    }
    out->instrs.push_back(ci);
  }
}

absl::Status CheckModuleSize(size_t size, const Limits& limits) {
  if (size > limits.max_module_bytes || size > UINT32_MAX) {
    return Reader::ErrorAt(
        0, absl::StrFormat("module too large (%u bytes, limit %u)", size,
                           limits.max_module_bytes));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Module>> DecodeModule(
    std::span<const uint8_t> bytes, const Limits& limits) {
  WSBX_RETURN_IF_ERROR(CheckModuleSize(bytes.size(), limits));
  auto module = std::make_unique<Module>();
  module->bytes.assign(bytes.begin(), bytes.end());
  return ModuleDecoder(std::move(module), limits).Decode();
}

absl::StatusOr<std::unique_ptr<Module>> DecodeModule(
    std::vector<uint8_t>&& bytes, const Limits& limits) {
  WSBX_RETURN_IF_ERROR(CheckModuleSize(bytes.size(), limits));
  auto module = std::make_unique<Module>();
  module->bytes = std::move(bytes);
  return ModuleDecoder(std::move(module), limits).Decode();
}

}  // namespace wsbx
