#include "engine/suggest.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <numeric>

namespace plume::engine {
namespace {

// The keywords of the subset (docs/SQL.md) that a statement misspells often enough to be worth
// a suggestion; two-letter ones (BY, AS, IN, ...) are left out: too many names are one edit
// away from them.
constexpr std::array<std::string_view, 38> kKeywords = {
    "SELECT", "FROM",    "WHERE",   "GROUP",     "ORDER",     "HAVING",   "QUALIFY",  "LIMIT",
    "OFFSET", "WITH",    "EXPLAIN", "DISTINCT",  "DESC",      "ASC",      "NULLS",    "AND",
    "NOT",    "BETWEEN", "LIKE",    "ILIKE",     "NULL",      "CASE",     "WHEN",     "THEN",
    "ELSE",   "END",     "CAST",    "OVER",      "PARTITION", "FILTER",   "INTERVAL", "TRUE",
    "FALSE",  "ROWS",    "RANGE",   "PRECEDING", "FOLLOWING", "UNBOUNDED"};

// The candidate closest to `name` when it is close enough (at most a third of the longer
// name's letters differ, at least one); "" when there is none or `name` is one of them.
template <typename Candidates>
std::string_view Closest(std::string_view name, const Candidates& candidates) {
  std::string_view best;
  std::size_t best_distance = 0;
  for (std::string_view c : candidates) {
    const std::size_t d = EditDistance(name, c);
    if (d == 0) return "";
    if (best.empty() || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  const std::size_t longer = std::max(name.size(), best.size());
  return best_distance <= std::max<std::size_t>(1, longer / 3) ? best : "";
}

}  // namespace

std::size_t EditDistance(std::string_view a, std::string_view b) {
  // Three rows of the optimal-string-alignment table: i-2, i-1 and i.
  std::vector<std::size_t> before(b.size() + 1), last(b.size() + 1), row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    before.swap(last);
    last.swap(row);
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({last[j] + 1, row[j - 1] + 1, last[j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        row[j] = std::min(row[j], before[j - 2] + 1);  // two neighbours swapped: one edit
      }
    }
  }
  return row[b.size()];
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string_view best = Closest(name, candidates);
  return best.empty() ? "" : " (did you mean '" + std::string(best) + "'?)";
}

std::string MisspeltKeyword(std::string_view word) {
  if (word.size() < 3) return "";
  std::string upper(word);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return std::string(Closest(upper, kKeywords));
}

std::string Quoted(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) out.append(c == quote ? 2 : 1, c);
  return out + quote;
}

std::string SingleQuoteHint(std::string_view name) {
  return " (double quotes make a column name: use single quotes for a string literal, " +
         Quoted(name, '\'') + ")";
}

}  // namespace plume::engine
