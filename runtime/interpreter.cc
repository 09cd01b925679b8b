// PLACEHOLDER: replaced by the interpreter implementation.
#include "runtime/interpreter.h"
namespace wsbx {
struct ExecContext {};
std::unique_ptr<ExecContext, ExecContextDeleter> NewExecContext(const Limits&) { return std::unique_ptr<ExecContext, ExecContextDeleter>(new ExecContext); }
void ExecContextDeleter::operator()(ExecContext* ctx) const { delete ctx; }
TrapKind Execute(Store&, FunctionInstance*, std::span<const uint64_t>, std::span<uint64_t>, Trap* trap) {
  trap->kind = TrapKind::kHostError;
  trap->message = "interpreter not written yet";
  return trap->kind;
}
}  // namespace wsbx
