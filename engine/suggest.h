// "Did you mean" suggestions for unknown names (columns, the table, functions). Private to
// engine/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace plume::engine {

// Levenshtein distance between a and b (case-sensitive).
std::size_t EditDistance(std::string_view a, std::string_view b);

// " (did you mean 'x'?)" for the candidate closest to `name` when it is close enough (at most
// a third of the longer name's letters differ, at least one), else "".
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace plume::engine
