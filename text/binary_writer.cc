// Binary encoder for a resolved TextModule: each section is built in its
// own buffer so its size prefix can be written first at minimal length.
// Element and data segments take the shortest encoding that says the same.
#include "text/binary_writer.h"

#include "text/text_ops.h"

#include <string_view>

namespace wsbx::text {
namespace {

class Buffer {
 public:
  void Byte(uint8_t b) { bytes_.push_back(b); }
  void U64(uint64_t v) {
    do {
      uint8_t b = v & 0x7F;
      v >>= 7;
      if (v != 0) b |= 0x80;
      Byte(b);
    } while (v != 0);
  }
  void U32(uint32_t v) { U64(v); }
  void S64(int64_t v) {
    while (true) {
      const uint8_t b = v & 0x7F;
      v >>= 7;
      const bool done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
      Byte(done ? b : (b | 0x80));
      if (done) return;
    }
  }
  void Fixed(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) Byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Name(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }
  void Append(const Buffer& other) {
    U32(static_cast<uint32_t>(other.bytes_.size()));
    bytes_.insert(bytes_.end(), other.bytes_.begin(), other.bytes_.end());
  }
  size_t size() const { return bytes_.size(); }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

void WriteLimits(Buffer& b, const Limits& l) {
  b.Byte(static_cast<uint8_t>((l.max ? 1 : 0) | (l.is64 ? 4 : 0)));
  b.U64(l.min);
  if (l.max) b.U64(*l.max);
}

// A heap type: its byte, or a type index as a positive s33.
void WriteHeapType(Buffer& b, const ValType& t) {
  if (t.heap != 0) {
    b.Byte(t.heap);
  } else {
    b.S64(t.type.index);
  }
}

// Nullable abstract references take their one-byte short form (spec 5.3.5).
void WriteValType(Buffer& b, const ValType& t) {
  if (t.is_ref() && !(t.code == kRefNull && t.heap != 0)) {
    b.Byte(t.code);
    WriteHeapType(b, t);
  } else if (t.is_ref()) {
    b.Byte(t.heap);
  } else {
    b.Byte(t.code);
  }
}

void WriteTypes(Buffer& b, const std::vector<ValType>& types) {
  b.U32(static_cast<uint32_t>(types.size()));
  for (const ValType& t : types) WriteValType(b, t);
}

void WriteBlockType(Buffer& b, const Instr& in) {
  if (!in.inline_block) {
    b.S64(in.block.index);
  } else if (in.block.sig.results.empty()) {
    b.Byte(0x40);
  } else {
    WriteValType(b, in.block.sig.results[0]);
  }
}

void WriteMemArg(Buffer& b, const Instr& in) {
  if (in.a.index != 0) {
    b.U32(in.align_log2 | 0x40);  // multi-memory: the index follows
    b.U32(in.a.index);
  } else {
    b.U32(in.align_log2);
  }
  b.U64(in.offset);
}

void WriteImmediates(Buffer& b, const Instr& in) {
  switch (GetOpcodeInfo(in.op).imm) {
    case ImmKind::kNone:
      return;
    case ImmKind::kBlockType:
      WriteBlockType(b, in);
      return;
    case ImmKind::kBrTable:
      b.U32(static_cast<uint32_t>(in.targets.size() - 1));
      for (uint32_t t : in.targets) b.U32(t);
      return;
    case ImmKind::kCallIndirect:
      b.U32(in.block.index);
      b.U32(in.b.index);
      return;
    case ImmKind::kSelectT:
      WriteTypes(b, in.types);
      return;
    case ImmKind::kMemArg:
      WriteMemArg(b, in);
      return;
    case ImmKind::kMemArgLane:
      WriteMemArg(b, in);
      b.Byte(in.lane);
      return;
    case ImmKind::kI32:
    case ImmKind::kI64:
      b.S64(static_cast<int64_t>(in.bits));
      return;
    case ImmKind::kF32:
      b.Fixed(in.bits, 4);
      return;
    case ImmKind::kF64:
      b.Fixed(in.bits, 8);
      return;
    case ImmKind::kRefType:
      WriteHeapType(b, in.types[0]);
      return;
    case ImmKind::kMemoryInit: case ImmKind::kMemoryCopy:
    case ImmKind::kTableInit: case ImmKind::kTableCopy:
      b.U32(in.a.index);
      b.U32(in.b.index);
      return;
    case ImmKind::kV128:
    case ImmKind::kShuffle:
      b.Fixed(in.bits, 8);
      b.Fixed(in.hi, 8);
      return;
    case ImmKind::kLane:
      b.Byte(in.lane);
      return;
    case ImmKind::kLabel: case ImmKind::kFunc: case ImmKind::kLocal:
    case ImmKind::kGlobal: case ImmKind::kTable: case ImmKind::kMemIndex:
    case ImmKind::kData: case ImmKind::kElem:
      b.U32(in.a.index);
      return;
  }
}

// The instructions of text_ops.h. ref.test and ref.cast of a nullable
// type are the opcode after the non-null one; br_on_cast's flags say
// which of its two types are nullable (spec 5.4.2, 5.4.6).
void WriteTextOp(Buffer& b, const Instr& in) {
  const TextOpInfo& info = *in.text_op;
  uint32_t code = info.code;
  if (info.imm == TextImm::kCast && in.types[0].code == kRefNull) ++code;
  if (info.prefix != 0) {
    b.Byte(info.prefix);
    b.U32(code);
  } else {
    b.Byte(static_cast<uint8_t>(code));
  }
  switch (info.imm) {
    case TextImm::kNone:
      return;
    case TextImm::kType: case TextImm::kTag: case TextImm::kLabel:
      b.U32(in.a.index);
      return;
    case TextImm::kTypeField: case TextImm::kTypeData:
    case TextImm::kTypeElem: case TextImm::kTypeType:
      b.U32(in.a.index);
      b.U32(in.b.index);
      return;
    case TextImm::kTypeCount:
      b.U32(in.a.index);
      b.U32(static_cast<uint32_t>(in.bits));
      return;
    case TextImm::kCast:
      WriteHeapType(b, in.types[0]);
      return;
    case TextImm::kBrOnCast:
      b.Byte(static_cast<uint8_t>((in.types[0].code == kRefNull ? 1 : 0) |
                                  (in.types[1].code == kRefNull ? 2 : 0)));
      b.U32(in.a.index);
      WriteHeapType(b, in.types[0]);
      WriteHeapType(b, in.types[1]);
      return;
    case TextImm::kTryTable:
      WriteBlockType(b, in);
      b.U32(static_cast<uint32_t>(in.catches.size()));
      for (const Catch& c : in.catches) {
        b.Byte(c.kind);
        if (c.kind < 2) b.U32(c.tag.index);
        b.U32(c.label);
      }
      return;
  }
}

void WriteInstr(Buffer& b, const Instr& in) {
  if (in.text_op != nullptr) return WriteTextOp(b, in);
  const OpcodeInfo& info = GetOpcodeInfo(in.op);
  if (info.prefix != 0) {
    b.Byte(info.prefix);
    b.U32(info.code);
  } else {
    b.Byte(static_cast<uint8_t>(info.code));
  }
  WriteImmediates(b, in);
}

// An expression and its final `end`.
void WriteExpr(Buffer& b, const Expr& e) {
  for (const Instr& in : e) WriteInstr(b, in);
  b.Byte(0x0B);
}

void Section(Buffer& out, uint8_t id, const Buffer& body) {
  out.Byte(id);
  out.Append(body);
}

void WriteImportDesc(Buffer& b, const TextModule& m, const ImportRef& imp) {
  b.Byte(static_cast<uint8_t>(imp.kind));
  switch (imp.kind) {
    case Space::kFunc:
      b.U32(m.funcs[imp.index].type.index);
      return;
    case Space::kTable:
      WriteValType(b, m.tables[imp.index].ref_type);
      WriteLimits(b, m.tables[imp.index].limits);
      return;
    case Space::kMemory:
      WriteLimits(b, m.memories[imp.index].limits);
      return;
    case Space::kTag:
      b.Byte(0x00);  // the exception attribute
      b.U32(m.tags[imp.index].type.index);
      return;
    default:
      WriteValType(b, m.globals[imp.index].type);
      b.Byte(m.globals[imp.index].is_mutable ? 1 : 0);
      return;
  }
}

const ImportName& ImportOf(const TextModule& m, const ImportRef& imp) {
  switch (imp.kind) {
    case Space::kFunc: return *m.funcs[imp.index].import;
    case Space::kTable: return *m.tables[imp.index].import;
    case Space::kMemory: return *m.memories[imp.index].import;
    case Space::kTag: return *m.tags[imp.index].import;
    default: return *m.globals[imp.index].import;
  }
}

// Element segment encodings 0-7 (spec 5.5.12): bit 0 passive/declarative,
// bit 1 explicit table (or declarative), bit 2 expressions.
// The function-index forms give the segment type `(ref func)` (3.0), so
// they are used for that type only, when every item is a ref.func; a
// `funcref` segment keeps expressions (its type is `(ref null func)`).
void WriteElem(Buffer& b, const Elem& e) {
  bool indices = e.ref_type == kRefFunc;
  for (const Expr& item : e.items) {
    indices = indices && item.size() == 1 && item[0].op == Opcode::kRefFunc &&
              item[0].text_op == nullptr;
  }
  const bool explicit_table =
      e.mode == Mode::kActive &&
      (e.table.index != 0 || (!indices && !(e.ref_type == kFuncRef)));
  uint8_t flags = indices ? 0 : 4;
  if (e.mode == Mode::kPassive) flags |= 1;
  if (e.mode == Mode::kDeclarative) flags |= 3;
  if (explicit_table) flags |= 2;
  b.Byte(flags);
  if (e.mode == Mode::kActive) {
    if (explicit_table) b.U32(e.table.index);
    WriteExpr(b, e.offset);
  }
  if ((flags & 3) != 0) {
    if (indices) {
      b.Byte(0x00);  // elemkind funcref
    } else {
      WriteValType(b, e.ref_type);
    }
  }
  b.U32(static_cast<uint32_t>(e.items.size()));
  for (const Expr& item : e.items) {
    if (indices) {
      b.U32(item[0].a.index);
    } else {
      WriteExpr(b, item);
    }
  }
}

void WriteData(Buffer& b, const Data& d) {
  if (d.mode == Mode::kPassive) {
    b.Byte(1);
  } else if (d.memory.index != 0) {
    b.Byte(2);
    b.U32(d.memory.index);
  } else {
    b.Byte(0);
  }
  if (d.mode == Mode::kActive) WriteExpr(b, d.offset);
  b.Name(d.bytes);
}

void WriteBody(Buffer& code, const Func& f) {
  Buffer body;
  // Locals as runs of one type.
  std::vector<std::pair<uint32_t, ValType>> runs;
  for (const ValType& t : f.locals) {
    if (!runs.empty() && runs.back().second == t) {
      ++runs.back().first;
    } else {
      runs.emplace_back(1, t);
    }
  }
  body.U32(static_cast<uint32_t>(runs.size()));
  for (const auto& [count, type] : runs) {
    body.U32(count);
    WriteValType(body, type);
  }
  WriteExpr(body, f.body);
  code.Append(body);
}

bool UsesDataIndex(const TextModule& m) {
  for (const Func& f : m.funcs) {
    for (const Instr& in : f.body) {
      if (in.op == Opcode::kMemoryInit || in.op == Opcode::kDataDrop) return true;
      if (in.text_op != nullptr && in.text_op->imm == TextImm::kTypeData) {
        return true;
      }
    }
  }
  return false;
}

void WriteFieldType(Buffer& b, const FieldType& f) {
  WriteValType(b, f.type);
  b.Byte(f.is_mutable ? 1 : 0);
}

// subtype (spec 5.3.10): the plain comptype when final without supertypes.
void WriteSubType(Buffer& b, const TypeDef& t) {
  if (!t.is_final || !t.supers.empty()) {
    b.Byte(t.is_final ? 0x4F : 0x50);
    b.U32(static_cast<uint32_t>(t.supers.size()));
    for (const Ref& s : t.supers) b.U32(s.index);
  }
  switch (t.kind) {
    case CompKind::kFunc:
      b.Byte(0x60);
      WriteTypes(b, t.sig.params);
      WriteTypes(b, t.sig.results);
      return;
    case CompKind::kStruct:
      b.Byte(0x5F);
      b.U32(static_cast<uint32_t>(t.fields.size()));
      for (const FieldType& f : t.fields) WriteFieldType(b, f);
      return;
    case CompKind::kArray:
      b.Byte(0x5E);
      WriteFieldType(b, t.fields[0]);
      return;
  }
}

void WriteRecGroup(Buffer& b, const TextModule& m, const RecGroup& g) {
  if (g.explicit_rec) {
    b.Byte(0x4E);
    b.U32(g.count);
  }
  for (uint32_t i = 0; i < g.count; ++i) WriteSubType(b, m.types[g.first + i]);
}

// A table with an initializer takes the 0x40 0x00 form (3.0).
void WriteTable(Buffer& b, const Table& t) {
  if (!t.init.empty()) {
    b.Byte(0x40);
    b.Byte(0x00);
  }
  WriteValType(b, t.ref_type);
  WriteLimits(b, t.limits);
  if (!t.init.empty()) WriteExpr(b, t.init);
}

template <typename T, typename F>
void VectorSection(Buffer& out, uint8_t id, const std::vector<T>& items, F each) {
  Buffer body;
  uint32_t count = 0;
  for (const T& item : items) count += each(nullptr, item) ? 1 : 0;
  if (count == 0) return;
  body.U32(count);
  for (const T& item : items) each(&body, item);
  Section(out, id, body);
}

}  // namespace

std::vector<uint8_t> WriteBinary(const TextModule& m) {
  Buffer out;
  out.Fixed(0x6D736100, 4);  // \0asm
  out.Fixed(1, 4);
  VectorSection(out, 1, m.rec_groups, [&](Buffer* b, const RecGroup& g) {
    if (b) WriteRecGroup(*b, m, g);
    return true;
  });
  VectorSection(out, 2, m.imports, [&](Buffer* b, const ImportRef& imp) {
    if (b) {
      const ImportName& name = ImportOf(m, imp);
      b->Name(name.module);
      b->Name(name.name);
      WriteImportDesc(*b, m, imp);
    }
    return true;
  });
  VectorSection(out, 3, m.funcs, [](Buffer* b, const Func& f) {
    if (b && !f.import) b->U32(f.type.index);
    return !f.import;
  });
  VectorSection(out, 4, m.tables, [](Buffer* b, const Table& t) {
    if (b && !t.import) WriteTable(*b, t);
    return !t.import;
  });
  VectorSection(out, 5, m.memories, [](Buffer* b, const Memory& mem) {
    if (b && !mem.import) WriteLimits(*b, mem.limits);
    return !mem.import;
  });
  VectorSection(out, 13, m.tags, [](Buffer* b, const Tag& t) {
    if (b && !t.import) {
      b->Byte(0x00);
      b->U32(t.type.index);
    }
    return !t.import;
  });
  VectorSection(out, 6, m.globals, [](Buffer* b, const Global& g) {
    if (b && !g.import) {
      WriteValType(*b, g.type);
      b->Byte(g.is_mutable ? 1 : 0);
      WriteExpr(*b, g.init);
    }
    return !g.import;
  });
  VectorSection(out, 7, m.exports, [](Buffer* b, const Export& e) {
    if (b) {
      b->Name(e.name);
      b->Byte(static_cast<uint8_t>(e.kind));
      b->U32(e.ref.index);
    }
    return true;
  });
  if (m.start) {
    Buffer body;
    body.U32(m.start->index);
    Section(out, 8, body);
  }
  VectorSection(out, 9, m.elems, [](Buffer* b, const Elem& e) {
    if (b) WriteElem(*b, e);
    return true;
  });
  if (UsesDataIndex(m)) {
    Buffer body;
    body.U32(static_cast<uint32_t>(m.datas.size()));
    Section(out, 12, body);
  }
  VectorSection(out, 10, m.funcs, [](Buffer* b, const Func& f) {
    if (b && !f.import) WriteBody(*b, f);
    return !f.import;
  });
  VectorSection(out, 11, m.datas, [](Buffer* b, const Data& d) {
    if (b) WriteData(*b, d);
    return true;
  });
  return std::move(out.bytes());
}

}  // namespace wsbx::text
