#include "io/manifest.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "engine/schema.h"
#include "engine/value_format.h"
#include "io/json.h"

namespace plume::io {

namespace {

constexpr const char* kManifestName = "manifest.json";

void AppendAqi(std::string& out, double v) {
  if (std::isfinite(v)) {
    engine::AppendDouble(out, v);
  } else {
    out += "null";  // a partition without any non-NULL AQI
  }
}

std::string ToJson(const Manifest& m) {
  std::string out = "{\n  \"schema_version\": ";
  engine::AppendInt(out, m.schema_version);
  out += ",\n  \"table\": ";
  json::AppendQuoted(out, engine::kTableName);
  out += ",\n  \"total_rows\": " + std::to_string(m.total_rows) + ",\n  \"source\": ";
  json::AppendQuoted(out, m.source);
  out += ",\n  \"partitions\": [";
  for (std::size_t i = 0; i < m.partitions.size(); ++i) {
    const PartitionInfo& p = m.partitions[i];
    out += i == 0 ? "\n    {" : ",\n    {";
    out += "\"index\": " + std::to_string(p.index) + ", \"file\": ";
    json::AppendQuoted(out, p.file);
    out += ", \"rows\": " + std::to_string(p.rows);
    out += ", \"utc_min\": " + std::to_string(p.utc_min);
    out += ", \"utc_max\": " + std::to_string(p.utc_max);
    out += ", \"utc_min_text\": \"";
    engine::AppendTimestamp(out, p.utc_min);
    out += "\", \"utc_max_text\": \"";
    engine::AppendTimestamp(out, p.utc_max);
    out += "\", \"aqi_min\": ";
    AppendAqi(out, p.aqi_min);
    out += ", \"aqi_max\": ";
    AppendAqi(out, p.aqi_max);
    out += "}";
  }
  out += "\n  ]\n}\n";
  return out;
}

class Reader {
 public:
  explicit Reader(std::string context) : context_(std::move(context)) {}

  [[noreturn]] void Fail(const std::string& what) const {
    throw std::runtime_error(context_ + ": " + what);
  }
  const json::Value& Member(const json::Value& obj, const char* key) const {
    const json::Value* v = obj.Get(key);
    if (v == nullptr) Fail(std::string("missing \"") + key + "\"");
    return *v;
  }
  template <typename T>
  T Int(const json::Value& obj, const char* key) const {
    const json::Value& v = Member(obj, key);
    T out{};
    auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), out);
    if (v.kind != json::Value::Kind::kNumber || ec != std::errc() ||
        end != v.text.data() + v.text.size()) {
      Fail(std::string("\"") + key + "\" is not an integer in range");
    }
    return out;
  }
  double Double(const json::Value& obj, const char* key, double if_null) const {
    const json::Value& v = Member(obj, key);
    if (v.kind == json::Value::Kind::kNull) return if_null;
    double out = 0;
    auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), out);
    if (v.kind != json::Value::Kind::kNumber || ec != std::errc()) {
      Fail(std::string("\"") + key + "\" is not a number");
    }
    return out;
  }
  std::string String(const json::Value& obj, const char* key) const {
    const json::Value& v = Member(obj, key);
    if (v.kind != json::Value::Kind::kString) Fail(std::string("\"") + key + "\" is not a string");
    return v.text;
  }

 private:
  std::string context_;
};

Manifest FromJson(const json::Value& doc, const Reader& r) {
  if (doc.kind != json::Value::Kind::kObject) r.Fail("is not a JSON object");
  Manifest m;
  m.schema_version = r.Int<std::uint32_t>(doc, "schema_version");
  if (m.schema_version != engine::kSchemaVersion) {
    r.Fail("schema version " + std::to_string(m.schema_version) + ", this build reads " +
           std::to_string(engine::kSchemaVersion));
  }
  m.total_rows = r.Int<std::uint64_t>(doc, "total_rows");
  m.source = r.String(doc, "source");
  const json::Value& parts = r.Member(doc, "partitions");
  if (parts.kind != json::Value::Kind::kArray) r.Fail("\"partitions\" is not an array");
  std::uint64_t sum = 0;
  for (const json::Value& p : parts.items) {
    if (p.kind != json::Value::Kind::kObject) r.Fail("a partition entry is not an object");
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    throw std::runtime_error(context + (std::filesystem::exists(path, ec)
                                            ? ": cannot be read"
                                            : ": does not exist (run plume-preprocess first?)"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  Reader reader(context);
  json::Value doc;
  try {
    doc = json::Parse(text.str());
  } catch (const std::runtime_error& e) {
    reader.Fail(std::string("is not valid JSON: ") + e.what());
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
