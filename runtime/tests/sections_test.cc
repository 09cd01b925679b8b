// ListSections on hand-assembled binaries (file order, offsets, sizes,
// custom names, framing errors), and the per-opcode feature classification
// derived from the opcode table.
#include "runtime/decode/sections.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/opcodes.h"
#include "runtime/tests/wasm_bytes.h"

namespace wsbx {
namespace {

using testing::Bytes;

Bytes Header() { return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}; }

void AppendSection(Bytes& b, uint8_t id, const Bytes& content) {
  b.push_back(id);
  testing::AppendU32(b, static_cast<uint32_t>(content.size()));
  b.insert(b.end(), content.begin(), content.end());
}

TEST_CASE("ListSections reports every section in file order") {
  Bytes b = Header();
  AppendSection(b, 1, {0x01, 0x60, 0x00, 0x00});  // type: () -> ()
  Bytes custom;
  testing::AppendName(custom, "meta");
  custom.insert(custom.end(), {1, 2, 3});
  AppendSection(b, 0, custom);
  AppendSection(b, 3, {0x01, 0x00});               // function: one of type 0
  AppendSection(b, 10, {0x01, 0x02, 0x00, 0x0B});  // code: empty body
  auto sections = ListSections(b);
  REQUIRE(sections.ok());
  REQUIRE(sections->size() == 4);
  const std::vector<SectionSpan>& s = *sections;
  CHECK(s[0].id == 1);
  CHECK(s[0].offset == 8);
  CHECK(s[0].content_offset == 10);
  CHECK(s[0].size == 4);
  CHECK(s[0].name.empty());
  CHECK(s[1].id == 0);
  CHECK(s[1].offset == 14);
  CHECK(s[1].size == 8);
  CHECK(s[1].name == "meta");
  CHECK(s[2].id == 3);
  CHECK(s[2].offset == 24);
  CHECK(s[3].id == 10);
  CHECK(s[3].offset == 28);
  CHECK(s[3].size == 4);
  CHECK(s[3].content_offset + s[3].size == b.size());
}

TEST_CASE("ListSections of a module with no sections is empty") {
  auto sections = ListSections(Header());
  REQUIRE(sections.ok());
  CHECK(sections->empty());
}

TEST_CASE("ListSections refuses broken framing with the offset") {
  Bytes bad_magic = Header();
  bad_magic[1] = 'x';
  CHECK(ListSections(bad_magic).status().message() ==
        "at offset 0x0: not a version 1 wasm binary");
  Bytes bad_id = Header();
  AppendSection(bad_id, 13, {});
  CHECK(ListSections(bad_id).status().message() ==
        "at offset 0x8: malformed section id 13");
  Bytes too_long = Header();
  too_long.insert(too_long.end(), {0x01, 0x05, 0x00});
  CHECK(ListSections(too_long).status().message().find("unexpected end") !=
        std::string::npos);
  Bytes long_name = Header();
  AppendSection(long_name, 0, {0x04, 'a', 'b'});
  CHECK(!ListSections(long_name).ok());
}

TEST_CASE("SectionIdName names every id") {
  CHECK(SectionIdName(0) == "custom");
  CHECK(SectionIdName(10) == "code");
  CHECK(SectionIdName(12) == "data count");
  CHECK(SectionIdName(13) == "unknown");
}

OpcodeFeature FeatureOf(Opcode op) {
  return kOpcodeFeatures[static_cast<int>(op)];
}

TEST_CASE("every opcode is classified by the feature that brought it") {
  CHECK(FeatureOf(Opcode::kI32Add) == OpcodeFeature::kCore);
  CHECK(FeatureOf(Opcode::kCallIndirect) == OpcodeFeature::kCore);
  CHECK(FeatureOf(Opcode::kSelect) == OpcodeFeature::kCore);
  CHECK(FeatureOf(Opcode::kMemoryGrow) == OpcodeFeature::kCore);
  CHECK(FeatureOf(Opcode::kI32Extend8S) == OpcodeFeature::kSignExtension);
  CHECK(FeatureOf(Opcode::kI64Extend32S) == OpcodeFeature::kSignExtension);
  CHECK(FeatureOf(Opcode::kI32TruncSatF32S) ==
        OpcodeFeature::kSaturatingFloatToInt);
  CHECK(FeatureOf(Opcode::kI64TruncSatF64U) ==
        OpcodeFeature::kSaturatingFloatToInt);
  CHECK(FeatureOf(Opcode::kMemoryInit) == OpcodeFeature::kBulkMemory);
  CHECK(FeatureOf(Opcode::kTableCopy) == OpcodeFeature::kBulkMemory);
  CHECK(FeatureOf(Opcode::kTableGrow) == OpcodeFeature::kReferenceTypes);
  CHECK(FeatureOf(Opcode::kTableFill) == OpcodeFeature::kReferenceTypes);
  CHECK(FeatureOf(Opcode::kSelectT) == OpcodeFeature::kReferenceTypes);
  CHECK(FeatureOf(Opcode::kTableGet) == OpcodeFeature::kReferenceTypes);
  CHECK(FeatureOf(Opcode::kRefFunc) == OpcodeFeature::kReferenceTypes);
  CHECK(FeatureOf(Opcode::kV128Load) == OpcodeFeature::kSimd);
  CHECK(FeatureOf(Opcode::kI32x4TruncSatF64x2UZero) == OpcodeFeature::kSimd);
  CHECK(FeatureOf(Opcode::kI8x16RelaxedSwizzle) == OpcodeFeature::kRelaxedSimd);
  CHECK(FeatureOf(Opcode::kI32x4RelaxedDotI8x16I7x16AddS) ==
        OpcodeFeature::kRelaxedSimd);
  CHECK(FeatureOf(Opcode::kReturnCall) == OpcodeFeature::kTailCall);
  CHECK(FeatureOf(Opcode::kReturnCallIndirect) == OpcodeFeature::kTailCall);
  // The classification agrees with the mnemonics where they tell.
  for (int i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = kOpcodeInfos[i];
    CAPTURE(info.text);
    if (info.text.find("relaxed") != std::string_view::npos) {
      CHECK(kOpcodeFeatures[i] == OpcodeFeature::kRelaxedSimd);
    } else if (info.text.find("trunc_sat") != std::string_view::npos &&
               info.prefix == 0xFC) {
      CHECK(kOpcodeFeatures[i] == OpcodeFeature::kSaturatingFloatToInt);
    }
    if (info.prefix == 0 && kOpcodeFeatures[i] != OpcodeFeature::kCore) {
      CHECK(info.code >= 0x12);
    }
  }
}

}  // namespace
}  // namespace wsbx
