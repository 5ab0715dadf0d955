// UTF-8 text as DuckDB reads it: characters (code points) for LIKE's '_', and the simple
// Unicode lowercase and uppercase mappings for lower(), ILIKE and upper(). Pure functions; no
// allocation but the results.
#pragma once

#include <string>
#include <string_view>

namespace plume::engine {

// True when every byte is below 0x80 (the fast paths: one byte is one character).
bool IsAscii(std::string_view s);

// s as code points. A byte that does not start a well-formed UTF-8 sequence is one unit of its
// own, 0x110000 + the byte (never equal to a code point), so malformed text still matches itself.
std::u32string Utf8Decode(std::string_view s);

// s with every code point replaced by its simple lowercase mapping (UnicodeData.txt, as DuckDB's
// lower() and ILIKE: 'É' -> 'é', 'Σ' -> 'σ', 'İ' -> 'i'; 'ß' stays): utf8_lower_table.inc.
// Malformed bytes are copied as they are.
std::string Utf8Lower(std::string_view s);

// s with every code point replaced by its simple uppercase mapping, as DuckDB's upper() (its
// utf8proc_toupper): 'é' -> 'É', 'ǆ' -> 'Ǆ', 'ᾳ' -> 'ᾼ', and 'ß' -> 'ẞ' (UnicodeData has no simple
// uppercase for it; utf8proc maps it); 'ﬀ' and 'ŉ' stay: utf8_upper_table.inc.
// Malformed bytes are copied as they are.
std::string Utf8Upper(std::string_view s);

}  // namespace plume::engine
