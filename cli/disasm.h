// Text renderings for `wsbx inspect`: types in the text format's syntax
// ("(func (param i32) (result i64))", "(memory i64 1 16)"), one instruction
// with its immediates, constant expressions, and whole function bodies, one
// instruction a line indented by block depth. Mnemonics come from the
// opcode table's text column; nothing here is a second opcode list.
#ifndef WSBX_CLI_DISASM_H_
#define WSBX_CLI_DISASM_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "runtime/decode/instr.h"
#include "runtime/module.h"

namespace wsbx {

std::string FuncTypeText(const FuncType& type);
std::string TableTypeText(const TableType& type);
std::string MemoryTypeText(const MemoryType& type);
std::string GlobalTypeText(const GlobalType& type);

// The signature of an import: what its kind's *TypeText gives.
std::string ImportTypeText(const Module& module, const Import& import);
// The signature of the item of `kind` at `index` in its index space.
std::string ExternTypeText(const Module& module, ExternKind kind,
                           uint32_t index);

// "i32.load offset=8 align=2", "br_table 0 1 2", "v128.const i32x4 ...".
// Float constants print their value ("nan:0x200000" for payloads) so the
// text reads back to the same bits.
std::string InstrText(const Instr& instr);
// The instructions of a constant expression, separated by spaces.
std::string ConstExprText(const ConstExpr& expr);

// The body of defined function `func_index` (an index in the function
// index space, at or past module.num_imported_funcs): a header line, the
// declared locals, then each instruction with its module offset. The module
// must still hold its bytes (decoded, not loaded).
absl::StatusOr<std::string> DisassembleFunction(const Module& module,
                                                uint32_t func_index);

}  // namespace wsbx

#endif  // WSBX_CLI_DISASM_H_
