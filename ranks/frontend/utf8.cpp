#include "ranks/frontend/utf8.h"

#include <cstdio>

#include "engine/row_text.h"

namespace plume::frontend {
namespace {

void AppendHexByte(std::string& out, const char* prefix, unsigned char c) {
  char buf[12];
  std::snprintf(buf, sizeof buf, "%s%02x", prefix, c);
  out.append(buf);
}

}  // namespace

std::size_t Utf8Length(std::string_view s, std::size_t i) {
  return engine::Utf8SequenceLength(s, i);
}

std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = Utf8Length(s, i);
    if (n == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD
      ++i;
    } else if (s[i] == '\0') {
      out.append("\\0");
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string VisibleText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = Utf8Length(s, i);
    if (c == '\n' || c == '\r' || c == '\t') {
      out.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
    } else if (n == 0 || c < 0x20 || c == 0x7F) {
      AppendHexByte(out, "\\x", c);
      n = 1;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      AppendHexByte(out, "\\u00", static_cast<unsigned char>(s[i + 1]));  // C1 control
    } else {
      out.append(s.substr(i, n));
    }
    i += n == 0 ? 1 : n;
  }
  return out;
}

}  // namespace plume::frontend
