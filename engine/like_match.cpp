// LikeMatch in time linear in the text: the pattern is split at '%' into segments, and each
// segment is matched at its leftmost place after the previous one (greedy leftmost is exact when
// '%' is the only multi-character wildcard). The first segment is anchored at the start, the last
// at the end. A segment without '_' is found by Knuth-Morris-Pratt (O(text + segment)); one with
// '_' by a bit-parallel shift-and over 64-bit words (O(text * ceil(segment / 64))). No
// backtracking, so 1,000 '%'-separated parts against a 10 MB string, or a 1 MB pattern of '%', run
// in one pass.
//
// '_' is one character (code point), as DuckDB's. The same algorithm runs over bytes when that is
// the same thing (no '_' in the pattern: a byte match of UTF-8 text starts and ends at character
// boundaries; or an ASCII text) and over decoded code points otherwise.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/filter.h"
#include "engine/utf8.h"

namespace plume::engine {
namespace {

template <typename Ch>
using View = std::basic_string_view<Ch>;

template <typename Ch>
bool SegmentAt(View<Ch> text, std::size_t at, View<Ch> seg) {
  if (at + seg.size() > text.size()) return false;
  for (std::size_t k = 0; k < seg.size(); ++k) {
    if (seg[k] != Ch('_') && seg[k] != text[at + k]) return false;
  }
  return true;
}

// The end of the leftmost occurrence of `seg` (no '_') in text[from..), or npos.
template <typename Ch>
std::size_t FindKmp(View<Ch> text, std::size_t from, View<Ch> seg) {
  std::vector<std::size_t> fail(seg.size(), 0);
  for (std::size_t i = 1, k = 0; i < seg.size(); ++i) {
    while (k > 0 && seg[i] != seg[k]) k = fail[k - 1];
    if (seg[i] == seg[k]) ++k;
    fail[i] = k;
  }
  for (std::size_t t = from, k = 0; t < text.size(); ++t) {
    while (k > 0 && text[t] != seg[k]) k = fail[k - 1];
    if (text[t] == seg[k]) ++k;
    if (k == seg.size()) return t + 1;
  }
  return View<Ch>::npos;
}

// Shift-and's rows of bits, one per symbol: bit j of a row = seg[j] accepts the symbol. Bytes
// index a 256-row table with the '_' bits in every row (today's ASCII path). Code points index
// the sorted distinct literals of the segment, plus one row for every other code point; the '_'
// bits are a row of their own, or'ed in at each lookup, so building is linear in the segment.
template <typename Ch>
class SymbolMasks {
 public:
  SymbolMasks(View<Ch> seg, std::size_t words) : words_(words), wild_(words, 0) {
    if constexpr (sizeof(Ch) != 1) {
      for (Ch c : seg) {
        if (c != Ch('_')) symbols_.push_back(c);
      }
      std::sort(symbols_.begin(), symbols_.end());
      symbols_.erase(std::unique(symbols_.begin(), symbols_.end()), symbols_.end());
    }
    const std::size_t rows = sizeof(Ch) == 1 ? 256 : symbols_.size() + 1;
    rows_.assign(rows * words, 0);
    for (std::size_t j = 0; j < seg.size(); ++j) {
      const std::uint64_t bit = std::uint64_t{1} << (j % 64);
      if (seg[j] == Ch('_')) {
        wild_[j / 64] |= bit;
      } else {
        rows_[RowOf(seg[j]) * words + j / 64] |= bit;
      }
    }
    if constexpr (sizeof(Ch) == 1) {
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t w = 0; w < words; ++w) rows_[r * words + w] |= wild_[w];
      }
    }
  }
  // Word w of the row of symbol c.
  std::uint64_t Accepts(const std::uint64_t* row, std::size_t w) const {
    if constexpr (sizeof(Ch) == 1) {
      return row[w];
    } else {
      return row[w] | wild_[w];
    }
  }
  const std::uint64_t* Row(Ch c) const { return &rows_[RowOf(c) * words_]; }

 private:
  std::size_t RowOf(Ch c) const {
    if constexpr (sizeof(Ch) == 1) {
      return static_cast<unsigned char>(c);
    } else {
      const auto it = std::lower_bound(symbols_.begin(), symbols_.end(), c);
      return it != symbols_.end() && *it == c ? static_cast<std::size_t>(it - symbols_.begin())
                                              : symbols_.size();
    }
  }
  std::size_t words_;
  std::vector<std::uint64_t> wild_;
  std::vector<Ch> symbols_;
  std::vector<std::uint64_t> rows_;
};

// The same for a segment with '_' (any one symbol): shift-and, bit j of the state = seg[0..j]
// matches the text ending here.
template <typename Ch>
std::size_t FindShiftAnd(View<Ch> text, std::size_t from, View<Ch> seg) {
  const std::size_t words = (seg.size() + 63) / 64;
  const SymbolMasks<Ch> masks(seg, words);
  std::vector<std::uint64_t> state(words, 0);
  const std::size_t top_word = (seg.size() - 1) / 64;
  const std::uint64_t top_bit = std::uint64_t{1} << ((seg.size() - 1) % 64);
  for (std::size_t t = from; t < text.size(); ++t) {
    const std::uint64_t* m = masks.Row(text[t]);
    std::uint64_t carry = 1;  // a match may start at every symbol
    for (std::size_t w = 0; w < words; ++w) {
      const std::uint64_t next_carry = state[w] >> 63;
      state[w] = ((state[w] << 1) | carry) & masks.Accepts(m, w);
      carry = next_carry;
    }
    if (state[top_word] & top_bit) return t + 1;
  }
  return View<Ch>::npos;
}

template <typename Ch>
std::size_t FindSegment(View<Ch> text, std::size_t from, View<Ch> seg) {
  if (seg.empty()) return from;
  return seg.find(Ch('_')) == View<Ch>::npos ? FindKmp(text, from, seg)
                                             : FindShiftAnd(text, from, seg);
}

template <typename Ch>
bool Match(View<Ch> text, View<Ch> pattern) {
  const std::size_t first = pattern.find(Ch('%'));
  if (first == View<Ch>::npos) {
    return pattern.size() == text.size() && SegmentAt(text, 0, pattern);
  }
  const View<Ch> head = pattern.substr(0, first);
  if (!SegmentAt(text, 0, head)) return false;
  const std::size_t last = pattern.rfind(Ch('%'));
  const View<Ch> tail = pattern.substr(last + 1);
  std::size_t pos = head.size();
  for (std::size_t p = first; p < last;) {  // the middle segments, leftmost each
    const std::size_t q = pattern.find(Ch('%'), p + 1);
    pos = FindSegment(text, pos, pattern.substr(p + 1, q - p - 1));
    if (pos == View<Ch>::npos) return false;
    p = q;
  }
  return tail.size() <= text.size() - pos && SegmentAt(text, text.size() - tail.size(), tail);
}

}  // namespace

bool LikeMatch(std::string_view text, std::string_view pattern) {
  if (pattern.find('_') == std::string_view::npos || IsAscii(text)) {
    return Match<char>(text, pattern);
  }
  const std::u32string t = Utf8Decode(text), p = Utf8Decode(pattern);
  return Match<char32_t>(t, p);
}

}  // namespace plume::engine
