// The summary `wsbx inspect` prints of a decoded, valid module, as text for
// people or as one JSON object (keys documented in docs/cli.md, "wsbx
// inspect"). Both forms show the same facts; names from the module are
// quoted and escaped in both, so no byte of a module reaches the terminal
// raw.
#ifndef WSBX_CLI_INSPECT_REPORT_H_
#define WSBX_CLI_INSPECT_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "runtime/decode/sections.h"
#include "runtime/module.h"

namespace wsbx {

struct ModuleReport {
  std::string file;
  const Module* module = nullptr;
  std::vector<SectionSpan> sections;       // ListSections of its binary
  std::vector<std::string_view> features;  // ModuleFeatures
};

std::string ReportText(const ModuleReport& report);
// One line: the JSON object, then a newline.
std::string ReportJson(const ModuleReport& report);

}  // namespace wsbx

#endif  // WSBX_CLI_INSPECT_REPORT_H_
