// Turns the call frames a trap left into its backtrace: each frame's
// function, name and the module offset of its active instruction, found
// through the compiled code's site table (code_sites.h). Runs only when a
// trap is reported, never while wasm code runs.
#include "runtime/execute/backtrace.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "runtime/compile/code.h"
#include "runtime/compile/code_sites.h"
#include "runtime/module.h"

namespace wsbx {
namespace {

// The wasm offset of the instruction at `pc` in `inst`'s code, or with
// `after_call` of the call just before it.
std::optional<uint32_t> CodeOffset(const Instance* inst, const CodeWord* pc,
                                   bool after_call) {
  const CompiledCode* code = inst->module->code.get();
  if (code == nullptr || pc == nullptr || pc < code->code.data() ||
      pc >= code->code.data() + code->code.size()) {
    return std::nullopt;
  }
  const uint32_t offset = FindCodeOffset(
      code->sites, static_cast<uint32_t>(pc - code->code.data()), after_call);
  if (offset == kNoCodeOffset) return std::nullopt;
  return offset;
}

}  // namespace

// Fills *trap from the frames this Execute pushed, innermost first. Each
// frame's pc is the trapping one for the innermost, else the return
// address the frame above it keeps.
void FillTrap(ExecContext* ctx, TrapKind kind, uint32_t base_depth,
              Trap* trap) {
  trap->kind = kind;
  ctx->last_trap = kind;
  trap->message = ctx->has_message ? std::move(ctx->message)
                                        : std::string(TrapKindMessage(kind));
  trap->exit_code = kind == TrapKind::kExit ? ctx->exit_code : 0;
  ctx->has_message = false;
  ctx->message.clear();
  trap->backtrace.clear();
  Instance* inst = ctx->trap_inst;
  const CodeWord* pc = ctx->trap_pc;
  bool after_call = ctx->trap_after_call;
  ctx->trap_pc = nullptr;
  ctx->trap_after_call = false;
  for (uint32_t d = ctx->depth; d > base_depth; --d) {
    const Frame& f = ctx->frames[d - 1];
    BacktraceFrame bf;
    bf.func_index = f.func_index;
    if (inst != nullptr) {
      // Deep recursion repeats one function: its name is looked up once.
      const BacktraceFrame* prev =
          trap->backtrace.empty() ? nullptr : &trap->backtrace.back();
      bf.func_name = prev != nullptr && prev->instance == inst &&
                             prev->func_index == f.func_index
                         ? prev->func_name
                         : inst->module->DisplayName(f.func_index);
      bf.module_name = inst->module->module_name;
      bf.instance = inst;
      bf.code_offset = CodeOffset(inst, pc, after_call);
    }
    trap->backtrace.push_back(std::move(bf));
    inst = f.inst;
    pc = f.ret_pc;
    after_call = true;
  }
}

}  // namespace wsbx
