// Hands `wsbx serve` / `wsbx worker` to the wsbx-serve program (serve_exec.h).
#include "cli/serve_exec.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace wsbx {

int MaybeRunServe(int argc, char** argv) {
  if (argc < 2) return -1;
  const std::string_view sub = argv[1];
  if (sub != "serve" && sub != "worker") return -1;
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string beside;
  if (n > 0) {
    self[n] = '\0';
    beside = self;
    beside = beside.substr(0, beside.rfind('/') + 1) + "wsbx-serve";
    execv(beside.c_str(), argv);
  }
  execvp("wsbx-serve", argv);
  std::fprintf(stderr,
               "wsbx: `wsbx %s` needs the wsbx-serve program (looked for %s and on "
               "PATH): %s\n",
               argv[1], beside.empty() ? "it beside wsbx" : beside.c_str(),
               std::strerror(errno));
  return 1;
}

}  // namespace wsbx
