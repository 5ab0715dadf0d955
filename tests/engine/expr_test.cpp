// ExprEvaluator kernels and the exact casts of scalar_cast.h, on small hand-built vectors.
#include "engine/expr.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "engine/scalar_cast.h"
#include "tests/engine/expr_builders.h"

namespace plume::engine {
namespace {

using testing::Col;
using testing::EvaluateOn;

Expr Int(std::int64_t v) {
  Expr e;
  e.type = Type::kInt64;
  e.value.null = false;
  e.value.i = v;
  return e;
}

Expr Node(ExprOp op, Type t, std::vector<Expr> args) {
  Expr e;
  e.op = op;
  e.type = t;
  e.args = std::move(args);
  e.text = "test";
  return e;
}

// Input batch: column 0 BIGINT {1, NULL, 3, INT64_MAX}, column 1 VARCHAR {a, Bb, NULL, ccc}.
Batch Input() {
  Batch b;
  b.rows = 4;
  b.columns.resize(2);
  b.columns[0].type = Type::kInt64;
  b.columns[0].ints = {1, 0, 3, INT64_MAX};
  b.columns[0].valid = {1, 0, 1, 1};
  b.columns[1].type = Type::kString;
  b.columns[1].chars = "aBbccc";
  b.columns[1].offsets = {0, 1, 3, 3, 6};
  b.columns[1].valid = {1, 1, 0, 1};
  return b;
}

BatchColumn Evaluate(const Expr& e, std::size_t rows = 4) {
  const Batch in = Input();
  return EvaluateOn(e, in, rows);
}

TEST(ExprTest, BigintAdditionOverflowIsAnErrorButNotOnNullRows) {
  const Expr add = Node(ExprOp::kAdd, Type::kInt64, {Col(0, Type::kInt64), Int(1)});
  EXPECT_THROW(Evaluate(add), std::runtime_error);
  const BatchColumn out = Evaluate(add, 3);
  EXPECT_EQ(out.ints[0], 2);
  EXPECT_TRUE(out.IsNull(1));
  EXPECT_EQ(out.ints[2], 4);
}

TEST(ExprTest, IntegerDivisionByZeroIsNull) {
  const BatchColumn out =
      Evaluate(Node(ExprOp::kIntDiv, Type::kInt64, {Col(0, Type::kInt64), Int(0)}));
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(out.IsNull(i));
}

TEST(ExprTest, ThreeValuedLogic) {
  // (x > 2) OR (x IS NULL): true for NULL x; (x > 2) AND NULL: false for x = 1, NULL for x = 3.
  const Expr gt = Node(ExprOp::kGt, Type::kBool, {Col(0, Type::kInt64), Int(2)});
  const Expr isnull = Node(ExprOp::kIsNull, Type::kBool, {Col(0, Type::kInt64)});
  const BatchColumn any = Evaluate(Node(ExprOp::kOr, Type::kBool, {gt, isnull}));
  EXPECT_EQ(any.ints, (std::vector<std::int64_t>{0, 1, 1, 1}));
  EXPECT_TRUE(any.valid.empty());
  Expr null_bool;
  null_bool.type = Type::kBool;
  const BatchColumn both = Evaluate(Node(ExprOp::kAnd, Type::kBool, {gt, null_bool}));
  EXPECT_FALSE(both.IsNull(0));
  EXPECT_EQ(both.ints[0], 0);
  EXPECT_TRUE(both.IsNull(2));
}

TEST(ExprTest, CaseTakesTheFirstTrueBranch) {
  Expr lo = Int(10), hi = Int(20), other = Int(30);
  const Expr gt = Node(ExprOp::kGt, Type::kBool, {Col(0, Type::kInt64), Int(2)});
  const Expr eq = Node(ExprOp::kEq, Type::kBool, {Col(0, Type::kInt64), Int(1)});
  const BatchColumn out = Evaluate(Node(ExprOp::kCase, Type::kInt64, {gt, hi, eq, lo, other}));
  EXPECT_EQ(out.ints, (std::vector<std::int64_t>{10, 30, 20, 20}));
}

// An untaken branch never runs: x + 1 overflows on row 3 (INT64_MAX), which takes the THEN.
TEST(ExprTest, CaseEvaluatesABranchOnlyOnTheRowsThatTakeIt) {
  const Expr big = Node(ExprOp::kGt, Type::kBool, {Col(0, Type::kInt64), Int(100)});
  const Expr inc = Node(ExprOp::kAdd, Type::kInt64, {Col(0, Type::kInt64), Int(1)});
  const Expr c = Node(ExprOp::kCase, Type::kInt64, {big, Int(0), inc});
  const BatchColumn out = Evaluate(c);
  EXPECT_EQ(out.ints[0], 2);
  EXPECT_TRUE(out.IsNull(1));
  EXPECT_EQ(out.ints[2], 4);
  EXPECT_EQ(out.ints[3], 0);
  // The taken branch still fails: ELSE 0 THEN x + 1.
  const Expr small = Node(ExprOp::kLe, Type::kBool, {Col(0, Type::kInt64), Int(100)});
  EXPECT_THROW(Evaluate(Node(ExprOp::kCase, Type::kInt64, {small, Int(0), inc})),
               std::runtime_error);
  // COALESCE(x, x + 1): the second argument runs on the NULL row only.
  const BatchColumn co =
      Evaluate(Node(ExprOp::kCoalesce, Type::kInt64, {Col(0, Type::kInt64), inc}));
  EXPECT_EQ(co.ints[3], INT64_MAX);
  EXPECT_TRUE(co.IsNull(1));
}

// The same over table rows (a selection of rows of columns, as on the data ranks).
TEST(ExprTest, LazyCaseOverTableRows) {
  Column x;
  x.type = Type::kInt64;
  x.ints = {INT64_MAX, 5, 0, 7};
  const std::vector<const Column*> cols = {&x};
  const std::vector<std::uint32_t> rows = {3, 2, 0};
  ExprInput in;
  in.columns = &cols;
  in.rows = rows.data();
  in.n = rows.size();
  const Expr zero = Node(ExprOp::kEq, Type::kBool, {Col(0, Type::kInt64), Int(0)});
  const Expr big = Node(ExprOp::kGt, Type::kBool, {Col(0, Type::kInt64), Int(100)});
  const Expr inc = Node(ExprOp::kAdd, Type::kInt64, {Col(0, Type::kInt64), Int(1)});
  Expr null_int;
  const Expr c = Node(ExprOp::kCase, Type::kInt64, {zero, null_int, big, Int(-1), inc});
  BatchColumn out;
  ExprEvaluator(c).Eval(in, &out);
  EXPECT_EQ(out.ints[0], 8);
  EXPECT_TRUE(out.IsNull(1));
  EXPECT_EQ(out.ints[2], -1);
}

TEST(ExprTest, ConcatPropagatesNullAndConcatFunctionSkipsIt) {
  Expr bar = Node(ExprOp::kConcat, Type::kString, {Col(1, Type::kString), Col(1, Type::kString)});
  BatchColumn out = Evaluate(bar);
  EXPECT_EQ(out.StringAt(1), "BbBb");
  EXPECT_TRUE(out.IsNull(2));
  bar.flag = true;
  out = Evaluate(bar);
  EXPECT_FALSE(out.IsNull(2));
  EXPECT_EQ(out.StringAt(2), "");
}

TEST(ExprTest, ILikeFoldsCase) {
  Expr pattern;
  pattern.type = Type::kString;
  pattern.value = Scalar{false, 0, 0, "b%"};
  Expr like = Node(ExprOp::kLike, Type::kBool, {Col(1, Type::kString), pattern});
  like.flag = true;
  const BatchColumn out = Evaluate(like);
  EXPECT_EQ(out.ints[0], 0);
  EXPECT_EQ(out.ints[1], 1);
  EXPECT_TRUE(out.IsNull(2));
}

TEST(ScalarCastTest, StringToBigintIsExactAsDuckDB) {
  std::int64_t v = 0;
  EXPECT_TRUE(StringToInt("0.49999999999999999", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(StringToInt("2.5", &v));
  EXPECT_EQ(v, 3);
  EXPECT_TRUE(StringToInt("-2.5", &v));
  EXPECT_EQ(v, -3);
  EXPECT_TRUE(StringToInt("1_000", &v));
  EXPECT_EQ(v, 1000);
  EXPECT_TRUE(StringToInt("0x10", &v));
  EXPECT_EQ(v, 16);
  EXPECT_TRUE(StringToInt("0b11", &v));
  EXPECT_EQ(v, 3);
  EXPECT_TRUE(StringToInt("1e3", &v));
  EXPECT_EQ(v, 1000);
  EXPECT_TRUE(StringToInt(" 7 ", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(StringToInt("9223372036854775807.4", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_FALSE(StringToInt("1__0", &v));
  EXPECT_FALSE(StringToInt("10_", &v));
  EXPECT_FALSE(StringToInt("_1", &v));
  EXPECT_FALSE(StringToInt("abc", &v));
  EXPECT_FALSE(StringToInt("9223372036854775808", &v));
}

TEST(ScalarCastTest, StringToDoubleAcceptsInfNanAndUnderflow) {
  double d = 1;
  EXPECT_TRUE(StringToDouble("inf", &d));
  EXPECT_TRUE(std::isinf(d) && d > 0);
  EXPECT_TRUE(StringToDouble("-Infinity", &d));
  EXPECT_TRUE(std::isinf(d) && d < 0);
  EXPECT_TRUE(StringToDouble("NaN", &d));
  EXPECT_TRUE(std::isnan(d));
  EXPECT_TRUE(StringToDouble("1e-400", &d));
  EXPECT_EQ(d, 0.0);
  EXPECT_TRUE(StringToDouble("1_000.5", &d));
  EXPECT_EQ(d, 1000.5);
  EXPECT_FALSE(StringToDouble("1__0", &d));
  EXPECT_FALSE(StringToDouble("x", &d));
}

TEST(ScalarCastTest, DoubleToBigintRoundsHalfToEven) {
  std::int64_t v = 0;
  EXPECT_TRUE(DoubleToInt(2.5, &v));
  EXPECT_EQ(v, 2);
  EXPECT_TRUE(DoubleToInt(-2.5, &v));
  EXPECT_EQ(v, -2);
  EXPECT_FALSE(DoubleToInt(1e19, &v));
  EXPECT_FALSE(DoubleToInt(std::nan(""), &v));
}

}  // namespace
}  // namespace plume::engine
