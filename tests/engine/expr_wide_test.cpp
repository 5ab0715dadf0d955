// 128-bit DECIMAL units inside the evaluator (engine/expr_wide.cpp): intermediate values of
// DECIMAL(19..38) beyond 64 bits, their comparisons, casts and text, DuckDB's overflow errors
// beyond 38 digits, and the 128-bit units in which a DECIMAL(19..38) leaves the evaluator.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "engine/binder.h"
#include "engine/expr.h"
#include "engine/expr_kernels.h"
#include "engine/value_format.h"
#include "tests/engine/expr_builders.h"

namespace plume::engine {
namespace {

using testing::Col;
using testing::EvaluateOn;

// The binder's node constructor, with a placeholder text for the error messages.
Expr Node(ExprOp op, Type t, std::vector<Expr> args, std::string text = "test") {
  return MakeNode(op, t, std::move(args), std::move(text));
}

Expr Cast(Expr a, Type t) { return Node(ExprOp::kCast, t, {std::move(a)}, "cast"); }

// Column 0: BIGINT {7, NULL, -3, 10^17}.
Batch Input() {
  Batch b;
  b.rows = 4;
  b.columns.resize(1);
  b.columns[0].type = Type::kInt64;
  b.columns[0].ints = {7, 0, -3, 100000000000000000};
  b.columns[0].valid = {1, 0, 1, 1};
  return b;
}

BatchColumn Evaluate(const Expr& e) {
  const Batch in = Input();
  return EvaluateOn(e, in, in.rows);
}

std::string ErrorOf(const Expr& e) {
  try {
    Evaluate(e);
  } catch (const std::runtime_error& err) {
    return err.what();
  }
  return "no error";
}

const Type kD38s20 = DecimalType(38, 20);

TEST(WideDecimalTest, TextOfThirtyEightDigits) {
  std::string t;
  const Int128 max = Pow10Wide(38) - 1;
  AppendWideDecimal(t, max, 20);
  EXPECT_EQ(t, "999999999999999999.99999999999999999999");
  t.clear();
  AppendWideDecimal(t, -max, 0);
  EXPECT_EQ(t, "-99999999999999999999999999999999999999");
  t.clear();
  AppendWideDecimal(t, -5, 20, false);
  EXPECT_EQ(t, "-.00000000000000000005");
  t.clear();
  AppendWideDecimal(t, Int128{INT64_MAX} + 1, 1);
  EXPECT_EQ(t, "922337203685477580.8");
}

TEST(WideDecimalTest, CastBeyondSixtyFourBitsIsExactInsideTheExpression) {
  // CAST(x AS DECIMAL(38,20)) * 2 > CAST(x AS DECIMAL(38,20)) holds 7 * 10^20 units: wide.
  const Expr wide = Cast(Col(0, Type::kInt64), kD38s20);
  const Expr twice = Node(ExprOp::kAdd, kD38s20, {wide, wide});
  const BatchColumn gt = Evaluate(Node(ExprOp::kGt, Type::kBool, {twice, wide}));
  ASSERT_EQ(gt.ints.size(), 4u);
  EXPECT_EQ(gt.ints[0], 1);
  EXPECT_TRUE(gt.IsNull(1));
  EXPECT_EQ(gt.ints[2], 0);  // -6 > -3 is false
  EXPECT_EQ(gt.ints[3], 1);
  const BatchColumn text = Evaluate(Cast(twice, Type::kString));
  EXPECT_EQ(text.StringAt(0), "14.00000000000000000000");
  EXPECT_EQ(text.StringAt(2), "-6.00000000000000000000");
  EXPECT_EQ(text.StringAt(3), "200000000000000000.00000000000000000000");
  const BatchColumn d = Evaluate(Cast(twice, Type::kFloat64));
  EXPECT_DOUBLE_EQ(d.doubles[0], 14.0);
  EXPECT_DOUBLE_EQ(d.doubles[3], 2e17);
}

TEST(WideDecimalTest, NarrowingCastRoundsHalfAwayFromZero) {
  // -x * 10^20 units at scale 20, rescaled to DECIMAL(20,1) (gtest cannot print __int128).
  const Expr wide = Cast(Col(0, Type::kInt64), kD38s20);
  const Expr neg = Node(ExprOp::kNeg, kD38s20, {wide});
  const BatchColumn out = Evaluate(Cast(neg, DecimalType(20, 1)));
  EXPECT_TRUE(out.ints.empty());
  EXPECT_TRUE(UnitsOf(out, 0) == -70);
  EXPECT_TRUE(UnitsOf(out, 2) == 30);
  EXPECT_TRUE(UnitsOf(out, 3) == -1000000000000000000);
  // Half away from zero from 128-bit units: x + 0.05 to scale 1 is 7.1 and -3.0 (-2.95).
  Expr five;
  five.type = kD38s20;
  five.value.null = false;
  five.value.i = 5000000000000000000;  // 0.05
  const Expr plus = Node(ExprOp::kAdd, kD38s20, {wide, five});
  const BatchColumn half = Evaluate(Cast(plus, DecimalType(20, 1)));
  EXPECT_TRUE(UnitsOf(half, 0) == 71);
  EXPECT_TRUE(UnitsOf(half, 2) == -30);
}

TEST(WideDecimalTest, OverflowBeyondTheWidthIsDuckDBsError) {
  const Expr wide = Cast(Col(0, Type::kInt64), kD38s20);  // 10^37 units for 10^17
  const Expr square =
      Node(ExprOp::kMul, kD38s20, {wide, Cast(Col(0, Type::kInt64), DecimalType(19, 0))});
  EXPECT_EQ(ErrorOf(square),
            "Out of Range Error: Overflow in multiplication of DECIMAL(38) "
            "(10000000000000000000000000000000000000 * 100000000000000000). You might want "
            "to add an explicit cast to a decimal with a smaller scale. in 'test'");
  Expr sum = wide;  // 2, 4, 8, 16 * 10^37 units: the last is beyond 38 digits
  for (int i = 0; i < 4; ++i) sum = Node(ExprOp::kAdd, kD38s20, {sum, sum});
  EXPECT_EQ(ErrorOf(sum),
            "Out of Range Error: Overflow in addition of DECIMAL(38) "
            "(80000000000000000000000000000000000000 + 80000000000000000000000000000000000000); "
            "in 'test'");
  const Expr diff =
      Node(ExprOp::kSub, kD38s20, {Node(ExprOp::kNeg, kD38s20, {sum.args[0]}), sum.args[0]});
  EXPECT_NE(ErrorOf(diff).find("Overflow in subtract of DECIMAL(38) (-8"), std::string::npos);
}

TEST(WideDecimalTest, WidenMovesUnitsToTheWideVector) {
  BatchColumn v;
  v.type = DecimalType(30, 2);
  v.ints = {1, -2, 3};
  Widen(&v, 3);
  ASSERT_EQ(v.wide.size(), 3u);
  EXPECT_TRUE(v.ints.empty());
  EXPECT_TRUE(UnitsOf(v, 1) == -2);  // gtest cannot print __int128
}

// A DECIMAL(19..38) leaves the evaluator in 128 bits (table.h), whatever its units: a value
// beyond 64 bits is kept, not an error, and one within them is widened all the same.
TEST(WideDecimalTest, EvaluatorReturnsWideDecimalsInWideUnits) {
  const BatchColumn small = Evaluate(Cast(Col(0, Type::kInt64), DecimalType(30, 2)));
  EXPECT_TRUE(small.ints.empty());
  ASSERT_EQ(small.wide.size(), 4u);
  const BatchColumn big = Evaluate(Cast(Col(0, Type::kInt64), kD38s20));
  ASSERT_EQ(big.wide.size(), 4u);
  EXPECT_TRUE(big.ints.empty());
}

}  // namespace
}  // namespace plume::engine
