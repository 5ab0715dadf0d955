// Text that is safe to show and to write as JSON whatever bytes the data or a statement holds:
// UTF-8 validation, replacement of invalid bytes, and visible escapes of control characters
// for the terminal (escape injection: an ESC or BEL from the data never reaches the terminal
// as itself). Pure functions; never throw.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace plume::frontend {

// Length (1-4) of the valid UTF-8 sequence at s[i], or 0 when the bytes there are not valid
// UTF-8 (a stray continuation byte, an overlong form, a surrogate, > U+10FFFF, cut short).
std::size_t Utf8Length(std::string_view s, std::size_t i);

// `s` with each byte that is not part of valid UTF-8 replaced by U+FFFD; NUL becomes "\0" text
// so that no message is cut at it.
std::string ValidUtf8(std::string_view s);

// `s` for a terminal cell: \n \r \t as those two-character escapes, other C0 controls, DEL and
// the C1 controls (U+0080-U+009F) as \xNN / \u00NN, and bytes that are not valid UTF-8 as \xNN.
// Everything else, backslash included, is unchanged.
std::string VisibleText(std::string_view s);

}  // namespace plume::frontend
