#include "engine/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace plume::engine {
namespace {

struct CasePair {
  char32_t from, to;
};

constexpr CasePair kLower[] = {
#include "engine/utf8_lower_table.inc"
};
constexpr CasePair kUpper[] = {
#include "engine/utf8_upper_table.inc"
};

// c's mapping in a sorted table of pairs, c itself when it has none.
template <std::size_t N>
char32_t MapIn(const CasePair (&table)[N], char32_t c) {
  const CasePair* it = std::lower_bound(std::begin(table), std::end(table), c,
                                        [](const CasePair& p, char32_t x) { return p.from < x; });
  return it != std::end(table) && it->from == c ? it->to : c;
}

char32_t LowerOf(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  return MapIn(kLower, c);
}

char32_t UpperOf(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
  return MapIn(kUpper, c);
}

// The code point of the well-formed sequence at s[at..), and its length in *len; 0 bytes in *len
// when the bytes there are not one (overlong forms, surrogates and values beyond U+10FFFF are not).
char32_t DecodeAt(std::string_view s, std::size_t at, std::size_t* len) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[at + k]); };
  const unsigned char b = byte(0);
  std::size_t n = 0;
  char32_t c = 0, least = 0;
  if (b < 0x80) {
    *len = 1;
    return b;
  } else if ((b & 0xE0) == 0xC0) {
    n = 2, c = b & 0x1F, least = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3, c = b & 0x0F, least = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4, c = b & 0x07, least = 0x10000;
  }
  *len = 0;
  if (n == 0 || at + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    c = (c << 6) | (byte(k) & 0x3F);
  }
  if (c < least || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *len = n;
  return c;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace

bool IsAscii(std::string_view s) {
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    high |= w;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ULL) == 0;
}

std::u32string Utf8Decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t at = 0; at < s.size();) {
    std::size_t len = 0;
    const char32_t c = DecodeAt(s, at, &len);
    if (len == 0) {
      out.push_back(0x110000 + static_cast<unsigned char>(s[at]));
      ++at;
    } else {
      out.push_back(c);
      at += len;
    }
  }
  return out;
}

namespace {

// s with every code point replaced by map(c); malformed bytes copied as they are.
template <typename Map>
std::string MapCodePoints(std::string_view s, Map map) {
  std::string out(s);
  if (IsAscii(s)) {
    for (char& c : out) c = static_cast<char>(map(static_cast<unsigned char>(c)));
    return out;
  }
  out.clear();
  for (std::size_t at = 0; at < s.size();) {
    std::size_t len = 0;
    const char32_t c = DecodeAt(s, at, &len);
    if (len == 0) {
      out.push_back(s[at]);
      ++at;
    } else {
      AppendUtf8(map(c), &out);
      at += len;
    }
  }
  return out;
}

}  // namespace

std::string Utf8Lower(std::string_view s) { return MapCodePoints(s, LowerOf); }

std::string Utf8Upper(std::string_view s) { return MapCodePoints(s, UpperOf); }

}  // namespace plume::engine
