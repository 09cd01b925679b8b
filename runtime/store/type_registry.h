// The process-wide registry of function types. Equal signatures get equal
// canonical ids in every Store and module, so call_indirect checks a type by
// comparing two integers. Thread-safe; an id is never reused or forgotten,
// so the registry grows with the distinct signatures the process has seen.
#ifndef WSBX_RUNTIME_STORE_TYPE_REGISTRY_H_
#define WSBX_RUNTIME_STORE_TYPE_REGISTRY_H_

#include <cstdint>
#include <span>
#include <vector>

#include "runtime/types.h"

namespace wsbx {

// The canonical id of `type`.
uint32_t CanonicalTypeId(const FuncType& type);

// The canonical ids of `types`, in order, under one lock.
std::vector<uint32_t> CanonicalTypeIds(std::span<const FuncType> types);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_STORE_TYPE_REGISTRY_H_
