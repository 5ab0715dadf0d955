// "Did you mean" suggestions and hints for names and words an error is about: columns, the
// table, functions, keywords, a string written in double quotes. Used by the binder and the
// parser, and by the front end for the statements it answers itself (DESCRIBE, SUMMARIZE, \d).
// Pure; never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace plume::engine {

// Edit distance between a and b (case-sensitive): insertions, deletions, substitutions and
// swaps of two neighbours ("coutn" is one edit from "count"), each one edit.
std::size_t EditDistance(std::string_view a, std::string_view b);

// " (did you mean 'x'?)" for the candidate closest to `name` when it is close enough (at most
// a third of the longer name's letters differ, at least one), else "".
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

// The SQL keyword (upper case) that `word` misspells, compared without case: "selec" ->
// "SELECT", "wher" -> "WHERE"; "" when `word` is a keyword itself, shorter than 3 letters or
// close to none.
std::string MisspeltKeyword(std::string_view word);

// The hint for a column name written in double quotes that names no column, most likely a
// string meant as a literal (`parameter = "PM2.5"`): " (double quotes make a column name: use
// single quotes for a string literal, 'PM2.5')". `name` is the name without its quotes; a
// quote in it is doubled in the literal shown.
std::string SingleQuoteHint(std::string_view name);

// `text` between two `quote` characters, each `quote` inside doubled, as SQL writes a string
// ('it''s') or a quoted name ("a""b").
std::string Quoted(std::string_view text, char quote);

}  // namespace plume::engine
