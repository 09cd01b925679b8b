// The public face of the WASI layer: builds the context (stdio from host
// fds or the embedder's buffer and sinks, and preopens, in the fd table),
// the table of the 46 functions with their witx signatures (and, through
// snapshot0.cc, wasi_unstable's), import linking and the audit log file.
#include "wasi/wasi.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "wasi/context.h"

namespace wsbx {
namespace {

using wasi::Call;
using wasi::Context;
using wasi::Impl;

struct FunctionDef {
  std::string_view name;
  std::string_view params;  // 'i' = i32, 'I' = i64
  bool returns_errno;       // false only for proc_exit
  Impl impl;
};

// witx order (wasi_snapshot_preview1.witx). wasi_unstable has the same
// signatures for all but sock_accept, which it lacks.
constexpr FunctionDef kFunctions[] = {
    {"args_get", "ii", true, &Context::ArgsGet},
    {"args_sizes_get", "ii", true, &Context::ArgsSizesGet},
    {"environ_get", "ii", true, &Context::EnvironGet},
    {"environ_sizes_get", "ii", true, &Context::EnvironSizesGet},
    {"clock_res_get", "ii", true, &Context::ClockResGet},
    {"clock_time_get", "iIi", true, &Context::ClockTimeGet},
    {"fd_advise", "iIIi", true, &Context::FdAdvise},
    {"fd_allocate", "iII", true, &Context::FdAllocate},
    {"fd_close", "i", true, &Context::FdClose},
    {"fd_datasync", "i", true, &Context::FdDatasync},
    {"fd_fdstat_get", "ii", true, &Context::FdFdstatGet},
    {"fd_fdstat_set_flags", "ii", true, &Context::FdFdstatSetFlags},
    {"fd_fdstat_set_rights", "iII", true, &Context::FdFdstatSetRights},
    {"fd_filestat_get", "ii", true, &Context::FdFilestatGet},
    {"fd_filestat_set_size", "iI", true, &Context::FdFilestatSetSize},
    {"fd_filestat_set_times", "iIIi", true, &Context::FdFilestatSetTimes},
    {"fd_pread", "iiiIi", true, &Context::FdPread},
    {"fd_prestat_get", "ii", true, &Context::FdPrestatGet},
    {"fd_prestat_dir_name", "iii", true, &Context::FdPrestatDirName},
    {"fd_pwrite", "iiiIi", true, &Context::FdPwrite},
    {"fd_read", "iiii", true, &Context::FdRead},
    {"fd_readdir", "iiiIi", true, &Context::FdReaddir},
    {"fd_renumber", "ii", true, &Context::FdRenumber},
    {"fd_seek", "iIii", true, &Context::FdSeek},
    {"fd_sync", "i", true, &Context::FdSync},
    {"fd_tell", "ii", true, &Context::FdTell},
    {"fd_write", "iiii", true, &Context::FdWrite},
    {"path_create_directory", "iii", true, &Context::PathCreateDirectory},
    {"path_filestat_get", "iiiii", true, &Context::PathFilestatGet},
    {"path_filestat_set_times", "iiiiIIi", true,
     &Context::PathFilestatSetTimes},
    {"path_link", "iiiiiii", true, &Context::PathLink},
    {"path_open", "iiiiiIIii", true, &Context::PathOpen},
    {"path_readlink", "iiiiii", true, &Context::PathReadlink},
    {"path_remove_directory", "iii", true, &Context::PathRemoveDirectory},
    {"path_rename", "iiiiii", true, &Context::PathRename},
    {"path_symlink", "iiiii", true, &Context::PathSymlink},
    {"path_unlink_file", "iii", true, &Context::PathUnlinkFile},
    {"poll_oneoff", "iiii", true, &Context::PollOneoff},
    {"proc_exit", "i", false, &Context::ProcExit},
    {"proc_raise", "i", true, &Context::ProcRaise},
    {"sched_yield", "", true, &Context::SchedYield},
    {"random_get", "ii", true, &Context::RandomGet},
    {"sock_accept", "iii", true, &Context::SockAccept},
    {"sock_recv", "iiiiii", true, &Context::SockRecv},
    {"sock_send", "iiiii", true, &Context::SockSend},
    {"sock_shutdown", "ii", true, &Context::SockShutdown},
};
static_assert(sizeof(kFunctions) / sizeof(kFunctions[0]) == 46);

const FunctionDef* FindFunction(std::string_view name) {
  for (const FunctionDef& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

FuncType SignatureOf(const FunctionDef& f) {
  FuncType t;
  for (char p : f.params) t.params.push_back(p == 'I' ? ValType::kI64 : ValType::kI32);
  if (f.returns_errno) t.results.push_back(ValType::kI32);
  return t;
}

// Guest fd 0, 1 or 2: the host fd, or (in_memory) the embedder's buffer or
// sink, which shows the filetype a host pipe would.
std::unique_ptr<wasi::FdEntry> StdioEntry(int host_fd, wasi::StdioStream stream,
                                          bool in_memory) {
  auto e = std::make_unique<wasi::FdEntry>();
  e->stream = stream;
  e->in_memory = in_memory;
  if (in_memory) {
    e->type = wasi::FiletypeOf(S_IFIFO);
  } else {
    struct stat st;
    e->host = host_fd;
    e->type = fstat(host_fd, &st) == 0 ? wasi::FiletypeOf(st.st_mode)
                                       : wasi::kCharacterDevice;
  }
  // No seek, truncate, sync or flag changes on the host's own streams.
  bool input = stream == wasi::StdioStream::kStdin;
  e->rights_base = (input ? wasi::rights::kFdRead : wasi::rights::kFdWrite) |
                   wasi::rights::kFdFilestatGet | wasi::rights::kPollFdReadwrite;
  return e;
}

// A host function calling `impl`, named `fname` in traps and audit events.
HostFunction MakeHostFunction(Context* ctx, const char* fname, Impl impl,
                              size_t nparams) {
  return [ctx, fname, impl, nparams](HostContext& host,
                                     std::span<const uint64_t> args,
                                     std::span<uint64_t> results) -> TrapKind {
    if (args.size() != nparams) {
      host.trap_message = absl::StrCat(fname, ": wrong number of arguments");
      return TrapKind::kHostError;
    }
    Call call{host, wasi::GuestMemory(host.memory), fname};
    uint16_t err = (ctx->*impl)(call, args.data());
    if (call.trap != TrapKind::kNone) return call.trap;
    if (!results.empty()) results[0] = err;
    return TrapKind::kNone;
  };
}

}  // namespace

bool IsWasiModuleName(std::string_view module) {
  return module == kWasiModuleName || module == kWasiUnstableModuleName;
}

std::vector<std::string_view> WasiFunctionNames(std::string_view module) {
  std::vector<std::string_view> names;
  if (!IsWasiModuleName(module)) return names;
  bool unstable = module == kWasiUnstableModuleName;
  for (const FunctionDef& f : kFunctions) {
    if (unstable && wasi::Snapshot0Impl(f.name, f.impl) == nullptr) continue;
    names.push_back(f.name);
  }
  return names;
}

Wasi::Wasi(std::unique_ptr<wasi::Context> ctx) : ctx_(std::move(ctx)) {}
Wasi::~Wasi() = default;

absl::StatusOr<std::unique_ptr<Wasi>> Wasi::Create(WasiOptions options) {
  wasi::FdTable fds;
  using wasi::StdioStream;
  fds.InsertAt(0, StdioEntry(options.stdin_fd, StdioStream::kStdin,
                             options.stdin_data.has_value()));
  fds.InsertAt(1, StdioEntry(options.stdout_fd, StdioStream::kStdout,
                             options.stdout_sink != nullptr));
  fds.InsertAt(2, StdioEntry(options.stderr_fd, StdioStream::kStderr,
                             options.stderr_sink != nullptr));
  for (const WasiPreopen& p : options.preopens) {
    if (p.guest_path.empty() || p.guest_path.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid guest name for directory ", p.host_path));
    }
    int fd = open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      return absl::NotFoundError(absl::StrCat(
          "cannot open directory ", p.host_path, ": ", std::strerror(errno)));
    }
    auto e = std::make_unique<wasi::FdEntry>();
    e->owned = wasi::OwnedFd(fd);
    e->host = fd;
    e->type = wasi::kDirectory;
    e->is_preopen = true;
    e->preopen_name = p.guest_path;
    e->read_only = p.read_only;
    e->rights_base = wasi::rights::kDirAll;
    e->rights_inheriting = wasi::rights::kAll;
    if (p.read_only) {
      e->rights_base &= ~wasi::rights::kMutating;
      e->rights_inheriting &= ~wasi::rights::kMutating;
    }
    uint32_t guest_fd;
    if (!fds.Insert(std::move(e), &guest_fd)) {
      return absl::ResourceExhaustedError("too many preopened directories");
    }
  }
  return std::unique_ptr<Wasi>(new Wasi(
      std::make_unique<wasi::Context>(std::move(options), std::move(fds))));
}

HostFunction Wasi::Function(std::string_view name, FuncType* signature) {
  return Function(kWasiModuleName, name, signature);
}

HostFunction Wasi::Function(std::string_view module, std::string_view name,
                            FuncType* signature) {
  if (!IsWasiModuleName(module)) return nullptr;
  const FunctionDef* def = FindFunction(name);
  if (def == nullptr) return nullptr;
  Impl impl = def->impl;
  if (module == kWasiUnstableModuleName) {
    impl = wasi::Snapshot0Impl(def->name, impl);
    if (impl == nullptr) return nullptr;
  }
  if (signature != nullptr) *signature = SignatureOf(*def);
  // Literals, so NUL-terminated; audit events name the function alike in
  // both modules.
  const char* fname = def->name.data();
  return MakeHostFunction(ctx_.get(), fname, impl, def->params.size());
}

absl::StatusOr<std::vector<Extern>> Wasi::LinkImports(Store& store,
                                                      const Module& module) {
  std::vector<Extern> externs;
  for (const Import& imp : module.imports) {
    if (!IsWasiModuleName(imp.module) || imp.kind != ExternKind::kFunc) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown import ", imp.module, ".", imp.name, " (",
                       std::string(ExternKindName(imp.kind)), ")"));
    }
    FuncType sig;
    HostFunction fn = Function(imp.module, imp.name, &sig);
    if (!fn) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown import ", imp.module, ".", imp.name, " (not a ", imp.module,
          " function)"));
    }
    if (imp.func_type >= module.types.size() ||
        !(module.types[imp.func_type] == sig)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "incompatible import type for ", imp.module, ".", imp.name,
          ": the signature differs from ", imp.module));
    }
    externs.push_back(Extern::Func(store.AddHostFunction(
        sig, std::move(fn), absl::StrCat(imp.module, ".", imp.name))));
  }
  return externs;
}

const std::vector<wasi::AuditEvent>& Wasi::events() const {
  return ctx_->events();
}
uint64_t Wasi::dropped_events() const { return ctx_->dropped_events(); }
bool Wasi::ended_by_denial() const { return ctx_->ended_by_denial(); }
uint64_t Wasi::stdout_bytes() const { return ctx_->stdout_bytes(); }
uint64_t Wasi::stderr_bytes() const { return ctx_->stderr_bytes(); }
bool Wasi::uses_openat2() const { return ctx_->uses_openat2(); }
void Wasi::set_deadline(
    std::optional<std::chrono::steady_clock::time_point> deadline) {
  ctx_->set_deadline(deadline);
}

std::string Wasi::AuditLogText() const {
  std::string lines;
  for (const wasi::AuditEvent& ev : events()) {
    absl::StrAppend(&lines, wasi::AuditEventToJson(ev), "\n");
  }
  if (dropped_events() > 0) {
    wasi::AuditEvent ev;
    ev.time = std::chrono::system_clock::now();
    ev.function = "audit";
    ev.reason = absl::StrCat(dropped_events(), " further events were dropped");
    absl::StrAppend(&lines, wasi::AuditEventToJson(ev), "\n");
  }
  return lines;
}

absl::Status Wasi::WriteAuditLog(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::UnavailableError("cannot write audit log " + path);
  out << AuditLogText();
  out.flush();
  if (!out) return absl::UnavailableError("cannot write audit log " + path);
  return absl::OkStatus();
}

}  // namespace wsbx
