// The side table from internal code back to the wasm binary: for each
// instruction that can trap or call, where it starts in CompiledCode::code
// and the module offset of the wasm instruction it came from. Only trap
// reports read it (FillTrap), so nothing here is on the interpreter's path.
#ifndef WSBX_RUNTIME_COMPILE_CODE_SITES_H_
#define WSBX_RUNTIME_COMPILE_CODE_SITES_H_

#include <cstdint>
#include <span>

#include "runtime/compile/code.h"

namespace wsbx {

// True for the internal operations that can trap (a spec trap, a fuel,
// deadline or stack trap) or call: the only ones given a CodeSite. A fused
// form counts when any instruction it replaces does.
bool IsCodeSite(IOp op);

// No site matched: the frame's offset is unknown.
inline constexpr uint32_t kNoCodeOffset = UINT32_MAX;

// The wasm offset of the instruction at word `pos` (a trapping pc), or,
// with `before`, of the last site before `pos` (a return address, which
// follows its call). kNoCodeOffset when there is none.
uint32_t FindCodeOffset(std::span<const CodeSite> sites, uint32_t pos,
                        bool before);

}  // namespace wsbx

#endif  // WSBX_RUNTIME_COMPILE_CODE_SITES_H_
