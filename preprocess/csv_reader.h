// The AirNow CSV reader: one line at a time into typed values, with a per-line outcome so that
// every line is accounted for (stored, skipped as blank or header, or rejected with a reason).
// Format and quirks: ../shared/data/README.md; the policy per bad-input class: docs/DATA.md.
//
// Pure functions and value types: no I/O except ReadCsvFile, no global state, safe to call from
// several threads on different objects. Nothing here throws for bad data (a bad line is an
// outcome); ReadCsvFile throws std::runtime_error when the file cannot be read.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "preprocess/row_store.h"

namespace plume::preprocess {

inline constexpr std::size_t kFieldCount = 13;

enum class LineKind { kStored, kBlank, kHeader, kRejected };

enum class RejectReason {
  kWrongFieldCount,  // not 13 fields
  kBadQuoting,       // unterminated quote, or text after a closing quote
  kBadNumber,        // latitude/longitude/concentration/raw/AQI/category not a number
  kBadTime,          // UTC not "YYYY-MM-DDTHH:MM"
  kTruncatedLine,    // the file's last line, without a final newline, and incomplete
  kControlByte,      // a NUL or other control byte (0x00-0x1f, 0x7f) inside a field
};
inline constexpr std::size_t kReasonCount = 6;
std::string_view ReasonName(RejectReason reason);

struct LineResult {
  LineKind kind = LineKind::kStored;
  RejectReason reason = RejectReason::kWrongFieldCount;
  std::string detail;  // for kRejected: which field and why, e.g. "AQI: \"12x\" is not an integer"
};

// Parses one line (no '\n'; one trailing '\r' is tolerated). On kStored, *row holds the values;
// its string views point into `line` or into row's own buffers and live until the next call.
LineResult ParseLine(std::string_view line, ParsedRow* row);

struct RejectedLine {
  std::string file;
  std::size_t line = 0;  // 1-based
  RejectReason reason = RejectReason::kWrongFieldCount;
  std::string detail;
  std::string text;  // the line as read (without '\n', '\r'), cut at 300 bytes
};

// Years outside this range are rejected as implausible (AirNow began in the 1990s; 0000 and
// 9999 are typing or export errors, and far years would overflow the time arithmetic).
inline constexpr int kMinYear = 1970;
inline constexpr int kMaxYear = 2100;

// Counts for one or more files; stored + rejected + blank + header == lines always.
struct IngestReport {
  static constexpr std::size_t kDefaultListed = 10;  // plume-preprocess --list-rejects
  std::size_t listed = kDefaultListed;               // rejected lines kept in full
  std::size_t files = 0, lines = 0, stored = 0, rejected = 0, blank = 0, header = 0;
  std::size_t bytes = 0;
  std::array<std::size_t, kReasonCount> by_reason{};
  std::vector<RejectedLine> first_rejected;  // at most `listed`, in file then line order

  // Adds `other`'s counts (call in file order to keep first_rejected in order).
  void Merge(const IngestReport& other);
  // The first rejected lines as "file:line: reason: detail: <text>" (control bytes and '\\'
  // shown as \xNN and \\, so the report never carries a NUL or an escape sequence to a
  // terminal), then the counts by reason, then the summary line "files read N, ...".
  std::string Text() const;
  std::string SummaryLine() const;
};

// Reads one file's bytes: strips a UTF-8 BOM, splits lines on '\n', and stores every good row
// into *rows. `file_name` is used in the report only. Counts the file in report->files.
void ReadCsvBuffer(std::string_view data, const std::string& file_name, RowStore* rows,
                   IngestReport* report);
// Reads the whole file at `path` and calls ReadCsvBuffer. Throws std::runtime_error naming the
// path when it cannot be opened or read.
void ReadCsvFile(const std::string& path, RowStore* rows, IngestReport* report);

}  // namespace plume::preprocess
