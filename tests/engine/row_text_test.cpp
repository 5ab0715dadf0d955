// Rows rendered where they are (Plan::WithRowText): the lines that come out of the pipeline
// (partitions -> wire -> team merge -> wire -> gateway merge) are byte for byte what formatting
// the values at the gateway writes, with the same batches, for csv and json, over NULLs,
// quoting, unicode, invalid UTF-8, control bytes, ORDER BY (visible and hidden keys), LIMIT and
// OFFSET, and expression columns.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/row_text.h"
#include "tests/engine/test_table.h"

namespace plume::engine::testing {
namespace {

using I = std::int64_t;
using Text = engine::RowText;  // (testing::RowText is the test rows' text)
const Value kNull{};

Row M(double lat, I utc, std::string param, Value conc, Value aqi, std::string site) {
  return MeasurementRow(lat, utc, std::move(param), conc, aqi, std::move(site), "Agency, \"Inc\"");
}

// Site names with every byte class the formats treat specially.
std::vector<Table> NastyParts() {
  const std::vector<std::string> names = {"plain",
                                          "comma, here",
                                          "quote \" here",
                                          "line\nbreak",
                                          "cr\rhere",
                                          "tab\there",
                                          "ctl\x01\x1b[31m",
                                          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                                          "bad \xff\xfe utf8",
                                          "",
                                          "back\\slash",
                                          "cut \xe2\x82"};
  std::vector<Table> parts;
  for (int p = 0; p < 4; ++p) {
    std::vector<Row> rows;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const I k = static_cast<I>(i) * 4 + p;
      const Value conc = k % 5 == 0 ? kNull : Value{0.1 * static_cast<double>(k) - 3.25};
      const Value aqi = k % 7 == 0 ? kNull : Value{k * 3 - 20};
      rows.push_back(M(30.0 + 0.01 * static_cast<double>(k), 1598918400 + 3600 * (k % 9),
                       k % 2 ? "OZONE" : "PM2.5", conc, aqi, names[i]));
    }
    parts.push_back(MakeTable(rows));
  }
  return parts;
}

struct Output {
  std::string text;
  std::vector<std::size_t> batch_rows;
};

Output Render(const std::string& sql, Text format, bool on_ranks) {
  const Plan plan = Plan::Parse(sql);
  RunOptions o;
  o.batch_rows = 7;  // cuts batches everywhere
  o.row_text = on_ranks ? format : Text::kNone;
  Output out;
  RowWriter writer(format, plan.output());
  for (const Batch& b : RunPipelineBatches(plan, NastyParts(), o)) {
    out.batch_rows.push_back(b.rows);
    if (on_ranks) {
      EXPECT_EQ(b.columns.size(), 1u);
      out.text.append(b.columns[0].chars);
    } else {
      writer.AppendRows(b, &out.text);
    }
  }
  return out;
}

const std::vector<std::string> kStatements = {
    "SELECT * FROM measurements",
    "SELECT site_name, concentration, utc FROM measurements ORDER BY site_name, utc DESC",
    "SELECT site_name FROM measurements ORDER BY aqi DESC NULLS FIRST, latitude LIMIT 9 OFFSET 2",
    "SELECT aqi, concentration * 2 AS twice, upper(site_name) AS u, aqi IS NULL AS missing "
    "FROM measurements WHERE latitude > 30.05 ORDER BY twice NULLS FIRST, latitude",
    "SELECT utc, latitude FROM measurements LIMIT 5",
    "SELECT site_name AS \"we\"\"ird, \xc3\xa9\" FROM measurements ORDER BY latitude DESC",
    "SELECT concentration FROM measurements WHERE aqi > 1000000",
};

TEST(RowText, SameBytesAndBatchesAsFormattingTheValues) {
  for (Text format : {Text::kCsv, Text::kJson}) {
    for (const std::string& sql : kStatements) {
      SCOPED_TRACE(std::string(RowTextName(format)) + ": " + sql);
      const Output values = Render(sql, format, false);
      const Output lines = Render(sql, format, true);
      EXPECT_EQ(lines.text, values.text);
      EXPECT_EQ(lines.batch_rows, values.batch_rows);
    }
  }
}

TEST(RowText, AggregatesKeepTheirValues) {
  const Plan plan = Plan::Parse("SELECT parameter, count(*) FROM measurements GROUP BY 1");
  EXPECT_EQ(plan.WithRowText(Text::kCsv).row_text(), Text::kNone);
  EXPECT_EQ(plan.WithRowText(Text::kCsv).output().size(), 2u);
  const Plan plain = Plan::Parse("SELECT site_name, aqi FROM measurements ORDER BY aqi");
  const Plan lines = plain.WithRowText(Text::kJson);
  EXPECT_EQ(lines.row_text(), Text::kJson);
  EXPECT_EQ(lines.output().size(), 1u);
  EXPECT_EQ(lines.result_fields().size(), 2u);
  EXPECT_EQ(lines.result_fields()[1].name, "aqi");
  // The wire form is the statement's own plan: each rank applies the row text itself.
  EXPECT_EQ(lines.Serialize(), plain.Serialize());
  EXPECT_EQ(lines.WithRowText(Text::kCsv).row_text(), Text::kJson);
}

TEST(RowText, TheLinesOfOneRow) {
  Batch b;
  b.rows = 2;
  BatchColumn s;
  s.type = Type::kString;
  s.offsets = {0, 11, 11};
  s.chars = "a,\"b\"\n\x01\xff\xc3\xa9";
  s.valid = {1, 0};
  BatchColumn d;
  d.type = Type::kFloat64;
  d.doubles = {1.5, 1.0 / 0.0};
  BatchColumn t;
  t.type = Type::kTimestamp;
  t.ints = {1598918400, 0};
  b.columns = {s, d, t};
  const std::vector<Field> fields = {
      {"s", Type::kString}, {"d", Type::kFloat64}, {"t\"", Type::kTimestamp}};
  std::string csv, json;
  RowWriter(Text::kCsv, fields).AppendRows(b, &csv);
  RowWriter(Text::kJson, fields).AppendRows(b, &json);
  EXPECT_EQ(csv, "\"a,\"\"b\"\"\n\x01\xff\xc3\xa9\",1.5,2020-09-01T00:00\n,inf,1970-01-01T00:00\n");
  EXPECT_EQ(
      json,
      "{\"s\":\"a,\\\"b\\\"\\n\\u0001\\ufffd\xc3\xa9\",\"d\":1.5,\"t\\\"\":\"2020-09-01T00:00\"}\n"
      "{\"s\":null,\"d\":null,\"t\\\"\":\"1970-01-01T00:00\"}\n");
}

// RenderSelected reads the columns in place; its lines are RenderColumn's over the same rows
// gathered, for a dictionary it keeps (repeated codes) and one too large to keep (70,000
// codes), over calls that reuse its per-code text and a call with other columns.
TEST(RowText, LinesFromTheColumnsInPlaceAreTheGatheredOnes) {
  Column site{"site", Type::kString, {}, {}, {}, {}, {}, {}, {}, {}};
  Column many{"many", Type::kString, {}, {}, {}, {}, {}, {}, {}, {}};
  Column conc{"conc", Type::kFloat64, {}, {}, {}, {}, {}, {}, {}, {}};
  Column utc{"utc", Type::kTimestamp, {}, {}, {}, {}, {}, {}, {}, {}};
  site.dict = {"", "a,b", "q\"uote", "plain", "caf\xc3\xa9 \xff"};
  const std::size_t rows = 70000;
  for (std::size_t r = 0; r < rows; ++r) {
    site.codes.push_back(static_cast<std::uint32_t>(r * 7 % site.dict.size()));
    many.dict.push_back("v" + std::to_string(100000 + r) + (r % 3 ? "" : ",x"));
    many.codes.push_back(static_cast<std::uint32_t>((r * 31) % rows));
    conc.doubles.push_back(r % 11 == 0 ? 0.0 : static_cast<double>(r % 997) / 10 - 3);
    conc.valid.push_back(r % 11 == 0 ? 0 : 1);
    utc.ints.push_back(1598918400 + static_cast<std::int64_t>(r / 50) * 3600);
  }
  std::vector<std::uint32_t> sel;
  for (std::uint32_t r = 0; r < rows; r += 3) sel.push_back(r);
  const std::vector<Field> fields = {{"site", Type::kString},
                                     {"many", Type::kString},
                                     {"conc", Type::kFloat64},
                                     {"utc", Type::kTimestamp}};
  const std::vector<const Column*> columns = {&site, &many, &conc, &utc};
  auto gathered = [&](const std::vector<const Column*>& cols, std::size_t begin, std::size_t n) {
    Batch b;
    b.rows = n;
    for (const Column* c : cols) {
      BatchColumn o;
      o.type = c->type;
      o.offsets.push_back(0);
      for (std::size_t i = begin; i < begin + n; ++i) {
        const std::uint32_t r = sel[i];
        if (c->type == Type::kString) o.chars += c->dict[c->codes[r]];
        o.offsets.push_back(static_cast<std::uint32_t>(o.chars.size()));
        if (c->type == Type::kFloat64) o.doubles.push_back(c->doubles[r]);
        if (c->type == Type::kTimestamp) o.ints.push_back(c->ints[r]);
        if (!c->valid.empty()) o.valid.push_back(c->valid[r]);
      }
      b.columns.push_back(std::move(o));
    }
    return b;
  };
  for (Text format : {Text::kCsv, Text::kJson}) {
    SCOPED_TRACE(std::string(RowTextName(format)));
    RowWriter direct(format, fields), values(format, fields);
    for (std::size_t begin = 0; begin < sel.size(); begin += 4000) {
      const std::size_t n = std::min<std::size_t>(4000, sel.size() - begin);
      BatchColumn a, b;
      direct.RenderSelected(columns, sel.data() + begin, n, &a);
      values.RenderColumn(gathered(columns, begin, n), &b);
      ASSERT_EQ(a.chars, b.chars);
      ASSERT_EQ(a.offsets, b.offsets);
    }
    // Other columns in the same places: nothing of the first ones' text is kept.
    Column other = site;
    other.dict = {"x", "y\"", "z,", "w", "v"};
    const std::vector<const Column*> swapped = {&other, &many, &conc, &utc};
    BatchColumn a, b;
    direct.RenderSelected(swapped, sel.data(), 100, &a);
    values.RenderColumn(gathered(swapped, 0, 100), &b);
    EXPECT_EQ(a.chars, b.chars);
  }
}

}  // namespace
}  // namespace plume::engine::testing
