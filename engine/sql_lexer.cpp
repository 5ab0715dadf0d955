#include "engine/sql_lexer.h"

#include <cctype>

#include "engine/query.h"

namespace plume::engine {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads a quoted token starting at sql[i] == quote; a doubled quote stands for one.
std::size_t ReadQuoted(std::string_view sql, std::size_t i, char quote, std::string* out) {
  const std::size_t start = i++;
  while (i < sql.size()) {
    if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        out->push_back(quote);
        i += 2;
        continue;
      }
      return i + 1;
    }
    out->push_back(sql[i++]);
  }
  throw SqlError(quote == '\'' ? "unterminated string literal" : "unterminated quoted identifier",
                 start + 1);
}

std::size_t ReadNumber(std::string_view sql, std::size_t i) {
  const std::size_t start = i;
  while (i < sql.size() && IsDigit(sql[i])) ++i;
  if (i < sql.size() && sql[i] == '.') {
    ++i;
    while (i < sql.size() && IsDigit(sql[i])) ++i;
  }
  if (i < sql.size() && (sql[i] == 'e' || sql[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < sql.size() && (sql[j] == '+' || sql[j] == '-')) ++j;
    if (j < sql.size() && IsDigit(sql[j])) {
      i = j;
      while (i < sql.size() && IsDigit(sql[i])) ++i;
    }
  }
  if (i < sql.size() && IsIdentChar(sql[i])) {
    throw SqlError(
        std::string("malformed number '") + std::string(sql.substr(start, i + 1 - start)) + "...'",
        start + 1);
  }
  return i;
}

std::size_t SymbolLength(std::string_view sql, std::size_t i) {
  const std::string_view two = sql.substr(i, 2);
  if (two == "<>" || two == "!=" || two == "<=" || two == ">=" || two == "//" || two == "||" ||
      two == "::" || two == "==") {
    return 2;
  }
  static constexpr std::string_view kSingles = "=<>(),*;.-+/%";
  return kSingles.find(sql[i]) == std::string_view::npos ? 0 : 1;
}

// A character outside the language: name the DuckDB construct it starts, when there is one.
std::string UnexpectedCharacter(std::string_view sql, std::size_t i) {
  const char c = sql[i];
  const std::string_view two = sql.substr(i, 2);
  if (c == '[' || c == ']') return "unsupported: lists, arrays and subscripts ('[')";
  if (c == '{' || c == '}') return "unsupported: STRUCT and MAP literals ('{')";
  if (c == '$' || c == '?')
    return "unsupported: prepared-statement parameters ('" + std::string(1, c) + "')";
  if (c == '#') return "unsupported: positional column references ('#1'); write the column's name";
  if (two == ":=") return "unsupported: named arguments (':=')";
  if (std::string_view("^~&|@!:").find(c) != std::string_view::npos) {
    return "unsupported operator '" + std::string(1, c) + "'" +
           (c == '^'   ? " (write power(x, y))"
            : c == '~' ? " (write regexp_matches(s, re))"
                       : "");
  }
  return std::string("unexpected character '") + c + "'";
}

}  // namespace

std::vector<Token> Tokenize(std::string_view sql) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (sql.substr(i, 2) == "--") {
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    Token t;
    t.pos = i + 1;
    std::size_t end;
    if (IsIdentStart(c)) {
      end = i;
      while (end < sql.size() && IsIdentChar(sql[end])) ++end;
      t.kind = TokenKind::kIdent;
      for (std::size_t k = i; k < end; ++k) {
        t.text.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(sql[k]))));
      }
    } else if (c == '\'' || c == '"') {
      end = ReadQuoted(sql, i, c, &t.text);
      t.kind = c == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent;
    } else if (IsDigit(c) || (c == '.' && i + 1 < sql.size() && IsDigit(sql[i + 1]))) {
      end = ReadNumber(sql, i);
      t.kind = TokenKind::kNumber;
      t.text = std::string(sql.substr(i, end - i));
    } else if (sql.substr(i, 2) == "->") {
      throw SqlError("unsupported: lambda functions and the -> operator", i + 1);
    } else if (const std::size_t n = SymbolLength(sql, i); n > 0) {
      end = i + n;
      t.kind = TokenKind::kSymbol;
      t.text = std::string(sql.substr(i, n));
      if (t.text == "!=") t.text = "<>";
      if (t.text == "==") t.text = "=";
    } else {
      throw SqlError(UnexpectedCharacter(sql, i), i + 1);
    }
    t.raw = sql.substr(i, end - i);
    tokens.push_back(std::move(t));
    i = end;
  }
  Token eof;
  eof.pos = sql.size() + 1;
  tokens.push_back(eof);
  return tokens;
}

}  // namespace plume::engine
