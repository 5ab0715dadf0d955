// arg_min(a, b) and arg_max(a, b): the a of the row with the smallest (largest) b. Rows where
// a or b is NULL are skipped (DuckDB 1.x). Ties on b go to the smallest a, so that the answer
// does not depend on the order rows arrive in (DuckDB takes the first row it meets).
#include <cmath>
#include <limits>
#include <string>

#include "engine/aggregate.h"

namespace plume::engine {
namespace {

// One value of any type, as the merge side holds it.
struct Cell {
  std::int64_t i = 0;
  double d = 0;
  std::string s;
  Int128 w = 0;  // the wide types (IsWidePhysical)
};

template <typename T>
int Compare(const T& a, const T& b) {
  return a < b ? -1 : b < a;
}

int CompareDouble(double a, double b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : an ? 1 : -1;       // NaN last
  if (a == b) return std::signbit(b) - std::signbit(a);  // -0.0 first: the order is total
  return a < b ? -1 : 1;
}

// Compares rows r and s of a table column (strings by dictionary code: dictionaries are sorted).
int CompareRows(const Column& c, std::uint32_t r, std::uint32_t s) {
  switch (c.type) {
    case Type::kFloat64:
      return CompareDouble(c.doubles[r], c.doubles[s]);
    case Type::kString:
      return Compare(c.codes[r], c.codes[s]);
    default:
      return IsWidePhysical(c.type) ? Compare(c.wide[r], c.wide[s]) : Compare(c.ints[r], c.ints[s]);
  }
}

int CompareCell(const BatchColumn& c, std::size_t row, const Cell& cell) {
  switch (c.type) {
    case Type::kFloat64:
      return CompareDouble(c.doubles[row], cell.d);
    case Type::kString: {
      const int x = c.StringAt(row).compare(cell.s);
      return x < 0 ? -1 : x > 0;
    }
    default:
      return IsWidePhysical(c.type) ? Compare(c.wide[row], cell.w) : Compare(c.ints[row], cell.i);
  }
}

void SetCell(const BatchColumn& c, std::size_t row, Cell* cell) {
  if (c.type == Type::kFloat64) {
    cell->d = c.doubles[row];
  } else if (c.type == Type::kString) {
    cell->s = c.StringAt(row);
  } else if (IsWidePhysical(c.type)) {
    cell->w = c.wide[row];
  } else {
    cell->i = c.ints[row];
  }
}

void PushCell(const Cell& cell, BatchColumn* out) {
  if (out->type == Type::kFloat64) {
    PushDouble(out, cell.d, false);
  } else if (out->type == Type::kString) {
    PushString(out, cell.s, false);
  } else if (IsWidePhysical(out->type)) {
    PushWide(out, cell.w, false);
  } else {
    PushInt(out, cell.i, false);
  }
}

void PushRow(const Column& c, std::uint32_t r, BatchColumn* out) {
  if (c.type == Type::kFloat64) {
    PushDouble(out, c.doubles[r], false);
  } else if (c.type == Type::kString) {
    PushString(out, c.dict[c.codes[r]], false);
  } else if (IsWidePhysical(c.type)) {
    PushWide(out, c.wide[r], false);
  } else {
    PushInt(out, c.ints[r], false);
  }
}

constexpr std::uint32_t kNoRow = std::numeric_limits<std::uint32_t>::max();

class ArgStates final : public AggregateStates {
 public:
  ArgStates(const AggSpec& spec, bool partition)
      : max_(spec.fn == AggFn::kArgMax), partition_(partition) {}
  void Reserve(std::size_t groups) override {
    if (partition_) {
      best_.reserve(groups);
    } else {
      b_.reserve(groups);
      a_.reserve(groups);
      has_.reserve(groups);
    }
  }
  void Resize(std::size_t groups) override {
    if (partition_) {
      best_.resize(groups, kNoRow);
    } else {
      b_.resize(groups);
      a_.resize(groups);
      has_.resize(groups, 0);
    }
  }
  void Update(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
              std::size_t n) override;
  void Merge(const Batch& b, std::size_t first, std::size_t row, std::size_t g) override;
  void EmitPartial(std::size_t g, BatchColumn* out) const override;
  void EmitFinal(std::size_t g, BatchColumn* out) const override;

 private:
  // Is a candidate better than the best so far, given how its b and its a compare with the best's?
  bool Better(int by_b, int by_a) const {
    return (max_ ? by_b > 0 : by_b < 0) || (by_b == 0 && by_a < 0);
  }

  bool max_, partition_;
  AggArgs args_;                     // partition: the columns best_ indexes
  std::vector<std::uint32_t> best_;  // partition: the best row so far
  std::vector<Cell> b_, a_;          // merge side
  std::vector<std::uint8_t> has_;
};

void ArgStates::Update(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
                       std::size_t n) {
  args_ = args;
  const Column &a = *args.arg, &b = *args.arg2;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t r = rows[i];
    if (a.IsNull(r) || b.IsNull(r)) continue;
    std::uint32_t& best = best_[gids[i]];
    if (best == kNoRow || Better(CompareRows(b, r, best), CompareRows(a, r, best))) best = r;
  }
}

void ArgStates::Merge(const Batch& batch, std::size_t first, std::size_t row, std::size_t g) {
  const BatchColumn &b = batch.columns[first], &a = batch.columns[first + 1];
  if (b.IsNull(row) || a.IsNull(row)) return;
  if (has_[g] && !Better(CompareCell(b, row, b_[g]), CompareCell(a, row, a_[g]))) return;
  SetCell(b, row, &b_[g]);
  SetCell(a, row, &a_[g]);
  has_[g] = 1;
}

void ArgStates::EmitPartial(std::size_t g, BatchColumn* out) const {
  if (partition_ ? best_[g] == kNoRow : !has_[g]) {
    PushNull(out);
    PushNull(out + 1);
  } else if (partition_) {
    PushRow(*args_.arg2, best_[g], out);
    PushRow(*args_.arg, best_[g], out + 1);
  } else {
    PushCell(b_[g], out);
    PushCell(a_[g], out + 1);
  }
}

void ArgStates::EmitFinal(std::size_t g, BatchColumn* out) const {
  if (partition_ ? best_[g] == kNoRow : !has_[g]) {
    PushNull(out);
  } else if (partition_) {
    PushRow(*args_.arg, best_[g], out);
  } else {
    PushCell(a_[g], out);
  }
}

}  // namespace

std::unique_ptr<AggregateStates> MakeArgStates(const AggSpec& spec, bool partition) {
  return std::make_unique<ArgStates>(spec, partition);
}

}  // namespace plume::engine
