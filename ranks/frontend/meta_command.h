// Parsing of the prompt's meta commands (psql habits): \help, \status [id], \list, \cancel id,
// \chunk [N], \format [table|csv|json|null], \output [FILE|-], \timing [on|off], \timeout
// [SECONDS], \maxrows [N], \maxwidth [N], \x [on|off], \i FILE, \d [TABLE], \chart [FILE.png],
// \quit. A setting
// without its argument shows the current value. File names may be quoted ('...' or "...", for
// spaces) and start with ~ (the home directory). DuckDB's dot commands (.mode, .output, ...) get an
// error naming the plume equivalent. Pure parsing: never throws, no I/O (but reads $HOME for ~).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plume::frontend {

// The line the launcher (scripts/plume-shell) sends down stdin when the user presses Ctrl-C:
// one ETX byte, which is what Ctrl-C is on a terminal. Cancels the foreground statement, or
// clears the line being typed.
inline constexpr std::string_view kInterruptLine = "\x03";

struct MetaCommand {
  enum class Kind {
    kHelp,
    kStatus,
    kList,
    kCancel,
    kChunk,
    kFormat,
    kOutput,
    kTiming,
    kTimeout,
    kMaxRows,
    kMaxWidth,
    kExpanded,
    kInclude,
    kDescribe,
    kChart,
    kQuit
  };
  Kind kind = Kind::kHelp;
  bool show = false;                // a setting given without argument: show its value
  std::optional<std::uint64_t> id;  // \status [id], \cancel id
  std::size_t count = 0;            // \chunk N, \maxrows N, \maxwidth N
  std::string text;  // \format NAME, \output FILE, \i FILE (~ expanded), \d TABLE, \cancel id show
  std::optional<bool> on;  // \timing, \x on|off (unset: toggle)
  double seconds = 0;      // \timeout SECONDS
};

// Parses one meta line (starting with '\'). Returns nullopt and sets *error ("Error: ...")
// for an unknown command, a bad argument or a DuckDB dot command (DotCommandHint).
std::optional<MetaCommand> ParseMeta(std::string_view line, std::string* error);

// The words of a meta line: split at blanks, '...' and "..." quote (a doubled quote inside
// stands for itself). False and *error when a quote is not closed.
bool SplitWords(std::string_view line, std::vector<std::string>* words, std::string* error);
// "~" and "~/x" become $HOME and $HOME/x; anything else is returned as is.
std::string ExpandHome(std::string_view path);

// A line in DuckDB's dot-command style (".mode csv"): the error with the plume equivalent.
// Empty when `line` does not start with '.' followed by a letter.
std::string DotCommandHint(std::string_view line);

// The text \help prints.
std::string MetaHelp();

}  // namespace plume::frontend
