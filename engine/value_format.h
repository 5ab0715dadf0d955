// Text forms of values, shared by the CSV reader's round-trip tests and every output format.
// Doubles print as DuckDB's CAST(x AS VARCHAR): the shortest digits that read back to the same
// double, in fixed notation when the decimal exponent is within -4 .. 15 (with ".0" when it has no
// fraction: DuckDB prints DOUBLE 17.0 as 17.0, 1.5e10 as 15000000000.0, 0.0001 as 0.0001; the
// AirNow files write -119.0), else scientific (1.5e+16, 1e-05); "inf", "-inf", "nan". So every
// number of the source comes back as the text it had.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace plume::engine {

__extension__ typedef __int128 Int128;  // as in table.h

// Appends the text of `v` to `out`.
void AppendDouble(std::string& out, double v);
void AppendInt(std::string& out, std::int64_t v);
// A DECIMAL of scale `scale` held as `units` (value * 10^scale), as DuckDB prints it: every
// digit of the scale, a 0 before the point ("1.50", "-0.05", "0.00") unless the type has no
// integer digits (DECIMAL(1,1): ".5", as DuckDB).
void AppendDecimal(std::string& out, std::int64_t units, int scale, bool leading_zero = true);
// The same for 128-bit units (a DECIMAL of width 19-38, up to 38 digits).
void AppendWideDecimal(std::string& out, Int128 units, int scale, bool leading_zero = true);
// The digits of a 128-bit integer ("-170141183460469231731687303715884105728" at the least).
void AppendWideInt(std::string& out, Int128 v);
// utc seconds -> "YYYY-MM-DDTHH:MM" (seconds appended as ":SS" only when non-zero).
void AppendTimestamp(std::string& out, std::int64_t seconds);

// days since 1970-01-01 -> "YYYY-MM-DD".
void AppendDate(std::string& out, std::int64_t days);

// Parses the time forms the SQL layer and the CSV reader accept: "YYYY-MM-DDTHH:MM",
// "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS", "YYYY-MM-DD" (midnight).
// Returns false (and leaves *seconds alone) on anything else, including out-of-range fields.
bool ParseTimestamp(std::string_view text, std::int64_t* seconds);

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d);

}  // namespace plume::engine
