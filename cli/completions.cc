// Completion scripts and the man page (completions.h). Both walk the app's
// visible subcommands and options; an option's value kind comes from its
// option text ("SIZE (default 4G)", "error|trap|default (default error)"):
// a word with '|' lists the choices, MODULE, FILE and DIR name files.
#include "cli/completions.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wsbx {
namespace {

struct OptionInfo {
  std::vector<std::string> names;  // "--mem", "-v"
  std::string help;
  std::string value;                 // "SIZE", "" for a flag
  std::string value_text;            // "SIZE (default 4G)"
  std::vector<std::string> choices;  // for a value of a fixed set
  bool file = false;                 // the value names a file or directory
  bool dir = false;
};

struct CommandInfo {
  std::string name;
  std::string help;
  std::vector<OptionInfo> options;
  std::vector<std::string> positionals;  // "MODULE", "ARG ..."
};

OptionInfo Describe(const CLI::Option& opt) {
  OptionInfo info;
  for (const std::string& s : opt.get_snames()) info.names.push_back("-" + s);
  for (const std::string& l : opt.get_lnames()) info.names.push_back("--" + l);
  info.help = opt.get_description();
  if (opt.get_type_size() != 0) {
    std::string text = opt.get_option_text().empty() ? opt.get_type_name()
                                                     : opt.get_option_text();
    info.value = std::string(text.substr(0, text.find(' ')));
    info.value_text = text;
    if (info.value.find('|') != std::string::npos) {
      info.choices = absl::StrSplit(info.value, '|');
    }
    info.dir = info.value == "DIR";
    info.file = info.dir || info.value == "MODULE" || info.value == "FILE" ||
                info.value == "NAME=MODULE";
  }
  return info;
}

std::vector<CommandInfo> Commands(const CLI::App& app) {
  std::vector<CommandInfo> out;
  for (const CLI::App* sub :
       app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    CommandInfo cmd{sub->get_name(), sub->get_description(), {}, {}};
    for (const CLI::Option* opt : sub->get_options()) {
      if (opt->get_group().empty()) continue;  // hidden
      if (opt->get_positional()) {
        std::string type = opt->get_type_name();
        if (opt->get_expected_max() > 1) type += " ...";
        cmd.positionals.push_back(type);
        continue;
      }
      cmd.options.push_back(Describe(*opt));
    }
    out.push_back(std::move(cmd));
  }
  return out;
}

std::string Quote(std::string_view text) {  // for single-quoted shell words
  return absl::StrReplaceAll(std::string(text), {{"'", "'\\''"}});
}

std::string Bash(const std::vector<CommandInfo>& cmds) {
  std::vector<std::string> names;
  for (const CommandInfo& c : cmds) names.push_back(c.name);
  std::string s = absl::StrCat(
      "# bash completion for wsbx (from `wsbx completions bash`)\n"
      "_wsbx() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      "  local cmd=${COMP_WORDS[1]}\n"
      "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
      "    COMPREPLY=($(compgen -W '", absl::StrJoin(names, " "),
      " --help --version' -- \"$cur\")); return\n"
      "  fi\n"
      "  case \"$cmd\" in\n");
  for (const CommandInfo& c : cmds) {
    std::vector<std::string> all;
    absl::StrAppend(&s, "  ", c.name, ")\n    case \"$prev\" in\n");
    for (const OptionInfo& o : c.options) {
      all.insert(all.end(), o.names.begin(), o.names.end());
      if (o.value.empty()) continue;
      const std::string pattern = absl::StrJoin(o.names, "|");
      if (!o.choices.empty()) {
        absl::StrAppend(&s, "    ", pattern, ") COMPREPLY=($(compgen -W '",
                        absl::StrJoin(o.choices, " "), "' -- \"$cur\")); return ;;\n");
      } else if (o.file) {
        absl::StrAppend(&s, "    ", pattern, ") COMPREPLY=($(compgen ",
                        o.dir ? "-d" : "-f", " -- \"$cur\")); return ;;\n");
      } else {
        absl::StrAppend(&s, "    ", pattern, ") return ;;\n");
      }
    }
    absl::StrAppend(&s, "    esac\n    if [[ \"$cur\" == -* ]]; then\n"
                    "      COMPREPLY=($(compgen -W '", absl::StrJoin(all, " "),
                    " --help' -- \"$cur\"))\n    else\n"
                    "      COMPREPLY=($(compgen -f -- \"$cur\"))\n    fi ;;\n");
  }
  absl::StrAppend(&s, "  esac\n}\ncomplete -o filenames -F _wsbx wsbx\n");
  return s;
}

std::string Zsh(const std::vector<CommandInfo>& cmds) {
  std::string s =
      "#compdef wsbx\n# zsh completion for wsbx (from `wsbx completions zsh`)\n"
      "_wsbx() {\n  local -a commands\n  commands=(\n";
  for (const CommandInfo& c : cmds) {
    absl::StrAppend(&s, "    '", c.name, ":", Quote(c.help), "'\n");
  }
  absl::StrAppend(&s, "  )\n  if (( CURRENT == 2 )); then\n"
                  "    _describe 'command' commands; return\n  fi\n"
                  "  case ${words[2]} in\n");
  for (const CommandInfo& c : cmds) {
    absl::StrAppend(&s, "  ", c.name, ")\n    shift words; (( CURRENT-- ))\n"
                    "    _arguments -s");
    for (const OptionInfo& o : c.options) {
      std::string action;
      if (!o.choices.empty()) {
        action = absl::StrCat(":", o.value, ":(", absl::StrJoin(o.choices, " "), ")");
      } else if (o.file) {
        action = absl::StrCat(":", o.value, o.dir ? ":_directories" : ":_files");
      } else if (!o.value.empty()) {
        action = absl::StrCat(":", o.value, ": ");
      }
      const std::string help = absl::StrReplaceAll(Quote(o.help), {{"[", "\\["}, {"]", "\\]"}});
      const bool repeatable = o.names.size() == 1 && !o.value.empty();
      for (const std::string& n : o.names) {
        absl::StrAppend(&s, " \\\n      '", repeatable ? "*" : "", n, "[", help, "]",
                        action, "'");
      }
    }
    absl::StrAppend(&s, " \\\n      '*:file:_files' ;;\n");
  }
  absl::StrAppend(&s, "  esac\n}\ncompdef _wsbx wsbx\n");
  return s;
}

std::string Fish(const std::vector<CommandInfo>& cmds) {
  std::vector<std::string> names;
  for (const CommandInfo& c : cmds) names.push_back(c.name);
  const std::string all = absl::StrJoin(names, " ");
  std::string s = absl::StrCat(
      "# fish completion for wsbx (from `wsbx completions fish`)\n"
      "complete -c wsbx -f\n"
      "complete -c wsbx -n 'not __fish_seen_subcommand_from ", all,
      "' -l version -d 'Print the version'\n");
  for (const CommandInfo& c : cmds) {
    absl::StrAppend(&s, "complete -c wsbx -n 'not __fish_seen_subcommand_from ",
                    all, "' -a ", c.name, " -d '", Quote(c.help), "'\n");
    const std::string when = absl::StrCat("__fish_seen_subcommand_from ", c.name);
    if (!c.positionals.empty()) {
      absl::StrAppend(&s, "complete -c wsbx -n '", when, "' -F\n");
    }
    for (const OptionInfo& o : c.options) {
      absl::StrAppend(&s, "complete -c wsbx -n '", when, "'");
      for (const std::string& n : o.names) {
        absl::StrAppend(&s, n.starts_with("--") ? " -l " : " -s ",
                        n.substr(n.starts_with("--") ? 2 : 1));
      }
      if (!o.choices.empty()) {
        absl::StrAppend(&s, " -x -a '", absl::StrJoin(o.choices, " "), "'");
      } else if (o.file) {
        absl::StrAppend(&s, " -r -F");
      } else if (!o.value.empty()) {
        absl::StrAppend(&s, " -x");
      }
      absl::StrAppend(&s, " -d '", Quote(o.help), "'\n");
    }
  }
  return s;
}

// Text for a man page line: backslashes doubled, leading dots and quotes
// guarded, dashes kept as ASCII hyphens.
std::string Roff(std::string_view text) {
  std::string out = absl::StrReplaceAll(std::string(text), {{"\\", "\\e"}, {"-", "\\-"}});
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

}  // namespace

absl::StatusOr<std::string> CompletionScript(const CLI::App& app,
                                             std::string_view shell) {
  const std::vector<CommandInfo> cmds = Commands(app);
  if (shell == "bash") return Bash(cmds);
  if (shell == "zsh") return Zsh(cmds);
  if (shell == "fish") return Fish(cmds);
  return absl::InvalidArgumentError(
      absl::StrFormat("'%s' is not one of bash, zsh, fish", std::string(shell)));
}

std::string ManPage(const CLI::App& app, std::string_view version) {
  std::string s = absl::StrCat(
      ".TH WSBX 1 \"\" \"wsbx ", std::string(version), "\" \"User Commands\"\n",
      ".SH NAME\nwsbx \\- ",
      Roff(std::string(absl::StripPrefix(app.get_description(), "wsbx: "))),
      "\n",
      ".SH SYNOPSIS\n.B wsbx\n.I command\n[\\fIoptions\\fR] [\\fIargs\\fR]\n",
      ".br\n.B wsbx \\-\\-version\n",
      ".SH DESCRIPTION\nwsbx runs WebAssembly modules it was not given reason to "
      "trust: the guest sees only what it was granted (deny by default), "
      "stops when its fuel or time budget ends, and cannot grow its memory "
      "past the cap. A module is a binary .wasm file, a .wat text file, or "
      "\\- for standard input.\n");
  for (const CommandInfo& c : Commands(app)) {
    absl::StrAppend(&s, ".SH \"wsbx ", Roff(c.name), "\"\n", Roff(c.help), "\n");
    if (!c.positionals.empty()) {
      absl::StrAppend(&s, ".PP\n.B wsbx ", Roff(c.name), "\n[\\fIoptions\\fR]");
      for (const std::string& p : c.positionals) {
        absl::StrAppend(&s, " \\fI", Roff(p), "\\fR");
      }
      absl::StrAppend(&s, "\n");
    }
    for (const OptionInfo& o : c.options) {
      absl::StrAppend(&s, ".TP\n.B ", Roff(absl::StrJoin(o.names, ", ")));
      if (!o.value.empty()) {
        absl::StrAppend(&s, " \\fI", Roff(o.value_text), "\\fR");
      }
      absl::StrAppend(&s, "\n", Roff(o.help), "\n");
    }
  }
  absl::StrAppend(
      &s,
      ".SH EXIT STATUS\n"
      ".TP\n.B 0\nsuccess\n"
      ".TP\n.B 1\nthe module could not be read, loaded or linked, or wsbx's "
      "own output could not be written\n"
      ".TP\n.B 2\na usage error (a bad option or value)\n"
      ".TP\n.B 124\nthe fuel or time budget was spent\n"
      ".TP\n.B 126\na refused WASI operation ended the guest (a policy's "
      "on_denied is exit)\n"
      ".TP\n.B 134\nthe guest trapped\n"
      ".TP\n.B 128+N\nstopped by signal N (SIGINT, SIGTERM)\n"
      ".PP\nA guest that calls WASI proc_exit ends wsbx with its own code.\n"
      ".SH EXAMPLES\n"
      ".EX\nwsbx run prog.wasm \\-\\-mem 64M \\-\\-timeout 2s \\-\\- arg1 arg2\n"
      "wsbx run fib.wat \\-\\-invoke fib 20\n"
      "wsbx run \\- \\-\\-dir ./data < prog.wasm\n"
      "wsbx completions bash > /etc/bash_completion.d/wsbx\n.EE\n"
      ".SH SEE ALSO\nThe project's docs/cli.md, docs/security.md and "
      "docs/wasi.md.\n");
  return s;
}

}  // namespace wsbx
