// Module-level part of the generator: the choices that shape a module
// (functions and their types, globals, memory, table and segments), then the
// sections in the binary's order (spec 5.5). Bodies come from body_gen.cc;
// the type section is written last of all since block types add to it.
#include "fuzz/module_gen.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/body_gen.h"
#include "runtime/tests/wasm_bytes.h"

namespace wsbx::fuzz {

using testing::AppendName;
using testing::AppendS64;
using testing::AppendU32;

uint32_t Entropy::Below(uint32_t n) {
  if (n <= 1) return 0;
  uint32_t raw = n <= 256 ? Byte() : U32();
  return raw % n;
}

uint32_t Entropy::U32() {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(Byte()) << (8 * i);
  return v;
}

uint64_t Entropy::U64() {
  uint64_t low = U32();
  return low | static_cast<uint64_t>(U32()) << 32;
}

namespace {

void AppendSection(Bytes& module, uint8_t id, const Bytes& contents) {
  module.push_back(id);
  AppendU32(module, static_cast<uint32_t>(contents.size()));
  module.insert(module.end(), contents.begin(), contents.end());
}

ValType PickType(Entropy& e, bool simd) {
  static constexpr ValType kTypes[] = {ValType::kI32, ValType::kI64,
                                       ValType::kF32, ValType::kF64,
                                       ValType::kV128};
  return kTypes[e.Below(simd ? 5 : 4)];
}

FuncType PickFuncType(Entropy& e, const GenOptions& options, bool simd) {
  FuncType type;
  type.params.resize(e.Below(options.max_params + 1));
  for (ValType& t : type.params) t = PickType(e, simd);
  type.results.resize(e.Below(options.max_results + 1));
  for (ValType& t : type.results) t = PickType(e, simd);
  return type;
}

void AppendFuncType(Bytes& out, const FuncType& type) {
  out.push_back(0x60);
  for (const Types* types : {&type.params, &type.results}) {
    AppendU32(out, static_cast<uint32_t>(types->size()));
    for (ValType t : *types) out.push_back(static_cast<uint8_t>(t));
  }
}

void AppendLimits(Bytes& out, uint32_t min, uint32_t max) {
  out.push_back(0x01);  // with a maximum
  AppendU32(out, min);
  AppendU32(out, max);
}

// Memory, table, globals and their contents, chosen before any body.
struct Layout {
  uint32_t memory_max = 1;
  uint32_t table_max = 0;
  uint32_t data_offset = 0;
  Bytes data;
  std::vector<Bytes> global_inits;  // a constant expression per global
};

Layout PickLayout(Entropy& e, ModuleShape& shape, uint32_t funcs) {
  Layout layout;
  shape.memory_pages = 1 + e.Below(2);
  layout.memory_max = shape.memory_pages + e.Below(3);
  // A second memory of the same limits in a third of the modules, decided
  // by a choice already made so that older inputs keep their layout.
  shape.memories = layout.memory_max == shape.memory_pages + 2 ? 2 : 1;
  uint32_t table_size = funcs + e.Below(4);
  // Half of those (by the table size, another earlier choice) make the
  // second memory a 64-bit one.
  shape.second_is64 = shape.memories == 2 && table_size % 2 == 1;
  layout.table_max = table_size + e.Below(4);
  // The element segment fills a prefix of the table; the rest stays null.
  shape.table_slots.assign(table_size, kNullSlot);
  uint32_t filled = table_size - e.Below(table_size + 1);
  for (uint32_t i = 0; i < filled; ++i) {
    shape.table_slots[i] = (i + e.Below(funcs)) % funcs;
  }
  uint32_t globals = 1 + e.Below(5);
  for (uint32_t i = 0; i < globals; ++i) {
    GlobalType global{PickType(e, shape.simd), e.Below(4) != 3};
    shape.globals.push_back(global);
    Bytes& init = layout.global_inits.emplace_back();
    AppendConst(e, global.type, init);
    init.push_back(0x0B);
  }
  layout.data_offset = e.Below(64);
  layout.data.resize(e.Below(33));
  for (uint8_t& b : layout.data) b = e.Byte();
  return layout;
}

// Import, function, table, memory, global and export sections.
void AppendDeclarations(Bytes& module, const ModuleShape& shape,
                        const Layout& layout) {
  Bytes section;
  if (shape.imported_funcs != 0) {
    AppendU32(section, 1);
    AppendName(section, "env");
    AppendName(section, "f");
    section.push_back(0x00);
    AppendU32(section, shape.func_types[0]);
    AppendSection(module, 2, section);
  }
  section.clear();
  const uint32_t funcs = static_cast<uint32_t>(shape.func_types.size());
  AppendU32(section, funcs - shape.imported_funcs);
  for (uint32_t f = shape.imported_funcs; f < funcs; ++f) {
    AppendU32(section, shape.func_types[f]);
  }
  AppendSection(module, 3, section);
  section = {1, 0x70};
  AppendLimits(section, static_cast<uint32_t>(shape.table_slots.size()),
               layout.table_max);
  AppendSection(module, 4, section);
  section = {static_cast<uint8_t>(shape.memories)};
  for (uint32_t i = 0; i < shape.memories; ++i) {
    AppendLimits(section, shape.memory_pages, layout.memory_max);
    if (shape.Is64(i)) section[section.size() - 3] |= 0x04;  // i64 limits
  }
  AppendSection(module, 5, section);
  section.clear();
  AppendU32(section, static_cast<uint32_t>(shape.globals.size()));
  for (size_t g = 0; g < shape.globals.size(); ++g) {
    section.push_back(static_cast<uint8_t>(shape.globals[g].type));
    section.push_back(shape.globals[g].mutable_ ? 1 : 0);
    const Bytes& init = layout.global_inits[g];
    section.insert(section.end(), init.begin(), init.end());
  }
  AppendSection(module, 6, section);
  section.clear();
  AppendU32(section, funcs);
  for (uint32_t f = 0; f < funcs; ++f) {
    AppendName(section, "f" + std::to_string(f));
    section.push_back(0x00);
    AppendU32(section, f);
  }
  AppendSection(module, 7, section);
}

}  // namespace

std::vector<uint8_t> GenerateModule(std::span<const uint8_t> input,
                                    const GenOptions& options) {
  Entropy e(input);
  ModuleShape shape;
  uint8_t flags = e.Byte();
  shape.simd = options.allow_simd && (flags & 1) != 0;
  shape.imported_funcs = (flags & 2) != 0 ? 1 : 0;
  const uint32_t funcs =
      shape.imported_funcs + 1 + e.Below(std::max(options.max_funcs, 1u));
  for (uint32_t f = 0; f < funcs; ++f) {
    shape.func_types.push_back(
        shape.types.Intern(PickFuncType(e, options, shape.simd)));
  }
  Layout layout = PickLayout(e, shape, funcs);

  Bytes code;
  AppendU32(code, funcs - shape.imported_funcs);
  for (uint32_t f = shape.imported_funcs; f < funcs; ++f) {
    Bytes body = GenerateBody(e, options, shape, f);
    AppendU32(code, static_cast<uint32_t>(body.size()));
    code.insert(code.end(), body.begin(), body.end());
  }

  Bytes module = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  Bytes section;
  AppendU32(section, static_cast<uint32_t>(shape.types.types().size()));
  for (const FuncType& type : shape.types.types()) {
    AppendFuncType(section, type);
  }
  AppendSection(module, 1, section);
  AppendDeclarations(module, shape, layout);

  // Element segment: active, table 0, from slot 0, the filled prefix.
  section = {1, 0x00, 0x41, 0x00, 0x0B};
  uint32_t filled = 0;
  while (filled < shape.table_slots.size() &&
         shape.table_slots[filled] != kNullSlot) {
    ++filled;
  }
  AppendU32(section, filled);
  for (uint32_t i = 0; i < filled; ++i)
    AppendU32(section, shape.table_slots[i]);
  AppendSection(module, 9, section);
  AppendSection(module, 10, code);

  // Data segment: active, memory 0.
  section = {1, 0x00, 0x41};
  AppendS64(section, layout.data_offset);
  section.push_back(0x0B);
  AppendU32(section, static_cast<uint32_t>(layout.data.size()));
  section.insert(section.end(), layout.data.begin(), layout.data.end());
  AppendSection(module, 11, section);
  return module;
}

}  // namespace wsbx::fuzz
