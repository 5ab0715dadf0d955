#include "ranks/frontend/copy_statement.h"

#include <cctype>

#include "ranks/frontend/error_caret.h"
#include "ranks/frontend/meta_command.h"

namespace plume::frontend {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A cursor over the statement's text with the few tokens COPY needs.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  // Where the next token starts.
  std::size_t Next() {
    SkipSpace();
    return pos_;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool Take(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  // A word of letters, digits, '_' and '.' (lower-cased); empty when none.
  std::string Word() {
    SkipSpace();
    std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '_' || text_[pos_] == '.')) {
      ++pos_;
    }
    return Lower(text_.substr(start, pos_ - start));
  }
  // A table's name as typed: a word, or a "quoted" name ("" inside stands for "); empty when
  // there is none or the quote does not close.
  std::string_view Name() {
    SkipSpace();
    std::size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      std::size_t end = text_.find('"', pos_ + 1);
      while (end != std::string_view::npos && end + 1 < text_.size() && text_[end + 1] == '"') {
        end = text_.find('"', end + 2);
      }
      if (end == std::string_view::npos) return {};
      pos_ = end + 1;
      return text_.substr(start, pos_ - start);
    }
    Word();
    return text_.substr(start, pos_ - start);
  }
  // A '...' literal ('' inside stands for '); nullopt when there is none or it is not closed.
  std::optional<std::string> Literal() {
    if (!Take('\'')) return std::nullopt;
    std::string out;
    for (; pos_ < text_.size(); ++pos_) {
      if (text_[pos_] != '\'') {
        out.push_back(text_[pos_]);
      } else if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'') {
        out.push_back(text_[++pos_]);
      } else {
        ++pos_;
        return out;
      }
    }
    return std::nullopt;
  }
  // The text inside balanced parentheses (strings and quoted names respected); the cursor is
  // on the '('. nullopt when they do not close.
  std::optional<std::string> Parenthesized();
  std::size_t pos() const { return pos_; }
  std::size_t error_at = 0;  // 1-based position of the error found (At); 0: none

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<std::string> Cursor::Parenthesized() {
  if (!Take('(')) return std::nullopt;
  std::size_t start = pos_;
  int depth = 1;
  char quote = 0;
  for (; pos_ < text_.size(); ++pos_) {
    char c = text_[pos_];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return std::string(text_.substr(start, pos_++ - start));
    }
  }
  return std::nullopt;
}

// " (at character N)" for byte `at` (0-based), which becomes the caret's place.
std::string At(Cursor& cur, std::size_t at) {
  cur.error_at = at + 1;
  return " (at character " + std::to_string(cur.error_at) + ")";
}
std::string At(Cursor& cur) { return At(cur, cur.pos()); }

// One option of the (...) list after the file name.
std::string ParseOption(Cursor& cur, CopyStatement* copy) {
  std::size_t name_at = cur.Next();
  std::string name = cur.Word();
  std::size_t value_at = cur.Next();
  if (name == "format") {
    std::string value = cur.Peek('\'') ? Lower(cur.Literal().value_or("")) : cur.Word();
    if (value != "csv" && value != "json") {
      return "COPY supports FORMAT csv or json, not '" + value + "'" + At(cur, value_at);
    }
    copy->format = value;
    return "";
  }
  if (name == "header") {
    if (cur.Peek(',') || cur.Peek(')')) return "";  // HEADER alone: true
    std::string value = cur.Word();
    if (value != "true" && value != "false" && value != "1" && value != "0") {
      return "COPY's HEADER expects true or false, not '" + value + "'" + At(cur, value_at);
    }
    copy->header = value == "true" || value == "1";
    return "";
  }
  return name.empty() ? "COPY expects an option name" + At(cur)
                      : "COPY option '" + name + "' is not supported (FORMAT and HEADER are)" +
                            At(cur, name_at);
}

std::string ParseOptions(Cursor& cur, CopyStatement* copy) {
  if (cur.AtEnd()) return "";
  cur.Word();  // an optional WITH
  if (!cur.Take('(')) return "COPY expects (FORMAT ...) after the file name" + At(cur);
  do {
    std::string why = ParseOption(cur, copy);
    if (!why.empty()) return why;
  } while (cur.Take(','));
  if (!cur.Take(')')) return "COPY expects ',' or ')' in its options" + At(cur);
  return cur.AtEnd() ? "" : "COPY has text after its options" + At(cur);
}

std::string DefaultFormat(const std::string& path) {
  std::string lower = Lower(path);
  return lower.ends_with(".json") || lower.ends_with(".ndjson") ? "json" : "csv";
}

// What comes after COPY: the query or table, TO, the file name. "" or the reason.
std::string ParseSource(Cursor& cur, CopyStatement* copy) {
  if (cur.Peek('(')) {
    copy->typed_at = cur.pos() + 1;
    std::optional<std::string> query = cur.Parenthesized();
    if (!query) return "COPY's query has no closing ')'";
    copy->query = *query;
  } else {
    copy->typed_at = cur.pos();
    std::string_view table = cur.Name();
    if (table.empty()) return "COPY expects (SELECT ...) or a table name" + At(cur);
    copy->query = "SELECT * FROM ";
    copy->query_skip = copy->query.size();
    copy->query += table;
  }
  std::size_t to_at = cur.Next();
  std::string to = cur.Word();
  if (to == "from") {
    return "COPY ... FROM is not supported: plume's data set is read-only" + At(cur, to_at);
  }
  if (to != "to") return "COPY expects TO 'file' after the query" + At(cur, to_at);
  std::size_t path_at = cur.Next();
  std::optional<std::string> path = cur.Literal();
  if (!path || path->empty()) {
    return "COPY expects a file name in single quotes" + At(cur, path_at);
  }
  copy->path = ExpandHome(*path);
  copy->format = DefaultFormat(copy->path);
  return "";
}

}  // namespace

std::size_t TypedPosition(const CopyStatement& copy, std::size_t position) {
  if (position == 0) return 0;
  std::size_t at = position - 1;
  return copy.typed_at + 1 + (at < copy.query_skip ? 0 : at - copy.query_skip);
}

bool IsCopy(std::string_view sql) {
  Cursor cur(sql);
  return cur.Word() == "copy";
}

std::optional<CopyStatement> ParseCopy(std::string_view sql, std::string* error) {
  Cursor cur(sql);
  cur.Word();  // COPY
  CopyStatement copy;
  std::string why = ParseSource(cur, &copy);
  if (why.empty()) why = ParseOptions(cur, &copy);
  if (!why.empty()) {
    *error = "Error: " + why;
    if (cur.error_at > 0) {
      *error += '\n';  // not "\n" + ...: g++ 12 -Wrestrict false positive
      *error += CaretLines(sql, cur.error_at);
    }
    return std::nullopt;
  }
  return copy;
}

}  // namespace plume::frontend
