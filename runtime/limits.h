// Every structural and runtime cap of the engine in one place, with its
// default. Counts read from a module are checked against these before any
// allocation sized by them.
#ifndef WSBX_RUNTIME_LIMITS_H_
#define WSBX_RUNTIME_LIMITS_H_

#include <cstdint>

namespace wsbx {

struct Limits {
  // Loader limits (modelled on the JS API embedding limits).
  uint64_t max_module_bytes = 1024u * 1024 * 1024;
  uint32_t max_types = 1000000;
  uint32_t max_functions = 1000000;
  uint32_t max_imports = 1000000;  // the JS API's since 2024 (was 100,000)
  uint32_t max_exports = 1000000;
  uint32_t max_globals = 1000000;
  uint32_t max_data_segments = 100000;
  uint32_t max_element_segments = 10000000;
  uint32_t max_table_init_size = 10000000;  // elements per segment
  uint32_t max_total_elem_items = 10000000;  // elements in all segments
  uint32_t max_tables = 100000;
  // Memories per module, imported ones included. 1 also reads memory
  // immediates as the 2.0 encoding has them (reserved zero bytes, memarg
  // flags without a memory index): the 2.0 spec suite runs that way.
  uint32_t max_memories = 100;
  uint32_t max_params = 1000;
  uint32_t max_results = 1000;
  uint32_t max_locals = 50000;          // per function, params included
  uint32_t max_function_body_bytes = 7654321;
  uint32_t max_br_table_size = 65520;   // targets of one br_table
  uint32_t max_name_bytes = 100000;     // names in imports/exports/sections
  uint32_t max_control_depth = 65536;   // nested blocks in one body

  // Runtime limits.
  uint64_t max_memory_pages = 65536;    // cap on every linear memory
  // Cap on all host memory a Store holds for the guest (MemoryAccount):
  // linear memories, tables, globals, instances and their functions, element
  // segments and the code of the modules instantiated. The CLI's --mem sets
  // both caps.
  uint64_t max_store_bytes = UINT64_MAX;
  uint64_t max_table_elements = 10000000;  // cap on every table
  // 8-byte slots per thread (at most 2^32 - 1 are used).
  uint64_t value_stack_slots = 1u << 20;
  uint32_t max_call_depth = 20000;         // wasm frames per thread
  uint32_t max_host_reentry = 100;         // nested host->wasm calls
};

}  // namespace wsbx

#endif  // WSBX_RUNTIME_LIMITS_H_
