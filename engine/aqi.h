// The U.S. EPA Air Quality Index: breakpoint tables, truncation and categories as in force in
// 2020 (EPA 454/B-18-007, "Technical Assistance Document for the Reporting of Daily Air Quality -
// the Air Quality Index (AQI)", September 2018; PM2.5 breakpoints of 2012). The SQL functions
// aqi(), aqi_category() and aqi_category_name() evaluate through this header, and the NowCast
// window function can share its pollutant names, units and truncation. docs/SQL.md has the tables.
//
// Concentrations are in the units AirNow's hourly files use for each parameter (PM2.5, PM10:
// ug/m3; OZONE, NO2, SO2: ppb; CO: ppm), not in the ppm of EPA's ozone table (1 ppb = 0.001 ppm,
// which is also EPA's truncation step for ozone). Pure functions: no state, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace plume::engine {

enum class Pollutant : std::uint8_t { kPm25, kPm10, kOzone, kNo2, kSo2, kCo };

// AirNow's parameter name ('PM2.5', 'PM10', 'OZONE', 'NO2', 'SO2', 'CO'; ASCII case ignored);
// nullopt for any other.
std::optional<Pollutant> PollutantOf(std::string_view parameter);

// One row of a breakpoint table: concentrations lo..hi (inclusive, in steps of the table's
// truncation unit, i.e. as integers of 10^-decimals) map linearly onto AQI aqi_lo..aqi_hi.
struct AqiBreakpoint {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::int64_t aqi_lo = 0;
  std::int64_t aqi_hi = 0;
};

struct AqiTable {
  std::string_view unit;  // AirNow's unit: "UG/M3", "PPB", "PPM"
  int decimals = 0;       // EPA's truncation: to 10^-decimals of the unit
  std::span<const AqiBreakpoint> rows;
};

const AqiTable& AqiTableOf(Pollutant p);

// The concentration truncated to 10^-decimals, as an integer count of that step (toward zero,
// reading a double as the shortest decimal that prints it: 35.9 truncates to 359 at one
// decimal, never to 358).
std::int64_t TruncateConcentration(double c, int decimals);

// EPA's equation: Ip = (IHi - ILo) / (BPHi - BPLo) * (Cp - BPLo) + ILo over the truncated
// concentration, rounded to the nearest integer (halves up), computed exactly in integers.
// nullopt below the table (a concentration that truncates below 0: -1.0 ppb has none, -0.9 ppb
// truncates to 0 and has AQI 0, as AirNow's rows), and for NaN. Past the table's last row the
// last row's line is extended (AirNow's values above 500 in this data). Throws
// std::runtime_error for infinities and concentrations beyond 1e12 of the unit.
std::optional<std::int64_t> AqiOf(Pollutant p, double concentration);

// EPA's category of an AQI value: 1 Good (0-50), 2 Moderate (51-100), 3 Unhealthy for Sensitive
// Groups (101-150), 4 Unhealthy (151-200), 5 Very Unhealthy (201-300), 6 Hazardous (301 and
// above). Throws std::runtime_error for a negative AQI.
int AqiCategory(std::int64_t aqi);
std::string_view AqiCategoryName(int category);  // 1..6

}  // namespace plume::engine
