// LEB128 and fixed-width reads: boundaries, over-long and overflowing forms.
#include "runtime/decode/reader.h"

#include <doctest/doctest.h>

#include <vector>

namespace wsbx {
namespace {

absl::StatusOr<uint32_t> U32(std::vector<uint8_t> bytes) {
  Reader r(bytes);
  return r.ReadU32();
}
absl::StatusOr<int32_t> S32(std::vector<uint8_t> bytes) {
  Reader r(bytes);
  return r.ReadS32();
}
absl::StatusOr<int64_t> S64(std::vector<uint8_t> bytes) {
  Reader r(bytes);
  return r.ReadS64();
}

TEST_CASE("u32 LEB128") {
  CHECK(*U32({0x00}) == 0u);
  CHECK(*U32({0xE5, 0x8E, 0x26}) == 624485u);
  CHECK(*U32({0x80, 0x00}) == 0u);  // padded but within 5 bytes
  CHECK(*U32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}) == 0xFFFFFFFFu);
  CHECK_FALSE(U32({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}).ok());  // overflow
  CHECK_FALSE(U32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}).ok());  // too long
  CHECK_FALSE(U32({0x80}).ok());  // truncated
  CHECK(U32({0x80}).status().message().find("unexpected end") !=
        std::string::npos);
}

TEST_CASE("s32 LEB128") {
  CHECK(*S32({0x7F}) == -1);
  CHECK(*S32({0xC0, 0xBB, 0x78}) == -123456);
  CHECK(*S32({0xFF, 0xFF, 0xFF, 0xFF, 0x07}) == 0x7FFFFFFF);
  CHECK(*S32({0x80, 0x80, 0x80, 0x80, 0x78}) == INT32_MIN);
  CHECK_FALSE(S32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}).ok());  // bad sign bits
  CHECK_FALSE(S32({0x80, 0x80, 0x80, 0x80, 0x70}).ok());
}

TEST_CASE("s64 LEB128") {
  CHECK(*S64({0x7F}) == -1);
  CHECK(*S64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}) ==
        INT64_MIN);
  CHECK(*S64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}) ==
        INT64_MAX);
  CHECK_FALSE(
      S64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}).ok());
  CHECK_FALSE(
      S64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00})
          .ok());
}

TEST_CASE("errors carry the module offset") {
  std::vector<uint8_t> bytes = {0x80, 0x80};
  Reader r(bytes, 0x40);
  auto v = r.ReadU32();
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().message().find("0x42") != std::string::npos);
}

}  // namespace
}  // namespace wsbx
