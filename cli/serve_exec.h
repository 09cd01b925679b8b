// `wsbx serve` and `wsbx worker` are a separate program, wsbx-serve,
// which links the HTTP and NATS libraries the wsbx command does without
// (it stays one small static file). This finds and runs it.
#ifndef WSBX_CLI_SERVE_EXEC_H_
#define WSBX_CLI_SERVE_EXEC_H_

namespace wsbx {

// When argv[1] is "serve" or "worker", replaces this process with
// wsbx-serve (beside /proc/self/exe, else on PATH) and does not return
// unless that fails: then prints why and returns the exit status (1).
// Returns -1 for any other subcommand.
int MaybeRunServe(int argc, char** argv);

}  // namespace wsbx

#endif  // WSBX_CLI_SERVE_EXEC_H_
