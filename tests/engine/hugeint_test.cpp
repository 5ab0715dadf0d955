// HUGEINT, the 128-bit integer column kind (table.h): its wire form, text, sort and comparison
// order and CAST reading at the INT128 limits. Statement-level behaviour (sum, arithmetic,
// overflow errors) is in golden/hugeint.test, with DuckDB's answers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/batch.h"
#include "engine/partial.h"
#include "engine/row_sorter.h"
#include "engine/row_text.h"
#include "engine/scalar_cast.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

__extension__ typedef unsigned __int128 U128;
constexpr Int128 kMax = static_cast<Int128>((U128{1} << 127) - 1);
constexpr Int128 kMin = -kMax - 1;

BatchColumn Limits() {
  BatchColumn c;
  c.type = Type::kHugeint;
  c.wide = {kMax, kMin, 0, -1, Int128{INT64_MAX} + 1, 7};
  c.valid = {1, 1, 1, 1, 1, 0};
  return c;
}

std::string Text(Int128 v) {
  std::string s;
  AppendWideInt(s, v);
  return s;
}

TEST(Hugeint, WireRoundTripKeepsEveryBitAndNull) {
  Batch b;
  b.columns.push_back(Limits());
  b.rows = b.columns[0].wide.size();
  std::string wire;
  EncodeBatch(b, &wire);
  const Batch d = DecodeBatch(wire);
  ASSERT_EQ(d.columns.size(), 1u);
  EXPECT_EQ(d.columns[0].type, Type::kHugeint);
  EXPECT_EQ(d.columns[0].wide, b.columns[0].wide);
  EXPECT_EQ(d.columns[0].valid, b.columns[0].valid);
  EXPECT_TRUE(d.columns[0].ints.empty());
  for (std::size_t n = 0; n < wire.size(); ++n) {  // every truncation is an error
    EXPECT_THROW(DecodeBatch(std::string_view(wire).substr(0, n)), std::runtime_error) << n;
  }
}

TEST(Hugeint, TextIsEveryDigitAsDuckDbPrintsIt) {
  const BatchColumn c = Limits();
  std::vector<std::string> got;
  for (std::size_t i = 0; i < c.wide.size(); ++i) {
    std::string s;
    AppendValueText(s, c, i);
    got.push_back(s);
  }
  EXPECT_EQ(got[0], "170141183460469231731687303715884105727");
  EXPECT_EQ(got[1], "-170141183460469231731687303715884105728");
  EXPECT_EQ(got[2], "0");
  EXPECT_EQ(got[3], "-1");
  EXPECT_EQ(got[4], "9223372036854775808");
}

TEST(Hugeint, CompareValuesAndTheRowSorterOrderByValue) {
  const BatchColumn c = Limits();
  EXPECT_LT(CompareValues(c, 1, c, 0), 0);  // least < greatest
  EXPECT_GT(CompareValues(c, 4, c, 2), 0);  // 2^63 > 0, beyond 64 bits
  EXPECT_GT(CompareValues(c, 5, c, 0), 0);  // NULL after every value
  Column col;
  col.type = Type::kHugeint;
  col.wide = {kMax, kMin, 0, -1, Int128{INT64_MAX} + 1, Int128{INT64_MIN} - 1};
  std::vector<std::uint32_t> rows = {0, 1, 2, 3, 4, 5};
  for (bool desc : {false, true}) {
    RowSorter sorter({{&col, desc, false}}, rows.size(), rows);
    while (sorter.Step()) {
    }
    const std::vector<std::uint32_t> order = sorter.Take();
    const std::vector<std::uint32_t> want = desc ? std::vector<std::uint32_t>{0, 4, 2, 3, 5, 1}
                                                 : std::vector<std::uint32_t>{1, 5, 3, 2, 4, 0};
    EXPECT_EQ(order, want) << desc;
  }
}

// UBIGINT lives in `wide` too, with its own type code: it must come back as UBIGINT (its
// arithmetic and casts differ from HUGEINT's), every bit of 2^64-1 kept, printed as DuckDB does.
TEST(Hugeint, UbigintTravelsAsItselfAndPrintsEveryDigit) {
  const Int128 max = kUbigintMax;
  Batch b;
  BatchColumn c;
  c.type = Type::kUbigint;
  c.wide = {max, 0, Int128{INT64_MAX} + 1, 5};
  c.valid = {1, 1, 1, 0};
  b.columns.push_back(c);
  b.rows = c.wide.size();
  std::string wire;
  EncodeBatch(b, &wire);
  const Batch d = DecodeBatch(wire);
  ASSERT_EQ(d.columns.size(), 1u);
  EXPECT_EQ(d.columns[0].type, Type::kUbigint);
  EXPECT_EQ(d.columns[0].wide, c.wide);
  EXPECT_EQ(d.columns[0].valid, c.valid);
  std::string s;
  AppendValueText(s, d.columns[0], 0);
  EXPECT_EQ(s, "18446744073709551615");
  EXPECT_GT(CompareValues(d.columns[0], 2, d.columns[0], 1), 0);  // 2^63 > 0
  EXPECT_EQ(TypeName(Type::kUbigint), "UBIGINT");
  EXPECT_EQ(PhysicalName(Type::kUbigint), "UINT64");
  EXPECT_TRUE(IsTypeCode(static_cast<std::uint64_t>(Type::kUbigint)));
}

TEST(Hugeint, StringsReadToTheLimitsAndNoFurther) {
  Int128 v = 0;
  ASSERT_TRUE(StringToHugeint(" 170141183460469231731687303715884105727 ", &v));
  EXPECT_EQ(v, kMax);
  ASSERT_TRUE(StringToHugeint("-170141183460469231731687303715884105728", &v));
  EXPECT_EQ(v, kMin);
  EXPECT_FALSE(StringToHugeint("170141183460469231731687303715884105728", &v));
  EXPECT_FALSE(StringToHugeint("-170141183460469231731687303715884105729", &v));
  EXPECT_FALSE(StringToHugeint("0x10", &v));
  ASSERT_TRUE(StringToHugeint("1.5", &v));  // half away from zero, as DuckDB
  EXPECT_EQ(v, 2);
  ASSERT_TRUE(StringToHugeint("1e3", &v));
  EXPECT_EQ(v, 1000);
  EXPECT_EQ(Text(kMin), "-170141183460469231731687303715884105728");
}

}  // namespace
}  // namespace plume::engine
