// The two ways bodies reach the compiler: LoadModule hands over the
// instructions the validator kept, CompileModule decodes them itself, and a
// body longer than the validator keeps is decoded by the compiler within
// LoadModule too. All three must give the same internal code.
#include "runtime/compile/compiler.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/compile/code.h"
#include "runtime/decode/decoder.h"
#include "runtime/engine.h"
#include "runtime/store/store.h"
#include "runtime/tests/wasm_bytes.h"
#include "runtime/validate/validator.h"
#include "runtime/validate/validator_body.h"

namespace wsbx {
namespace {

using testing::AppendU32;
using testing::Bytes;

void Section(Bytes& out, uint8_t id, const Bytes& payload) {
  out.push_back(id);
  AppendU32(out, static_cast<uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

// A module whose one function `f` () -> i32, with one i32 local, runs
// `body` (without its final end).
Bytes OneFunction(const Bytes& body) {
  Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  Section(out, 1, {0x01, 0x60, 0x00, 0x01, 0x7F});  // type () -> i32
  Section(out, 3, {0x01, 0x00});
  Section(out, 7, {0x01, 0x01, 'f', 0x00, 0x00});
  Bytes code{0x01, 0x01, 0x7F};  // one run of locals: 1 x i32
  code.insert(code.end(), body.begin(), body.end());
  code.push_back(0x0B);
  Bytes entry;
  AppendU32(entry, static_cast<uint32_t>(code.size()));
  entry.insert(entry.end(), code.begin(), code.end());
  Bytes payload{0x01};
  payload.insert(payload.end(), entry.begin(), entry.end());
  Section(out, 10, payload);
  return out;
}

// local0 += 7 while local0 < 700 (a loop whose constants are pooled), then
// local0 + 1 + 1 ... with `adds` additions: 700 + adds.
Bytes LoopThenAdds(uint32_t adds) {
  Bytes b{0x03, 0x40,                    // loop
          0x20, 0x00, 0x41, 0x07, 0x6A,  // local.get 0, i32.const 7, i32.add
          0x22, 0x00,                    // local.tee 0
          0x41, 0xBC, 0x05, 0x49,        // i32.const 700, i32.lt_u
          0x0D, 0x00,                    // br_if 0
          0x0B,                          // end
          0x20, 0x00};                   // local.get 0
  for (uint32_t i = 0; i < adds; ++i) {
    b.insert(b.end(), {0x41, 0x01, 0x6A});  // i32.const 1, i32.add
  }
  return b;
}

// The internal code CompileModule gives, with no help from the validator.
std::vector<CodeWord> CompiledAlone(const Bytes& bytes) {
  auto module = DecodeModule(bytes);
  REQUIRE(module.ok());
  REQUIRE(ValidateModule(**module).ok());
  REQUIRE(CompileModule(**module).ok());
  return (*module)->code->code;
}

int32_t RunF(std::shared_ptr<const Module> module) {
  Store store;
  auto instance = store.Instantiate(std::move(module), {});
  REQUIRE(instance.ok());
  auto f = (*instance)->FindExport("f");
  REQUIRE(f.has_value());
  InvokeResult r = store.Invoke(f->func, {});
  REQUIRE(r.ok());
  REQUIRE(r.values.size() == 1);
  return static_cast<int32_t>(r.values[0].bits);
}

TEST_CASE("compiler: kept and decoded instructions give the same code") {
  // 2 x 3 instructions per addition: the long body exceeds what the
  // validator keeps, so LoadModule's compiler decodes that one itself.
  for (uint32_t adds :
       {10u, static_cast<uint32_t>(BodyValidator::kMaxRecorded)}) {
    CAPTURE(adds);
    const Bytes bytes = OneFunction(LoopThenAdds(adds));
    auto loaded = LoadModule(bytes);
    REQUIRE(loaded.ok());
    CHECK((*loaded)->code->code == CompiledAlone(bytes));
    CHECK(RunF(*loaded) == static_cast<int32_t>(700 + adds));
  }
}

TEST_CASE("compiler: a body too long to keep is still validated in full") {
  // An i64 operand for i32.add near the end of a body longer than what the
  // validator keeps: LoadModule reports what ValidateBinary reports.
  Bytes body = LoopThenAdds(BodyValidator::kMaxRecorded);
  body.insert(body.end(), {0x42, 0x01, 0x6A});  // i64.const 1, i32.add
  const Bytes bytes = OneFunction(body);
  auto loaded = LoadModule(bytes);
  REQUIRE_FALSE(loaded.ok());
  absl::Status alone = ValidateBinary(bytes);
  CHECK(loaded.status() == alone);
  CHECK(std::string(alone.message()).find("type mismatch") !=
        std::string::npos);
}

}  // namespace
}  // namespace wsbx
