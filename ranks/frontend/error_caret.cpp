#include "ranks/frontend/error_caret.h"

#include "ranks/frontend/utf8.h"

namespace plume::frontend {
namespace {

constexpr std::size_t kContext = 50;  // characters shown each side of the position

// Characters on screen: UTF-8 continuation bytes take no column.
std::size_t Columns(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte index in `s` after skipping `chars` characters from `from`.
std::size_t SkipChars(std::string_view s, std::size_t from, std::size_t chars) {
  std::size_t i = from;
  while (i < s.size() && chars > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --chars;
  }
  return i;
}

}  // namespace

std::string CaretLines(std::string_view sql, std::size_t position) {
  if (position == 0 || position > sql.size() + 1) return "";
  std::size_t at = position - 1;  // byte index (== size: just after the end)
  std::size_t nl = sql.substr(0, at).rfind('\n');
  std::size_t line_start = nl == std::string_view::npos ? 0 : nl + 1;
  std::size_t line_end = sql.find('\n', at);
  if (line_end == std::string_view::npos) line_end = sql.size();
  std::size_t line_number = 1;
  for (std::size_t i = 0; i < line_start; ++i) line_number += sql[i] == '\n';
  std::string_view line = sql.substr(line_start, line_end - line_start);
  std::size_t col = Columns(line.substr(0, at - line_start));
  std::size_t from = 0;
  std::string prefix = "LINE " + std::to_string(line_number) + ": ";
  std::string head;
  if (col > kContext) {
    from = SkipChars(line, 0, col - kContext);
    head = "...";
  }
  std::size_t to = SkipChars(line, from, 2 * kContext);
  std::string_view before = line.substr(from, at - line_start - from);
  std::string shown =
      head + VisibleText(line.substr(from, to - from)) + (to < line.size() ? "..." : "");
  std::size_t caret = prefix.size() + Columns(head) + Columns(VisibleText(before));
  return prefix + shown + "\n" + std::string(caret, ' ') + "^";
}

}  // namespace plume::frontend
