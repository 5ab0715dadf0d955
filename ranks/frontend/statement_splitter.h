// Splits the text a user types (or a -c / -f script) into statements and meta commands.
//
// Rules: ';' ends a statement except inside '...' string literals, "..." identifiers and -- line
// comments; a statement that ends with '&' instead of ';' (the last thing on its line) runs in
// the background; a line starting with '\' outside a string literal is a meta command (also in
// the middle of a statement, which stays pending), and so is a line in DuckDB's dot-command
// style (".mode csv") outside a statement, so that it gets a hint instead of becoming SQL.
// Statements may span lines and one line may hold several. Pure text processing: no I/O, never
// throws.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace plume::frontend {

struct Piece {
  // kError: a statement longer than the splitter's limit was dropped; text is the message.
  enum class Kind { kStatement, kMeta, kError };
  Kind kind = Kind::kStatement;
  std::string text;         // statement without its ';' / '&' (trimmed), or the meta line
  bool background = false;  // statement ended with '&'
};

class StatementSplitter {
 public:
  // A statement longer than max_bytes is dropped with a kError piece (the next line starts
  // afresh), so that a statement that never ends cannot grow memory without bound.
  explicit StatementSplitter(std::size_t max_bytes = std::size_t{16} << 20)
      : max_bytes_(max_bytes) {}
  // Adds one line (without its newline). Complete pieces become available through Next().
  void AddLine(std::string_view line);
  // Takes the next complete piece; false when none is ready.
  bool Next(Piece* piece);
  // End of input: a pending statement without ';' becomes a piece (as psql -f does).
  void Finish();
  // True while a statement has started but not ended (the prompt shows "...>").
  bool InStatement() const;
  // True while complete pieces wait to be taken (a line held several statements).
  bool HasReady() const { return !ready_.empty(); }
  // Drops the pending statement (Ctrl-C at the prompt).
  void Clear();

 private:
  void Emit(bool background);
  void DropIfTooLong();

  std::size_t max_bytes_;
  std::string pending_;
  bool in_string_ = false;      // inside '...'
  bool in_identifier_ = false;  // inside "..."
  std::deque<Piece> ready_;
};

// True when `sql` holds only whitespace and -- comments.
bool IsBlankSql(std::string_view sql);

}  // namespace plume::frontend
