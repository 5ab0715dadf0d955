// Conversions of single values with DuckDB's cast rules, shared by the binder (literals) and the
// CAST kernel (expr_cast.cpp). Each returns false when the value does not convert. Private to
// engine/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace plume::engine {

// VARCHAR -> BIGINT: surrounding spaces, a sign, digits with single '_' separators, a fraction
// and an exponent (rounded half away from zero, exactly), or 0x / 0b prefixed digits.
bool StringToInt(std::string_view text, std::int64_t* out);
// VARCHAR -> HUGEINT: as StringToInt's, without 0x / 0b (DuckDB rejects them for INT128);
// false beyond INT128.
__extension__ typedef __int128 Int128;  // as in table.h
bool StringToHugeint(std::string_view text, Int128* out);
// VARCHAR -> UBIGINT: as StringToInt's (0x / 0b too) or, beyond BIGINT, StringToHugeint's;
// false outside 0 .. 2^64-1.
bool StringToUbigint(std::string_view text, Int128* out);
// Whether an integer literal's digits (a '-' first when the parser negated it) are a DOUBLE, as
// DuckDB reads them: beyond HUGEINT, except a positive one below 2^128 (DuckDB's UHUGEINT,
// which plume does not have). *out gets the DOUBLE.
bool IntegerLiteralIsDouble(std::string_view text, double* out);
// The floor of a decimal number written in `text` (digits, '.', exponent), exactly, and whether
// it has a non-zero fraction: "50.99999999999999999999" -> 50, true. False when the text is not
// a number or the floor does not fit BIGINT.
bool DecimalFloor(std::string_view text, std::int64_t* floor, bool* fraction);
// VARCHAR -> DOUBLE: as strtod plus '_' separators, 'inf', 'infinity', 'nan' (any case);
// overflow gives +-inf, underflow 0.
bool StringToDouble(std::string_view text, double* out);
// VARCHAR -> BOOLEAN: true/t/yes/y/1, false/f/no/n/0 (any case).
bool StringToBool(std::string_view text, bool* out);
// VARCHAR -> DECIMAL(width, scale): a decimal number (as StringToInt's, without 0x/0b) rounded
// half away from zero to `scale` digits, as units (value * 10^scale, up to 38 digits); false
// when it is not a number or does not fit the width.
bool StringToDecimal(std::string_view text, int width, int scale, Int128* units);
// DOUBLE -> BIGINT: round half to even; false when out of range or NaN.
bool DoubleToInt(double d, std::int64_t* out);
// DuckDB's VARCHAR form of a TIMESTAMP: "YYYY-MM-DD HH:MM:SS".
void AppendTimestampText(std::string& out, std::int64_t seconds);
// Days since 1970-01-01 of the day that holds `seconds` (floor: before 1970 too).
inline std::int64_t DayOf(std::int64_t seconds) {
  return seconds / 86400 - (seconds % 86400 < 0 ? 1 : 0);
}

}  // namespace plume::engine
