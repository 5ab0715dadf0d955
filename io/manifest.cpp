#include "io/manifest.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "engine/schema.h"
#include "engine/value_format.h"
#include "io/file_check.h"

namespace plume::io {

namespace {

using nlohmann::json;

constexpr const char* kManifestName = "manifest.json";
// A manifest of 4,096 partitions is about 1 MB; anything far larger is not one.
constexpr std::uintmax_t kMaxManifestBytes = 64u << 20;

std::string TimestampText(std::int64_t utc) {
  std::string out;
  engine::AppendTimestamp(out, utc);
  return out;
}

// A partition without any non-NULL AQI has an empty range (+inf / -inf), written as null.
json Aqi(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string ToJson(const Manifest& m) {
  json parts = json::array();
  for (const PartitionInfo& p : m.partitions) {
    parts.push_back({{"index", p.index},
                     {"file", p.file},
                     {"rows", p.rows},
                     {"utc_min", p.utc_min},
                     {"utc_max", p.utc_max},
                     {"utc_min_text", TimestampText(p.utc_min)},
                     {"utc_max_text", TimestampText(p.utc_max)},
                     {"aqi_min", Aqi(p.aqi_min)},
                     {"aqi_max", Aqi(p.aqi_max)}});
  }
  const json doc = {{"schema_version", m.schema_version},
                    {"table", engine::kTableName},
                    {"total_rows", m.total_rows},
                    {"source", m.source},
                    {"partitions", std::move(parts)}};
  // Invalid UTF-8 (a source text is ours, but never trust it) becomes U+FFFD, never a throw.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

class Reader {
 public:
  explicit Reader(std::string context) : context_(std::move(context)) {}

  [[noreturn]] void Fail(const std::string& what) const {
    throw std::runtime_error(context_ + ": " + what);
  }
  const json& Member(const json& obj, const char* key) const {
    const auto it = obj.find(key);
    if (it == obj.end()) Fail(std::string("missing \"") + key + "\"");
    return *it;
  }
  // An integer in T's range (nlohmann keeps integers exact: int64 timestamps round-trip).
  template <typename T>
  T Int(const json& obj, const char* key) const {
    const json& v = Member(obj, key);
    const bool in_range = v.is_number_unsigned()  ? std::in_range<T>(v.get<std::uint64_t>())
                          : v.is_number_integer() ? std::in_range<T>(v.get<std::int64_t>())
                                                  : false;
    if (!in_range) Fail(std::string("\"") + key + "\" is not an integer in range");
    return v.is_number_unsigned() ? static_cast<T>(v.get<std::uint64_t>())
                                  : static_cast<T>(v.get<std::int64_t>());
  }
  double Double(const json& obj, const char* key, double if_null) const {
    const json& v = Member(obj, key);
    if (v.is_null()) return if_null;
    if (!v.is_number()) Fail(std::string("\"") + key + "\" is not a number");
    return v.get<double>();
  }
  std::string String(const json& obj, const char* key) const {
    const json& v = Member(obj, key);
    if (!v.is_string()) Fail(std::string("\"") + key + "\" is not a string");
    return v.get<std::string>();
  }

 private:
  std::string context_;
};

Manifest FromJson(const json& doc, const Reader& r) {
  if (!doc.is_object()) r.Fail("is not a JSON object");
  Manifest m;
  m.schema_version = r.Int<std::uint32_t>(doc, "schema_version");
  if (m.schema_version != engine::kSchemaVersion) {
    const bool older = m.schema_version < engine::kSchemaVersion;
    r.Fail(std::string("was made by ") + (older ? "an older" : "a newer") +
           " plume-preprocess (schema version " + std::to_string(m.schema_version) +
           ", this build reads " + std::to_string(engine::kSchemaVersion) + "): " +
           (older ? "run plume-preprocess again to rebuild the data set" : "use that plume"));
  }
  m.total_rows = r.Int<std::uint64_t>(doc, "total_rows");
  m.source = r.String(doc, "source");
  const json& parts = r.Member(doc, "partitions");
  if (!parts.is_array()) r.Fail("\"partitions\" is not an array");
  std::uint64_t sum = 0;
  for (const json& p : parts) {
    if (!p.is_object()) r.Fail("a partition entry is not an object");
    PartitionInfo info;
    info.index = r.Int<int>(p, "index");
    if (info.index != static_cast<int>(m.partitions.size())) {
      r.Fail("partition " + std::to_string(m.partitions.size()) + " has index " +
             std::to_string(info.index));
    }
    info.file = r.String(p, "file");
    if (info.file.empty() || info.file.find('/') != std::string::npos) {
      r.Fail("partition " + std::to_string(info.index) + " names a file outside the directory");
    }
    info.rows = r.Int<std::uint64_t>(p, "rows");
    info.utc_min = r.Int<std::int64_t>(p, "utc_min");
    info.utc_max = r.Int<std::int64_t>(p, "utc_max");
    info.aqi_min = r.Double(p, "aqi_min", std::numeric_limits<double>::infinity());
    info.aqi_max = r.Double(p, "aqi_max", -std::numeric_limits<double>::infinity());
    sum += info.rows;
    m.partitions.push_back(std::move(info));
  }
  if (m.partitions.empty()) r.Fail("lists no partitions");
  if (sum != m.total_rows) {
    r.Fail("partition rows add up to " + std::to_string(sum) + ", total_rows says " +
           std::to_string(m.total_rows));
  }
  return m;
}

}  // namespace

Manifest ReadManifest(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / kManifestName).string();
  const std::string context = "manifest '" + path + "'";
  if (const std::string why = UnreadableFileReason(path); !why.empty()) {
    throw std::runtime_error(context + ": " + why +
                             (why == kDoesNotExist ? " (run plume-preprocess first?)" : ""));
  }
  std::error_code size_ec;
  const std::uintmax_t size = std::filesystem::file_size(path, size_ec);
  if (!size_ec && size > kMaxManifestBytes) {
    throw std::runtime_error(context + ": is " + std::to_string(size) +
                             " bytes, too large for a manifest");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  Reader reader(context);
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    reader.Fail(std::string("is not valid JSON: ") + e.what());  // says line and column
  }
  return FromJson(doc, reader);
}

void WriteManifest(const std::string& dir, const Manifest& manifest) {
  const std::filesystem::path path = std::filesystem::path(dir) / kManifestName;
  const std::string tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << ToJson(manifest);
    out.flush();
    if (!out) throw std::runtime_error("cannot write '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    throw std::runtime_error("rename '" + tmp + "' to '" + path.string() + "': " + ec.message());
  }
}

}  // namespace plume::io
