// Runtime objects (spec 4.2): memories, tables, globals, functions and
// instances, all owned by a Store, which is also where wasm code runs.
// Addresses handed out by a Store stay valid for the Store's lifetime; each
// object knows its Store, and no Store links or runs another's objects.
// A funcref is an index into the Store's function list, never an address.
#ifndef WSBX_RUNTIME_STORE_STORE_H_
#define WSBX_RUNTIME_STORE_STORE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "runtime/compile/code.h"
#include "runtime/limits.h"
#include "runtime/module.h"
#include "runtime/types.h"
#include "runtime/value.h"

namespace wsbx {

class Store;
struct Instance;
struct ExecContext;  // the interpreter's stacks and counters (interpreter.h)

// The host memory a Store holds on its guest's behalf, against one cap.
// Every allocation sized by the guest is charged before it is made; one
// that does not fit is refused (a load error, a failed grow, -1), never an
// allocation failure of the host.
class MemoryAccount {
 public:
  explicit MemoryAccount(uint64_t limit) : limit_(limit) {}
  MemoryAccount(const MemoryAccount&) = delete;
  MemoryAccount& operator=(const MemoryAccount&) = delete;
  // Adds `bytes` when they fit under the limit; false (nothing added) if not.
  bool TryCharge(uint64_t bytes) {
    if (bytes > limit_ - used_) return false;
    used_ += bytes;
    peak_ = used_ > peak_ ? used_ : peak_;
    return true;
  }
  void Release(uint64_t bytes) { used_ -= bytes < used_ ? bytes : used_; }
  uint64_t used() const { return used_; }
  uint64_t peak() const { return peak_; }
  void ResetPeak() { peak_ = used_; }
  uint64_t limit() const { return limit_; }

 private:
  uint64_t limit_;
  uint64_t used_ = 0;
  uint64_t peak_ = 0;
};
struct ExecContextDeleter {
  void operator()(ExecContext* ctx) const;  // defined by the interpreter
};

// A linear memory. The whole capped range is reserved up front so base()
// never moves; growing commits more pages. Every access is bounds-checked by
// its user against size_bytes().
class MemoryInstance {
 public:
  // Fails when the type's minimum exceeds cap_pages or does not fit in
  // `account` (when given: every page committed is charged to it).
  static absl::StatusOr<std::unique_ptr<MemoryInstance>> Create(
      const MemoryType& type, uint64_t cap_pages,
      MemoryAccount* account = nullptr);
  ~MemoryInstance();
  MemoryInstance(const MemoryInstance&) = delete;
  MemoryInstance& operator=(const MemoryInstance&) = delete;

  uint8_t* base() const { return base_; }
  uint64_t size_bytes() const { return size_bytes_; }
  uint64_t pages() const { return size_bytes_ / kPageSize; }
  // The type as import matching sees it: min is the current size.
  MemoryType type() const;
  // Grows by delta pages; returns the old size in pages, or -1 when the
  // declared maximum or the cap would be exceeded (memory.grow semantics).
  int64_t Grow(uint64_t delta_pages);
  uint64_t peak_pages() const { return peak_pages_; }
  const Store* store() const { return store_; }
  // Fast reset (api/snapshot): maps the first `bytes` of `image_fd`
  // privately (copy-on-write) over the memory's start and makes that its
  // size; pages beyond are decommitted and released from the account. The
  // image must be no larger than the memory. False if the mapping failed
  // (the memory is then unusable and must be discarded).
  bool MapImage(int image_fd, uint64_t bytes);

 private:
  friend class Store;  // sets store_
  MemoryInstance() = default;
  void AdviseHugePages();
  uint8_t* base_ = nullptr;
  uint64_t size_bytes_ = 0;
  uint64_t reserved_bytes_ = 0;
  uint64_t max_pages_ = 0;  // min(declared max, cap)
  std::optional<uint64_t> declared_max_;
  bool is64_ = false;  // memory64/table64: i64 addresses
  uint64_t peak_pages_ = 0;
  MemoryAccount* account_ = nullptr;
  const Store* store_ = nullptr;
};

class TableInstance {
 public:
  // Fails when the minimum exceeds the cap or does not fit in `account`
  // (when given: the element storage is charged to it).
  static absl::StatusOr<std::unique_ptr<TableInstance>> Create(
      const TableType& type, uint64_t cap_elements, RefBits init,
      MemoryAccount* account = nullptr);
  ~TableInstance();
  TableInstance(const TableInstance&) = delete;
  TableInstance& operator=(const TableInstance&) = delete;
  ValType elem_type() const { return elem_type_; }
  uint32_t size() const { return static_cast<uint32_t>(size_); }
  RefBits* data() { return elems_; }
  const RefBits* data() const { return elems_; }
  // The type as import matching sees it: min is the current size.
  TableType type() const;
  // Returns the old size, or -1 when the maximum, the cap or the account
  // would be exceeded.
  int64_t Grow(uint32_t delta, RefBits init);
  const Store* store() const { return store_; }
  // Fast reset (api/snapshot): size and elements become `elems`, which must
  // be no longer than the table. Committed storage stays.
  void Restore(std::span<const RefBits> elems);

 private:
  friend class Store;  // sets store_
  TableInstance() = default;
  // Commits (and charges) the pages holding the first `size` elements.
  bool Commit(uint64_t size);
  ValType elem_type_ = ValType::kFuncRef;
  std::optional<uint64_t> declared_max_;
  bool is64_ = false;  // memory64/table64: i64 addresses
  uint64_t max_elements_ = 0;  // min(declared max, cap)
  // Like a memory, a table reserves its largest possible size once (never
  // more than the account allows) and commits pages as it grows: elements
  // never move, and growing never holds two copies.
  RefBits* elems_ = nullptr;
  uint64_t size_ = 0;
  uint64_t reserved_bytes_ = 0;
  uint64_t committed_bytes_ = 0;
  MemoryAccount* account_ = nullptr;
  const Store* store_ = nullptr;
};

struct GlobalInstance {
  GlobalType type;
  uint64_t bits = 0;             // same representation as Value::bits
  uint64_t hi = 0;               // v128 upper half
  const Store* store = nullptr;  // the owner, set by the Store
  Value Get() const { return Value{type.type, bits, hi}; }
};

// What a host function sees of its caller.
struct HostContext {
  Store* store = nullptr;
  Instance* caller = nullptr;      // null when invoked directly by the host
  MemoryInstance* memory = nullptr;  // caller's memory 0, if it has one
  std::string trap_message;  // set together with returning a trap kind
  int exit_code = 0;         // set together with returning TrapKind::kExit
};

// A host function receives its arguments and writes its results as 8-byte
// slots in Value::bits representation (i32 in the low half), in signature
// order; a v128 takes two slots (bits, then hi); a funcref is a reference
// of ctx.store (Store::FunctionFromRef). It returns TrapKind::kNone on
// success.
using HostFunction = std::function<TrapKind(
    HostContext& ctx, std::span<const uint64_t> args,
    std::span<uint64_t> results)>;

struct FunctionInstance {
  const FuncType* type = nullptr;   // owned by the module or the Store
  uint32_t type_id = 0;             // process-wide canonical id of *type
  const Store* store = nullptr;     // the owner, set by the Store
  RefBits ref = kNullRef;           // this function's reference in its Store
  Instance* instance = nullptr;     // null for host functions
  const CodeWord* entry = nullptr;  // wasm functions: their Enter instruction
  uint32_t func_index = 0;          // index in instance->module's space
  HostFunction host;                // set for host functions only
  std::string host_name;            // for backtraces
};

// A Store's function list as references index it: entry 0 (kNullRef) is
// nullptr, entry r the function whose reference is r. Lookup is the one way
// from a reference to a function.
struct FuncRefTable {
  FunctionInstance* const* data = nullptr;
  uint64_t size = 0;
  FunctionInstance* Lookup(RefBits ref) const {
    return ref < size ? data[ref] : nullptr;
  }
};

struct Extern {
  ExternKind kind = ExternKind::kFunc;
  FunctionInstance* func = nullptr;
  TableInstance* table = nullptr;
  MemoryInstance* memory = nullptr;
  GlobalInstance* global = nullptr;

  static Extern Func(FunctionInstance* f) {
    Extern e;
    e.func = f;
    return e;
  }
  static Extern Table(TableInstance* t) {
    Extern e;
    e.kind = ExternKind::kTable;
    e.table = t;
    return e;
  }
  static Extern Memory(MemoryInstance* m) {
    Extern e;
    e.kind = ExternKind::kMemory;
    e.memory = m;
    return e;
  }
  static Extern Global(GlobalInstance* g) {
    Extern e;
    e.kind = ExternKind::kGlobal;
    e.global = g;
    return e;
  }
};

struct Instance {
  std::shared_ptr<const Module> module;
  std::vector<FunctionInstance*> funcs;  // the module's function index space
  std::vector<TableInstance*> tables;
  std::vector<MemoryInstance*> memories;
  std::vector<GlobalInstance*> globals;
  std::vector<uint32_t> type_ids;  // canonical id per module type index
  // Element segments as evaluated references; a dropped segment is empty.
  std::vector<std::vector<RefBits>> elem_segments;
  std::vector<bool> data_dropped;

  std::optional<Extern> FindExport(std::string_view name) const;
};

struct InvokeResult {
  std::vector<Value> values;
  std::optional<Trap> trap;
  bool ok() const { return !trap.has_value(); }
};

class Store {
 public:
  explicit Store(const Limits& limits = Limits());
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const Limits& limits() const { return limits_; }
  // Host memory held for the guest, against limits().max_store_bytes.
  const MemoryAccount& account() const { return account_; }
  // Starts measuring the account's peak afresh (a sandbox reset).
  void ResetAccountPeak() { account_.ResetPeak(); }

  FunctionInstance* AddHostFunction(const FuncType& type, HostFunction fn,
                                    std::string name);
  absl::StatusOr<MemoryInstance*> AddMemory(const MemoryType& type);
  absl::StatusOr<TableInstance*> AddTable(const TableType& type,
                                          RefBits init = kNullRef);
  // Globals a module defines are charged with its instance (Instantiate).
  GlobalInstance* AddGlobal(const GlobalType& type, const Value& value);

  // References. A funcref is the index of a function in this Store's list
  // (kNullRef, 0, is null); the engine turns one back into a function only
  // through FunctionFromRef, which yields nullptr for null and for bits that
  // name no function of this Store. An externref is the host's own bits and
  // is never looked at.
  FunctionInstance* FunctionFromRef(RefBits ref) const;
  // kNullRef for nullptr and for a function of another Store, which no
  // reference of this Store can name.
  RefBits RefOf(const FunctionInstance* func) const {
    return Owns(func) ? func->ref : kNullRef;
  }

  // Whether an object belongs to this Store (null belongs to none).
  bool Owns(const FunctionInstance* f) const { return f && f->store == this; }
  bool Owns(const MemoryInstance* m) const { return m && m->store() == this; }
  bool Owns(const TableInstance* t) const { return t && t->store() == this; }
  bool Owns(const GlobalInstance* g) const { return g && g->store == this; }
  bool Owns(const Extern& ext) const;

  // Host access to a table of this Store, checked like table.get/table.set:
  // a value of the table's element type, an index in range, and a funcref
  // that is null or names a function of this Store.
  absl::StatusOr<Value> GetTableElement(const TableInstance* table,
                                        uint32_t index) const;
  absl::Status SetTableElement(TableInstance* table, uint32_t index,
                               const Value& value);

  // Instantiates a validated, compiled module (spec 4.5.4) with imports in
  // the module's import order; every import must belong to this Store. Link
  // errors return kInvalidArgument ("unknown import", "incompatible import
  // type: ...", "import N "m"."n": belongs to another store"). A trap while
  // initialising segments or running the start function returns kAborted
  // with the trap message; effects on imported tables and memories made
  // before the trap remain, as 2.0 specifies.
  absl::StatusOr<Instance*> Instantiate(std::shared_ptr<const Module> module,
                                        std::span<const Extern> imports);

  // Calls a function of this Store with typed arguments (checked against
  // its type; a funcref argument must be null or name a function of this
  // Store). A funcref result is a reference of this Store (FunctionFromRef).
  InvokeResult Invoke(FunctionInstance* func, std::span<const Value> args);

  ExecContext& exec() { return *exec_; }
  // The trap that ended the start function of the last Instantiate (kind
  // kNone when it did not trap), with its message and backtrace.
  const Trap& start_trap() const { return start_trap_; }

 private:
  // A new function in functions_, with its owner and reference set.
  FunctionInstance& NewFunction();

  Limits limits_;
  MemoryAccount account_;  // before the objects it accounts for
  std::deque<FuncType> host_types_;
  std::deque<std::unique_ptr<MemoryInstance>> memories_;
  std::deque<std::unique_ptr<TableInstance>> tables_;
  std::deque<GlobalInstance> globals_;
  std::deque<FunctionInstance> functions_;
  // Reference -> function: entry 0 (kNullRef) is nullptr, then every
  // function of functions_ in creation order. The interpreter reads it
  // through exec_->func_refs, which NewFunction keeps up to date.
  std::vector<FunctionInstance*> func_refs_{nullptr};
  std::deque<Instance> instances_;
  std::unique_ptr<ExecContext, ExecContextDeleter> exec_;
  Trap start_trap_;
};

}  // namespace wsbx

#endif  // WSBX_RUNTIME_STORE_STORE_H_
