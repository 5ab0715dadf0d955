// EPA AQI breakpoint tables (EPA 454/B-18-007, Table 5) and the exact integer equation.
#include "engine/aqi.h"

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace plume::engine {
namespace {

// PM2.5 24-hour, ug/m3 to 0.1 (the 2012 breakpoints).
constexpr std::array<AqiBreakpoint, 7> kPm25 = {{{0, 120, 0, 50},
                                                 {121, 354, 51, 100},
                                                 {355, 554, 101, 150},
                                                 {555, 1504, 151, 200},
                                                 {1505, 2504, 201, 300},
                                                 {2505, 3504, 301, 400},
                                                 {3505, 5004, 401, 500}}};
// PM10 24-hour, ug/m3 to 1.
constexpr std::array<AqiBreakpoint, 7> kPm10 = {{{0, 54, 0, 50},
                                                 {55, 154, 51, 100},
                                                 {155, 254, 101, 150},
                                                 {255, 354, 151, 200},
                                                 {355, 424, 201, 300},
                                                 {425, 504, 301, 400},
                                                 {505, 604, 401, 500}}};
// Ozone, ppb to 1 (EPA: ppm to 0.001). The 8-hour table up to 200 ppb (AQI 300): AirNow's
// hourly ozone AQI is from the NowCast, an 8-hour-like average. EPA: 8-hour values do not define
// AQI 301 and above, which come from the 1-hour table (405-604 ppb); between the two the AQI stays
// at 300 (the 1-hour table's 205-404 row is the same 201-300 band).
constexpr std::array<AqiBreakpoint, 8> kOzone = {{{0, 54, 0, 50},
                                                  {55, 70, 51, 100},
                                                  {71, 85, 101, 150},
                                                  {86, 105, 151, 200},
                                                  {106, 200, 201, 300},
                                                  {201, 404, 300, 300},
                                                  {405, 504, 301, 400},
                                                  {505, 604, 401, 500}}};
// NO2 1-hour, ppb to 1.
constexpr std::array<AqiBreakpoint, 7> kNo2 = {{{0, 53, 0, 50},
                                                {54, 100, 51, 100},
                                                {101, 360, 101, 150},
                                                {361, 649, 151, 200},
                                                {650, 1249, 201, 300},
                                                {1250, 1649, 301, 400},
                                                {1650, 2049, 401, 500}}};
// SO2, ppb to 1: the 1-hour table up to AQI 200, then EPA's 24-hour rows (1-hour SO2 does not
// define AQI 201 and above).
constexpr std::array<AqiBreakpoint, 7> kSo2 = {{{0, 35, 0, 50},
                                                {36, 75, 51, 100},
                                                {76, 185, 101, 150},
                                                {186, 304, 151, 200},
                                                {305, 604, 201, 300},
                                                {605, 804, 301, 400},
                                                {805, 1004, 401, 500}}};
// CO 8-hour, ppm to 0.1.
constexpr std::array<AqiBreakpoint, 7> kCo = {{{0, 44, 0, 50},
                                               {45, 94, 51, 100},
                                               {95, 124, 101, 150},
                                               {125, 154, 151, 200},
                                               {155, 304, 201, 300},
                                               {305, 404, 301, 400},
                                               {405, 504, 401, 500}}};

const std::array<AqiTable, 6> kTables = {{{"UG/M3", 1, kPm25},
                                          {"UG/M3", 0, kPm10},
                                          {"PPB", 0, kOzone},
                                          {"PPB", 0, kNo2},
                                          {"PPB", 0, kSo2},
                                          {"PPM", 1, kCo}}};

constexpr std::array<std::string_view, 6> kNames = {"PM2.5", "PM10", "OZONE", "NO2", "SO2", "CO"};

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (std::toupper(x) != std::toupper(y)) return false;
  }
  return true;
}

constexpr double kMaxConcentration = 1e12;

}  // namespace

std::optional<Pollutant> PollutantOf(std::string_view parameter) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (SameIgnoringCase(parameter, kNames[i])) return static_cast<Pollutant>(i);
  }
  return std::nullopt;
}

const AqiTable& AqiTableOf(Pollutant p) { return kTables.at(static_cast<std::size_t>(p)); }

std::int64_t TruncateConcentration(double c, int decimals) {
  const double step = std::pow(10.0, decimals);
  const double a = std::fabs(c);
  auto t = static_cast<std::int64_t>(std::floor(a * step));
  // a * step may round across an integer: the decimal t / step is what the text of a says when
  // the double nearest to it is <= a (a division of two exact integers is correctly rounded).
  if (static_cast<double>(t + 1) / step <= a) ++t;
  if (t > 0 && static_cast<double>(t) / step > a) --t;
  return c < 0 ? -t : t;
}

std::optional<std::int64_t> AqiOf(Pollutant p, double concentration) {
  if (std::isnan(concentration)) return std::nullopt;
  if (!(std::fabs(concentration) <= kMaxConcentration)) {
    throw std::runtime_error("aqi(): concentration " + std::to_string(concentration) +
                             " is out of range (at most 1e12)");
  }
  const AqiTable& table = AqiTableOf(p);
  const std::int64_t c = TruncateConcentration(concentration, table.decimals);
  if (c < 0) return std::nullopt;  // below the table (-0.9 ppb truncates to 0, -1.0 does not)
  const AqiBreakpoint* row = &table.rows.back();
  for (const AqiBreakpoint& r : table.rows) {
    if (c <= r.hi) {
      row = &r;
      break;
    }
  }
  // Between two rows (e.g. 12.05 truncates to 12.0, never falls between 12.0 and 12.1) c is
  // always in a row: rows are contiguous in truncation steps.
  const std::int64_t num = (row->aqi_hi - row->aqi_lo) * (c - row->lo);
  const std::int64_t den = row->hi - row->lo;
  return row->aqi_lo + (den == 0 ? 0 : (2 * num + den) / (2 * den));
}

int AqiCategory(std::int64_t aqi) {
  if (aqi < 0) {
    throw std::runtime_error("aqi_category(): AQI " + std::to_string(aqi) + " is negative");
  }
  constexpr std::array<std::int64_t, 5> kTop = {50, 100, 150, 200, 300};
  for (std::size_t i = 0; i < kTop.size(); ++i) {
    if (aqi <= kTop[i]) return static_cast<int>(i) + 1;
  }
  return 6;
}

std::string_view AqiCategoryName(int category) {
  constexpr std::array<std::string_view, 6> kCategory = {
      "Good",      "Moderate",       "Unhealthy for Sensitive Groups",
      "Unhealthy", "Very Unhealthy", "Hazardous"};
  return kCategory.at(static_cast<std::size_t>(category - 1));
}

}  // namespace plume::engine
