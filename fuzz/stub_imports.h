// Imports for fuzzed modules: whatever a module asks for, satisfied by
// stand-ins that do nothing observable except what they are told to record.
#ifndef WSBX_FUZZ_STUB_IMPORTS_H_
#define WSBX_FUZZ_STUB_IMPORTS_H_

#include <cstdint>
#include <vector>

#include "runtime/module.h"
#include "runtime/store/store.h"

namespace wsbx::fuzz {

// Fills `out` with an extern satisfying `imp`: a host function returning
// zeroes, or a fresh table, memory or global of the declared type. Each call
// of the host function appends `tag`, then its argument slots, to *calls
// when given. False when the Store refuses the table or memory (a cap).
bool StubImport(Store& store, const Module& module, const Import& imp,
                Extern* out, std::vector<uint64_t>* calls = nullptr,
                uint64_t tag = 0);

}  // namespace wsbx::fuzz

#endif  // WSBX_FUZZ_STUB_IMPORTS_H_
