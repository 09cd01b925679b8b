// Stub imports shared by the fuzz targets (stub_imports.h).
#include "fuzz/stub_imports.h"

#include <span>

namespace wsbx::fuzz {

bool StubImport(Store& store, const Module& module, const Import& imp,
                Extern* out, std::vector<uint64_t>* calls, uint64_t tag) {
  out->kind = imp.kind;
  switch (imp.kind) {
    case ExternKind::kFunc:
      out->func = store.AddHostFunction(
          module.types[imp.func_type],
          [calls, tag](HostContext&, std::span<const uint64_t> args,
                       std::span<uint64_t> results) {
            if (calls != nullptr) {
              calls->push_back(tag);
              calls->insert(calls->end(), args.begin(), args.end());
            }
            for (uint64_t& r : results) r = 0;
            return TrapKind::kNone;
          },
          "stub");
      return true;
    case ExternKind::kTable: {
      auto table = store.AddTable(imp.table);
      if (!table.ok()) return false;
      out->table = *table;
      return true;
    }
    case ExternKind::kMemory: {
      auto memory = store.AddMemory(imp.memory);
      if (!memory.ok()) return false;
      out->memory = *memory;
      return true;
    }
    case ExternKind::kGlobal:
      out->global =
          store.AddGlobal(imp.global, Value::Default(imp.global.type));
      return true;
  }
  return false;
}

}  // namespace wsbx::fuzz
