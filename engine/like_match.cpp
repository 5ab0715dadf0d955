// LikeMatch in time linear in the text: the pattern is split at '%' into segments, and each
// segment is matched at its leftmost place after the previous one (greedy leftmost is exact when
// '%' is the only multi-character wildcard). The first segment is anchored at the start, the last
// at the end. A segment without '_' is found by Knuth-Morris-Pratt (O(text + segment)); one with
// '_' by a bit-parallel shift-and over 64-bit words (O(text * ceil(segment / 64))). No
// backtracking, so 1,000 '%'-separated parts against a 10 MB string, or a 1 MB pattern of '%', run
// in one pass.
#include <cstdint>
#include <vector>

#include "engine/filter.h"

namespace plume::engine {
namespace {

bool SegmentAt(std::string_view text, std::size_t at, std::string_view seg) {
  if (at + seg.size() > text.size()) return false;
  for (std::size_t k = 0; k < seg.size(); ++k) {
    if (seg[k] != '_' && seg[k] != text[at + k]) return false;
  }
  return true;
}

// The end of the leftmost occurrence of `seg` (no '_') in text[from..), or npos.
std::size_t FindKmp(std::string_view text, std::size_t from, std::string_view seg) {
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
  return std::string_view::npos;
}

// The same for a segment with '_' (any byte): shift-and, bit j of the state = seg[0..j] matches
// the text ending here.
std::size_t FindShiftAnd(std::string_view text, std::size_t from, std::string_view seg) {
  const std::size_t words = (seg.size() + 63) / 64;
  std::vector<std::uint64_t> masks(256 * words, 0), state(words, 0);
  for (std::size_t j = 0; j < seg.size(); ++j) {
    const std::uint64_t bit = std::uint64_t{1} << (j % 64);
    for (int c = 0; c < 256; ++c) {
      if (seg[j] == '_' || static_cast<unsigned char>(seg[j]) == c)
        masks[c * words + j / 64] |= bit;
    }
  }
  const std::size_t top_word = (seg.size() - 1) / 64;
  const std::uint64_t top_bit = std::uint64_t{1} << ((seg.size() - 1) % 64);
  for (std::size_t t = from; t < text.size(); ++t) {
    const std::uint64_t* m = &masks[static_cast<unsigned char>(text[t]) * words];
    std::uint64_t carry = 1;  // a match may start at every byte
    for (std::size_t w = 0; w < words; ++w) {
      const std::uint64_t next_carry = state[w] >> 63;
      state[w] = ((state[w] << 1) | carry) & m[w];
      carry = next_carry;
    }
    if (state[top_word] & top_bit) return t + 1;
  }
  return std::string_view::npos;
}

std::size_t FindSegment(std::string_view text, std::size_t from, std::string_view seg) {
  if (seg.empty()) return from;
  return seg.find('_') == std::string_view::npos ? FindKmp(text, from, seg)
                                                 : FindShiftAnd(text, from, seg);
}

}  // namespace

bool LikeMatch(std::string_view text, std::string_view pattern) {
  const std::size_t first = pattern.find('%');
  if (first == std::string_view::npos) {
    return pattern.size() == text.size() && SegmentAt(text, 0, pattern);
  }
  const std::string_view head = pattern.substr(0, first);
  if (!SegmentAt(text, 0, head)) return false;
  const std::size_t last = pattern.rfind('%');
  const std::string_view tail = pattern.substr(last + 1);
  std::size_t pos = head.size();
  for (std::size_t p = first; p < last;) {  // the middle segments, leftmost each
    const std::size_t q = pattern.find('%', p + 1);
    pos = FindSegment(text, pos, pattern.substr(p + 1, q - p - 1));
    if (pos == std::string_view::npos) return false;
    p = q;
  }
  return tail.size() <= text.size() - pos && SegmentAt(text, text.size() - tail.size(), tail);
}

}  // namespace plume::engine
