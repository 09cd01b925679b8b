/* Embedding wsbx from C: one sandbox with a budget, calls with tagged
 * values, errors as values, and a pool of ready instances. The same checks
 * as embed.cc. Built against the installed library with
 * `cc embed.c $(pkg-config --cflags --libs wsbx)`.
 *
 * Usage: embed FIB_WASM   (the bundled example guest, exporting fib and
 *                          sum_to) */
#include <stdio.h>
#include <wsbx/wsbx.h>

/* Prints an error and frees it; returns `code` for main to return. */
static int fail(wsbx_error_t* error, int code) {
  fprintf(stderr, "%s\n", wsbx_error_to_string(error));
  wsbx_error_delete(error);
  return code;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s fib.wasm\n", argv[0]);
    return 2;
  }
  /* Load and compile once; instantiate as often as needed. */
  wsbx_module_t* module = NULL;
  wsbx_error_t* error = wsbx_module_from_file(argv[1], &module);
  if (error != NULL) return fail(error, 1);
  wsbx_config_t* config = wsbx_config_new();
  wsbx_config_set_module(config, module);
  wsbx_module_delete(module); /* the config shares it */
  wsbx_config_set_policy(config, WSBX_POLICY_STRICT);
  wsbx_config_set_memory_limit(config, 16 << 20);
  wsbx_config_set_fuel(config, 50000000);
  wsbx_sandbox_t* sandbox = NULL;
  error = wsbx_sandbox_new(config, &sandbox);
  if (error != NULL) return fail(error, 1);

  wsbx_val_t arg, result;
  arg.kind = WSBX_I32;
  arg.of.i32 = 20;
  error = wsbx_sandbox_call(sandbox, "fib", &arg, 1, &result, 1);
  if (error != NULL) return fail(error, 1);
  const int fib = result.of.i32;
  wsbx_stats_t stats;
  wsbx_sandbox_stats(sandbox, &stats);
  printf("fib(20) = %d (fuel %llu)\n", fib,
         (unsigned long long)stats.fuel_consumed);

  /* A budget spent is an error value, not a crash. */
  arg.of.i32 = 40;
  wsbx_error_t* big = wsbx_sandbox_call(sandbox, "fib", &arg, 1, &result, 1);
  printf("fib(40): %s\n", big != NULL ? wsbx_error_to_string(big) : "finished");
  const int fuel_error = big != NULL && wsbx_error_kind(big) == WSBX_ERROR_FUEL;
  wsbx_error_delete(big);

  /* A wrong argument type is an API error; the guest never runs. */
  arg.kind = WSBX_F64;
  arg.of.f64 = 1.5;
  wsbx_error_t* wrong =
      wsbx_sandbox_call(sandbox, "sum_to", &arg, 1, &result, 1);
  printf("sum_to(1.5): %s\n",
         wrong != NULL ? wsbx_error_to_string(wrong) : "accepted");
  const int type_error =
      wrong != NULL && wsbx_error_kind(wrong) == WSBX_ERROR_INVALID_ARGUMENT;
  wsbx_error_delete(wrong);
  wsbx_sandbox_delete(sandbox);

  /* A pool: each lease gets an instance reset to its initial state. */
  wsbx_pool_t* pool = NULL;
  error = wsbx_pool_new(config, 2, &pool);
  wsbx_config_delete(config);
  if (error != NULL) return fail(error, 1);
  long long total = 0;
  for (int i = 1; i <= 100; ++i) {
    wsbx_lease_t* lease = NULL;
    error = wsbx_pool_acquire(pool, -1, &lease);
    if (error != NULL) return fail(error, 1);
    arg.kind = WSBX_I32;
    arg.of.i32 = i;
    error = wsbx_sandbox_call(wsbx_lease_sandbox(lease), "sum_to", &arg, 1,
                              &result, 1);
    wsbx_lease_release(lease);
    if (error != NULL) return fail(error, 1);
    total += result.of.i64;
  }
  printf("sum of sum_to(1..100) = %lld over %llu resets\n", total,
         (unsigned long long)wsbx_pool_resets(pool));
  wsbx_pool_delete(pool);
  return (fib == 6765 && fuel_error && type_error && total == 171700) ? 0 : 1;
}
