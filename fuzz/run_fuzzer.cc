// libFuzzer target: modules that load are instantiated with stub imports
// and every exported function is called with zero arguments, under a small
// fuel budget and memory/table caps, so the interpreter itself is fuzzed.
// Traps are expected outcomes; crashes, sanitizer reports and hangs are not.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz/stub_imports.h"
#include "runtime/execute/budget.h"
#include "runtime/engine.h"
#include "runtime/store/store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wsbx::Limits limits;
  limits.max_memory_pages = 64;
  limits.max_table_elements = 4096;
  limits.value_stack_slots = 1 << 16;
  limits.max_call_depth = 1000;
  auto module = wsbx::LoadModule(std::span<const uint8_t>(data, size), limits);
  if (!module.ok()) return 0;
  wsbx::Store store(limits);
  wsbx::SetFuel(store, 100000);
  std::vector<wsbx::Extern> imports;
  for (const wsbx::Import& imp : (*module)->imports) {
    wsbx::Extern ext;
    if (!wsbx::fuzz::StubImport(store, **module, imp, &ext)) return 0;
    imports.push_back(ext);
  }
  auto instance = store.Instantiate(*module, imports);
  if (!instance.ok()) return 0;
  for (const wsbx::Export& exp : (*module)->exports) {
    if (exp.kind != wsbx::ExternKind::kFunc) continue;
    wsbx::FunctionInstance* func = (*instance)->funcs[exp.index];
    std::vector<wsbx::Value> args;
    for (wsbx::ValType t : func->type->params) {
      args.push_back(wsbx::Value::Default(t));
    }
    store.Invoke(func, args);
  }
  return 0;
}
