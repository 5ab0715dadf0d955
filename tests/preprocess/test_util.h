// Helpers shared by the preprocess tests: temp directories and the CSV text of table rows.
#pragma once

#include <string>
#include <vector>

#include "engine/table.h"

namespace plume::preprocess::test {

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text);

// Row `r` of a measurements table printed the AirNow way: every field quoted, NULL as the
// -999 / -999.0 sentinel, numbers with engine::AppendDouble / AppendInt.
std::string RowToCsv(const engine::Table& t, std::size_t r);

// A well-formed AirNow line with the given fields (the rest from the README's first sample).
std::string Line(const std::string& lat = "41.75613", const std::string& utc = "2020-08-10T01:00",
                 const std::string& param = "PM2.5", const std::string& conc = "17.3",
                 const std::string& aqi = "62");

}  // namespace plume::preprocess::test
