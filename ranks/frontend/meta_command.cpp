#include "ranks/frontend/meta_command.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace plume::frontend {
namespace {

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

std::optional<std::uint64_t> ParseId(std::string_view text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

using Kind = MetaCommand::Kind;

// Fills the command's argument from words[1..]; returns the reason when they do not fit.
std::string ParseArgs(const std::vector<std::string_view>& w, MetaCommand* cmd) {
  std::size_t n = w.size() - 1;
  switch (cmd->kind) {
    case Kind::kHelp:
    case Kind::kList:
    case Kind::kQuit:
      return n == 0 ? "" : "takes no argument";
    case Kind::kStatus:
    case Kind::kCancel:
      if (n == 0 && cmd->kind == Kind::kStatus) return "";
      if (n != 1 || !(cmd->id = ParseId(w[1]))) return "expects one request id (see \\list)";
      return "";
    case Kind::kChunk: {
      auto v = n == 1 ? ParseId(w[1]) : std::nullopt;
      if (!v || *v < 1 || *v > 100'000'000) return "expects a row count from 1 to 100000000";
      cmd->chunk_rows = static_cast<std::size_t>(*v);
      return "";
    }
    case Kind::kFormat:
      if (n != 1 || (w[1] != "table" && w[1] != "csv" && w[1] != "json" && w[1] != "null")) {
        return "expects table, csv, json or null";
      }
      cmd->text = w[1];
      return "";
    case Kind::kOutput:
      if (n != 1) return "expects a file name or - (stdout)";
      cmd->text = w[1];
      return "";
    case Kind::kTiming:
      if (n == 0) return "";
      if (n != 1 || (w[1] != "on" && w[1] != "off")) return "expects on or off";
      cmd->on = w[1] == "on";
      return "";
    case Kind::kTimeout: {
      std::string s = n == 1 ? std::string(w[1]) : "";
      char* end = nullptr;
      double v = s.empty() ? -1 : std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || v < 0) {
        return "expects a number of seconds >= 0 (0 = no deadline)";
      }
      cmd->seconds = v;
      return "";
    }
  }
  return "";
}

}  // namespace

std::optional<MetaCommand> ParseMeta(std::string_view line, std::string* error) {
  std::vector<std::string_view> w = Words(line);
  static const std::pair<std::string_view, Kind> kNames[] = {
      {"\\help", Kind::kHelp},       {"\\h", Kind::kHelp},      {"\\?", Kind::kHelp},
      {"\\status", Kind::kStatus},   {"\\list", Kind::kList},   {"\\l", Kind::kList},
      {"\\cancel", Kind::kCancel},   {"\\chunk", Kind::kChunk}, {"\\format", Kind::kFormat},
      {"\\output", Kind::kOutput},   {"\\o", Kind::kOutput},    {"\\timing", Kind::kTiming},
      {"\\timeout", Kind::kTimeout}, {"\\quit", Kind::kQuit},   {"\\q", Kind::kQuit},
  };
  MetaCommand cmd;
  bool known = false;
  for (const auto& [name, kind] : kNames) {
    if (!w.empty() && w[0] == name) {
      cmd.kind = kind;
      known = true;
    }
  }
  if (!known) {
    *error = "Error: unknown command '" + std::string(w.empty() ? line : w[0]) +
             "' (\\help lists the commands)";
    return std::nullopt;
  }
  std::string why = ParseArgs(w, &cmd);
  if (!why.empty()) {
    *error = "Error: " + std::string(w[0]) + " " + why;
    return std::nullopt;
  }
  return cmd;
}

std::string MetaHelp() {
  return R"(Statements end with ';' and may span lines; end one with '&' instead to run it in the
background (its id is printed; its result is shown when it finishes).
  \help              this text
  \status [id]       state and progress of a request (default: the latest)
  \list              tracked requests with id and state
  \cancel id         cancel a queued or running request
  \chunk N           rows per result chunk (default 1000)
  \format F          result format: table, csv, json or null (discard rows)
  \output FILE|-     write results to FILE (truncated), or - for stdout
  \timing [on|off]   print each statement's time
  \timeout SECONDS   deadline for each statement (0 = none)
  \quit              leave (Ctrl-D too); background statements are cancelled
Ctrl-C (with scripts/plume-shell) cancels the running statement or clears the line.
)";
}

}  // namespace plume::frontend
