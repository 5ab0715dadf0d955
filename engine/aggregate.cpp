#include "engine/aggregate.h"

#include <cstdint>
#include <stdexcept>

namespace plume::engine {

bool DistinctByValues(const AggSpec& spec) {
  if (!spec.distinct) return false;
  switch (spec.fn) {
    case AggFn::kMin:  // the same answer over the distinct values, or (arg_min, arg_max) the
    case AggFn::kMax:  // distinct pairs: the states without DISTINCT serve
    case AggFn::kArgMin:
    case AggFn::kArgMax:
    case AggFn::kBoolAnd:
    case AggFn::kBoolOr:
    case AggFn::kCountStar:
      return false;
    default:
      return true;
  }
}

std::vector<Type> PartialTypes(const AggSpec& spec) {
  const bool ints = spec.input != Type::kFloat64;
  if (DistinctByValues(spec)) return {Type::kString};  // the distinct values (aggregate_values.cpp)
  switch (spec.fn) {
    case AggFn::kCountStar:
    case AggFn::kCount:
      return {Type::kInt64};
    case AggFn::kSum:
      return ints ? std::vector<Type>{Type::kInt64, Type::kInt64}
                  : std::vector<Type>{Type::kString};
    case AggFn::kAvg:
      return ints ? std::vector<Type>{Type::kInt64, Type::kInt64, Type::kInt64}
                  : std::vector<Type>{Type::kString, Type::kInt64};
    case AggFn::kMin:
    case AggFn::kMax:
      return {spec.input};
    case AggFn::kVarSamp:
    case AggFn::kVarPop:
    case AggFn::kStddevSamp:
    case AggFn::kStddevPop:
      return {Type::kInt64, Type::kString, Type::kString};
    case AggFn::kMedian:
    case AggFn::kQuantileCont:
    case AggFn::kQuantileDisc:
      return {Type::kString};
    case AggFn::kArgMin:
    case AggFn::kArgMax:
      return {spec.input2, spec.input};
    case AggFn::kBoolAnd:
    case AggFn::kBoolOr:
      return {Type::kBool};
  }
  return {};
}

void AggregateStates::UpdateOneGroup(const AggArgs& args, const std::uint32_t* rows,
                                     const std::uint32_t* gids, std::size_t n) {
  Update(args, rows, gids, n);
}

std::unique_ptr<AggregateStates> MakeAggregateStates(const AggSpec& spec, bool partition) {
  if (DistinctByValues(spec)) return MakeValueStates(spec, partition);
  switch (spec.fn) {
    case AggFn::kVarSamp:
    case AggFn::kVarPop:
    case AggFn::kStddevSamp:
    case AggFn::kStddevPop:
      return MakeMomentStates(spec);
    case AggFn::kMedian:
    case AggFn::kQuantileCont:
    case AggFn::kQuantileDisc:
      return MakeValueStates(spec, partition);
    case AggFn::kArgMin:
    case AggFn::kArgMax:
      return MakeArgStates(spec, partition);
    default:
      return MakeBasicStates(spec, partition);
  }
}

void PushInt(BatchColumn* c, std::int64_t v, bool null) {
  c->ints.push_back(v);
  c->valid.push_back(!null);
}

void PushWide(BatchColumn* c, Int128 v, bool null) {
  c->wide.push_back(v);
  c->valid.push_back(!null);
}

void PushDouble(BatchColumn* c, double v, bool null) {
  c->doubles.push_back(v);
  c->valid.push_back(!null);
}

void PushString(BatchColumn* c, std::string_view v, bool null) {
  if (!null) c->chars.append(v);
  if (c->chars.size() > UINT32_MAX) throw std::runtime_error("batch strings exceed 4 GiB");
  c->offsets.push_back(static_cast<std::uint32_t>(c->chars.size()));
  c->valid.push_back(!null);
}

void PushNull(BatchColumn* c) {
  if (c->type == Type::kString) {
    PushString(c, {}, true);
  } else if (c->type == Type::kFloat64) {
    PushDouble(c, 0, true);
  } else if (IsWidePhysical(c->type)) {
    PushWide(c, 0, true);
  } else {
    PushInt(c, 0, true);
  }
}

std::size_t StateBytesPerGroup(const AggSpec& spec) {
  // A blob column (exact sums, value counts) holds a heap string: its header and a few parts.
  std::size_t bytes = 0;
  for (Type t : PartialTypes(spec)) bytes += t == Type::kString ? 48 : 16;
  return bytes;
}

}  // namespace plume::engine
