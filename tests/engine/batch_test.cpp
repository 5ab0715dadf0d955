// Batch wire form: round trips, and rejection of every truncation and of corrupted fields.
#include <gtest/gtest.h>

#include <random>

#include "engine/batch.h"

namespace plume::engine {
namespace {

Batch Sample() {
  Batch b;
  b.rows = 3;
  BatchColumn ints;
  ints.type = Type::kInt64;
  ints.ints = {1, -2, 1LL << 62};
  ints.valid = {1, 0, 1};
  BatchColumn dbl;
  dbl.type = Type::kFloat64;
  dbl.doubles = {0.5, -1e300, 3};
  BatchColumn str;
  str.type = Type::kString;
  str.chars = "abcdef";
  str.offsets = {0, 1, 1, 6};
  BatchColumn ts;
  ts.type = Type::kTimestamp;
  ts.ints = {0, 1600000000, -5};
  b.columns = {ints, dbl, str, ts};
  return b;
}

void ExpectEqual(const Batch& a, const Batch& b) {
  ASSERT_EQ(a.rows, b.rows);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (std::size_t i = 0; i < a.columns.size(); ++i) {
    const BatchColumn& x = a.columns[i];
    const BatchColumn& y = b.columns[i];
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.ints, y.ints);
    EXPECT_EQ(x.doubles, y.doubles);
    EXPECT_EQ(x.offsets, y.offsets);
    EXPECT_EQ(x.chars, y.chars);
    EXPECT_EQ(x.valid, y.valid);
  }
}

TEST(BatchEncoding, RoundTrip) {
  std::string wire;
  EncodeBatch(Sample(), &wire);
  ExpectEqual(DecodeBatch(wire), Sample());
  EXPECT_EQ(DecodeBatch(wire).columns[2].StringAt(2), "bcdef");
}

TEST(BatchEncoding, AppendsToBuffer) {
  std::string wire = "xx";
  EncodeBatch(Sample(), &wire);
  ExpectEqual(DecodeBatch(std::string_view(wire).substr(2)), Sample());
}

TEST(BatchEncoding, EmptyBatch) {
  Batch b;
  BatchColumn s;
  s.type = Type::kString;
  b.columns.push_back(s);
  std::string wire;
  EncodeBatch(b, &wire);
  const Batch d = DecodeBatch(wire);
  EXPECT_EQ(d.rows, 0u);
  EXPECT_EQ(d.columns[0].offsets, std::vector<std::uint32_t>{0});
}

TEST(BatchEncoding, EveryTruncationIsRejected) {
  std::string wire;
  EncodeBatch(Sample(), &wire);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    EXPECT_THROW(DecodeBatch(std::string_view(wire).substr(0, n)), std::runtime_error) << n;
  }
  EXPECT_THROW(DecodeBatch(wire + "z"), std::runtime_error);
}

TEST(BatchEncoding, CorruptionNeverReadsOutOfBounds) {
  std::string wire;
  EncodeBatch(Sample(), &wire);
  std::mt19937 rng(7);
  int rejected = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string bad = wire;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] = static_cast<char>(rng());
    try {
      const Batch b = DecodeBatch(bad);
      for (const BatchColumn& c : b.columns) {
        if (c.type == Type::kString) {
          for (std::size_t r = 0; r < b.rows; ++r) (void)c.StringAt(r);
        }
      }
    } catch (const std::runtime_error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 1000);
}

TEST(BatchEncoding, SpecificCorruptions) {
  std::string wire;
  EncodeBatch(Sample(), &wire);
  std::string bad = wire;
  bad[0] = 9;  // version
  EXPECT_THROW(DecodeBatch(bad), std::runtime_error);
  bad = wire;
  bad[13] = static_cast<char>(static_cast<int>(kLastType) + 1);  // first column's type tag
  EXPECT_THROW(DecodeBatch(bad), std::runtime_error);
  bad = wire;
  bad[14] = 2;  // validity flag
  EXPECT_THROW(DecodeBatch(bad), std::runtime_error);
  bad = wire;
  bad[15] = 5;  // a validity byte
  EXPECT_THROW(DecodeBatch(bad), std::runtime_error);
}

}  // namespace
}  // namespace plume::engine
