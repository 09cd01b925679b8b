// The WASI grant flags of `wsbx run`.
#include "cli/wasi_flags.h"

#include <cstdlib>
#include <doctest/doctest.h>

namespace wsbx {
namespace {

TEST_CASE("--dir HOST::GUEST") {
  auto p = ParseDirGrant("/tmp/data::/data", false);
  REQUIRE(p.ok());
  CHECK(p->host_path == "/tmp/data");
  CHECK(p->guest_path == "/data");
  CHECK_FALSE(p->read_only);
  auto dot = ParseDirGrant(".::.", true);
  REQUIRE(dot.ok());
  CHECK(dot->guest_path == ".");
  CHECK(dot->read_only);
  CHECK(ParseDirGrant("a::b::c", false)->guest_path == "b::c");
  CHECK_FALSE(ParseDirGrant("::/data", false).ok());
  CHECK_FALSE(ParseDirGrant("/tmp::", false).ok());
  CHECK_FALSE(ParseDirGrant("::", false).ok());
  CHECK_FALSE(ParseDirGrant("", false).ok());
  CHECK_FALSE(ParseDirGrant(std::string_view("a\0b", 3), false).ok());
}

TEST_CASE("--dir DIR grants DIR under its own name") {
  auto p = ParseDirGrant("/tmp", false);
  REQUIRE(p.ok());
  CHECK(p->host_path == "/tmp");
  CHECK(p->guest_path == "/tmp");
  CHECK_FALSE(p->read_only);
  auto rel = ParseDirGrant("data", true);
  REQUIRE(rel.ok());
  CHECK(rel->host_path == "data");
  CHECK(rel->guest_path == "data");
  CHECK(rel->read_only);
  auto empty = ParseDirGrant("", false);
  CHECK(empty.status().message().find("empty directory") != std::string::npos);
  auto no_guest = ParseDirGrant("/tmp::", false);
  CHECK(no_guest.status().message().find("empty GUEST") != std::string::npos);
}

TEST_CASE("--env NAME=VALUE and --env NAME") {
  CHECK(**ParseEnvGrant("A=1") == "A=1");
  CHECK(**ParseEnvGrant("A=") == "A=");
  setenv("WSBX_TEST_VAR", "x y", 1);
  CHECK(**ParseEnvGrant("WSBX_TEST_VAR") == "WSBX_TEST_VAR=x y");
  unsetenv("WSBX_TEST_VAR");
  auto unset = ParseEnvGrant("WSBX_TEST_VAR");
  REQUIRE(unset.ok());
  CHECK_FALSE(unset->has_value());
  CHECK_FALSE(ParseEnvGrant("=1").ok());
  CHECK_FALSE(ParseEnvGrant("").ok());
}

}  // namespace
}  // namespace wsbx
