// The model behind the synthetic AirNow-like data set: ~1,400 fixed sites around US metro
// areas, the real parameter shares and units, missing-value rates measured on the real files,
// an ozone diurnal cycle, smoke episodes (multi-day PM2.5/PM10 spikes, mostly in the west, up
// to several thousand UG/M3), and AQI/category from the EPA breakpoints. Every value is a pure
// function of (seed, pair, hour) through a counter-based hash, so any row range can be
// generated on its own: this is what lets the writer stream partitions in any order.
// Not thread-safe (it caches the current season's smoke weights).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/table.h"

namespace plume::preprocess {

inline constexpr std::size_t kSyntheticParameters = 6;

class SyntheticModel {
 public:
  explicit SyntheticModel(std::uint64_t seed);

  // (site, parameter) pairs reporting every hour, in the real files' order (by longitude).
  std::size_t pairs_per_hour() const { return pairs_.size(); }
  // Positions (in the hour's order) of the pairs of the parameter with sorted code `param`.
  const std::vector<std::uint32_t>& PairsOf(std::size_t param) const { return by_param_[param]; }
  // Sorted dictionaries of the string columns, in schema order.
  std::vector<std::vector<std::string>> Dictionaries() const;
  std::size_t sites() const { return sites_.size(); }

  // Start of the hour with index `hour`: odd UTC hours from 2020-08-10T01:00, skipping
  // Aug 11-13 like the real files, and continuing past 2020-09-24 for larger data sets.
  static std::int64_t HourUtc(std::uint64_t hour);

  // Appends the row of pair `pair` (a position in the hour) at hour `hour` to `out`
  // (measurements columns, string columns as codes into Dictionaries(), full valid vectors).
  void AppendRow(std::uint32_t pair, std::uint64_t hour, engine::Table* out);

 private:
  struct Site {
    double latitude, longitude;
    double base;                         // site factor for background levels
    std::array<std::uint32_t, 4> codes;  // site_name, agency, aqs_id, full_aqs_id
  };
  struct Pair {
    std::uint32_t site;
    std::uint32_t param;  // sorted parameter code
    double level;         // typical value of this pair
  };
  struct Episode {
    double lat, lon, radius, peak, start_h, length_h;
  };

  void BuildSites();
  void BuildPairs();
  double Smoke(std::uint32_t site, std::uint64_t hour);
  double Value(const Pair& p, std::uint64_t hour, double local_hour, double smoke) const;

  std::uint64_t seed_;
  std::vector<Site> sites_;
  std::vector<Pair> pairs_;
  std::array<std::vector<std::uint32_t>, kSyntheticParameters> by_param_;
  std::array<std::vector<std::string>, 4> site_dicts_;  // site_name, agency, aqs, full_aqs
  std::uint64_t season_ = ~0ULL;
  std::vector<Episode> episodes_;
  std::vector<std::vector<double>> weights_;  // [site][episode] spatial weight, this season
};

// The AQI of a concentration (EPA breakpoints, extrapolated past the top); -1 for CO/unknown.
std::int64_t AqiOf(std::size_t sorted_param, double concentration);
// The category 1-6 of an AQI.
std::int64_t CategoryOf(std::int64_t aqi);

}  // namespace plume::preprocess
