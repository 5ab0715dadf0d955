// Tokenizer of the SQL subset. Private to engine/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace plume::engine {

enum class TokenKind {
  kIdent,        // text is lower-cased; raw keeps the spelling
  kQuotedIdent,  // "name": text is the name, case kept
  kString,       // 'text': text is the unescaped content
  kNumber,       // raw digits as written
  kSymbol,       // = == <> != < <= > >= ( ) , * ; . - + / // % || ::
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  std::string_view raw;
  std::size_t pos = 0;  // 1-based offset of the first character

  bool Is(std::string_view symbol_or_keyword) const {
    return (kind == TokenKind::kSymbol || kind == TokenKind::kIdent) && text == symbol_or_keyword;
  }
};

// Splits `sql` into tokens ending with one kEnd token. Throws SqlError for an unterminated
// string or identifier and for characters outside the language.
std::vector<Token> Tokenize(std::string_view sql);

}  // namespace plume::engine
