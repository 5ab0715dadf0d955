#include "preprocess/synthetic_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "engine/schema.h"
#include "engine/value_format.h"

namespace plume::preprocess {

namespace {

using engine::Col;

// Sorted parameter names and their units; shares of rows measured on the real files.
constexpr std::array<const char*, kSyntheticParameters> kParams = {"CO",   "NO2",   "OZONE",
                                                                   "PM10", "PM2.5", "SO2"};
constexpr std::array<const char*, 3> kUnits = {"PPB", "PPM", "UG/M3"};  // sorted
constexpr std::array<std::uint32_t, kSyntheticParameters> kUnitOf = {1, 0, 0, 2, 2, 0};
// Pairs per hour (2,263 like the real files: 1,167,525 rows / 516 hours), by parameter.
constexpr std::array<std::uint32_t, kSyntheticParameters> kPairCount = {116, 189, 928,
                                                                        244, 648, 138};
// Missing rates measured on the real files (fractions of each parameter's rows):
// concentration (with AQI and category), raw concentration alone, AQI alone.
constexpr std::array<double, kSyntheticParameters> kConcMissing = {0, 0, 0.0165, 0.0018, 0.0024, 0};
constexpr std::array<double, kSyntheticParameters> kRawMissing = {0, 0, 0.0188, 0.0040, 0.0064, 0};
constexpr std::array<double, kSyntheticParameters> kAqiMissing = {1, 0.0008, 0, 0, 0, 0.0045};
constexpr std::size_t kSites = 1400;
constexpr std::uint64_t kSeasonHours = 516;
constexpr int kEpisodes = 12;

struct Anchor {
  const char* city;
  const char* state;  // two letters
  int fips;
  double lat, lon;
};
// Metro areas the sites cluster around (more sites where the real network is dense).
constexpr Anchor kAnchors[] = {
    {"Los Angeles", "CA", 6, 34.05, -118.24},     {"San Francisco", "CA", 6, 37.77, -122.42},
    {"Sacramento", "CA", 6, 38.58, -121.49},      {"Fresno", "CA", 6, 36.74, -119.79},
    {"Redding", "CA", 6, 40.59, -122.39},         {"San Diego", "CA", 6, 32.72, -117.16},
    {"Portland", "OR", 41, 45.2, -122.68},        {"Medford", "OR", 41, 42.33, -122.87},
    {"Bend", "OR", 41, 44.06, -121.31},           {"Seattle", "WA", 53, 45.3, -122.33},
    {"Boise", "ID", 16, 43.62, -116.2},           {"Reno", "NV", 32, 39.53, -119.81},
    {"Las Vegas", "NV", 32, 36.17, -115.14},      {"Phoenix", "AZ", 4, 33.45, -112.07},
    {"Salt Lake City", "UT", 49, 40.76, -111.89}, {"Denver", "CO", 8, 39.74, -104.99},
    {"Rangely", "CO", 8, 40.09, -108.8},          {"Albuquerque", "NM", 35, 35.08, -106.65},
    {"Billings", "MT", 30, 45.2, -108.5},         {"Dallas", "TX", 48, 32.78, -96.8},
    {"Houston", "TX", 48, 29.76, -95.37},         {"San Antonio", "TX", 48, 29.42, -98.49},
    {"Oklahoma City", "OK", 40, 35.47, -97.52},   {"Kansas City", "MO", 29, 39.1, -94.58},
    {"Minneapolis", "MN", 27, 44.98, -93.27},     {"Chicago", "IL", 17, 41.88, -87.63},
    {"St. Louis", "MO", 29, 38.63, -90.2},        {"Detroit", "MI", 26, 42.33, -83.05},
    {"Indianapolis", "IN", 18, 39.77, -86.16},    {"Columbus", "OH", 39, 39.96, -83.0},
    {"Pittsburgh", "PA", 42, 40.44, -79.99},      {"Atlanta", "GA", 13, 33.75, -84.39},
    {"Nashville", "TN", 47, 36.16, -86.78},       {"Charlotte", "NC", 37, 35.23, -80.84},
    {"Raleigh", "NC", 37, 35.78, -78.64},         {"Tampa", "FL", 12, 29.5, -82.46},
    {"New Orleans", "LA", 22, 29.95, -90.07},     {"Birmingham", "AL", 1, 33.52, -86.8},
    {"Washington", "DC", 11, 38.91, -77.04},      {"Philadelphia", "PA", 42, 39.95, -75.7},
    {"Richmond", "VA", 51, 37.54, -77.44},        {"Baltimore", "MD", 24, 39.29, -76.61},
};
constexpr const char* kPlaces[] = {
    "Airport", "Downtown",     "North",  "South", "East",  "West",      "High School",      "Park",
    "Library", "Fire Station", "Valley", "Hills", "Ranch", "Reservoir", "Community Center", "Road"};

std::uint64_t Mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
std::uint64_t Hash(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0, std::uint64_t d = 0) {
  return Mix(Mix(Mix(Mix(a) ^ b) ^ c) ^ d);
}
double Uniform(std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }
double Normal(std::uint64_t h) {  // Box-Muller from one 64-bit hash
  const double u1 = (static_cast<double>(h >> 32) + 0.5) * 0x1.0p-32;
  const double u2 = static_cast<double>(h & 0xFFFFFFFFULL) * 0x1.0p-32;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}
double Round(double v, double scale) {
  const double r = std::round(v * scale) / scale;
  return r == 0 ? 0.0 : r;  // no "-0.0"
}

std::string Pad(std::uint64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llu", width, static_cast<unsigned long long>(v));
  return buf;
}

std::uint32_t CodeOf(const std::vector<std::string>& dict, const std::string& s) {
  return static_cast<std::uint32_t>(std::lower_bound(dict.begin(), dict.end(), s) - dict.begin());
}

// EPA breakpoints: {concentration low, high, AQI low, high} per segment.
struct Segment {
  double c_lo, c_hi, i_lo, i_hi;
};
const std::vector<Segment>& Breakpoints(std::size_t param) {
  static const std::array<std::vector<Segment>, kSyntheticParameters> kTable = {{
      {},  // CO: AirNow files carry no AQI for CO
      {{0, 53, 0, 50},
       {54, 100, 51, 100},
       {101, 360, 101, 150},
       {361, 649, 151, 200},
       {650, 1249, 201, 300}},
      {{0, 54, 0, 50},
       {55, 70, 51, 100},
       {71, 85, 101, 150},
       {86, 105, 151, 200},
       {106, 200, 201, 300}},
      {{0, 54, 0, 50},
       {55, 154, 51, 100},
       {155, 254, 101, 150},
       {255, 354, 151, 200},
       {355, 424, 201, 300},
       {425, 504, 301, 400},
       {505, 604, 401, 500}},
      {{0, 12, 0, 50},
       {12.1, 35.4, 51, 100},
       {35.5, 55.4, 101, 150},
       {55.5, 150.4, 151, 200},
       {150.5, 250.4, 201, 300},
       {250.5, 350.4, 301, 400},
       {350.5, 500.4, 401, 500}},
      {{0, 35, 0, 50}, {36, 75, 51, 100}, {76, 185, 101, 150}, {186, 304, 151, 200}},
  }};
  return kTable[param];
}

}  // namespace

std::int64_t AqiOf(std::size_t param, double c) {
  if (param >= kSyntheticParameters || Breakpoints(param).empty()) return -1;
  const std::vector<Segment>& segs = Breakpoints(param);
  c = std::max(c, 0.0);
  const Segment* s = &segs.back();  // past the top: extrapolate the last segment
  for (const Segment& seg : segs) {
    if (c <= seg.c_hi) {
      s = &seg;
      break;
    }
  }
  const double aqi = s->i_lo + (s->i_hi - s->i_lo) / (s->c_hi - s->c_lo) * (c - s->c_lo);
  return std::max<std::int64_t>(0, std::llround(aqi));
}

std::int64_t CategoryOf(std::int64_t aqi) {
  if (aqi <= 50) return 1;
  if (aqi <= 100) return 2;
  if (aqi <= 150) return 3;
  if (aqi <= 200) return 4;
  if (aqi <= 300) return 5;
  return 6;
}

SyntheticModel::SyntheticModel(std::uint64_t seed) : seed_(seed) {
  BuildSites();
  BuildPairs();
}

void SyntheticModel::BuildSites() {
  constexpr std::size_t kAnchorCount = std::size(kAnchors);
  std::vector<std::array<std::string, 4>> text(kSites);
  sites_.resize(kSites);
  for (std::size_t i = 0; i < kSites; ++i) {
    const Anchor& a = kAnchors[Hash(seed_, 1, i) % kAnchorCount];
    Site& s = sites_[i];
    const int decimals = 4 + static_cast<int>(Hash(seed_, 2, i) % 3);
    const double scale = std::pow(10.0, decimals);
    s.latitude = Round(std::clamp(a.lat + 0.7 * Normal(Hash(seed_, 3, i)), 28.7, 45.4), scale);
    s.longitude = Round(std::clamp(a.lon + 0.8 * Normal(Hash(seed_, 4, i)), -124.2, -75.3), scale);
    s.base = std::exp(0.35 * Normal(Hash(seed_, 5, i)));
    const std::uint64_t h = Hash(seed_, 6, i);
    std::string name = std::string(a.city) + " " + kPlaces[h % std::size(kPlaces)];
    if (h % 10 == 0) name = std::string(a.city) + ", " + a.state;  // commas inside a field
    const std::string agency =
        (h >> 8) % 5 == 0 ? std::string(a.city) + " Air District, " + a.state
                          : std::string(a.state) + " Department of " + "Environmental Quality";
    const std::string digits =
        Pad(static_cast<std::uint64_t>(a.fips), 2) + Pad(1 + (h >> 16) % 199, 3) + Pad(i, 4);
    // About 3% of AQS ids are not numeric in the real files (e.g. MMCA81008).
    const std::string aqs =
        (h >> 24) % 33 == 0 ? std::string("MM") + a.state + Pad(10000 + i, 5) : digits;
    text[i] = {name, agency, aqs, "840" + digits};
  }
  for (std::size_t f = 0; f < 4; ++f) {
    std::vector<std::string>& dict = site_dicts_[f];
    for (const auto& t : text) dict.push_back(t[f]);
    std::sort(dict.begin(), dict.end());
    dict.erase(std::unique(dict.begin(), dict.end()), dict.end());
    for (std::size_t i = 0; i < kSites; ++i) sites_[i].codes[f] = CodeOf(dict, text[i][f]);
  }
}

void SyntheticModel::BuildPairs() {
  // Parameters take consecutive runs of one shuffled site list, wrapping around, so every site
  // reports something (2,263 pairs > 1,400 sites) and none reports a parameter twice.
  std::vector<std::uint32_t> order(kSites);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](auto a, auto b) { return Hash(seed_, 7, a) < Hash(seed_, 7, b); });
  std::size_t next = 0;
  for (std::uint32_t p : {2u, 4u, 3u, 1u, 5u, 0u}) {  // OZONE, PM2.5, PM10, NO2, SO2, CO
    for (std::uint32_t i = 0; i < kPairCount[p]; ++i) {
      const std::uint32_t site = order[next++ % kSites];
      const double level = sites_[site].base * std::exp(0.25 * Normal(Hash(seed_, 8, p, site)));
      pairs_.push_back(Pair{site, p, level});
    }
  }
  // The hour's order: by longitude like the real files, then latitude, full AQS id, parameter.
  std::sort(pairs_.begin(), pairs_.end(), [&](const Pair& a, const Pair& b) {
    const Site &sa = sites_[a.site], &sb = sites_[b.site];
    if (sa.longitude != sb.longitude) return sa.longitude < sb.longitude;
    if (sa.latitude != sb.latitude) return sa.latitude < sb.latitude;
    if (sa.codes[3] != sb.codes[3]) return sa.codes[3] < sb.codes[3];
    if (a.site != b.site) return a.site < b.site;
    return a.param < b.param;
  });
  for (std::uint32_t k = 0; k < pairs_.size(); ++k) by_param_[pairs_[k].param].push_back(k);
}

std::vector<std::vector<std::string>> SyntheticModel::Dictionaries() const {
  std::vector<std::vector<std::string>> d;
  d.emplace_back(kParams.begin(), kParams.end());
  d.emplace_back(kUnits.begin(), kUnits.end());
  for (const auto& dict : site_dicts_) d.push_back(dict);
  return d;
}

std::int64_t SyntheticModel::HourUtc(std::uint64_t hour) {
  const std::int64_t base = engine::DaysFromCivil(2020, 8, 10) * 86400 + 3600;
  const auto h = static_cast<std::int64_t>(hour);
  return base + h * 7200 + (h >= 12 ? 3 * 86400 : 0);
}

double SyntheticModel::Smoke(std::uint32_t site, std::uint64_t hour) {
  const std::uint64_t season = hour / kSeasonHours;
  if (season != season_) {  // a new season: new fire episodes, mostly in the west
    season_ = season;
    episodes_.clear();
    for (int e = 0; e < kEpisodes; ++e) {
      const auto u = [&](int k) { return Uniform(Hash(seed_, 9, season * 64 + e, k)); };
      const bool west = e < 9;
      Episode ep;
      ep.lat = west ? 34.0 + 11.0 * u(0) : 29.0 + 16.0 * u(0);
      ep.lon = west ? -124.0 + 18.0 * u(1) : -104.0 + 28.0 * u(1);
      ep.radius = 0.6 + 2.4 * u(2);
      ep.peak = (west ? 60.0 : 20.0) * std::exp(2.2 * u(3) * u(3) * 2.0);
      ep.length_h = 36 + 300 * u(4);
      ep.start_h = static_cast<double>(season * kSeasonHours) + (kSeasonHours - 40) * u(5);
      if (e == 0) {  // the season's extreme fire: centred on a western site, small, intense
        const Site* at = &sites_[pairs_[0].site];
        for (std::uint64_t j = 0; j < 4096; ++j) {  // a western PM2.5 site
          const Pair& pick = pairs_[Hash(seed_, 14, season, j) % pairs_.size()];
          at = &sites_[pick.site];
          if (pick.param == 4 && at->longitude < -110.0) break;
        }
        ep.lat = at->latitude;
        ep.lon = at->longitude;
        ep.radius = 0.3 + 0.4 * u(2);
        ep.peak = 3000.0 + 3000.0 * u(3);
        ep.length_h = 60 + 90 * u(4);
      }
      episodes_.push_back(ep);
    }
    weights_.assign(sites_.size(), std::vector<double>(kEpisodes, 0.0));
    for (std::size_t s = 0; s < sites_.size(); ++s) {
      for (int e = 0; e < kEpisodes; ++e) {
        const Episode& ep = episodes_[e];
        const double dy = sites_[s].latitude - ep.lat, dx = sites_[s].longitude - ep.lon;
        weights_[s][e] = std::exp(-(dx * dx + dy * dy) / (2 * ep.radius * ep.radius));
      }
    }
  }
  double smoke = 0;
  const auto t = static_cast<double>(hour);
  for (int e = 0; e < kEpisodes; ++e) {
    const Episode& ep = episodes_[e];
    const double x = (t - ep.start_h) / ep.length_h;
    if (x <= 0 || x >= 1 || weights_[site][e] < 1e-4) continue;
    smoke += ep.peak * weights_[site][e] * std::sin(3.141592653589793 * x);
  }
  return smoke;
}

double SyntheticModel::Value(const Pair& p, std::uint64_t hour, double local_hour,
                             double smoke) const {
  const double noise = Normal(Hash(seed_, 10, hour, p.site * 8 + p.param));
  const double day = std::max(0.0, std::sin(3.141592653589793 * (local_hour - 7.0) / 12.0));
  switch (p.param) {
    case 0:
      return 0.25 * p.level + 0.002 * smoke + 0.06 * noise;  // CO
    case 1:
      return 9.0 * p.level * (1.3 - 0.6 * day) + 2.0 * noise;  // NO2
    case 2:
      return std::min(150.0, 40.0 * std::sqrt(p.level) * (0.45 + 0.6 * day) +
                                 std::min(10.0, 0.03 * smoke) + 4.0 * noise);  // OZONE
    case 3:
      return 28.0 * p.level * std::exp(0.4 * noise) + 1.4 * smoke;  // PM10
    case 4:
      return 6.5 * p.level * std::exp(0.35 * noise) + smoke;  // PM2.5
    default:
      return 0.8 * p.level * std::exp(0.5 * noise) + 0.7 * noise;  // SO2
  }
}

void SyntheticModel::AppendRow(std::uint32_t pair, std::uint64_t hour, engine::Table* out) {
  const Pair& p = pairs_[pair];
  const Site& s = sites_[p.site];
  auto col = [&](Col c) -> engine::Column& { return out->columns[static_cast<std::size_t>(c)]; };
  const std::int64_t utc = HourUtc(hour);
  const double local_hour =
      std::fmod(static_cast<double>(utc % 86400) / 3600.0 + s.longitude / 15.0 + 48.0, 24.0);
  const bool particulate = p.param == 3 || p.param == 4;
  const double smoke = (particulate || p.param == 0 || p.param == 2) ? Smoke(p.site, hour) : 0;
  const double value = Value(p, hour, local_hour, smoke);
  const bool has_negatives = p.param <= 1 || p.param == 5;  // CO, NO2, SO2
  double conc =
      Round(std::min(has_negatives ? std::max(value, -5.0) : std::max(value, 0.0), 7000.0), 10.0);
  double raw = conc;
  if (p.param >= 2 && p.param <= 4) {  // NowCast parameters: the raw hour differs
    raw = Round(std::max(0.0, conc * (1.0 + 0.15 * Normal(Hash(seed_, 11, hour, pair)))), 10.0);
  }
  const double u = Uniform(Hash(seed_, 12, hour, pair));
  const bool conc_null = u < kConcMissing[p.param];
  const bool raw_null = !conc_null && u < kConcMissing[p.param] + kRawMissing[p.param];
  const bool aqi_null = conc_null || Uniform(Hash(seed_, 13, hour, pair)) < kAqiMissing[p.param];
  const std::int64_t aqi = aqi_null ? 0 : AqiOf(p.param, conc);
  col(Col::kLatitude).doubles.push_back(s.latitude);
  col(Col::kLongitude).doubles.push_back(s.longitude);
  col(Col::kUtc).ints.push_back(utc);
  col(Col::kParameter).codes.push_back(p.param);
  col(Col::kConcentration).doubles.push_back(conc_null ? 0.0 : conc);
  col(Col::kConcentration).valid.push_back(conc_null ? 0 : 1);
  col(Col::kUnit).codes.push_back(kUnitOf[p.param]);
  col(Col::kRawConcentration).doubles.push_back(raw_null ? 0.0 : raw);
  col(Col::kRawConcentration).valid.push_back(raw_null ? 0 : 1);
  col(Col::kAqi).ints.push_back(aqi);
  col(Col::kAqi).valid.push_back(aqi_null ? 0 : 1);
  col(Col::kCategory).ints.push_back(aqi_null ? 0 : CategoryOf(aqi));
  col(Col::kCategory).valid.push_back(aqi_null ? 0 : 1);
  col(Col::kSiteName).codes.push_back(s.codes[0]);
  col(Col::kAgency).codes.push_back(s.codes[1]);
  col(Col::kAqsId).codes.push_back(s.codes[2]);
  col(Col::kFullAqsId).codes.push_back(s.codes[3]);
  ++out->rows;
}

}  // namespace plume::preprocess
