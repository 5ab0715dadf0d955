// Leaf kernels of the vectorized filter: one branchless loop per (type, operator, NULLs, dense).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/filter_leaf.h"

namespace plume::engine {
namespace {

using Node = CompiledFilter::Node;
constexpr double kExact = 9007199254740992.0;  // 2^53: zone maps of ints are exact below
// IN lists up to this long are scanned branch-free per row; longer ones binary-searched.
constexpr std::size_t kLinearIn = 16;

template <typename T>
bool Compare(CmpOp op, const T& a, const T& b) {
  switch (op) {
    case CmpOp::kEq:
      return a == b;
    case CmpOp::kNe:
      return a != b;
    case CmpOp::kLt:
      return a < b;
    case CmpOp::kLe:
      return a <= b;
    case CmpOp::kGt:
      return a > b;
    case CmpOp::kGe:
      return a >= b;
  }
  return false;
}

// The loop: out[k] = row; k += pred(row). Safe in place because k never passes the read index.
template <bool kDense, typename Pred>
std::size_t Loop(Sel in, std::uint32_t* out, Pred pred) {
  std::size_t k = 0;
  if constexpr (kDense) {
    const std::uint32_t end = in.begin + static_cast<std::uint32_t>(in.n);
    for (std::uint32_t r = in.begin; r < end; ++r) {
      out[k] = r;
      k += pred(r);
    }
  } else {
    for (std::size_t j = 0; j < in.n; ++j) {
      const std::uint32_t r = in.rows[j];
      out[k] = r;
      k += pred(r);
    }
  }
  return k;
}

template <typename Pred>
std::size_t Run(Sel in, std::uint32_t* out, const Column& c, Pred pred) {
  const std::uint8_t* valid = c.valid.empty() ? nullptr : c.valid.data();
  if (valid == nullptr) {
    return in.rows ? Loop<false>(in, out, pred) : Loop<true>(in, out, pred);
  }
  auto checked = [&](std::uint32_t r) { return valid[r] & static_cast<std::uint8_t>(pred(r)); };
  return in.rows ? Loop<false>(in, out, checked) : Loop<true>(in, out, checked);
}

template <typename T>
std::size_t RunCompare(const Node& n, Sel in, std::uint32_t* out, const T* v, T c) {
  switch (n.cmp) {
    case CmpOp::kEq:
      return Run(in, out, *n.column, [=](std::uint32_t r) { return v[r] == c; });
    case CmpOp::kNe:
      return Run(in, out, *n.column, [=](std::uint32_t r) { return v[r] != c; });
    case CmpOp::kLt:
      return Run(in, out, *n.column, [=](std::uint32_t r) { return v[r] < c; });
    case CmpOp::kLe:
      return Run(in, out, *n.column, [=](std::uint32_t r) { return v[r] <= c; });
    case CmpOp::kGt:
      return Run(in, out, *n.column, [=](std::uint32_t r) { return v[r] > c; });
    case CmpOp::kGe:
      return Run(in, out, *n.column, [=](std::uint32_t r) { return v[r] >= c; });
  }
  return 0;
}

template <typename T>
std::size_t RunIn(const Node& n, Sel in, std::uint32_t* out, const T* v,
                  const std::vector<T>& list) {
  const T* l = list.data();
  const std::size_t m = list.size();
  const bool neg = n.negated;
  if (m > kLinearIn) {  // the list is sorted (CompileLeaf): binary search, O(log m) per row
    return Run(in, out, *n.column,
               [=](std::uint32_t r) { return std::binary_search(l, l + m, v[r]) != neg; });
  }
  return Run(in, out, *n.column, [=](std::uint32_t r) {
    bool hit = false;
    for (std::size_t i = 0; i < m; ++i) hit |= v[r] == l[i];
    return hit != neg;
  });
}

std::size_t RunNull(const Node& n, Sel in, std::uint32_t* out, bool want_null) {
  const std::uint8_t* valid = n.column->valid.data();
  const std::uint8_t flip = want_null ? 1 : 0;
  auto pred = [=](std::uint32_t r) { return static_cast<std::uint8_t>(valid[r] ^ flip); };
  return in.rows ? Loop<false>(in, out, pred) : Loop<true>(in, out, pred);
}

std::size_t CopyAll(Sel in, std::uint32_t* out) {
  if (in.rows == nullptr) {
    for (std::size_t j = 0; j < in.n; ++j) out[j] = in.begin + static_cast<std::uint32_t>(j);
  } else if (in.rows != out) {
    std::copy(in.rows, in.rows + in.n, out);
  }
  return in.n;
}

void BuildMask(Node* n, const FilterNode& f, const Column& c) {
  n->op = LeafOp::kCodeMask;
  n->mask.assign(c.dict.size(), 0);
  for (std::size_t i = 0; i < c.dict.size(); ++i) {
    const std::string& s = c.dict[i];
    bool hit = false;
    if (f.leaf == LeafKind::kCompare) {
      hit = Compare<std::string_view>(f.op, s, f.value.s);
    } else if (f.leaf == LeafKind::kLike) {
      hit = LikeMatch(s, f.value.s) != f.negated;
    } else {
      for (const Literal& l : f.list) hit |= s == l.s;
      hit = hit != f.negated;
    }
    n->mask[i] = hit;
  }
  n->prefix.assign(c.dict.size() + 1, 0);
  for (std::size_t i = 0; i < c.dict.size(); ++i) n->prefix[i + 1] = n->prefix[i] + n->mask[i];
}

}  // namespace

std::unique_ptr<Node> CompileLeaf(const FilterNode& f, const Column* c) {
  auto n = std::make_unique<Node>();
  n->column = c;
  n->cmp = f.op;
  n->negated = f.negated;
  if (f.leaf == LeafKind::kTrue || f.leaf == LeafKind::kFalse ||
      (f.leaf == LeafKind::kIn && f.negated && f.list_has_null)) {
    n->op = f.leaf == LeafKind::kTrue ? LeafOp::kTrue : LeafOp::kFalse;
    return n;
  }
  if (c == nullptr) throw std::runtime_error("filter column missing from the partition");
  if (f.leaf == LeafKind::kIsNull || f.leaf == LeafKind::kIsNotNull) {
    const bool want_null = f.leaf == LeafKind::kIsNull;
    n->op = c->valid.empty() ? (want_null ? LeafOp::kFalse : LeafOp::kTrue)
                             : (want_null ? LeafOp::kIsNull : LeafOp::kIsNotNull);
    return n;
  }
  const bool is_in = f.leaf == LeafKind::kIn;
  switch (c->type) {
    case Type::kString:
      BuildMask(n.get(), f, *c);
      break;
    case Type::kFloat64:
      if (f.leaf == LeafKind::kLike) throw std::runtime_error("LIKE on a DOUBLE column");
      n->op = is_in ? LeafOp::kDoubleIn : LeafOp::kDoubleCmp;
      n->dvalue = f.value.d;
      for (const Literal& l : f.list) {
        if (!std::isnan(l.d)) n->doubles.push_back(l.d);  // NaN equals nothing here
      }
      std::sort(n->doubles.begin(), n->doubles.end());
      n->doubles.erase(std::unique(n->doubles.begin(), n->doubles.end()), n->doubles.end());
      break;
    default:
      if (f.leaf == LeafKind::kLike) throw std::runtime_error("LIKE on an integer column");
      n->op = is_in ? LeafOp::kIntIn : LeafOp::kIntCmp;
      n->ivalue = f.value.i;
      for (const Literal& l : f.list) n->ints.push_back(l.i);
      std::sort(n->ints.begin(), n->ints.end());
      n->ints.erase(std::unique(n->ints.begin(), n->ints.end()), n->ints.end());
      break;
  }
  return n;
}

namespace {

// Zone class of "x op v" for x in [lo, hi] (no NULLs considered).
ZoneClass RangeClass(CmpOp op, double lo, double hi, double v) {
  const bool all =
      Compare(op, lo, v) && Compare(op, hi, v) && (op != CmpOp::kNe || v < lo || v > hi);
  bool none;
  switch (op) {
    case CmpOp::kEq:
      none = v < lo || v > hi;
      break;
    case CmpOp::kNe:
      none = lo == hi && lo == v;
      break;
    case CmpOp::kLt:
      none = lo >= v;
      break;
    case CmpOp::kLe:
      none = lo > v;
      break;
    case CmpOp::kGt:
      none = hi <= v;
      break;
    default:
      none = hi < v;
      break;
  }
  return none ? ZoneClass::kNone : all ? ZoneClass::kAll : ZoneClass::kSome;
}

ZoneClass ListClass(const Node& n, double lo, double hi) {
  bool any_inside = false;
  auto check = [&](double v) { any_inside |= v >= lo && v <= hi; };
  for (std::int64_t v : n.ints) check(static_cast<double>(v));
  for (double v : n.doubles) check(v);
  if (any_inside) return ZoneClass::kSome;
  return n.negated ? ZoneClass::kAll : ZoneClass::kNone;
}

}  // namespace

std::unique_ptr<Node> CompileExprLeaf(const FilterNode& f,
                                      const std::vector<const Column*>& columns) {
  if (f.expr.size() != 1 || f.expr[0].type != Type::kBool) {
    throw std::runtime_error("filter expression leaf without one BOOLEAN expression");
  }
  std::vector<int> used;
  CollectExprColumns(f.expr[0], &used);
  for (int c : used) {
    if (c < 0 || static_cast<std::size_t>(c) >= columns.size() ||
        !columns[static_cast<std::size_t>(c)]) {
      throw std::runtime_error("filter expression reads a column the partition does not have");
    }
  }
  auto n = std::make_unique<Node>();
  n->op = LeafOp::kExpr;
  n->expr = &f.expr[0];
  n->eval = std::make_unique<ExprEvaluator>(*n->expr);
  n->columns = &columns;
  n->scratch.resize(kBlockRows);
  return n;
}

namespace {

// Evaluates the expression for the selected rows; keeps those where it is true.
std::size_t RunExpr(const Node& n, Sel in, std::uint32_t* out) {
  const std::uint32_t* rows = in.rows;
  if (rows == nullptr) {
    for (std::size_t j = 0; j < in.n; ++j) n.scratch[j] = in.begin + static_cast<std::uint32_t>(j);
    rows = n.scratch.data();
  }
  ExprInput input;
  input.columns = n.columns;
  input.rows = rows;
  input.n = in.n;
  BatchColumn v;
  n.eval->Eval(input, &v);
  std::size_t k = 0;
  const std::int64_t* truth = v.ints.data();
  if (v.valid.empty()) {
    for (std::size_t j = 0; j < in.n; ++j) {
      out[k] = rows[j];
      k += truth[j] != 0;
    }
  } else {
    for (std::size_t j = 0; j < in.n; ++j) {
      out[k] = rows[j];
      k += (truth[j] != 0) & v.valid[j];
    }
  }
  return k;
}

}  // namespace

ZoneClass LeafZone(const Node& n, std::size_t block, std::size_t block_rows) {
  if (n.op == LeafOp::kTrue) return ZoneClass::kAll;
  if (n.op == LeafOp::kExpr) return ZoneClass::kSome;
  if (n.op == LeafOp::kFalse) return ZoneClass::kNone;
  const Column& c = *n.column;
  if (block >= c.blocks.size()) return ZoneClass::kSome;
  const BlockStats& s = c.blocks[block];
  if (n.op == LeafOp::kIsNull || n.op == LeafOp::kIsNotNull) {
    const bool none_null = s.nulls == 0, all_null = s.nulls == block_rows;
    if (n.op == LeafOp::kIsNull)
      return none_null ? ZoneClass::kNone : all_null ? ZoneClass::kAll : ZoneClass::kSome;
    return all_null ? ZoneClass::kNone : none_null ? ZoneClass::kAll : ZoneClass::kSome;
  }
  if (s.nulls == block_rows) return ZoneClass::kNone;
  if (!(s.min <= s.max)) return ZoneClass::kSome;  // stats missing or inconsistent
  ZoneClass z;
  if (n.op == LeafOp::kCodeMask) {
    if (s.min < 0 || s.max >= static_cast<double>(n.mask.size())) return ZoneClass::kSome;
    const auto lo = static_cast<std::size_t>(s.min), hi = static_cast<std::size_t>(s.max);
    const std::uint32_t hits = n.prefix[hi + 1] - n.prefix[lo];
    z = hits == 0 ? ZoneClass::kNone : hits == hi - lo + 1 ? ZoneClass::kAll : ZoneClass::kSome;
  } else if (n.op == LeafOp::kIntCmp || n.op == LeafOp::kIntIn) {
    if (std::fabs(s.min) >= kExact || std::fabs(s.max) >= kExact) return ZoneClass::kSome;
    z = n.op == LeafOp::kIntIn ? ListClass(n, s.min, s.max)
        : (n.ivalue >= (1LL << 53) || n.ivalue <= -(1LL << 53))
            ? ZoneClass::kSome
            : RangeClass(n.cmp, s.min, s.max, static_cast<double>(n.ivalue));
  } else {
    z = n.op == LeafOp::kDoubleIn ? ListClass(n, s.min, s.max)
                                  : RangeClass(n.cmp, s.min, s.max, n.dvalue);
  }
  if (z == ZoneClass::kAll && s.nulls > 0) return ZoneClass::kSome;
  return z;
}

std::size_t EvalLeaf(const Node& n, Sel in, std::uint32_t* out) {
  switch (n.op) {
    case LeafOp::kTrue:
      return CopyAll(in, out);
    case LeafOp::kFalse:
      return 0;
    case LeafOp::kIsNull:
      return RunNull(n, in, out, true);
    case LeafOp::kIsNotNull:
      return RunNull(n, in, out, false);
    case LeafOp::kIntCmp:
      return RunCompare(n, in, out, n.column->ints.data(), n.ivalue);
    case LeafOp::kDoubleCmp:
      return RunCompare(n, in, out, n.column->doubles.data(), n.dvalue);
    case LeafOp::kIntIn:
      return RunIn(n, in, out, n.column->ints.data(), n.ints);
    case LeafOp::kDoubleIn:
      return RunIn(n, in, out, n.column->doubles.data(), n.doubles);
    case LeafOp::kExpr:
      return RunExpr(n, in, out);
    case LeafOp::kCodeMask: {
      const std::uint32_t* codes = n.column->codes.data();
      const std::uint8_t* mask = n.mask.data();
      return Run(in, out, *n.column, [=](std::uint32_t r) { return mask[codes[r]]; });
    }
  }
  return 0;
}

}  // namespace plume::engine
