#include "ranks/frontend/format.h"

#include <gtest/gtest.h>

#include "tests/ranks/frontend/fake_backend.h"

namespace plume::frontend {
namespace {

using testing::BatchBuilder;
using testing::SliceBatch;

// 2020-09-10T12:00 UTC
constexpr std::int64_t kNoon = 1599739200;

BatchBuilder Sample() {
  BatchBuilder b;
  b.Strings("site_name", {"Oakland", "Say \"hi\", ok", "Line\nbreak"})
      .Ints("aqi", {42, 0, 0}, {false, true, false})
      .Doubles("concentration", {17.0, -0.5, 123.25})
      .Times("utc", {kNoon, kNoon + 3600, kNoon + 90});
  return b;
}

// Formats `b` in `name`, fed in chunks of `chunk` rows.
std::string Render(std::string_view name, const BatchBuilder& b, std::size_t chunk,
                   TableLimits limits = {}) {
  auto f = MakeFormatter(name, limits);
  std::string out;
  f->Begin(b.fields(), &out);
  for (std::size_t r = 0; r < b.batch().rows; r += chunk) {
    f->Rows(SliceBatch(b.batch(), r, std::min(chunk, b.batch().rows - r)), &out);
  }
  f->End(true, &out);
  return out;
}

TEST(Format, CsvQuotesAndLeavesNullEmpty) {
  EXPECT_EQ(Render("csv", Sample(), 2),
            "site_name,aqi,concentration,utc\n"
            "Oakland,42,17.0,2020-09-10T12:00\n"
            "\"Say \"\"hi\"\", ok\",,-0.5,2020-09-10T13:00\n"
            "\"Line\nbreak\",0,123.25,2020-09-10T12:01:30\n");
}

TEST(Format, JsonOneObjectPerLine) {
  EXPECT_EQ(Render("json", Sample(), 1),
            "{\"site_name\":\"Oakland\",\"aqi\":42,\"concentration\":17.0,"
            "\"utc\":\"2020-09-10T12:00\"}\n"
            "{\"site_name\":\"Say \\\"hi\\\", ok\",\"aqi\":null,\"concentration\":-0.5,"
            "\"utc\":\"2020-09-10T13:00\"}\n"
            "{\"site_name\":\"Line\\nbreak\",\"aqi\":0,\"concentration\":123.25,"
            "\"utc\":\"2020-09-10T12:01:30\"}\n");
}

TEST(Format, NullWritesNothing) { EXPECT_EQ(Render("null", Sample(), 2), ""); }

TEST(Format, TableAlignsNumbersRightAndShowsNull) {
  EXPECT_EQ(Render("table", Sample(), 2),
            " site_name    |  aqi | concentration | utc\n"
            "--------------+------+---------------+---------------------\n"
            " Oakland      |   42 |          17.0 | 2020-09-10T12:00\n"
            " Say \"hi\", ok | NULL |          -0.5 | 2020-09-10T13:00\n"
            " Line\\nbreak  |    0 |        123.25 | 2020-09-10T12:01:30\n"
            "(3 rows)\n");
}

TEST(Format, TableCutsLongResultsKeepingHeadAndTail) {
  std::vector<std::int64_t> v;
  for (int i = 1; i <= 1000; ++i) v.push_back(i);
  BatchBuilder b;
  b.Ints("n", v);
  TableLimits limits;
  limits.head_rows = 3;
  limits.tail_rows = 2;
  for (std::size_t chunk : {1, 2, 7, 1000}) {
    EXPECT_EQ(Render("table", b, chunk, limits),
              "    n\n"
              "------\n"
              "    1\n"
              "    2\n"
              "    3\n"
              "  ...\n"
              "  999\n"
              " 1000\n"
              "(1,000 rows, 5 shown)\n")
        << "chunk " << chunk;
  }
}

TEST(Format, TableCutsWideValuesAndColumns) {
  BatchBuilder b;
  b.Strings("a", {"abcdefghijklmnopqrstuvwxyz"}).Ints("b", {1}).Ints("c", {2}).Ints("d", {3});
  TableLimits limits;
  limits.max_value_width = 10;
  limits.max_total_width = 24;
  EXPECT_EQ(Render("table", b, 1, limits),
            " a          | ... | d\n"
            "------------+-----+---\n"
            " abcdefg... | ... | 3\n"
            "(1 row; 4 columns, 2 shown)\n");
}

TEST(Format, TableOfNoRowsStillShowsColumns) {
  BatchBuilder b;
  b.Ints("count_star()", {});
  EXPECT_EQ(Render("table", b, 5), " count_star()\n--------------\n(0 rows)\n");
}

TEST(Format, GroupDigitsAndNames) {
  EXPECT_EQ(GroupDigits(0), "0");
  EXPECT_EQ(GroupDigits(999), "999");
  EXPECT_EQ(GroupDigits(1000), "1,000");
  EXPECT_EQ(GroupDigits(1167525), "1,167,525");
  EXPECT_TRUE(IsFormatName("json"));
  EXPECT_FALSE(IsFormatName("xml"));
  EXPECT_EQ(MakeFormatter("xml"), nullptr);
}

}  // namespace
}  // namespace plume::frontend

namespace plume::frontend {
namespace {

TEST(Format, TableSaysWhenTheResultIsIncomplete) {
  testing::BatchBuilder b;
  b.Ints("n", {1});
  auto f = MakeFormatter("table");
  std::string out;
  f->Begin(b.fields(), &out);
  f->Rows(b.batch(), &out);
  f->End(false, &out);
  EXPECT_EQ(out, " n\n---\n 1\n(1 row; incomplete)\n");
}

}  // namespace
}  // namespace plume::frontend
