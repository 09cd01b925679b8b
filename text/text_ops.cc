// The table of text_ops.h, with opcodes from the 3.0 binary format
// (spec 5.4: control, reference and aggregate instructions).
#include "text/text_ops.h"

#include <unordered_map>

namespace wsbx::text {
namespace {

constexpr uint8_t kGc = 0xFB;

constexpr TextOpInfo kTextOps[] = {
    {"throw", 0, 0x08, TextImm::kTag},
    {"throw_ref", 0, 0x0A, TextImm::kNone},
    {"call_ref", 0, 0x14, TextImm::kType},
    {"return_call_ref", 0, 0x15, TextImm::kType},
    {"try_table", 0, 0x1F, TextImm::kTryTable},
    {"ref.eq", 0, 0xD3, TextImm::kNone},
    {"ref.as_non_null", 0, 0xD4, TextImm::kNone},
    {"br_on_null", 0, 0xD5, TextImm::kLabel},
    {"br_on_non_null", 0, 0xD6, TextImm::kLabel},
    {"struct.new", kGc, 0, TextImm::kType},
    {"struct.new_default", kGc, 1, TextImm::kType},
    {"struct.get", kGc, 2, TextImm::kTypeField},
    {"struct.get_s", kGc, 3, TextImm::kTypeField},
    {"struct.get_u", kGc, 4, TextImm::kTypeField},
    {"struct.set", kGc, 5, TextImm::kTypeField},
    {"array.new", kGc, 6, TextImm::kType},
    {"array.new_default", kGc, 7, TextImm::kType},
    {"array.new_fixed", kGc, 8, TextImm::kTypeCount},
    {"array.new_data", kGc, 9, TextImm::kTypeData},
    {"array.new_elem", kGc, 10, TextImm::kTypeElem},
    {"array.get", kGc, 11, TextImm::kType},
    {"array.get_s", kGc, 12, TextImm::kType},
    {"array.get_u", kGc, 13, TextImm::kType},
    {"array.set", kGc, 14, TextImm::kType},
    {"array.len", kGc, 15, TextImm::kNone},
    {"array.fill", kGc, 16, TextImm::kType},
    {"array.copy", kGc, 17, TextImm::kTypeType},
    {"array.init_data", kGc, 18, TextImm::kTypeData},
    {"array.init_elem", kGc, 19, TextImm::kTypeElem},
    {"ref.test", kGc, 20, TextImm::kCast},
    {"ref.cast", kGc, 22, TextImm::kCast},
    {"br_on_cast", kGc, 24, TextImm::kBrOnCast},
    {"br_on_cast_fail", kGc, 25, TextImm::kBrOnCast},
    {"any.convert_extern", kGc, 26, TextImm::kNone},
    {"extern.convert_any", kGc, 27, TextImm::kNone},
    {"ref.i31", kGc, 28, TextImm::kNone},
    {"i31.get_s", kGc, 29, TextImm::kNone},
    {"i31.get_u", kGc, 30, TextImm::kNone},
};

}  // namespace

const TextOpInfo* FindTextOp(std::string_view mnemonic) {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string_view, const TextOpInfo*>;
    for (const TextOpInfo& op : kTextOps) (*m)[op.text] = &op;
    return m;
  }();
  auto it = index->find(mnemonic);
  return it == index->end() ? nullptr : it->second;
}

}  // namespace wsbx::text
