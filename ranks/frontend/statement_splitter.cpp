#include "ranks/frontend/statement_splitter.h"

#include "ranks/frontend/format.h"
#include "ranks/frontend/meta_command.h"

namespace plume::frontend {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Index of the last non-space character of `line` outside a -- comment, given that `line`
// starts outside strings; npos when none. Used to find a trailing '&'.
std::size_t LastCodeChar(std::string_view line, std::size_t comment_start) {
  std::string_view code = line.substr(0, comment_start);
  std::size_t i = code.size();
  while (i > 0 && IsSpace(code[i - 1])) --i;
  return i == 0 ? std::string_view::npos : i - 1;
}

}  // namespace

bool IsBlankSql(std::string_view sql) {
  while (!sql.empty()) {
    if (IsSpace(sql.front())) {
      sql.remove_prefix(1);
    } else if (sql.starts_with("--")) {
      std::size_t nl = sql.find('\n');
      if (nl == std::string_view::npos) return true;
      sql.remove_prefix(nl + 1);
    } else {
      return false;
    }
  }
  return true;
}

void StatementSplitter::AddLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Meta commands act at once, also inside a pending statement (which stays), as in psql;
  // DuckDB's dot commands become meta pieces too, so that they get a hint instead of SQL.
  bool quoted = in_string_ || in_identifier_;
  if ((!quoted && Trim(line).starts_with("\\")) ||
      (!InStatement() && !DotCommandHint(line).empty())) {
    ready_.push_back({Piece::Kind::kMeta, std::string(Trim(line)), false});
    return;
  }
  // Scan, ending statements at ';'. A trailing '&' found at the end decides background.
  std::size_t comment_start = line.size();
  std::size_t amp = std::string_view::npos;
  std::size_t start = 0;  // beginning of the part of `line` not yet moved into pending_
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_string_) {
      if (c == '\'') in_string_ = false;  // '' (an escaped quote) re-enters on the next char
    } else if (in_identifier_) {
      if (c == '"') in_identifier_ = false;
    } else if (c == '\'') {
      in_string_ = true;
    } else if (c == '"') {
      in_identifier_ = true;
    } else if (c == '-' && i + 1 < line.size() && line[i + 1] == '-') {
      comment_start = i;
      break;
    } else if (c == ';') {
      pending_.append(line.substr(start, i - start));
      start = i + 1;
      Emit(false);
    }
  }
  if (!in_string_ && !in_identifier_) {
    std::size_t last = LastCodeChar(line, comment_start);
    if (last != std::string_view::npos && last >= start && line[last] == '&') amp = last;
  }
  if (amp != std::string_view::npos) {
    pending_.append(line.substr(start, amp - start));
    Emit(true);
    return;
  }
  // -- comments are dropped: the SQL layer never sees them.
  pending_.append(line.substr(start, comment_start - start));
  pending_.push_back('\n');
  if (!InStatement()) pending_.clear();
  DropIfTooLong();
}

void StatementSplitter::DropIfTooLong() {
  if (pending_.size() <= max_bytes_) return;
  std::string message = "Error: a statement of more than " + CountOf(max_bytes_, "byte") +
                        " is longer than --max-statement-bytes; it was dropped, reading "
                        "goes on at the next line";
  Clear();
  ready_.push_back({Piece::Kind::kError, std::move(message), false});
}

void StatementSplitter::Emit(bool background) {
  if (pending_.size() > max_bytes_) {
    DropIfTooLong();
    return;
  }
  std::string text(Trim(pending_));
  pending_.clear();
  if (IsBlankSql(text)) return;  // ";" alone, or only comments
  ready_.push_back({Piece::Kind::kStatement, std::move(text), background});
}

bool StatementSplitter::Next(Piece* piece) {
  if (ready_.empty()) return false;
  *piece = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

void StatementSplitter::Finish() {
  in_string_ = in_identifier_ = false;
  Emit(false);
}

bool StatementSplitter::InStatement() const {
  return in_string_ || in_identifier_ || !IsBlankSql(pending_);
}

void StatementSplitter::Clear() {
  pending_.clear();
  in_string_ = in_identifier_ = false;
}

}  // namespace plume::frontend
