// The stop flag is written only by the signal handler, with lock-free
// atomics (async-signal-safe); everything else only reads it.
#include "cli/signals.h"

#include <signal.h>

namespace wsbx {
namespace {

std::atomic<bool> g_stop_requested{false};
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free &&
              std::atomic<int>::is_always_lock_free);

void OnStopSignal(int sig) {
  int none = 0;
  g_stop_signal.compare_exchange_strong(none, sig);
  g_stop_requested.store(true);
}

}  // namespace

void InstallSignalHandlers() {
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, nullptr);
  struct sigaction stop = {};
  stop.sa_handler = OnStopSignal;
  sigemptyset(&stop.sa_mask);
  stop.sa_flags = SA_RESETHAND;
  for (int sig : {SIGINT, SIGTERM}) {
    struct sigaction old = {};
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) {
      continue;
    }
    sigaction(sig, &stop, nullptr);
  }
}

const std::atomic<bool>& StopRequested() { return g_stop_requested; }

int StopSignal() { return g_stop_signal.load(); }

const char* StopSignalName(int sig) {
  return sig == SIGINT ? "SIGINT" : "SIGTERM";
}

}  // namespace wsbx
