// Names and result types of the aggregate functions (AggSpec, plan_data.h), as DuckDB has them.
#include <stdexcept>

#include "engine/plan_data.h"

namespace plume::engine {

std::string_view AggregateName(AggFn fn) {
  switch (fn) {
    case AggFn::kCountStar:
      return "count_star";
    case AggFn::kCount:
      return "count";
    case AggFn::kSum:
      return "sum";
    case AggFn::kAvg:
      return "avg";
    case AggFn::kMin:
      return "min";
    case AggFn::kMax:
      return "max";
    case AggFn::kStddevSamp:
      return "stddev_samp";
    case AggFn::kStddevPop:
      return "stddev_pop";
    case AggFn::kVarSamp:
      return "var_samp";
    case AggFn::kVarPop:
      return "var_pop";
    case AggFn::kMedian:
      return "median";
    case AggFn::kQuantileCont:
      return "quantile_cont";
    case AggFn::kQuantileDisc:
      return "quantile_disc";
    case AggFn::kArgMin:
      return "arg_min";
    case AggFn::kArgMax:
      return "arg_max";
    case AggFn::kBoolAnd:
      return "bool_and";
    case AggFn::kBoolOr:
      return "bool_or";
  }
  return "?";
}

Type AggregateResultType(AggFn fn, Type input) {
  const bool numeric = IsInteger(input) || input == Type::kFloat64 || IsDecimal(input);
  const bool huge = IsWideInteger(input);  // HUGEINT, UBIGINT
  auto need = [&](bool ok) {
    if (!ok) {
      const char* what = fn == AggFn::kBoolAnd || fn == AggFn::kBoolOr ? "a BOOLEAN"
                         : numeric || input == Type::kBool             ? "an orderable"
                                                                       : "a numeric column";
      throw std::invalid_argument(std::string(AggregateName(fn)) + " needs " + what + ", not " +
                                  std::string(TypeName(input)));
    }
  };
  switch (fn) {
    case AggFn::kCountStar:
    case AggFn::kCount:
      return Type::kInt64;
    case AggFn::kSum:  // DuckDB: sum(DECIMAL(w,s)) is DECIMAL(38,s)
      need(numeric || huge);
      if (IsDecimal(input)) return DecimalType(kMaxDecimalWidth, DecimalScale(input));
      // DuckDB: the sum of an integer type (BIGINT, INTEGER and the narrow types) is HUGEINT
      // (exact: the states are 128-bit), and so is the sum of a UBIGINT or HUGEINT
      return IsInteger(input) || IsWideInteger(input) ? Type::kHugeint : input;
    case AggFn::kAvg:
    case AggFn::kStddevSamp:
    case AggFn::kStddevPop:
    case AggFn::kVarSamp:
    case AggFn::kVarPop:
      // the variances of a HUGEINT only with DISTINCT: the binder casts it otherwise
      need(numeric || huge);
      return Type::kFloat64;
    case AggFn::kMedian:
    case AggFn::kQuantileCont:
      // not TIMESTAMP: an interpolated time can have fractions of a second (plume's TIMESTAMP
      // has whole seconds); quantile_disc takes it
      need(input != Type::kBool && input != Type::kTimestamp &&
           (input != Type::kString || fn == AggFn::kMedian));
      // DECIMAL: interpolated in it; HUGEINT (DISTINCT: the binder casts it otherwise) in DOUBLE
      return IsInteger(input) || huge ? Type::kFloat64 : input;
    case AggFn::kBoolAnd:
    case AggFn::kBoolOr:
      need(input == Type::kBool);
      return Type::kBool;
    default:  // min, max, quantile_disc, arg_min, arg_max
      return input;
  }
}

}  // namespace plume::engine
