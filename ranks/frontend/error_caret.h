// The statement line with a caret under an error's position, as DuckDB and psql show it:
//   LINE 1: SELECT site_nme FROM measurements
//                  ^
// Pure; never throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace plume::frontend {

// `position` is 1-based in bytes of `sql` (engine::SqlError::position). The line holding it is
// shown (cut to about 100 characters around the position, with "..."), control characters and
// invalid UTF-8 escaped (utf8.h); the caret counts characters, not bytes. Two lines, no
// trailing newline; empty when position is 0 or past the end.
std::string CaretLines(std::string_view sql, std::size_t position);

}  // namespace plume::frontend
