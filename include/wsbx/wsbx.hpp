// wsbx: run WebAssembly you did not write. The C++ embedding API.
//
//   auto sandbox = wsbx::Sandbox::Builder()
//                      .ModuleFile("plugin.wasm")
//                      .Policy(wsbx::Policy::kStrict)
//                      .MemoryLimit(64 << 20)
//                      .Timeout(std::chrono::seconds(2))
//                      .DirReadOnly("/srv/data", "/data")
//                      .Build();
//   if (!sandbox.ok()) { ... sandbox.error().message() ... }
//   wsbx::Result<int32_t> n = sandbox->Call<int32_t>("fib", 20);
//
// Errors are values: every fallible call returns a Result<T> holding either
// the value or an Error (what went wrong, the guest's trap with its wasm
// backtrace, a budget spent, a wrong argument type). Nothing here throws.
//
// Thread safety: a Sandbox is used by one thread at a time, except
// Interrupt(), which any thread may call at any time. Distinct Sandboxes
// (and a Pool's leases) run in parallel freely. A CompiledModule is immutable and
// may be shared by any number of sandboxes on any threads.
//
// This header is self-contained: it exposes no engine internals and no
// third-party types.
#ifndef WSBX_WSBX_HPP_
#define WSBX_WSBX_HPP_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace wsbx {

// ---------------------------------------------------------------------------
// Values and errors

enum class ValKind : uint8_t { kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef };

// A WebAssembly value. References are opaque: a null funcref/externref or
// one the guest handed out; v128 is 16 little-endian bytes.
class Val {
 public:
  Val() = default;
  Val(int32_t v) : kind_(ValKind::kI32), lo_(static_cast<uint32_t>(v)) {}
  Val(int64_t v) : kind_(ValKind::kI64), lo_(static_cast<uint64_t>(v)) {}
  Val(float v);
  Val(double v);
  static Val V128(uint64_t lo, uint64_t hi);
  static Val NullRef(ValKind kind);

  ValKind kind() const { return kind_; }
  int32_t i32() const { return static_cast<int32_t>(lo_); }
  int64_t i64() const { return static_cast<int64_t>(lo_); }
  float f32() const;
  double f64() const;
  uint64_t v128_lo() const { return lo_; }
  uint64_t v128_hi() const { return hi_; }
  bool is_null_ref() const;
  // "i32:7", "f64:0.5", "funcref:null", ...
  std::string ToString() const;

  // Raw access for the library's own conversions.
  uint64_t raw_lo() const { return lo_; }
  uint64_t raw_hi() const { return hi_; }
  static Val FromRaw(ValKind kind, uint64_t lo, uint64_t hi);

 private:
  ValKind kind_ = ValKind::kI32;
  uint64_t lo_ = 0;
  uint64_t hi_ = 0;
};

const char* ToString(ValKind kind);

enum class ErrorKind : uint8_t {
  kInvalidArgument,  // a bad API argument: wrong value types or count,
                     // an unknown export, a configuration that cannot work
  kIo,               // a file could not be read, a directory not granted
  kLoad,             // the module is malformed, invalid or over a limit
  kLink,             // an import is missing or has the wrong type
  kTrap,             // the guest trapped (unreachable, out of bounds, ...)
  kTimeout,          // the wall-clock budget was spent
  kFuel,             // the fuel budget was spent
  kInterrupted,      // Interrupt() was called
  kExit,             // the guest called proc_exit (exit_code() says with what)
  kRefused,          // the paranoid policy ended the guest on a refused call
  kResource,         // a memory cap, the call stack or a table cap
};

const char* ToString(ErrorKind kind);

// One wasm frame of a trap's backtrace, innermost first.
struct TrapFrame {
  uint32_t func_index = 0;
  std::string name;  // from the name section or an export, else empty
  // Module offset of the instruction the frame was running (the trapping
  // one, or the active call); nullopt when unknown.
  std::optional<uint32_t> code_offset = std::nullopt;
};

class Error {
 public:
  Error() = default;
  Error(ErrorKind kind, std::string message)
      : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  // For kExit: the guest's exit status.
  int exit_code() const { return exit_code_; }
  const std::vector<TrapFrame>& backtrace() const { return backtrace_; }
  // True for errors the guest caused while running (trap, budget, exit,
  // refusal), as opposed to configuration, loading and linking.
  bool is_guest_error() const;
  // "trap: integer divide by zero" plus a line per frame (the innermost
  // 16 of a deep backtrace), e.g. "  at fib (func 3) +0x1a2".
  std::string ToString() const;

  Error& set_exit_code(int code) {
    exit_code_ = code;
    return *this;
  }
  Error& set_backtrace(std::vector<TrapFrame> frames) {
    backtrace_ = std::move(frames);
    return *this;
  }

 private:
  ErrorKind kind_ = ErrorKind::kInvalidArgument;
  std::string message_;
  int exit_code_ = 0;
  std::vector<TrapFrame> backtrace_;
};

// A value or an Error. Accessing value() of an error (or error() of a
// value) is a programming error and aborts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

// ---------------------------------------------------------------------------
// Modules

namespace internal {
struct ModuleData;
struct SandboxState;
}  // namespace internal

// A decoded, validated and compiled module: load once, instantiate many
// times (Sandbox::Builder::UseModule, Pool).
class CompiledModule {
 public:
  static Result<CompiledModule> FromBytes(std::span<const uint8_t> bytes);
  // A binary module, or WebAssembly text in a file named .wat that does not
  // start with the binary magic (errors then read "PATH:LINE:COL: what").
  static Result<CompiledModule> FromFile(const std::string& path);
  // Exported functions with their signatures, e.g. "fib: (i32) -> (i32)".
  std::vector<std::string> DescribeExports() const;
  const std::shared_ptr<const internal::ModuleData>& data() const {
    return data_;
  }

 private:
  explicit CompiledModule(std::shared_ptr<const internal::ModuleData> data)
      : data_(std::move(data)) {}
  std::shared_ptr<const internal::ModuleData> data_;
};

// ---------------------------------------------------------------------------
// Configuration

// Presets. Every preset denies what was not granted; they differ in the
// default budgets and in what a refusal does:
//   kStandard  the engine's caps (4 GiB of memory, no time or fuel limit);
//              a refused WASI call returns an errno to the guest.
//   kStrict    64 MiB of memory, a 10 s timeout per call, 1 MiB of stack,
//              16 MiB of output; refusals return an errno.
//   kParanoid  as strict, plus: any refused WASI operation ends the guest
//              (ErrorKind::kRefused), and a 1 s timeout per call.
// Explicit limits set on the Builder override the preset, in either order.
enum class Policy : uint8_t { kStandard, kStrict, kParanoid };

const char* ToString(Policy policy);

// One refusal (or other security-relevant event) of the WASI layer.
struct AuditEvent {
  std::string function;  // the WASI function, e.g. "path_open"
  std::string path;      // the path concerned, if any
  std::string errno_name;  // what the guest got, e.g. "notcapable"
  std::string reason;    // why, in words
  std::string json;      // the event as one JSON object
};

// Measured after each Call or Run, cumulative over the sandbox's life.
struct Stats {
  uint64_t fuel_consumed = 0;        // instructions plus bulk work
  uint64_t peak_memory_bytes = 0;    // host memory held for the guest
  uint64_t memory_pages = 0;         // current size of memory 0
  uint64_t stdout_bytes = 0;
  uint64_t stderr_bytes = 0;
  uint64_t audit_events = 0;
  std::chrono::nanoseconds last_call_time{0};
  // Host calls by WASI function name, in first-call order.
  std::vector<std::pair<std::string, uint64_t>> host_calls;
};

// What may differ between runs of one configuration, such as a server's
// requests: the guest's stdin and environment variables added to the
// builder's (a name in both: the input's value replaces the builder's).
struct RunInput {
  std::string stdin_data;
  std::vector<std::pair<std::string, std::string>> env;
};

class Sandbox;

// ---------------------------------------------------------------------------
// The sandbox

class Sandbox {
 public:
  class Builder;

  Sandbox(Sandbox&&) noexcept;
  Sandbox& operator=(Sandbox&&) noexcept;
  ~Sandbox();

  // Runs a WASI command's _start with the configured arguments: the exit
  // status (0 when _start returns, the guest's proc_exit code otherwise).
  Result<int> Run();
  // Run() with fresh WASI state (file descriptors, stdin, environment) made
  // from `input` on top of the builder's settings. Reset() goes back to the
  // builder's settings alone.
  Result<int> Run(const RunInput& input);

  // Calls an exported function with dynamically typed arguments. A wrong
  // count or type, or an unknown export, is kInvalidArgument before any
  // guest code runs.
  Result<std::vector<Val>> Call(std::string_view name,
                                std::span<const Val> args = {});

  // Typed call: R is void, one of int32_t/int64_t/float/double, or a
  // std::tuple of them; the arguments' C++ types must match the export's
  // parameters exactly (checked before the call).
  template <typename R, typename... A>
  Result<R> Call(std::string_view name, A... args);

  // Makes the running (or next) call end with ErrorKind::kInterrupted
  // within a few milliseconds. Safe from any thread and from signal
  // handlers; cleared when the next call starts.
  void Interrupt();

  const Stats& stats() const;
  // Output captured by CaptureOutput (empty otherwise).
  std::string_view captured_stdout() const;
  std::string_view captured_stderr() const;
  // Audit events so far (also delivered to OnAudit as they happen).
  const std::vector<AuditEvent>& audit_events() const;
  // Exported function names and signatures.
  std::vector<std::string> DescribeExports() const;

  // Restores the sandbox to its state right after Build(): memory contents
  // and size, globals, tables, dropped segments, WASI file descriptors,
  // captured output, audit events and stats. After EnableFastReset (a Pool
  // does it) this maps a copy-on-write image of memory back, in
  // microseconds; otherwise it instantiates the module again.
  Result<void> Reset();
  // Keeps the current state (call it right after Build) as what Reset
  // returns to, copy-on-write.
  Result<void> EnableFastReset();

 private:
  friend class Pool;
  explicit Sandbox(std::unique_ptr<internal::SandboxState> state);
  // Call, with the export's results checked against `*results` first
  // (when given).
  Result<std::vector<Val>> CallChecked(std::string_view name,
                                       std::span<const Val> args,
                                       const std::vector<ValKind>* results);
  std::unique_ptr<internal::SandboxState> state_;
};

class Sandbox::Builder {
 public:
  Builder();
  Builder(const Builder&);
  Builder& operator=(const Builder&);
  Builder(Builder&&) noexcept;
  Builder& operator=(Builder&&) noexcept;
  ~Builder();

  // The module: bytes, a file, or one loaded before (shared, not copied).
  Builder& ModuleBytes(std::vector<uint8_t> bytes);
  Builder& ModuleFile(std::string path);
  Builder& UseModule(CompiledModule module);

  Builder& Policy(wsbx::Policy policy);
  // Host memory for the guest: linear memory, tables, instances and code.
  Builder& MemoryLimit(uint64_t bytes);
  // Per call (Run, Call): fuel units and wall-clock time.
  Builder& Fuel(uint64_t units);
  Builder& Timeout(std::chrono::nanoseconds timeout);
  Builder& StackLimit(uint64_t bytes);
  Builder& MaxCallDepth(uint32_t frames);
  Builder& MaxTableElements(uint64_t elements);

  // WASI grants; nothing is granted by default.
  Builder& Args(std::vector<std::string> args);  // argv[1..]
  Builder& ProgramName(std::string name);         // argv[0], "main" default
  Builder& Env(std::string name, std::string value);
  Builder& Dir(std::string host_path, std::string guest_path);
  Builder& DirReadOnly(std::string host_path, std::string guest_path);
  Builder& Stdin(std::string data);
  // stdout and stderr into the sandbox's buffers (captured_stdout()), or
  // to callbacks; host stdout/stderr when neither is set.
  Builder& CaptureOutput();
  Builder& OnStdout(std::function<void(std::string_view)> sink);
  Builder& OnStderr(std::function<void(std::string_view)> sink);
  // Cap on what the guest writes to stdout and stderr together; beyond it
  // writes fail with errno fbig, which the guest sees, and are audited.
  Builder& MaxOutput(uint64_t bytes);
  Builder& OnAudit(std::function<void(const AuditEvent&)> callback);

  // A host function the guest may import as `module`.`name`, with the
  // signature of `fn`: int32_t, int64_t, float or double parameters, and
  // void, one of those, or a std::tuple of them as the result. An import
  // of another signature is a link error. (RawHost: one that may fail.)
  template <typename F>
  Builder& HostFunction(std::string module, std::string name, F fn);

  // Loads (unless a CompiledModule was given), links and instantiates; runs the
  // start function and a reactor's _initialize. A trap there is an Error.
  Result<Sandbox> Build() const;

  // Type-erased host function, for the template above and other bindings:
  // returning an Error ends the guest's call with it.
  struct RawHostFunction {
    std::string module, name;
    std::vector<ValKind> params, results;
    std::function<std::optional<Error>(std::span<const Val>, std::vector<Val>&)>
        fn;
  };
  Builder& RawHost(RawHostFunction fn);

  struct Config;  // opaque

 private:
  friend class Sandbox;
  friend class Pool;
  std::unique_ptr<Config> config_;
};

// ---------------------------------------------------------------------------
// The pool

// N sandboxes of one configuration kept ready. Acquire() hands one out;
// when the Lease ends the sandbox is reset (Sandbox::Reset: copy-on-write
// memory restore) and goes back, so nothing leaks from one use to the next.
class Pool {
 public:
  class Lease {
   public:
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) noexcept;
    ~Lease();
    Sandbox& operator*() { return *sandbox_; }
    Sandbox* operator->() { return sandbox_; }

   private:
    friend class Pool;
    Lease(Pool* pool, Sandbox* sandbox) : pool_(pool), sandbox_(sandbox) {}
    Pool* pool_ = nullptr;
    Sandbox* sandbox_ = nullptr;
  };

  static Result<std::unique_ptr<Pool>> Create(const Sandbox::Builder& builder,
                                              size_t size);
  ~Pool();
  // Waits up to `wait` for a free sandbox; kResource when none came.
  Result<Lease> Acquire(
      std::chrono::nanoseconds wait = std::chrono::nanoseconds::max());
  size_t size() const;
  size_t available() const;
  uint64_t resets() const;

 private:
  struct State;
  explicit Pool(std::unique_ptr<State> state);
  void Release(Sandbox* sandbox);
  std::unique_ptr<State> state_;
};

// ---------------------------------------------------------------------------
// Template implementations

namespace internal {

template <typename T>
constexpr ValKind KindOf() {
  if constexpr (std::is_same_v<T, int32_t>) return ValKind::kI32;
  else if constexpr (std::is_same_v<T, int64_t>) return ValKind::kI64;
  else if constexpr (std::is_same_v<T, float>) return ValKind::kF32;
  else if constexpr (std::is_same_v<T, double>) return ValKind::kF64;
  else static_assert(sizeof(T) == 0, "wasm values are int32_t, int64_t, float or double");
}

template <typename T>
T As(const Val& v) {
  if constexpr (std::is_same_v<T, int32_t>) return v.i32();
  else if constexpr (std::is_same_v<T, int64_t>) return v.i64();
  else if constexpr (std::is_same_v<T, float>) return v.f32();
  else return v.f64();
}

template <typename T>
struct ResultKinds {
  static std::vector<ValKind> Get() { return {KindOf<T>()}; }
  static T From(const std::vector<Val>& v) { return As<T>(v[0]); }
  static void To(const T& t, std::vector<Val>& out) { out.push_back(Val(t)); }
};
template <>
struct ResultKinds<void> {
  static std::vector<ValKind> Get() { return {}; }
};
template <typename... T>
struct ResultKinds<std::tuple<T...>> {
  static std::vector<ValKind> Get() { return {KindOf<T>()...}; }
  static std::tuple<T...> From(const std::vector<Val>& v) {
    return FromImpl(v, std::index_sequence_for<T...>());
  }
  template <size_t... I>
  static std::tuple<T...> FromImpl(const std::vector<Val>& v,
                                   std::index_sequence<I...>) {
    return std::tuple<T...>(As<T>(v[I])...);
  }
  static void To(const std::tuple<T...>& t, std::vector<Val>& out) {
    std::apply([&](const T&... x) { (out.push_back(Val(x)), ...); }, t);
  }
};

template <typename F>
struct HostTraits : HostTraits<decltype(&F::operator())> {};
template <typename C, typename R, typename... A>
struct HostTraits<R (C::*)(A...) const> {
  using Result = R;
  using Args = std::tuple<A...>;
};
template <typename C, typename R, typename... A>
struct HostTraits<R (C::*)(A...)> : HostTraits<R (C::*)(A...) const> {};
template <typename R, typename... A>
struct HostTraits<R (*)(A...)> {
  using Result = R;
  using Args = std::tuple<A...>;
};

}  // namespace internal

template <typename R, typename... A>
Result<R> Sandbox::Call(std::string_view name, A... args) {
  const std::vector<Val> in{Val(args)...};
  const std::vector<ValKind> results = internal::ResultKinds<R>::Get();
  Result<std::vector<Val>> out = CallChecked(name, in, &results);
  if (!out.ok()) return out.error();
  if constexpr (std::is_void_v<R>) {
    return Result<void>();
  } else {
    return internal::ResultKinds<R>::From(*out);
  }
}

template <typename F>
Sandbox::Builder& Sandbox::Builder::HostFunction(std::string module,
                                                 std::string name, F fn) {
  using Traits = internal::HostTraits<F>;
  using R = typename Traits::Result;
  using Args = typename Traits::Args;
  RawHostFunction raw;
  raw.module = std::move(module);
  raw.name = std::move(name);
  raw.params = std::apply(
      [](auto... a) { return std::vector<ValKind>{internal::KindOf<decltype(a)>()...}; },
      Args());
  raw.results = internal::ResultKinds<R>::Get();
  raw.fn = [fn = std::move(fn)](std::span<const Val> in,
                                std::vector<Val>& out) -> std::optional<Error> {
    Args args = std::apply(
        [&](auto... a) {
          size_t i = 0;
          return Args{internal::As<decltype(a)>(in[i++])...};
        },
        Args());
    if constexpr (std::is_void_v<R>) {
      std::apply(fn, args);
    } else {
      internal::ResultKinds<R>::To(std::apply(fn, args), out);
    }
    return std::nullopt;
  };
  return RawHost(std::move(raw));
}

}  // namespace wsbx

#endif  // WSBX_WSBX_HPP_
