// Policies for `wsbx run` (policy.h). One table lists every key with the
// flag it mirrors and the check that flag's value gets, so parsing,
// printing and applying a policy cannot drift apart.
#include "cli/policy.h"

#include <sys/stat.h>

#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/args.h"
#include "cli/json.h"
#include "cli/linker.h"
#include "cli/read_file.h"
#include "cli/wasi_flags.h"
#include "wasi/audit.h"

namespace wsbx {
namespace {

using Kind = JsonValue::Kind;

constexpr uint64_t kMaxPolicyBytes = 1 << 20;

// The flags' own checks, value by value (the flags' messages, unchanged).
// --mem and --max-output.
absl::Status CheckMem(std::string_view v) {
  return ParseByteSize(v).status();
}
absl::Status CheckFuel(std::string_view v) {
  return ParseCount(v, 0, kMaxFuel).status();
}
absl::Status CheckTimeout(std::string_view v) {
  return ParseDuration(v).status();
}
absl::Status CheckStack(std::string_view v) {
  return ParseStackBytes(v).status();
}
absl::Status CheckCallDepth(std::string_view v) {
  return ParseCount(v, 1, kMaxCallDepth).status();
}
absl::Status CheckTableElements(std::string_view v) {
  return ParseCount(v, 0, UINT32_MAX).status();
}
absl::Status CheckCompile(std::string_view v) {
  if (v == "optimized" || v == "plain") return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("'%s' is not optimized or plain", v));
}
absl::Status CheckAudit(std::string_view v) {
  if (v.empty()) return absl::InvalidArgumentError("the path is empty");
  if (v.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("the path has a NUL byte");
  }
  return absl::OkStatus();
}
absl::Status CheckDir(std::string_view v) {
  return ParseDirGrant(v, false).status();
}
absl::Status CheckDirRo(std::string_view v) {
  return ParseDirGrant(v, true).status();
}
absl::Status CheckEnv(std::string_view v) { return ParseEnvGrant(v).status(); }
absl::Status CheckUnknownImports(std::string_view v) {
  return ParseUnknownImports(v).status();
}
absl::Status CheckPreload(std::string_view v) {
  return ParsePreload(v).status();
}

using Check = absl::Status (*)(std::string_view);

// A key whose value is one flag's text: a JSON string, or for counts a
// JSON integer.
struct ScalarKey {
  std::string_view key;
  std::string_view flag;
  bool is_count;
  Check check;
  std::optional<std::string> Policy::*field;
  std::string* RunSettings::*target;
};

constexpr ScalarKey kScalarKeys[] = {
    {"mem", "--mem", false, CheckMem, &Policy::mem, &RunSettings::mem},
    {"fuel", "--fuel", true, CheckFuel, &Policy::fuel, &RunSettings::fuel},
    {"timeout", "--timeout", false, CheckTimeout, &Policy::timeout,
     &RunSettings::timeout},
    {"stack", "--stack", false, CheckStack, &Policy::stack,
     &RunSettings::stack},
    {"max_call_depth", "--max-call-depth", true, CheckCallDepth,
     &Policy::max_call_depth, &RunSettings::max_call_depth},
    {"max_table_elements", "--max-table-elements", true, CheckTableElements,
     &Policy::max_table_elements, &RunSettings::max_table_elements},
    {"compile", "--compile", false, CheckCompile, &Policy::compile,
     &RunSettings::compile},
    {"audit", "--audit", false, CheckAudit, &Policy::audit,
     &RunSettings::audit},
    {"max_output", "--max-output", false, CheckMem, &Policy::max_output,
     &RunSettings::max_output},
    {"unknown_imports", "--unknown-imports", false, CheckUnknownImports,
     &Policy::unknown_imports, &RunSettings::unknown_imports},
};

// A key whose value is an array of strings, each one use of a flag.
struct ListKey {
  std::string_view key;
  std::string_view flag;
  Check check;
  std::vector<std::string> Policy::*field;
  std::vector<std::string>* RunSettings::*target;
};

constexpr ListKey kListKeys[] = {
    {"dirs", "--dir", CheckDir, &Policy::dirs, &RunSettings::dirs},
    {"dirs_ro", "--dir-ro", CheckDirRo, &Policy::dirs_ro,
     &RunSettings::dirs_ro},
    {"env", "--env", CheckEnv, &Policy::env, &RunSettings::env},
    {"preload", "--preload", CheckPreload, &Policy::preload,
     &RunSettings::preload},
};

constexpr std::string_view kOnDeniedKey = "on_denied";

// "FILE: line L, column C: "key": why".
absl::Status KeyError(std::string_view source, const JsonValue& at,
                      std::string_view key, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: line %d, column %d: \"%s\": %s", source, at.line,
                      at.column, key, why));
}

absl::Status WrongType(std::string_view source, const JsonValue& v,
                       std::string_view key, std::string_view want) {
  return KeyError(source, v, key,
                  absl::StrFormat("expected %s, got %s", want,
                                  JsonKindName(v.kind)));
}

absl::Status ReadScalar(std::string_view source, const ScalarKey& k,
                        const JsonValue& v, Policy* out) {
  const Kind want = k.is_count ? Kind::kNumber : Kind::kString;
  if (v.kind != want) {
    return WrongType(source, v, k.key,
                     k.is_count ? "a whole number" : "a string");
  }
  if (absl::Status s = k.check(v.text); !s.ok()) {
    return KeyError(source, v, k.key, s.message());
  }
  out->*k.field = v.text;
  return absl::OkStatus();
}

absl::Status ReadList(std::string_view source, const ListKey& k,
                      const JsonValue& v, Policy* out) {
  if (v.kind != Kind::kArray) {
    return WrongType(source, v, k.key, "an array of strings");
  }
  std::vector<std::string>& list = out->*k.field;
  for (const JsonValue& item : v.items) {
    if (item.kind != Kind::kString) {
      return WrongType(source, item, k.key, "an array of strings");
    }
    if (absl::Status s = k.check(item.text); !s.ok()) {
      return KeyError(source, item, k.key, s.message());
    }
    list.push_back(item.text);
  }
  return absl::OkStatus();
}

absl::Status ReadOnDenied(std::string_view source, const JsonValue& v,
                          Policy* out) {
  if (v.kind != Kind::kString) {
    return WrongType(source, v, kOnDeniedKey, "\"error\" or \"exit\"");
  }
  if (v.text != "error" && v.text != "exit") {
    return KeyError(source, v, kOnDeniedKey,
                    absl::StrFormat("'%s' is not error or exit", v.text));
  }
  out->exit_on_denied = v.text == "exit";
  return absl::OkStatus();
}

absl::Status ReadMember(std::string_view source, std::string_view key,
                        const JsonValue& v, Policy* out) {
  for (const ScalarKey& k : kScalarKeys) {
    if (k.key == key) return ReadScalar(source, k, v, out);
  }
  for (const ListKey& k : kListKeys) {
    if (k.key == key) return ReadList(source, k, v, out);
  }
  if (key == kOnDeniedKey) return ReadOnDenied(source, v, out);
  std::vector<std::string> keys;
  for (const ScalarKey& k : kScalarKeys) keys.emplace_back(k.key);
  for (const ListKey& k : kListKeys) keys.emplace_back(k.key);
  keys.emplace_back(kOnDeniedKey);
  JsonValue at;  // the key itself is what is wrong
  at.line = v.key_line;
  at.column = v.key_column;
  return KeyError(source, at, key,
                  absl::StrCat("unknown key (keys: ",
                               absl::StrJoin(keys, ", "), ")"));
}

std::string PresetList() { return absl::StrJoin(PresetNames(), ", "); }

}  // namespace

absl::StatusOr<uint64_t> ParseStackBytes(std::string_view text) {
  absl::StatusOr<uint64_t> bytes = ParseByteSize(text);
  if (bytes.ok() && (*bytes < kMinStackBytes || *bytes > kMaxStackBytes)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("'%s' is outside 64K to 1G", text));
  }
  return bytes;
}

std::vector<std::string> PresetNames() {
  return {"standard", "strict", "paranoid"};
}

// The values are documented in docs/cli.md ("Presets"): keep them in step.
std::optional<Policy> Preset(std::string_view name) {
  Policy p;
  p.compile = "optimized";
  if (name == "standard") {  // wsbx's defaults, written out
    p.mem = "4G";
    p.stack = "8M";
    p.max_call_depth = "20000";
    p.max_table_elements = "10000000";
    return p;
  }
  if (name != "strict" && name != "paranoid") return std::nullopt;
  p.mem = "256M";
  p.stack = "1M";
  p.max_call_depth = "5000";
  p.max_table_elements = "100000";
  p.timeout = "30s";
  p.max_output = "64M";
  if (name == "paranoid") {
    p.mem = "64M";
    p.stack = "256K";
    p.max_call_depth = "1000";
    p.max_table_elements = "10000";
    p.fuel = "1000000000";
    p.timeout = "2s";
    p.max_output = "1M";
    p.exit_on_denied = true;
  }
  return p;
}

absl::StatusOr<Policy> ParsePolicy(std::string_view json,
                                   std::string_view source) {
  absl::StatusOr<JsonValue> doc = ParseJson(json);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %s", source, doc.status().message()));
  }
  if (doc->kind != Kind::kObject) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: a policy is a JSON object, not %s", source,
        JsonKindName(doc->kind)));
  }
  Policy policy;
  for (const auto& [key, value] : doc->members) {
    if (absl::Status s = ReadMember(source, key, value, &policy); !s.ok()) {
      return s;
    }
  }
  return policy;
}

absl::StatusOr<Policy> LoadPolicy(const std::string& name_or_file) {
  const bool is_path = name_or_file.find('/') != std::string::npos;
  if (!is_path) {
    if (std::optional<Policy> p = Preset(name_or_file)) return *p;
  }
  struct stat st;
  if (stat(name_or_file.c_str(), &st) != 0 && errno == ENOENT) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "no preset or policy file named '%s' (presets: %s)", name_or_file,
        PresetList()));
  }
  absl::StatusOr<std::vector<uint8_t>> bytes =
      ReadModuleFile(name_or_file, kMaxPolicyBytes);
  if (absl::IsResourceExhausted(bytes.status())) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: larger than a policy file may be (%d bytes)", name_or_file,
        kMaxPolicyBytes));
  }
  if (!bytes.ok()) return bytes.status();
  std::string_view text(reinterpret_cast<const char*>(bytes->data()),
                        bytes->size());
  return ParsePolicy(text, name_or_file);
}

std::string PolicyToJson(const Policy& policy) {
  std::vector<std::string> lines;
  for (const ScalarKey& k : kScalarKeys) {
    const std::optional<std::string>& v = policy.*k.field;
    if (!v) continue;
    lines.push_back(absl::StrFormat("  \"%s\": %s", k.key,
                                    k.is_count ? *v : wasi::JsonQuote(*v)));
  }
  for (const ListKey& k : kListKeys) {
    std::vector<std::string> items;
    for (const std::string& item : policy.*k.field) {
      items.push_back(wasi::JsonQuote(item));
    }
    lines.push_back(absl::StrFormat("  \"%s\": [%s]", k.key,
                                    absl::StrJoin(items, ", ")));
  }
  lines.push_back(absl::StrFormat("  \"%s\": \"%s\"", kOnDeniedKey,
                                  policy.exit_on_denied ? "exit" : "error"));
  return absl::StrCat("{\n", absl::StrJoin(lines, ",\n"), "\n}\n");
}

void ApplyPolicy(const Policy& policy,
                 absl::FunctionRef<bool(std::string_view flag)> given,
                 const RunSettings& settings) {
  for (const ScalarKey& k : kScalarKeys) {
    const std::optional<std::string>& v = policy.*k.field;
    if (v && !given(k.flag)) *(settings.*k.target) = *v;
  }
  for (const ListKey& k : kListKeys) {
    std::vector<std::string>& target = *(settings.*k.target);
    const std::vector<std::string>& from = policy.*k.field;
    target.insert(target.begin(), from.begin(), from.end());
  }
  *settings.exit_on_denied = policy.exit_on_denied;
}

}  // namespace wsbx
