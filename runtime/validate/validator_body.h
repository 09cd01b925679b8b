// Internal to the validator: checks one function body (spec 3.3 and the
// appendix "Validation Algorithm") with explicit control and operand stacks.
// One BodyValidator is reused for every body of a module so the stacks and
// the decoded instructions are allocated once, not per instruction. On
// request it keeps the instructions of the body it validated, so that the
// compiler does not decode them again.
#ifndef WSBX_RUNTIME_VALIDATE_VALIDATOR_BODY_H_
#define WSBX_RUNTIME_VALIDATE_VALIDATOR_BODY_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "runtime/decode/instr.h"
#include "runtime/limits.h"
#include "runtime/module.h"
#include "runtime/types.h"

namespace wsbx {

// The operand-type stack. Its pushes check for room inline and grow out of
// line, which keeps the validator's per-instruction paths free of the
// reallocation code a std::vector push_back brings with it.
class TypeStack {
 public:
  size_t size() const { return size_; }
  ValType back() const { return data_[size_ - 1]; }
  ValType operator[](size_t i) const { return data_[i]; }
  const ValType* end() const { return data_.data() + size_; }
  void push_back(ValType t) {
    if (size_ == data_.size()) Grow();
    data_[size_++] = t;
  }
  void pop_back() { --size_; }
  // Drops the top `n` types (n <= size()).
  void Drop(size_t n) { size_ -= n; }
  // Replaces the top `n` types (1 <= n <= size()) with `t`.
  void ReplaceTop(size_t n, ValType t) {
    size_ -= n - 1;
    data_[size_ - 1] = t;
  }
  // Shrinks to `n` types (n <= size()).
  void Truncate(size_t n) { size_ = n; }
  void clear() { size_ = 0; }

 private:
  ABSL_ATTRIBUTE_NOINLINE void Grow();
  std::vector<ValType> data_;
  size_t size_ = 0;
};

class BodyValidator {
 public:
  // `refs[x]` is true when function x is in C.refs (spec 3.4.10): the only
  // functions a body may name in ref.func. The module-level facts (index
  // spaces, type indices) must already have been validated.
  BodyValidator(const Module& module, const Limits& limits,
                const std::vector<bool>& refs);

  // At most this many instructions of a body are kept (147 KB), so that a
  // huge body cannot make the kept copy huge too; longer bodies are rare,
  // except in libc (fib.wasm's printf has 4,482 instructions), and keeping
  // them would cost a small program more peak memory than the time saved.
  static constexpr size_t kMaxRecorded = 2048;

  // Validates the body of defined function `func_index` (an index into the
  // whole function index space, so imports come first). With `record`, the
  // decoded instructions stay available through recorded() until the next
  // call.
  absl::Status Validate(uint32_t func_index, bool record = false);

  // The instructions of the body last validated with `record`, in order,
  // ending with its final `end`; empty when it had more than kMaxRecorded.
  std::span<const Instr> recorded() const {
    return {record_.data(), recorded_};
  }

  // Checks only what the binary format requires of a body (spec 5.4): every
  // instruction decodes, blocks are closed by the final END, nothing follows
  // it, and bulk data instructions have a data count section. The reference
  // interpreter decodes every body before validating any, so a module both
  // malformed and invalid is reported as malformed.
  absl::Status CheckWellFormed(uint32_t func_index);

 private:
  struct Frame {
    Opcode opcode;  // kBlock, kLoop, kIf or kElse; the function uses kBlock
    uint32_t num_params;
    uint32_t num_results;
    const ValType* params;
    const ValType* results;
    uint32_t height;  // operand stack height at entry (params excluded)
    bool unreachable;
  };

  // The commonest instructions when they are well typed: local.get, set
  // and tee, untyped select, and instructions typed by their signature
  // alone, with operands of exactly the expected types above the frame's
  // base. Returns false, having changed nothing, when Step must decide
  // (every error included).
  ABSL_ATTRIBUTE_ALWAYS_INLINE bool StepFast();
  absl::Status Step();
  absl::Status StepControl();
  absl::Status StepBranch();
  absl::Status StepCall();
  absl::Status StepVariable();
  absl::Status StepTable();
  absl::Status StepMemory();
  absl::Status StepBulkMemory();
  absl::Status StepReference();
  absl::Status StepSimple();

  absl::Status BeginBlock();
  absl::Status EndBlock();
  absl::Status Else();
  absl::Status BrTable();
  absl::Status Select();

  // Pop and PopList handle the common case inline: operands of exactly the
  // expected types above the current frame's base. The rest (a polymorphic
  // stack, unknown types, errors) takes the general path.
  absl::Status Pop(ValType expect) {
    if (vals_.size() > ctrls_.back().height && vals_.back() == expect) {
      vals_.pop_back();
      return absl::OkStatus();
    }
    return PopSlow(expect);
  }
  absl::Status PopList(const ValType* types, uint32_t count) {
    const size_t n = vals_.size();
    if (n >= ctrls_.back().height + size_t{count} &&
        std::equal(types, types + count, vals_.end() - count)) {
      vals_.Drop(count);
      return absl::OkStatus();
    }
    return PopListSlow(types, count);
  }
  absl::Status PopSlow(ValType expect);
  absl::Status PopListSlow(const ValType* types, uint32_t count);
  absl::Status PopAny(ValType* out);
  // Checks that the top of the stack matches `types` without popping.
  absl::Status CheckList(const ValType* types, uint32_t count);
  void Push(ValType t) { vals_.push_back(t); }
  void PushList(const ValType* types, uint32_t count) {
    for (uint32_t i = 0; i < count; ++i) vals_.push_back(types[i]);
  }
  void PushFrame(Opcode opcode, const FuncType* type, const ValType* single,
                 uint32_t num_single);
  void SetUnreachable();

  absl::Status CheckLabel(uint32_t depth);
  absl::Status CheckTable(uint32_t index);
  absl::Status CheckMemory(uint32_t index);
  ValType MemoryAddr(uint32_t index) const;
  ValType TableAddr(uint32_t index) const;
  absl::Status CheckDataIndex(uint32_t index);
  absl::Status CheckLane(uint32_t lanes);

  const Frame& LabelFrame(uint32_t depth) const {
    return ctrls_[ctrls_.size() - 1 - depth];
  }
  static uint32_t LabelArity(const Frame& f) {
    return f.opcode == Opcode::kLoop ? f.num_params : f.num_results;
  }
  static const ValType* LabelTypes(const Frame& f) {
    return f.opcode == Opcode::kLoop ? f.params : f.results;
  }

  // Makes room for more kept instructions; false at kMaxRecorded.
  bool GrowRecord();
  absl::Status Error(std::string_view what) const;
  absl::Status Mismatch(ValType expect, ValType actual) const;
  absl::Status WrapReadError(const absl::Status& s) const;

  const Module& module_;
  const Limits& limits_;
  const std::vector<bool>& refs_;
  uint32_t func_index_ = 0;
  uint64_t max_stack_ = 0;
  std::vector<ValType> locals_;  // parameters then declared locals
  TypeStack vals_;               // operand types; kUnknown when polymorphic
  std::vector<Frame> ctrls_;
  Instr scratch_;
  Instr* in_ = &scratch_;      // the instruction being checked
  std::vector<Instr> record_;  // slots reused from body to body
  size_t recorded_ = 0;
};

}  // namespace wsbx

#endif  // WSBX_RUNTIME_VALIDATE_VALIDATOR_BODY_H_
