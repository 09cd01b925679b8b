/* trap: what a trap tells. A trap in the start function comes back from
 * wasm_instance_new with its frames; traps from calls name the engine's
 * message and every wasm frame, innermost first, with its function index
 * and instance; a host function's trap keeps its message. */
#include "example.h"

static wasm_trap_t* fail(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "host says no");
  wasm_trap_t* trap = wasm_trap_new(NULL, &message);
  wasm_name_delete(&message);
  return trap;
}

/* Checks the trap's frames against `indices` (innermost first) and that
 * each belongs to `instance` when that is given. Does not take `trap`. */
static void check_frames(const wasm_trap_t* trap, const uint32_t* indices,
                         size_t n, const wasm_instance_t* instance) {
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == n);
  for (size_t i = 0; i < n; ++i) {
    CHECK(wasm_frame_func_index(trace.data[i]) == indices[i]);
    wasm_instance_t* owner = wasm_frame_instance(trace.data[i]);
    CHECK(owner != NULL);
    if (instance != NULL) CHECK(wasm_instance_same(owner, instance));
  }
  wasm_frame_vec_delete(&trace);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(n == 0 ? origin == NULL : origin != NULL);
  if (origin != NULL) {
    CHECK(wasm_frame_func_index(origin) == indices[0]);
    wasm_frame_t* copy = wasm_frame_copy(origin);
    CHECK(wasm_frame_func_index(copy) == indices[0]);
    wasm_frame_delete(copy);
    wasm_frame_delete(origin);
  }
}

static wasm_instance_t* instantiate(wasm_store_t* store, wasm_module_t* module,
                                    wasm_func_t* host, int start_fails,
                                    wasm_trap_t** trap) {
  wasm_val_t flag = WASM_I32_VAL(start_fails);
  wasm_globaltype_t* type =
      wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_global_t* global = wasm_global_new(store, type, &flag);
  wasm_globaltype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host),
                              wasm_global_as_extern(global)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance =
      wasm_instance_new(store, module, &import_vec, trap);
  wasm_global_delete(global);
  return instance;
}

static wasm_trap_t* call(wasm_func_t* f, wasm_val_t* args, size_t nargs) {
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = {nargs, args};
  wasm_val_vec_t result_vec = {wasm_func_result_arity(f), results};
  return wasm_func_call(f, &arg_vec, &result_vec);
}

static void check_call_traps(wasm_module_t* module, wasm_instance_t* instance) {
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_val_t args[] = {WASM_I32_VAL(7), WASM_I32_VAL(0)};
  wasm_trap_t* trap = call(find_func(module, &exports, "outer"), args, 1);
  static const uint32_t outer_frames[] = {3, 4, 5};
  check_frames(trap, outer_frames, 3, instance);
  CHECK(trap_says(trap, "integer divide by zero"));

  args[0].of.i32 = INT32_MIN;
  args[1].of.i32 = -1;
  trap = call(find_func(module, &exports, "divide"), args, 2);
  static const uint32_t divide_frames[] = {3};
  check_frames(trap, divide_frames, 1, instance);
  CHECK(trap_says(trap, "integer overflow"));

  trap = call(find_func(module, &exports, "call_fail"), NULL, 0);
  static const uint32_t fail_frames[] = {6};
  check_frames(trap, fail_frames, 1, instance);
  CHECK(trap_says(trap, "host says no"));

  trap = call(find_func(module, &exports, "recurse"), NULL, 0);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size > 1000 && wasm_frame_func_index(trace.data[0]) == 7);
  wasm_frame_vec_delete(&trace);
  CHECK(trap_says(trap, "call stack exhausted"));
  wasm_extern_vec_delete(&exports);
}

static void check_host_traps(wasm_store_t* store) {
  /* A message without its NUL is taken too; copies are the same trap. */
  wasm_message_t message;
  wasm_name_new_from_string(&message, "made here");
  wasm_trap_t* trap = wasm_trap_new(store, &message);
  wasm_name_delete(&message);
  wasm_trap_t* copy = wasm_trap_copy(trap);
  CHECK(wasm_trap_same(trap, copy));
  CHECK(wasm_trap_origin(trap) == NULL);
  static const uint32_t none[] = {0};
  check_frames(trap, none, 0, NULL);
  CHECK(trap_says(trap, "made here"));
  CHECK(trap_says(copy, "made here"));
}

int main(int argc, char** argv) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, argc, argv);
  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* host = wasm_func_new(store, type, fail);
  wasm_functype_delete(type);

  /* The start function traps: no instance, and a trap with two frames. */
  wasm_trap_t* trap = NULL;
  CHECK(instantiate(store, module, host, 1, &trap) == NULL);
  CHECK(trap != NULL);
  static const uint32_t start_frames[] = {1, 2};
  check_frames(trap, start_frames, 2, NULL);
  CHECK(trap_says(trap, "unreachable"));

  /* It does not: an instance, and NULL in the trap out-parameter. */
  trap = (wasm_trap_t*)1;
  wasm_instance_t* instance = instantiate(store, module, host, 0, &trap);
  CHECK(instance != NULL && trap == NULL);
  check_call_traps(module, instance);
  check_host_traps(store);

  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  puts("trap: ok");
  return 0;
}
