// ReadInstr and its inline fast path: immediates of one, two and more LEB128
// bytes decode to the same values whichever path reads them, and truncated
// or malformed forms still fail with the general path's errors.
#include "runtime/decode/instr.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace wsbx {
namespace {

// Reads one instruction from `bytes`, placed at module offset 0x10.
absl::StatusOr<Instr> Read(std::vector<uint8_t> bytes, size_t* used = nullptr,
                           bool memory_indices = true) {
  Reader r(bytes, 0x10);
  Instr in;
  absl::Status s = ReadInstr(r, &in, 100, memory_indices);
  if (!s.ok()) return s;
  if (used != nullptr) *used = r.pos();
  return in;
}

int64_t ConstValue(std::vector<uint8_t> leb, uint8_t opcode = 0x41) {
  leb.insert(leb.begin(), opcode);  // i32.const unless told
  absl::StatusOr<Instr> in = Read(leb);
  REQUIRE(in.ok());
  CHECK(in->op == (opcode == 0x41 ? Opcode::kI32Const : Opcode::kI64Const));
  return static_cast<int64_t>(in->bits);
}

TEST_CASE("i32.const immediates of every length sign-extend") {
  CHECK(ConstValue({0x00}) == 0);
  CHECK(ConstValue({0x3F}) == 63);
  CHECK(ConstValue({0x40}) == -64);
  CHECK(ConstValue({0x7F}) == -1);
  CHECK(ConstValue({0xC0, 0x00}) == 64);
  CHECK(ConstValue({0xBF, 0x7F}) == -65);
  CHECK(ConstValue({0xFF, 0x3F}) == 8191);
  CHECK(ConstValue({0x80, 0x40}) == -8192);
  CHECK(ConstValue({0x80, 0xC0, 0x00}) == 8192);
  CHECK(ConstValue({0x80, 0x00}) == 0);   // padded
  CHECK(ConstValue({0xFF, 0x7F}) == -1);  // padded
  CHECK(ConstValue({0xC0, 0xBB, 0x78}) == -123456);
  CHECK(ConstValue({0xFF, 0xFF, 0xFF, 0x3F}) == 0x7FFFFFF);  // 4 bytes
  CHECK(ConstValue({0x80, 0x80, 0x80, 0x40}) == -0x8000000);
  CHECK(ConstValue({0x80, 0x80, 0x80, 0xC0, 0x00}) == 0x8000000);
  CHECK(ConstValue({0x80, 0x80, 0x80, 0x80, 0x78}) == INT32_MIN);
  CHECK(ConstValue({0xFF, 0xFF, 0xFF, 0xFF, 0x07}) == INT32_MAX);
  CHECK(ConstValue({0x80, 0x80, 0x80, 0x80, 0x00}) == 0);  // linker padding
  CHECK(ConstValue({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}) == -1);
}

TEST_CASE("i64.const immediates of every length sign-extend") {
  CHECK(ConstValue({0x40}, 0x42) == -64);
  CHECK(ConstValue({0xC0, 0xBB, 0x78}, 0x42) == -123456);
  CHECK(ConstValue({0x80, 0x80, 0x80, 0x40}, 0x42) == -0x8000000);
  CHECK(ConstValue({0x80, 0x80, 0x80, 0x80, 0x08}, 0x42) == 0x80000000LL);
  CHECK(ConstValue({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F},
                   0x42) == INT64_MIN);
}

TEST_CASE("index and memarg immediates of one and two bytes") {
  size_t used = 0;
  absl::StatusOr<Instr> in = Read({0x20, 0x7F, 0x0B}, &used);  // local.get
  REQUIRE(in.ok());
  CHECK(in->op == Opcode::kLocalGet);
  CHECK(in->a == 127);
  CHECK(in->offset == 0x10);
  CHECK(used == 2);
  in = Read({0x20, 0x80, 0x01}, &used);
  REQUIRE(in.ok());
  CHECK(in->a == 128);
  CHECK(used == 3);
  in = Read({0x10, 0xFF, 0x7F});  // call
  REQUIRE(in.ok());
  CHECK(in->a == 16383);
  in = Read({0x10, 0x80, 0x80, 0x01});
  REQUIRE(in.ok());
  CHECK(in->a == 16384);
  in = Read({0x10, 0x85, 0x80, 0x80, 0x80, 0x00}, &used);  // padded to 5
  REQUIRE(in.ok());
  CHECK(in->a == 5);
  CHECK(used == 6);
  in = Read({0x28, 0x02, 0xAC, 0x02}, &used);  // i32.load align=2 offset=300
  REQUIRE(in.ok());
  CHECK(in->op == Opcode::kI32Load);
  CHECK(in->a == 2);
  CHECK(in->b == 300);
  CHECK(used == 4);
  in = Read({0x36, 0x80, 0x00, 0x80, 0x80, 0x04});  // i32.store
  REQUIRE(in.ok());
  CHECK(in->a == 0);
  CHECK(in->b == 65536);
  in = Read({0x28, 0x02, 0xFF, 0xFF, 0xFF, 0x7F}, &used);  // 4-byte offset
  REQUIRE(in.ok());
  CHECK(in->b == 0xFFFFFFF);
  CHECK(used == 6);
  in = Read({0x28, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F});  // 5 bytes
  REQUIRE(in.ok());
  CHECK(in->b == 0xFFFFFFFF);
  in = Read({0x11, 0x85, 0x01, 0x00}, &used);  // call_indirect type 133
  REQUIRE(in.ok());
  CHECK(in->op == Opcode::kCallIndirect);
  CHECK(in->a == 133);
  CHECK(in->b == 0);
  CHECK(used == 4);
}

TEST_CASE("block types: empty, one value type, a type index") {
  absl::StatusOr<Instr> in = Read({0x02, 0x40});
  REQUIRE(in.ok());
  CHECK(in->block.kind == BlockType::Kind::kEmpty);
  in = Read({0x03, 0x7E});
  REQUIRE(in.ok());
  CHECK(in->op == Opcode::kLoop);
  CHECK(in->block.kind == BlockType::Kind::kValue);
  CHECK(in->block.value == ValType::kI64);
  in = Read({0x04, 0x05});
  REQUIRE(in.ok());
  CHECK(in->block.kind == BlockType::Kind::kIndex);
  CHECK(in->block.index == 5);
}

TEST_CASE("truncated and malformed immediates keep their errors") {
  auto message = [](std::vector<uint8_t> bytes) {
    absl::StatusOr<Instr> in = Read(bytes);
    REQUIRE_FALSE(in.ok());
    return std::string(in.status().message());
  };
  CHECK(message({0x20}) == "at offset 0x11: unexpected end");
  CHECK(message({0x20, 0x80}) == "at offset 0x12: unexpected end");
  CHECK(message({0x41, 0xFF}) == "at offset 0x12: unexpected end");
  CHECK(message({0x28, 0x02}) == "at offset 0x12: unexpected end");
  CHECK(message({0x02}) == "at offset 0x11: unexpected end");
  CHECK(message({0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}) ==
        "at offset 0x16: integer representation too long");
  CHECK(message({0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x4F}) ==
        "at offset 0x16: integer too large");
  // A memarg offset is a u32 in 2.0 and a u64 in 3.0 (memory64).
  absl::StatusOr<Instr> wide =
      Read({0x28, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, nullptr, false);
  REQUIRE_FALSE(wide.ok());
  CHECK(wide.status().message() == "at offset 0x17: integer too large");
  wide = Read({0x28, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F});
  REQUIRE(wide.ok());
  CHECK(wide->bits == 0x1FFFFFFFFull);
  CHECK(message({0x28, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                 0xFF, 0x02}) == "at offset 0x1c: integer too large");
  // memarg flags: bit 6 brings a memory index; 0x80 and up are malformed.
  wide = Read({0x28, 0x42, 0x03, 0x10});
  REQUIRE(wide.ok());
  CHECK(wide->mem == 3);
  CHECK(wide->a == 2);
  CHECK(wide->b == 0x10);
  CHECK(message({0x28, 0x80, 0x01, 0x00}) == "at offset 0x11: malformed memop flags");
  // memory.size: a memory index in 3.0, a zero byte in 2.0.
  wide = Read({0x3F, 0x02});
  REQUIRE(wide.ok());
  CHECK(wide->mem == 2);
  REQUIRE_FALSE(Read({0x3F, 0x02}, nullptr, false).ok());
  CHECK(message({0x11, 0x85}) == "at offset 0x12: unexpected end");
  CHECK(message({0x10, 0x80, 0x80, 0x80, 0x80, 0x10}) ==
        "at offset 0x16: integer too large");
  CHECK(message({0x41, 0x80, 0x80, 0x80, 0x80, 0x08}) ==
        "at offset 0x16: integer too large");
  CHECK(message({0x06}) == "at offset 0x10: illegal opcode 0x06");
}

}  // namespace
}  // namespace wsbx
