// ReportText and ReportJson (inspect_report.h). Each part of the module has
// one function per form; the JSON is assembled by hand, every string going
// through the one JSON quoting function wsbx has (wasi/audit.h).
#include "cli/inspect_report.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/disasm.h"
#include "wasi/audit.h"

namespace wsbx {
namespace {

using wasi::JsonQuote;

// Abseil's string functions take absl::string_view, which this Abseil build
// does not alias to std::string_view.
absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

struct SegmentCounts {
  size_t active = 0, passive = 0, declarative = 0;
};

template <typename Segment>
SegmentCounts CountSegments(const std::vector<Segment>& segments) {
  SegmentCounts c;
  for (const Segment& s : segments) {
    if (s.mode == SegmentMode::kActive) ++c.active;
    if (s.mode == SegmentMode::kPassive) ++c.passive;
    if (s.mode == SegmentMode::kDeclarative) ++c.declarative;
  }
  return c;
}

// The index of each import in its own index space.
std::vector<uint32_t> ImportIndices(const Module& m) {
  uint32_t next[4] = {0, 0, 0, 0};
  std::vector<uint32_t> out;
  for (const Import& i : m.imports) {
    out.push_back(next[static_cast<int>(i.kind)]++);
  }
  return out;
}

// ---- Text ----

void SectionsText(const ModuleReport& r, std::string& out) {
  absl::StrAppend(&out, "sections (", r.sections.size(), "):\n");
  for (const SectionSpan& s : r.sections) {
    absl::StrAppendFormat(&out, "  0x%06x  %-10s  size %d", s.offset,
                          AbslView(SectionIdName(s.id)), s.size);
    if (s.id == 0) absl::StrAppend(&out, "  ", JsonQuote(s.name));
    out += "\n";
  }
}

void ImportsExportsText(const Module& m, std::string& out) {
  const std::vector<uint32_t> indices = ImportIndices(m);
  absl::StrAppend(&out, "imports (", m.imports.size(), "):\n");
  for (size_t k = 0; k < m.imports.size(); ++k) {
    const Import& i = m.imports[k];
    absl::StrAppend(&out, "  ", AbslView(ExternKindName(i.kind)), " ",
                    indices[k], " ", JsonQuote(i.module), " ",
                    JsonQuote(i.name), " ", ImportTypeText(m, i), "\n");
  }
  absl::StrAppend(&out, "exports (", m.exports.size(), "):\n");
  for (const Export& e : m.exports) {
    absl::StrAppend(&out, "  ", JsonQuote(e.name), " ",
                    AbslView(ExternKindName(e.kind)), " ", e.index, " ",
                    ExternTypeText(m, e.kind, e.index));
    if (e.kind == ExternKind::kFunc && e.index < m.function_names.size() &&
        !m.function_names[e.index].empty()) {
      absl::StrAppend(&out, " name ", JsonQuote(m.function_names[e.index]));
    }
    out += "\n";
  }
}

void IndexSpacesText(const Module& m, std::string& out) {
  absl::StrAppendFormat(&out,
                        "types: %d\nfunctions: %d (%d imported, %d "
                        "defined)\n",
                        m.types.size(), m.func_types.size(),
                        m.num_imported_funcs, m.bodies.size());
  absl::StrAppend(&out, "memories (", m.memories.size(), "):\n");
  for (size_t i = 0; i < m.memories.size(); ++i) {
    absl::StrAppend(&out, "  ", i, " ", MemoryTypeText(m.memories[i]),
                    i < m.num_imported_memories ? " imported" : "", "\n");
  }
  absl::StrAppend(&out, "tables (", m.tables.size(), "):\n");
  for (size_t i = 0; i < m.tables.size(); ++i) {
    absl::StrAppend(&out, "  ", i, " ", TableTypeText(m.tables[i]),
                    i < m.num_imported_tables ? " imported" : "", "\n");
  }
  absl::StrAppend(&out, "globals (", m.global_types.size(), "):\n");
  for (size_t i = 0; i < m.global_types.size(); ++i) {
    absl::StrAppend(&out, "  ", i, " ", GlobalTypeText(m.global_types[i]));
    if (i < m.num_imported_globals) {
      out += " imported";
    } else {
      absl::StrAppend(
          &out, " = ",
          ConstExprText(m.globals[i - m.num_imported_globals].init));
    }
    out += "\n";
  }
}

void SegmentsText(const Module& m, std::string& out) {
  SegmentCounts d = CountSegments(m.datas);
  SegmentCounts e = CountSegments(m.elems);
  absl::StrAppendFormat(&out, "data segments: %d (%d active, %d passive)\n",
                        m.datas.size(), d.active, d.passive);
  absl::StrAppendFormat(&out,
                        "element segments: %d (%d active, %d passive, %d "
                        "declarative)\n",
                        m.elems.size(), e.active, e.passive, e.declarative);
  if (!m.start) {
    out += "start: none\n";
  } else {
    std::string name = m.DisplayName(*m.start);
    absl::StrAppend(&out, "start: ", *m.start, name.empty() ? "" : " ",
                    name.empty() ? "" : JsonQuote(name), "\n");
  }
}

// ---- JSON ----

std::string JsonTypeList(const std::vector<ValType>& types) {
  std::vector<std::string> names;
  for (ValType t : types) names.push_back(JsonQuote(ValTypeName(t)));
  return absl::StrCat("[", absl::StrJoin(names, ","), "]");
}

std::string JsonLimits(const SizeLimits& l) {
  return absl::StrCat("\"min\":", l.min,
                      ",\"max\":", l.max ? absl::StrCat(*l.max) : "null",
                      ",\"address\":", l.is64 ? "\"i64\"" : "\"i32\"");
}

// {"params":[..],"results":[..]}, {"element":..,"min":..,"max":..,
// "address":..}, {"min":..,"max":..,"address":..} or
// {"value":..,"mutable":..}, each with "text": the text-format type.
std::string JsonExternType(const Module& m, ExternKind kind, uint32_t index) {
  std::string body;
  switch (kind) {
    case ExternKind::kFunc: {
      const FuncType& t = m.FuncTypeOf(index);
      body = absl::StrCat("\"params\":", JsonTypeList(t.params),
                          ",\"results\":", JsonTypeList(t.results));
      break;
    }
    case ExternKind::kTable:
      body = absl::StrCat(
          "\"element\":", JsonQuote(ValTypeName(m.tables[index].elem)), ",",
          JsonLimits(m.tables[index].limits));
      break;
    case ExternKind::kMemory:
      body = JsonLimits(m.memories[index].limits);
      break;
    case ExternKind::kGlobal:
      body = absl::StrCat(
          "\"value\":", JsonQuote(ValTypeName(m.global_types[index].type)),
          ",\"mutable\":", m.global_types[index].mutable_ ? "true" : "false");
      break;
  }
  return absl::StrCat(
      "{", body, ",\"text\":", JsonQuote(ExternTypeText(m, kind, index)), "}");
}

std::string JsonSections(const ModuleReport& r) {
  std::vector<std::string> all, customs;
  for (const SectionSpan& s : r.sections) {
    std::string item = absl::StrCat(
        "{\"id\":", s.id, ",\"name\":", JsonQuote(SectionIdName(s.id)),
        ",\"offset\":", s.offset, ",\"size\":", s.size);
    if (s.id == 0) {
      absl::StrAppend(&item, ",\"custom_name\":", JsonQuote(s.name));
      customs.push_back(absl::StrCat("{\"name\":", JsonQuote(s.name),
                                     ",\"offset\":", s.offset,
                                     ",\"size\":", s.size, "}"));
    }
    all.push_back(item + "}");
  }
  return absl::StrCat("\"sections\":[", absl::StrJoin(all, ","),
                      "],\"custom_sections\":[", absl::StrJoin(customs, ","),
                      "]");
}

std::string JsonImportsExports(const Module& m) {
  const std::vector<uint32_t> indices = ImportIndices(m);
  std::vector<std::string> imports, exports;
  for (size_t k = 0; k < m.imports.size(); ++k) {
    const Import& i = m.imports[k];
    imports.push_back(absl::StrCat(
        "{\"module\":", JsonQuote(i.module), ",\"name\":", JsonQuote(i.name),
        ",\"kind\":", JsonQuote(ExternKindName(i.kind)), ",\"index\":",
        indices[k], ",\"type\":", JsonExternType(m, i.kind, indices[k]), "}"));
  }
  for (const Export& e : m.exports) {
    std::string item = absl::StrCat(
        "{\"name\":", JsonQuote(e.name),
        ",\"kind\":", JsonQuote(ExternKindName(e.kind)), ",\"index\":", e.index,
        ",\"type\":", JsonExternType(m, e.kind, e.index));
    if (e.kind == ExternKind::kFunc) {
      const bool named = e.index < m.function_names.size() &&
                         !m.function_names[e.index].empty();
      absl::StrAppend(&item, ",\"function_name\":",
                      named ? JsonQuote(m.function_names[e.index]) : "null");
    }
    exports.push_back(item + "}");
  }
  return absl::StrCat("\"imports\":[", absl::StrJoin(imports, ","),
                      "],\"exports\":[", absl::StrJoin(exports, ","), "]");
}

// "memories", "tables", "globals": one entry per index, imported first.
std::string JsonIndexSpaces(const Module& m) {
  std::vector<std::string> memories, tables, globals;
  auto entry = [&m](ExternKind kind, size_t i, bool imported) {
    return absl::StrCat(
        "{\"index\":", i, ",\"imported\":", imported ? "true" : "false",
        ",\"type\":", JsonExternType(m, kind, static_cast<uint32_t>(i)));
  };
  for (size_t i = 0; i < m.memories.size(); ++i) {
    memories.push_back(
        entry(ExternKind::kMemory, i, i < m.num_imported_memories) + "}");
  }
  for (size_t i = 0; i < m.tables.size(); ++i) {
    tables.push_back(entry(ExternKind::kTable, i, i < m.num_imported_tables) +
                     "}");
  }
  for (size_t i = 0; i < m.global_types.size(); ++i) {
    const bool imported = i < m.num_imported_globals;
    globals.push_back(absl::StrCat(
        entry(ExternKind::kGlobal, i, imported), ",\"init\":",
        imported ? "null"
                 : JsonQuote(ConstExprText(
                       m.globals[i - m.num_imported_globals].init)),
        "}"));
  }
  return absl::StrCat("\"types\":", m.types.size(),
                      ",\"functions\":{\"imported\":", m.num_imported_funcs,
                      ",\"defined\":", m.bodies.size(), "},\"memories\":[",
                      absl::StrJoin(memories, ","), "],\"tables\":[",
                      absl::StrJoin(tables, ","), "],\"globals\":[",
                      absl::StrJoin(globals, ","), "]");
}

std::string JsonSegments(const Module& m) {
  SegmentCounts d = CountSegments(m.datas);
  SegmentCounts e = CountSegments(m.elems);
  return absl::StrFormat(
      "\"data_segments\":{\"count\":%d,\"active\":%d,\"passive\":%d},"
      "\"element_segments\":{\"count\":%d,\"active\":%d,\"passive\":%d,"
      "\"declarative\":%d},\"start\":%s",
      m.datas.size(), d.active, d.passive, m.elems.size(), e.active, e.passive,
      e.declarative, m.start ? absl::StrCat(*m.start) : std::string("null"));
}

}  // namespace

std::string ReportText(const ModuleReport& r) {
  const Module& m = *r.module;
  std::string out = absl::StrCat("module ", JsonQuote(r.file), "\n");
  SectionsText(r, out);
  ImportsExportsText(m, out);
  IndexSpacesText(m, out);
  SegmentsText(m, out);
  std::vector<std::string> customs;
  for (const SectionSpan& s : r.sections) {
    if (s.id == 0)
      customs.push_back(
          absl::StrCat(JsonQuote(s.name), " (", s.size, " bytes)"));
  }
  std::vector<absl::string_view> features;
  for (std::string_view f : r.features) features.push_back(AbslView(f));
  absl::StrAppend(
      &out, "custom sections: ",
      customs.empty() ? "none" : absl::StrJoin(customs, ", "), "\nfeatures: ",
      r.features.empty() ? "none" : absl::StrJoin(features, " "), "\n");
  return out;
}

std::string ReportJson(const ModuleReport& r) {
  const Module& m = *r.module;
  std::vector<std::string> features;
  for (std::string_view f : r.features) features.push_back(JsonQuote(f));
  return absl::StrCat("{\"file\":", JsonQuote(r.file), ",", JsonSections(r),
                      ",", JsonImportsExports(m), ",", JsonIndexSpaces(m), ",",
                      JsonSegments(m), ",\"features\":[",
                      absl::StrJoin(features, ","), "]}\n");
}

}  // namespace wsbx
