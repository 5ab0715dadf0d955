#include "tests/preprocess/test_util.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "engine/schema.h"
#include "engine/value_format.h"

namespace plume::preprocess::test {

namespace fs = std::filesystem;

// A fresh directory per test process (mkdtemp): two checkouts running the suite at once, or a
// run killed before its cleanup, must not share or reuse one.
TempDir::TempDir(const std::string& name) {
  std::string pattern = (fs::temp_directory_path() / ("plume-test-" + name + ".XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot make a temporary directory " + pattern + ": " +
                             std::strerror(errno));
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string RowToCsv(const engine::Table& t, std::size_t r) {
  std::string out;
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const engine::Column& col = t.columns[c];
    out += c == 0 ? "\"" : ",\"";
    switch (col.type) {
      case engine::Type::kFloat64:
        if (col.IsNull(r)) {
          out += "-999.0";
        } else {
          engine::AppendDouble(out, col.doubles[r]);
        }
        break;
      case engine::Type::kTimestamp:
        engine::AppendTimestamp(out, col.ints[r]);
        break;
      case engine::Type::kString:
        out += col.dict[col.codes[r]];
        break;
      default:
        if (col.IsNull(r)) {
          out += "-999";
        } else {
          engine::AppendInt(out, col.ints[r]);
        }
        break;
    }
    out += "\"";
  }
  return out;
}

std::string Line(const std::string& lat, const std::string& utc, const std::string& param,
                 const std::string& conc, const std::string& aqi) {
  return "\"" + lat + "\",\"-124.20347\",\"" + utc + "\",\"" + param + "\",\"" + conc +
         "\",\"UG/M3\",\"18.0\",\"" + aqi +
         "\",\"2\",\"Crescent City\",\"North Coast Unified Air Quality Management District\","
         "\"840060150007\",\"840060150007\"";
}

}  // namespace plume::preprocess::test
