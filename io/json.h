// Internal to io/: the small JSON reader and string escaping that manifest.json needs. Keeps
// number text so integers read back exactly (int64 timestamps) and doubles shortest-round-trip.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plume::io::json {

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // kNumber: the number's text; kString: the decoded string
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> members;

  // Member `key` of an object, or nullptr.
  const Value* Get(std::string_view key) const;
};

// Parses a whole document. Throws std::runtime_error("offset N: what") on malformed input.
Value Parse(std::string_view text);
// Appends `s` as a quoted JSON string.
void AppendQuoted(std::string& out, std::string_view s);

}  // namespace plume::io::json
