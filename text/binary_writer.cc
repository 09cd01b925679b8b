// Binary encoder for a resolved TextModule: each section is built in its
// own buffer so its size prefix can be written first at minimal length.
// Element and data segments take the shortest encoding that says the same.
#include "text/binary_writer.h"

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

void WriteTypes(Buffer& b, const std::vector<uint8_t>& types) {
  b.U32(static_cast<uint32_t>(types.size()));
  for (uint8_t t : types) b.Byte(t);
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
      if (!in.inline_block) {
        b.S64(in.block.index);
      } else if (in.block.sig.results.empty()) {
        b.Byte(0x40);
      } else {
        b.Byte(in.block.sig.results[0]);
      }
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
      b.Byte(in.ref_type);
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

void WriteInstr(Buffer& b, const Instr& in) {
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
      b.Byte(m.tables[imp.index].ref_type);
      WriteLimits(b, m.tables[imp.index].limits);
      return;
    case Space::kMemory:
      WriteLimits(b, m.memories[imp.index].limits);
      return;
    default:
      b.Byte(m.globals[imp.index].type);
      b.Byte(m.globals[imp.index].is_mutable ? 1 : 0);
      return;
  }
}

const ImportName& ImportOf(const TextModule& m, const ImportRef& imp) {
  switch (imp.kind) {
    case Space::kFunc: return *m.funcs[imp.index].import;
    case Space::kTable: return *m.tables[imp.index].import;
    case Space::kMemory: return *m.memories[imp.index].import;
    default: return *m.globals[imp.index].import;
  }
}

// Element segment encodings 0-7 (spec 5.5.12): bit 0 passive/declarative,
// bit 1 explicit table (or declarative), bit 2 expressions.
void WriteElem(Buffer& b, const Elem& e) {
  bool indices = e.ref_type == kFuncRef;
  for (const Expr& item : e.items) {
    indices = indices && item.size() == 1 && item[0].op == Opcode::kRefFunc;
  }
  const bool explicit_table =
      e.mode == Mode::kActive && (e.table.index != 0 || e.ref_type != kFuncRef);
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
      b.Byte(e.ref_type);
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
  std::vector<std::pair<uint32_t, uint8_t>> runs;
  for (uint8_t t : f.locals) {
    if (!runs.empty() && runs.back().second == t) {
      ++runs.back().first;
    } else {
      runs.emplace_back(1, t);
    }
  }
  body.U32(static_cast<uint32_t>(runs.size()));
  for (const auto& [count, type] : runs) {
    body.U32(count);
    body.Byte(type);
  }
  WriteExpr(body, f.body);
  code.Append(body);
}

bool UsesDataIndex(const TextModule& m) {
  for (const Func& f : m.funcs) {
    for (const Instr& in : f.body) {
      if (in.op == Opcode::kMemoryInit || in.op == Opcode::kDataDrop) return true;
    }
  }
  return false;
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
  VectorSection(out, 1, m.types, [](Buffer* b, const FuncSig& t) {
    if (b) {
      b->Byte(0x60);
      WriteTypes(*b, t.params);
      WriteTypes(*b, t.results);
    }
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
    if (b && !t.import) {
      b->Byte(t.ref_type);
      WriteLimits(*b, t.limits);
    }
    return !t.import;
  });
  VectorSection(out, 5, m.memories, [](Buffer* b, const Memory& mem) {
    if (b && !mem.import) WriteLimits(*b, mem.limits);
    return !mem.import;
  });
  VectorSection(out, 6, m.globals, [](Buffer* b, const Global& g) {
    if (b && !g.import) {
      b->Byte(g.type);
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
