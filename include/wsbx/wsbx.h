/* wsbx: run WebAssembly you did not write. The C API.
 *
 * What the standard wasm-c-api (wasm.h) has no words for: a sandbox with
 * budgets and WASI grants, typed calls whose mistakes are errors, traps as
 * error values with their backtrace, interrupts, statistics, reset and a
 * pool of ready sandboxes. It is a thin layer over the C++ API
 * (wsbx/wsbx.hpp) and plain C99: opaque handles, no C++ types.
 *
 *   wsbx_config_t* config = wsbx_config_new();
 *   wsbx_config_set_module_file(config, "plugin.wasm");
 *   wsbx_config_set_policy(config, WSBX_POLICY_STRICT);
 *   wsbx_config_set_fuel(config, 50000000);
 *   wsbx_sandbox_t* sandbox = NULL;
 *   wsbx_error_t* error = wsbx_sandbox_new(config, &sandbox);
 *   wsbx_config_delete(config);
 *   if (error) { puts(wsbx_error_message(error)); wsbx_error_delete(error); }
 *   wsbx_val_t arg = {WSBX_I32, {.i32 = 20}}, result;
 *   error = wsbx_sandbox_call(sandbox, "fib", &arg, 1, &result, 1);
 *
 * Ownership. Every function that can fail returns a wsbx_error_t*: NULL on
 * success, otherwise an error the caller owns and frees with
 * wsbx_error_delete. An object made by a `_new` (or handed out through an
 * `out` parameter by one) is the caller's, freed by the matching
 * `_delete`; a `_delete` of NULL does nothing. Strings and pointers the
 * library returns are borrowed: each function says how long they stay
 * valid. Strings and buffers passed in are copied unless said otherwise.
 *
 * Threads. A sandbox is used by one thread at a time, except
 * wsbx_sandbox_interrupt, which any thread may call at any time. A
 * wsbx_module_t and a wsbx_pool_t may be used from any number of threads
 * at once; distinct sandboxes (and leases) run in parallel. A config is
 * not synchronised: fill it from one thread, then use it from any. The
 * callbacks run on the thread that called into the sandbox (for a pool:
 * the lease's user), possibly on several threads at once.
 */
#ifndef WSBX_WSBX_H_
#define WSBX_WSBX_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define WSBX_API __attribute__((visibility("default")))
#else
#define WSBX_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Values */

typedef uint8_t wsbx_valkind_t;
enum wsbx_valkind_enum {
  WSBX_I32 = 0,
  WSBX_I64 = 1,
  WSBX_F32 = 2,
  WSBX_F64 = 3,
  WSBX_V128 = 4,
  WSBX_FUNCREF = 5,
  WSBX_EXTERNREF = 6,
};

/* A WebAssembly value: `kind` says which member of `of` holds it. v128 is
 * 16 little-endian bytes. A reference is an opaque token: 0 is null; pass
 * back only null or one this sandbox returned. */
typedef struct wsbx_val_t {
  wsbx_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint8_t v128[16];
    uint64_t ref;
  } of;
} wsbx_val_t;

/* "i32", "i64", "f32", "f64", "v128", "funcref", "externref"; "?" for a
 * value that is no kind. Static storage. */
WSBX_API const char* wsbx_valkind_name(wsbx_valkind_t kind);

/* ------------------------------------------------------------------------
 * Errors */

typedef uint8_t wsbx_error_kind_t;
enum wsbx_error_kind_enum {
  WSBX_ERROR_INVALID_ARGUMENT = 0, /* wrong value types or count, an unknown
                                      export, a configuration that cannot
                                      work */
  WSBX_ERROR_IO = 1,               /* a file could not be read */
  WSBX_ERROR_LOAD = 2,             /* malformed, invalid or over a limit */
  WSBX_ERROR_LINK = 3,             /* an import missing or of another type */
  WSBX_ERROR_TRAP = 4,             /* the guest trapped; a host function
                                      returned an error */
  WSBX_ERROR_TIMEOUT = 5,          /* the wall-clock budget was spent */
  WSBX_ERROR_FUEL = 6,             /* the fuel budget was spent */
  WSBX_ERROR_INTERRUPTED = 7,      /* wsbx_sandbox_interrupt was called */
  WSBX_ERROR_EXIT = 8,             /* the guest called proc_exit */
  WSBX_ERROR_REFUSED = 9,          /* the paranoid policy ended the guest */
  WSBX_ERROR_RESOURCE = 10,        /* a memory, stack or table cap; no free
                                      sandbox in a pool in time */
};

typedef struct wsbx_error wsbx_error_t;

/* A new error of kind WSBX_ERROR_TRAP with `message` (copied): what a host
 * function returns to end the guest's call. */
WSBX_API wsbx_error_t* wsbx_error_new(const char* message);
WSBX_API void wsbx_error_delete(wsbx_error_t* error);

WSBX_API wsbx_error_kind_t wsbx_error_kind(const wsbx_error_t* error);
/* "invalid argument", "trap", "fuel exhausted", ...: static storage. */
WSBX_API const char* wsbx_error_kind_name(wsbx_error_kind_t kind);
/* The message alone, e.g. "integer divide by zero". Valid while the error
 * lives, as are all strings below. */
WSBX_API const char* wsbx_error_message(const wsbx_error_t* error);
/* The kind, the message and a line per backtrace frame, e.g.
 * "trap: unreachable\n  at inner\n  at outer". */
WSBX_API const char* wsbx_error_to_string(const wsbx_error_t* error);
/* For WSBX_ERROR_EXIT: the guest's exit status (0 otherwise). */
WSBX_API int wsbx_error_exit_code(const wsbx_error_t* error);
/* True for what the guest caused while running (trap, budget, exit,
 * refusal, resource), false for configuration, loading and linking. */
WSBX_API bool wsbx_error_is_guest_error(const wsbx_error_t* error);
/* The trap's wasm backtrace, innermost frame first. */
WSBX_API size_t wsbx_error_frame_count(const wsbx_error_t* error);
WSBX_API uint32_t wsbx_error_frame_func_index(const wsbx_error_t* error,
                                              size_t frame);
/* From the name section or an export; "" when unknown or out of range. */
WSBX_API const char* wsbx_error_frame_name(const wsbx_error_t* error,
                                           size_t frame);
/* Module offset of the instruction the frame was running (the trapping
 * one, or the active call); -1 when unknown or out of range. */
WSBX_API int64_t wsbx_error_frame_code_offset(const wsbx_error_t* error,
                                              size_t frame);

/* ------------------------------------------------------------------------
 * Lists of strings */

typedef struct wsbx_strings wsbx_strings_t;
WSBX_API size_t wsbx_strings_size(const wsbx_strings_t* list);
/* NULL past the end; valid while the list lives. */
WSBX_API const char* wsbx_strings_get(const wsbx_strings_t* list, size_t i);
WSBX_API void wsbx_strings_delete(wsbx_strings_t* list);

/* ------------------------------------------------------------------------
 * Compiled modules: decode, validate and compile once, instantiate many
 * times. Immutable and shareable across threads. */

typedef struct wsbx_module wsbx_module_t;

WSBX_API wsbx_error_t* wsbx_module_new(const uint8_t* bytes, size_t size,
                                       wsbx_module_t** out);
WSBX_API wsbx_error_t* wsbx_module_from_file(const char* path,
                                             wsbx_module_t** out);
WSBX_API void wsbx_module_delete(wsbx_module_t* module);
/* Exported functions, e.g. "fib: (i32) -> (i32)". The caller owns the
 * list. */
WSBX_API wsbx_strings_t* wsbx_module_exports(const wsbx_module_t* module);

/* ------------------------------------------------------------------------
 * Configuration: everything a sandbox (or a pool) is built from. A config
 * may build any number of sandboxes and pools, and may be deleted as soon
 * as they are built. Setting the module again replaces it. */

typedef enum wsbx_policy_t {
  /* The engine's caps (4 GiB of memory, no time or fuel limit); a refused
   * WASI call returns an errno to the guest. */
  WSBX_POLICY_STANDARD = 0,
  /* 64 MiB of memory, 10 s per call, 1 MiB of stack, 16 MiB of output. */
  WSBX_POLICY_STRICT = 1,
  /* As strict with 1 s per call, and a refused WASI call ends the guest
   * (WSBX_ERROR_REFUSED). */
  WSBX_POLICY_PARANOID = 2,
} wsbx_policy_t;

typedef struct wsbx_config wsbx_config_t;

WSBX_API wsbx_config_t* wsbx_config_new(void);
WSBX_API wsbx_config_t* wsbx_config_copy(const wsbx_config_t* config);
WSBX_API void wsbx_config_delete(wsbx_config_t* config);

/* The module: bytes (copied), a file (read when a sandbox is built) or a
 * compiled module (shared; `module` may be deleted afterwards; NULL
 * leaves the config without a module). */
WSBX_API void wsbx_config_set_module_bytes(wsbx_config_t* config,
                                           const uint8_t* bytes, size_t size);
WSBX_API void wsbx_config_set_module_file(wsbx_config_t* config,
                                          const char* path);
WSBX_API void wsbx_config_set_module(wsbx_config_t* config,
                                     const wsbx_module_t* module);

/* Budgets. The policy's defaults apply unless a limit is set explicitly,
 * in either order. Fuel and timeout apply to each run or call. */
WSBX_API void wsbx_config_set_policy(wsbx_config_t* config,
                                     wsbx_policy_t policy);
/* Host memory for the guest: linear memory, tables, instance and code. */
WSBX_API void wsbx_config_set_memory_limit(wsbx_config_t* config,
                                           uint64_t bytes);
WSBX_API void wsbx_config_set_fuel(wsbx_config_t* config, uint64_t units);
WSBX_API void wsbx_config_set_timeout_ns(wsbx_config_t* config,
                                         uint64_t nanoseconds);
WSBX_API void wsbx_config_set_timeout_ms(wsbx_config_t* config,
                                         uint64_t milliseconds);
WSBX_API void wsbx_config_set_stack_limit(wsbx_config_t* config,
                                          uint64_t bytes);
WSBX_API void wsbx_config_set_max_call_depth(wsbx_config_t* config,
                                             uint32_t frames);
WSBX_API void wsbx_config_set_max_table_elements(wsbx_config_t* config,
                                                 uint64_t elements);

/* WASI grants: nothing is granted unless set here. */
/* The guest's argv; argv[0] is the program name ("main" when argc is 0). */
WSBX_API void wsbx_config_set_argv(wsbx_config_t* config, size_t argc,
                                   const char* const* argv);
/* Adds one environment variable. */
WSBX_API void wsbx_config_push_env(wsbx_config_t* config, const char* name,
                                   const char* value);
/* Replaces the environment with `count` NAME=VALUE pairs. */
WSBX_API void wsbx_config_set_env(wsbx_config_t* config, size_t count,
                                  const char* const* names,
                                  const char* const* values);
/* Grants the host directory `host_path` to the guest as `guest_path`. */
WSBX_API void wsbx_config_preopen_dir(wsbx_config_t* config,
                                      const char* host_path,
                                      const char* guest_path, bool read_only);
/* The guest's stdin: `size` bytes (copied); empty stdin otherwise. */
WSBX_API void wsbx_config_set_stdin(wsbx_config_t* config, const void* data,
                                    size_t size);

/* Output. The guest's stdout and stderr go to the host's unless captured
 * (wsbx_sandbox_stdout) or sent to callbacks, or both. */
WSBX_API void wsbx_config_capture_output(wsbx_config_t* config, bool capture);
/* Receives each chunk of output; `data` is valid during the call only. */
typedef void (*wsbx_output_callback_t)(void* user, const char* data,
                                       size_t size);
/* `finalizer` (may be NULL) runs on `user` once no config, sandbox or pool
 * holds the callback any more. Passing a NULL callback removes it. */
WSBX_API void wsbx_config_set_stdout_callback(wsbx_config_t* config,
                                              wsbx_output_callback_t callback,
                                              void* user,
                                              void (*finalizer)(void*));
WSBX_API void wsbx_config_set_stderr_callback(wsbx_config_t* config,
                                              wsbx_output_callback_t callback,
                                              void* user,
                                              void (*finalizer)(void*));
/* A cap on stdout and stderr together; past it the guest's writes fail
 * with errno fbig (audited). */
WSBX_API void wsbx_config_set_max_output(wsbx_config_t* config, uint64_t bytes);

/* One refusal or other security-relevant event of the WASI layer. */
typedef struct wsbx_audit_event_t {
  const char* function;   /* the WASI function, e.g. "path_open" */
  const char* path;       /* the path concerned, or "" */
  const char* errno_name; /* what the guest got, e.g. "notcapable" */
  const char* reason;     /* why, in words */
  const char* json;       /* the event as one JSON object */
} wsbx_audit_event_t;
/* `event` and its strings are valid during the call only. */
typedef void (*wsbx_audit_callback_t)(void* user,
                                      const wsbx_audit_event_t* event);
WSBX_API void wsbx_config_set_audit_callback(wsbx_config_t* config,
                                             wsbx_audit_callback_t callback,
                                             void* user,
                                             void (*finalizer)(void*));

/* A host function the guest may import as `module`.`name` with params
 * `params[0..nparams)` and results `results[0..nresults)`. The callback
 * gets the arguments and a results array whose kinds are already set; it
 * stores the values and returns NULL, or returns an error (say from
 * wsbx_error_new, ownership passing to the library) to end the guest's
 * call with a trap carrying its message. An import of another signature
 * is a link error. `finalizer` (may be NULL) runs on `env` once nothing
 * holds the function any more. */
typedef wsbx_error_t* (*wsbx_host_callback_t)(void* env, const wsbx_val_t* args,
                                              size_t nargs, wsbx_val_t* results,
                                              size_t nresults);
WSBX_API void wsbx_config_add_host_func(
    wsbx_config_t* config, const char* module, const char* name,
    const wsbx_valkind_t* params, size_t nparams, const wsbx_valkind_t* results,
    size_t nresults, wsbx_host_callback_t callback, void* env,
    void (*finalizer)(void*));

/* ------------------------------------------------------------------------
 * Sandboxes */

typedef struct wsbx_sandbox wsbx_sandbox_t;

/* Loads (unless the config holds a compiled module), links and
 * instantiates, running the start function and a reactor's _initialize:
 * a trap there comes back as an error. */
WSBX_API wsbx_error_t* wsbx_sandbox_new(const wsbx_config_t* config,
                                        wsbx_sandbox_t** out);
/* Not for a lease's sandbox (see wsbx_lease_release). */
WSBX_API void wsbx_sandbox_delete(wsbx_sandbox_t* sandbox);

/* Runs a WASI command's _start: `*exit_code` is 0 when _start returns and
 * the status the guest passed to proc_exit otherwise. */
WSBX_API wsbx_error_t* wsbx_sandbox_run(wsbx_sandbox_t* sandbox,
                                        int* exit_code);
/* Calls an exported function. `nargs` and the kinds of `args` must match
 * its parameters and `nresults` its result count, or the error is
 * WSBX_ERROR_INVALID_ARGUMENT and no guest code runs. On success the
 * results are written with their kinds. */
WSBX_API wsbx_error_t* wsbx_sandbox_call(wsbx_sandbox_t* sandbox,
                                         const char* name,
                                         const wsbx_val_t* args, size_t nargs,
                                         wsbx_val_t* results, size_t nresults);
/* The signature of an exported function: pointers into the sandbox, valid
 * while it lives. WSBX_ERROR_INVALID_ARGUMENT when there is no such
 * export. Any out pointer may be NULL. */
WSBX_API wsbx_error_t* wsbx_sandbox_export_type(const wsbx_sandbox_t* sandbox,
                                                const char* name,
                                                const wsbx_valkind_t** params,
                                                size_t* nparams,
                                                const wsbx_valkind_t** results,
                                                size_t* nresults);
/* Exported functions, e.g. "fib: (i32) -> (i32)"; the caller owns the
 * list. */
WSBX_API wsbx_strings_t* wsbx_sandbox_exports(const wsbx_sandbox_t* sandbox);

/* Makes the running call end with WSBX_ERROR_INTERRUPTED within a few
 * milliseconds. Safe from any thread and from signal handlers. A call
 * that starts afterwards clears it. */
WSBX_API void wsbx_sandbox_interrupt(wsbx_sandbox_t* sandbox);

/* Measured after each run or call, cumulative since the sandbox was built
 * or last reset. */
typedef struct wsbx_stats_t {
  uint64_t fuel_consumed;     /* instructions plus bulk work */
  uint64_t peak_memory_bytes; /* host memory held for the guest */
  uint64_t memory_pages;      /* current size of memory 0 */
  uint64_t stdout_bytes;
  uint64_t stderr_bytes;
  uint64_t audit_events;
  uint64_t last_call_ns; /* wall-clock time of the last run or call */
  size_t host_calls;     /* entries for wsbx_sandbox_host_call */
} wsbx_stats_t;
WSBX_API void wsbx_sandbox_stats(const wsbx_sandbox_t* sandbox,
                                 wsbx_stats_t* out);
/* Host calls by import ("wasi_snapshot_preview1.fd_write"), in import
 * order, for i < stats.host_calls: the name (valid until the next call or
 * reset) and the count in `*count`; NULL past the end. */
WSBX_API const char* wsbx_sandbox_host_call(const wsbx_sandbox_t* sandbox,
                                            size_t i, uint64_t* count);

/* Captured output (wsbx_config_capture_output): a pointer to `*size`
 * bytes, not NUL-terminated, valid until the next run, call or reset. */
WSBX_API const char* wsbx_sandbox_stdout(const wsbx_sandbox_t* sandbox,
                                         size_t* size);
WSBX_API const char* wsbx_sandbox_stderr(const wsbx_sandbox_t* sandbox,
                                         size_t* size);
/* Audit events so far; false past the end. The strings are valid until
 * the next run, call or reset. */
WSBX_API size_t wsbx_sandbox_audit_count(const wsbx_sandbox_t* sandbox);
WSBX_API bool wsbx_sandbox_audit_event(const wsbx_sandbox_t* sandbox, size_t i,
                                       wsbx_audit_event_t* out);

/* Back to the state right after wsbx_sandbox_new: memory, globals,
 * tables, WASI descriptors, captured output, audit events and stats. */
WSBX_API wsbx_error_t* wsbx_sandbox_reset(wsbx_sandbox_t* sandbox);
/* Keeps the current state (call it right after wsbx_sandbox_new) as what
 * a reset returns to, copy-on-write: resets then take microseconds. */
WSBX_API wsbx_error_t* wsbx_sandbox_enable_fast_reset(wsbx_sandbox_t* sandbox);

/* ------------------------------------------------------------------------
 * Pools: `size` sandboxes of one configuration kept ready; a released
 * lease's sandbox is reset (copy-on-write) before it is handed out again.
 * Every function here is thread-safe. */

typedef struct wsbx_pool wsbx_pool_t;
typedef struct wsbx_lease wsbx_lease_t;

WSBX_API wsbx_error_t* wsbx_pool_new(const wsbx_config_t* config, size_t size,
                                     wsbx_pool_t** out);
/* Every lease must be released first. */
WSBX_API void wsbx_pool_delete(wsbx_pool_t* pool);
/* Waits up to `timeout_ns` (a negative value: for as long as it takes) for
 * a free sandbox; WSBX_ERROR_RESOURCE when none came. */
WSBX_API wsbx_error_t* wsbx_pool_acquire(wsbx_pool_t* pool, int64_t timeout_ns,
                                         wsbx_lease_t** out);
/* The leased sandbox, borrowed until wsbx_lease_release. */
WSBX_API wsbx_sandbox_t* wsbx_lease_sandbox(wsbx_lease_t* lease);
/* Resets the sandbox, returns it to the pool and frees the lease. */
WSBX_API void wsbx_lease_release(wsbx_lease_t* lease);
/* Sandboxes in the pool (fewer after a failed reset dropped one). */
WSBX_API size_t wsbx_pool_size(const wsbx_pool_t* pool);
WSBX_API size_t wsbx_pool_available(const wsbx_pool_t* pool);
WSBX_API uint64_t wsbx_pool_resets(const wsbx_pool_t* pool);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WSBX_WSBX_H_ */
