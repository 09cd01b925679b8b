// Reader of spec test scripts in the .wast format (the spec interpreter's
// script syntax, 2.0 and 3.0 commands) into a Script. The file is lexed once
// with the text reader's lexer; each top-level s-expression is one command,
// and modules are handed to the text reader as token ranges.
#ifndef WSBX_SPEC_TESTS_WAST_H_
#define WSBX_SPEC_TESTS_WAST_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "spec-tests/script.h"

namespace wsbx::spec {

// Reads a whole script. Never fails: a command that cannot be read (unknown
// syntax, a module the text reader refuses outside assert_malformed) is
// kept with `error` set and reading goes on with the next one. Only a
// source the lexer refuses is lost from the lexer's error on, as one
// command with that error.
Script ReadWast(std::string_view source, std::string source_filename);

// Reads the file at `path`; fails only when it cannot be read.
absl::StatusOr<Script> LoadWast(const std::string& path);

}  // namespace wsbx::spec

#endif  // WSBX_SPEC_TESTS_WAST_H_
