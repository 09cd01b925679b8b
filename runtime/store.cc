// PLACEHOLDER: replaced by the store/instantiation implementation.
#include "runtime/store.h"
#include "runtime/interpreter.h"
namespace wsbx {
Store::Store(const Limits& limits) : limits_(limits), exec_(NewExecContext(limits)) {}
Store::~Store() = default;
}  // namespace wsbx
