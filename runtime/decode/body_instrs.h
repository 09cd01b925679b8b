// Internal to the compiler: one function body's instructions in order,
// either the ones the validator kept (LoadModule) or, when it kept none,
// decoded here one at a time into a scratch Instr the caller provides.
#ifndef WSBX_RUNTIME_DECODE_BODY_INSTRS_H_
#define WSBX_RUNTIME_DECODE_BODY_INSTRS_H_

#include <cstdint>
#include <span>

#include "absl/base/attributes.h"
#include "runtime/decode/instr.h"
#include "runtime/module.h"
#include "runtime/decode/reader.h"

namespace wsbx {

class BodyInstrs {
 public:
  // `kept`: the body's instructions through its final `end`, or empty to
  // decode the body from the module's bytes into *scratch.
  BodyInstrs(const Module& module, const FunctionBody& body,
             std::span<const Instr> kept, Instr* scratch)
      : next_(kept.data()),
        end_(kept.data() + kept.size()),
        reader_(
            std::span<const uint8_t>(module.bytes)
                .subspan(body.code_offset,
                         kept.empty() ? body.code_end - body.code_offset : 0),
            body.code_offset),
        scratch_(scratch) {}

  // The next instruction, or null after the last one. A body that does not
  // decode (the validator would have refused it) ends early.
  const Instr* Next() {
    if (next_ != end_) return next_++;
    return reader_.at_end() ? nullptr : Decode();
  }

 private:
  ABSL_ATTRIBUTE_NOINLINE const Instr* Decode() {
    if (!ReadInstrFast(reader_, scratch_) &&
        !ReadInstr(reader_, scratch_, UINT32_MAX).ok()) {
      return nullptr;
    }
    return scratch_;
  }

  const Instr* next_;
  const Instr* end_;
  Reader reader_;  // empty when the instructions were kept
  Instr* scratch_;
};

}  // namespace wsbx

#endif  // WSBX_RUNTIME_DECODE_BODY_INSTRS_H_
