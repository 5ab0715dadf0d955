// Data-driven golden files (golden/*.test, sqllogictest-like): each statement runs over
// golden/measurements.csv split into partitions in several ways, and must print the expected
// rows. Expected rows come from DuckDB (golden/regen_with_duckdb.mjs). Format:
//   query ordered|rowsort        error <message fragment>
//   <statement>                  <statement>
//   ----
//   <column names, '|'-separated>
//   <rows, '|'-separated>        (a blank line ends a block)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/schema.h"
#include "engine/value_format.h"
#include "tests/engine/test_table.h"

namespace plume::engine::testing {
namespace {

const std::filesystem::path kDir = PLUME_ENGINE_GOLDEN_DIR;

std::string Cell(const Value& v, Type type) {
  std::string out;
  if (std::holds_alternative<std::monostate>(v)) return "NULL";
  if (type == Type::kTimestamp) {
    AppendTimestamp(out, std::get<std::int64_t>(v));
    return out;
  }
  if (type == Type::kBool) return std::get<std::int64_t>(v) != 0 ? "true" : "false";
  return ValueText(v);
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string cell;
  while (std::getline(in, cell, '|')) out.push_back(cell);
  if (!s.empty() && s.back() == '|') out.emplace_back();
  return out;
}

// Lines equal, doubles (by column type) within a relative 1e-9.
bool SameLine(const std::string& a, const std::string& b, const std::vector<Field>& fields) {
  const auto x = Split(a), y = Split(b);
  if (x.size() != y.size() || x.size() != fields.size()) return a == b;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] == y[i]) continue;
    if (fields[i].type != Type::kFloat64 || x[i] == "NULL" || y[i] == "NULL") return false;
    const double p = std::stod(x[i]), q = std::stod(y[i]);
    if (std::fabs(p - q) > 1e-9 * std::max({1.0, std::fabs(p), std::fabs(q)})) return false;
  }
  return true;
}

struct Block {
  std::string file;
  int line = 0;
  bool is_error = false;
  bool rowsort = false;
  std::string error;
  std::string sql;
  std::vector<std::string> expected;  // header, then rows
};

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() == ".test") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<Block> ReadBlocks(const std::string& file) {
  std::vector<Block> blocks;
  {
    const std::filesystem::path path = kDir / file;
    std::ifstream in(path);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.rfind("query ", 0) != 0 && line.rfind("error ", 0) != 0) continue;
      Block b;
      b.file = file;
      b.line = n;
      b.is_error = line.rfind("error ", 0) == 0;
      b.rowsort = line == "query rowsort";
      if (b.is_error) b.error = line.substr(6);
      std::getline(in, b.sql);
      ++n;
      if (!b.is_error) {
        std::getline(in, line);  // ----
        while (std::getline(in, line) && !line.empty()) b.expected.push_back(line);
      }
      blocks.push_back(std::move(b));
    }
  }
  return blocks;
}

std::vector<std::string> Lines(const Plan& plan, const std::vector<Row>& rows) {
  std::vector<std::string> out;
  std::string header;
  for (const Field& f : plan.output()) header += (header.empty() ? "" : "|") + f.name;
  out.push_back(header);
  for (const Row& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i) line += '|';
      line += Cell(r[i], plan.output()[i].type);
    }
    out.push_back(line);
  }
  return out;
}

void CheckBlock(const Block& b, const std::vector<Table>& parts, const RunOptions& options) {
  SCOPED_TRACE(b.file + std::string(":") + std::to_string(b.line) + " " + b.sql);
  if (b.is_error) {
    try {
      RunPipeline(Plan::Parse(b.sql), parts, options);
      ADD_FAILURE() << "expected an error containing '" << b.error << "'";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(b.error), std::string::npos) << e.what();
    }
    return;
  }
  const Plan plan = Plan::Parse(b.sql);
  std::vector<std::string> got = Lines(plan, RunPipeline(plan, parts, options));
  std::vector<std::string> want = b.expected;
  ASSERT_FALSE(want.empty()) << "no expected header";
  if (b.rowsort) {
    std::sort(got.begin() + 1, got.end());
    std::sort(want.begin() + 1, want.end());
  }
  ASSERT_EQ(got.size(), want.size()) << "row count";
  EXPECT_EQ(got[0], want[0]) << "column names";
  for (std::size_t i = 1; i < got.size(); ++i) {
    EXPECT_TRUE(SameLine(got[i], want[i], plan.output()))
        << "row " << i << ": got " << got[i] << ", want " << want[i];
  }
}

// One test (and so one ctest case) per golden file.
class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, EveryPartitioning) {
  const std::vector<Row> rows = ReadAirNowCsv((kDir / "measurements.csv").string());
  ASSERT_EQ(rows.size(), 16u);
  const std::vector<Block> blocks = ReadBlocks(GetParam());
  ASSERT_GE(blocks.size(), 3u);
  for (std::size_t split : {1, 3, 16}) {  // partitions
    std::vector<Table> parts;
    const std::size_t per = (rows.size() + split - 1) / split;
    for (std::size_t b = 0; b < rows.size(); b += per) {
      parts.push_back(
          MakeTable({rows.begin() + static_cast<std::ptrdiff_t>(b),
                     rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), b + per))}));
    }
    parts.push_back(MakeTable({}));
    for (const RunOptions options : {RunOptions{1, 1000}, RunOptions{3, 1}}) {
      for (const Block& b : blocks) CheckBlock(b, parts, options);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, Golden, ::testing::ValuesIn(GoldenFiles()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param.substr(0, param.param.find('.'));
                           for (char& c : name)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace plume::engine::testing
