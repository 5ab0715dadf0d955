// Parsing of the prompt's meta commands (psql/DuckDB habits): \help, \status [id], \list,
// \cancel id, \chunk N, \format table|csv|json|null, \output FILE|-, \timing [on|off],
// \timeout SECONDS, \quit. Pure parsing: never throws, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
    kQuit
  };
  Kind kind = Kind::kHelp;
  std::optional<std::uint64_t> id;  // \status [id], \cancel id
  std::size_t chunk_rows = 0;       // \chunk N
  std::string text;                 // \format NAME, \output FILE
  std::optional<bool> on;           // \timing on|off (unset: toggle)
  double seconds = 0;               // \timeout SECONDS
};

// Parses one meta line (starting with '\'). Returns nullopt and sets *error ("Error: ...")
// for an unknown command or a bad argument.
std::optional<MetaCommand> ParseMeta(std::string_view line, std::string* error);

// The text \help prints.
std::string MetaHelp();

}  // namespace plume::frontend
