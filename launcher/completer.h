// What Tab completes at the prompt, from the text before the cursor: meta commands after a
// leading '\', file names after \output (\o), \i and \chart and in the quoted file of
// COPY ... TO '...', nothing inside another '...' string literal, else the words rank 0 sent
// (table, columns, functions, keywords; matched ignoring case, keywords given in the case the
// user types). Reads directories for file names; never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace plume::launcher {

struct Completion {
  std::size_t start = 0;                // where the word being completed starts
  std::vector<std::string> candidates;  // replacements for line[start, cursor), sorted
  bool file = false;                    // candidates are paths ("/" ends a directory)
};

class Completer {
 public:
  void SetWords(std::vector<std::string> words) { words_ = std::move(words); }
  Completion Complete(std::string_view before_cursor) const;

 private:
  std::vector<std::string> words_;
};

// The longest common prefix of the candidates ("" for none).
std::string CommonPrefix(const std::vector<std::string>& candidates);

}  // namespace plume::launcher
