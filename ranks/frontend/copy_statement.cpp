#include "ranks/frontend/copy_statement.h"

#include <cctype>

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

std::string At(const Cursor& cur) {
  return " (at character " + std::to_string(cur.pos() + 1) + ")";
}

// One option of the (...) list after the file name.
std::string ParseOption(Cursor& cur, CopyStatement* copy) {
  std::string name = cur.Word();
  if (name == "format") {
    std::string value = cur.Peek('\'') ? Lower(cur.Literal().value_or("")) : cur.Word();
    if (value != "csv" && value != "json") {
      return "COPY supports FORMAT csv or json, not '" + value + "'" + At(cur);
    }
    copy->format = value;
    return "";
  }
  if (name == "header") {
    if (cur.Peek(',') || cur.Peek(')')) return "";  // HEADER alone: true
    std::string value = cur.Word();
    if (value != "true" && value != "false" && value != "1" && value != "0") {
      return "COPY's HEADER expects true or false, not '" + value + "'" + At(cur);
    }
    copy->header = value == "true" || value == "1";
    return "";
  }
  return name.empty() ? "COPY expects an option name" + At(cur)
                      : "COPY option '" + name + "' is not supported (FORMAT and HEADER are)";
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
    std::optional<std::string> query = cur.Parenthesized();
    if (!query) return "COPY's query has no closing ')'";
    copy->query = *query;
  } else {
    std::string table = cur.Word();
    if (table.empty()) return "COPY expects (SELECT ...) or a table name" + At(cur);
    copy->query = "SELECT * FROM " + table;
  }
  std::string to = cur.Word();
  if (to == "from") return "COPY ... FROM is not supported: plume's data set is read-only";
  if (to != "to") return "COPY expects TO 'file' after the query" + At(cur);
  std::optional<std::string> path = cur.Literal();
  if (!path || path->empty()) return "COPY expects a file name in single quotes" + At(cur);
  copy->path = ExpandHome(*path);
  copy->format = DefaultFormat(copy->path);
  return "";
}

}  // namespace

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
    return std::nullopt;
  }
  return copy;
}

}  // namespace plume::frontend
