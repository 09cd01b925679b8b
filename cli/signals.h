// Signals for the `wsbx` command. SIGPIPE is ignored: a closed pipe is a
// write error, seen by the guest as the WASI errno `pipe` and by wsbx as a
// failed write of its own output, never a silent death. SIGINT and SIGTERM
// set a flag that the runtime and the WASI layer poll: the guest stops as
// at a timeout, and wsbx still writes its statistics and audit log before it
// exits with 128 + the signal's number.
#ifndef WSBX_CLI_SIGNALS_H_
#define WSBX_CLI_SIGNALS_H_

#include <atomic>

namespace wsbx {

// Installs the handlers (without SA_RESTART, so a blocking system call
// returns EINTR). A stop signal the parent set to be ignored stays ignored;
// a second stop signal has its default action, so it ends wsbx at once.
void InstallSignalHandlers();

// Becomes true when SIGINT or SIGTERM arrives; never false again.
const std::atomic<bool>& StopRequested();

// The first stop signal that arrived, 0 when none has.
int StopSignal();

// "SIGINT" or "SIGTERM".
const char* StopSignalName(int sig);

}  // namespace wsbx

#endif  // WSBX_CLI_SIGNALS_H_
