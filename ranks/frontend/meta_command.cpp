#include "ranks/frontend/meta_command.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace plume::frontend {
namespace {

using Kind = MetaCommand::Kind;
using Words = std::vector<std::string>;

std::optional<std::uint64_t> ParseId(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// A whole number from lo to hi into cmd->count (none: show the setting).
std::string CountArg(const Words& w, std::uint64_t lo, std::uint64_t hi, const char* what,
                     MetaCommand* cmd) {
  if (w.size() == 1) {
    cmd->show = true;
    return "";
  }
  auto v = w.size() == 2 ? ParseId(w[1]) : std::nullopt;
  if (!v || *v < lo || *v > hi) return what;
  cmd->count = static_cast<std::size_t>(*v);
  return "";
}

std::string OnOffArg(const Words& w, MetaCommand* cmd) {
  if (w.size() == 1) return "";
  if (w.size() != 2 || (w[1] != "on" && w[1] != "off")) return "expects on or off";
  cmd->on = w[1] == "on";
  return "";
}

std::string FormatArg(const Words& w, MetaCommand* cmd) {
  if (w.size() == 1) {
    cmd->show = true;
    return "";
  }
  if (w.size() != 2 || (w[1] != "table" && w[1] != "csv" && w[1] != "json" && w[1] != "null")) {
    return "expects table, csv, json or null";
  }
  cmd->text = w[1];
  return "";
}

std::string FileArg(const Words& w, bool optional, MetaCommand* cmd) {
  if (w.size() == 1 && optional) {
    cmd->show = true;
    return "";
  }
  if (w.size() != 2 || w[1].empty()) {
    return optional ? "expects a file name or - (stdout); quote a name with spaces"
                    : "expects a file name; quote a name with spaces";
  }
  cmd->text = ExpandHome(w[1]);
  return "";
}

std::string TimeoutArg(const Words& w, MetaCommand* cmd) {
  if (w.size() == 1) {
    cmd->show = true;
    return "";
  }
  std::string s = w.size() == 2 ? w[1] : "";
  char* end = nullptr;
  double v = s.empty() ? -1 : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v < 0) {
    return "expects a number of seconds >= 0 (0 = no deadline)";
  }
  cmd->seconds = v;
  return "";
}

std::string IdArg(const Words& w, bool optional, MetaCommand* cmd) {
  if (w.size() == 1 && optional) return "";
  if (w.size() != 2 || !(cmd->id = ParseId(w[1]))) return "expects one request id (see \\list)";
  return "";
}

// Fills the command's argument from w[1..]; returns the reason when they do not fit.
std::string ParseArgs(const Words& w, MetaCommand* cmd) {
  switch (cmd->kind) {
    case Kind::kHelp:
    case Kind::kList:
    case Kind::kQuit:
      return w.size() == 1 ? "" : "takes no argument";
    case Kind::kStatus:
      return IdArg(w, true, cmd);
    case Kind::kCancel:  // \cancel id [show]: show the rows it had (they are dropped otherwise)
      if (w.size() == 3 && w[2] == "show") {
        cmd->text = "show";
        return IdArg(Words(w.begin(), w.begin() + 2), false, cmd);
      }
      return w.size() == 3 ? "expects a request id, then optionally 'show'" : IdArg(w, false, cmd);
    case Kind::kChunk:
      return CountArg(w, 1, 100'000'000, "expects a row count from 1 to 100,000,000", cmd);
    case Kind::kMaxRows:
      return CountArg(w, 0, 100'000'000, "expects a row count (0 = all rows)", cmd);
    case Kind::kMaxWidth:
      return CountArg(w, 0, 100'000, "expects a width in characters (0 = no limit)", cmd);
    case Kind::kFormat:
      return FormatArg(w, cmd);
    case Kind::kOutput:
      return FileArg(w, true, cmd);
    case Kind::kInclude:
      return FileArg(w, false, cmd);
    case Kind::kChart:
      if (w.size() == 1) return "";
      return FileArg(w, false, cmd);
    case Kind::kDescribe:
      if (w.size() > 2) return "expects at most one table name";
      cmd->text = w.size() == 2 ? w[1] : "";
      return "";
    case Kind::kTiming:
    case Kind::kExpanded:
      return OnOffArg(w, cmd);
    case Kind::kTimeout:
      return TimeoutArg(w, cmd);
  }
  return "";
}

std::optional<Kind> KindOf(std::string_view name) {
  static const std::pair<std::string_view, Kind> kNames[] = {
      {"\\help", Kind::kHelp},         {"\\h", Kind::kHelp},          {"\\?", Kind::kHelp},
      {"\\status", Kind::kStatus},     {"\\list", Kind::kList},       {"\\l", Kind::kList},
      {"\\cancel", Kind::kCancel},     {"\\chunk", Kind::kChunk},     {"\\format", Kind::kFormat},
      {"\\output", Kind::kOutput},     {"\\o", Kind::kOutput},        {"\\timing", Kind::kTiming},
      {"\\timeout", Kind::kTimeout},   {"\\maxrows", Kind::kMaxRows}, {"\\x", Kind::kExpanded},
      {"\\maxwidth", Kind::kMaxWidth}, {"\\i", Kind::kInclude},       {"\\include", Kind::kInclude},
      {"\\d", Kind::kDescribe},        {"\\dt", Kind::kDescribe},     {"\\chart", Kind::kChart},
      {"\\quit", Kind::kQuit},         {"\\q", Kind::kQuit},
  };
  for (const auto& [n, kind] : kNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

}  // namespace

bool SplitWords(std::string_view line, Words* words, std::string* error) {
  words->clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i == line.size()) break;
    std::string word;
    while (i < line.size() && !IsBlank(line[i])) {
      char q = line[i];
      if (q != '\'' && q != '"') {
        word.push_back(line[i++]);
        continue;
      }
      for (++i;; ++i) {
        if (i >= line.size()) {
          *error = std::string("Error: unterminated quoted name (a ") + q + " is missing)";
          return false;
        }
        if (line[i] == q && !(i + 1 < line.size() && line[i + 1] == q)) break;
        if (line[i] == q) ++i;  // a doubled quote stands for itself
        word.push_back(line[i]);
      }
      ++i;
    }
    words->push_back(std::move(word));
  }
  return true;
}

std::string ExpandHome(std::string_view path) {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0' || path.empty() || path[0] != '~') return std::string(path);
  if (path.size() > 1 && path[1] != '/') return std::string(path);  // ~user: left alone
  return std::string(home) + std::string(path.substr(1));
}

std::optional<MetaCommand> ParseMeta(std::string_view line, std::string* error) {
  if (std::string hint = DotCommandHint(line); !hint.empty()) {
    *error = std::move(hint);
    return std::nullopt;
  }
  Words w;
  if (!SplitWords(line, &w, error)) return std::nullopt;
  std::optional<Kind> kind = w.empty() ? std::nullopt : KindOf(w[0]);
  if (!kind) {
    *error = "Error: unknown command '" + (w.empty() ? std::string(line) : w[0]) +
             "' (\\help lists the commands)";
    return std::nullopt;
  }
  MetaCommand cmd;
  cmd.kind = *kind;
  std::string why = ParseArgs(w, &cmd);
  if (!why.empty()) {
    *error = "Error: " + w[0] + " " + why;
    return std::nullopt;
  }
  return cmd;
}

std::string DotCommandHint(std::string_view line) {
  std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos || line[start] != '.' || start + 1 >= line.size() ||
      !std::isalpha(static_cast<unsigned char>(line[start + 1]))) {
    return "";
  }
  std::string_view rest = line.substr(start + 1);
  std::string_view name = rest.substr(0, rest.find_first_of(" \t"));
  static const std::pair<std::string_view, std::string_view> kEquivalents[] = {
      {"mode", "\\format table|csv|json (\\x for line mode)"},
      {"output", "\\output FILE (\\output - for the screen)"},
      {"once", "\\output FILE, or COPY (SELECT ...) TO 'FILE' (FORMAT csv)"},
      {"quit", "\\quit"},
      {"exit", "\\quit"},
      {"tables", "SHOW TABLES or \\d"},
      {"schema", "\\d measurements or DESCRIBE measurements"},
      {"timer", "\\timing on|off"},
      {"maxrows", "\\maxrows N"},
      {"maxwidth", "\\maxwidth N"},
      {"read", "\\i FILE"},
      {"help", "\\help"},
  };
  for (const auto& [dot, plume] : kEquivalents) {
    if (name == dot) {
      return "Error: ." + std::string(name) + " is a DuckDB command; in plume use " +
             std::string(plume) + " (\\help lists the commands)";
    }
  }
  return "Error: ." + std::string(name) +
         " looks like a DuckDB dot command; plume's commands start with '\\' (\\help lists them)";
}

std::string MetaHelp() {
  return R"(Statements end with ';' and may span lines; end one with '&' instead to run it in the
background (its id is printed; its result is shown when it finishes). Commands act at once,
also in the middle of a statement. A setting without its argument shows its value.
  \help              this text
  \status [id]       state and progress of a request (default: the latest)
  \list              tracked requests with id and state
  \cancel id [show]  cancel a queued or running request (its rows are dropped; show: shown)
  \chunk [N]         rows per result chunk (default 1,000)
  \format [F]        result format: table, csv, json or null (discard rows)
  \output [FILE|-]   write results to FILE (truncated; every row, nothing cut), - for the screen
  \maxrows [N]       rows the table shows at the screen (default 50; 0 = all)
  \maxwidth [N]      characters the table may take at the screen (0 = no limit)
  \x [on|off]        expanded display: one line per column
  \timing [on|off]   print each statement's time in milliseconds
  \timeout [SECONDS] deadline for each statement (0 = none)
  \i FILE            run the statements and commands in FILE
  \d [measurements]  the table's columns, types and NULLs, its rows and where they came from
                     (also DESCRIBE measurements, SHOW TABLES)
  \chart [FILE.png]  draw the last result: a line chart over time (first column utc), else
                     bars; the numeric columns after the first are the series
  \quit              leave (also exit, quit, Ctrl-D); background statements are cancelled
Short forms: \h and \? (\help), \l (\list), \o (\output), \dt (\d), \include (\i), \q (\quit).
COPY (SELECT ...) TO 'FILE' (FORMAT csv|json [, HEADER [false]]) exports in one step.
File names may be quoted ('my file.csv') and may start with ~.
Ctrl-C (with scripts/plume-shell) cancels the running statement or clears the line.
)";
}

}  // namespace plume::frontend
