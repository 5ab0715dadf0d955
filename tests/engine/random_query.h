// Random tables and random statements for the differential test (fixed seeds, so failures
// reproduce). Values are chosen so that sums of doubles are exact in any order (multiples of
// 1/8 well below 2^50) while still covering NULLs, duplicates, negative and extreme values.
#pragma once

#include <random>
#include <vector>

#include "tests/engine/reference.h"

namespace plume::engine::testing {

class RandomSource {
 public:
  explicit RandomSource(std::uint64_t seed) : rng_(seed) {}
  // A partition of `rows` rows; null_rate per column is drawn per table.
  std::vector<Row> Rows(std::size_t rows);
  // Lets literals draw from `rows` too (for tables not made by Rows()).
  void Observe(const std::vector<Row>& rows);
  // Forget the values of earlier tables (call before making a new data set).
  void NewDataSet() { seen_.clear(); }
  QuerySpec Query();
  std::mt19937_64& rng() { return rng_; }

 private:
  std::size_t Below(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  Value PoolValue(int column);
  Value LiteralValue(int column);
  RefLiteral TimeLiteral(std::int64_t t);
  RefLiteral IntLiteral(std::int64_t i);
  RefLiteral Literal(int column);
  RefExpr Leaf();
  void DecimalStrings(RefExpr* e) const;
  RefExpr Expr(int depth);
  RefAgg RandomAgg(int* column, RefAggExtra* x);
  RefScalar NumberLeaf(bool int_ok);
  RefScalar Number(int depth, bool int_ok);
  RefScalar Text();
  RefExpr ScalarLeaf();
  void Having(QuerySpec* q);
  void PlainSelect(QuerySpec* q);
  void AggregateSelect(QuerySpec* q);
  void OrderBy(QuerySpec* q);

  std::mt19937_64 rng_;
  // Values of the tables made so far (per column), so literals often hit real values and the
  // edges of zone maps.
  std::vector<std::vector<Value>> seen_;
};

}  // namespace plume::engine::testing
