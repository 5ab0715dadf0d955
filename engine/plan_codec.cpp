#include "engine/plan_codec.h"

#include <algorithm>
#include <stdexcept>

#include "engine/byte_io.h"
#include "engine/expr_check.h"
#include "engine/schema.h"

namespace plume::engine {
namespace {

constexpr int kMaxFilterDepth = 256;

void WriteLiteral(ByteWriter& w, const Literal& l) {
  w.Signed(l.i);
  w.Fixed(l.d);
  w.String(l.s);
}

Literal ReadLiteral(ByteReader& r) {
  Literal l;
  l.i = r.Signed();
  l.d = r.Fixed<double>();
  l.s = r.String();
  return l;
}

// flags: bit 0 NULL, bit 1 a DECIMAL's 128-bit units follow (low, then high 64 bits).
void WriteScalar(ByteWriter& w, const Scalar& v) {
  w.U8(static_cast<std::uint8_t>(v.null | (v.wide << 1)));
  w.Signed(v.i);
  w.Fixed(v.d);
  w.String(v.s);
  if (!v.wide) return;
  w.Fixed(static_cast<std::uint64_t>(v.w));
  w.Fixed(static_cast<std::uint64_t>(static_cast<Int128>(v.w) >> 64));
}

Scalar ReadScalar(ByteReader& r) {
  Scalar v;
  const std::uint8_t flags = r.U8();
  if (flags > 3) r.Fail("bad constant flags");
  v.null = (flags & 1) != 0;
  v.wide = (flags & 2) != 0;
  v.i = r.Signed();
  v.d = r.Fixed<double>();
  v.s = r.String();
  if (v.wide) {
    const std::uint64_t lo = r.Fixed<std::uint64_t>();
    const std::uint64_t hi = r.Fixed<std::uint64_t>();
    __extension__ typedef unsigned __int128 U128;
    v.w = static_cast<Int128>((static_cast<U128>(hi) << 64) | lo);
  }
  return v;
}

// A constant IN list (args[1..] plain constants of one type, as the binder makes them) travels
// packed: per element its null flag, the one value field its type uses and its text, instead
// of a whole expression each; a 100,000-element list is then ~1 MB and one loop to decode.
constexpr std::uint8_t kPackedList = 4;  // in the flags byte

bool PlainConstant(const Expr& c, Type type) {
  const Scalar& v = c.value;
  const bool uses_i = type != Type::kFloat64 && type != Type::kString;
  return c.op == ExprOp::kConstant && c.type == type && c.column == -1 && c.fn == ExprFn::kAbs &&
         !c.negated && !c.flag && c.args.empty() && !v.wide && (uses_i || v.i == 0) &&
         (type == Type::kFloat64 || v.d == 0) && (type == Type::kString || v.s.empty()) &&
         (!v.null || (v.i == 0 && v.d == 0 && v.s.empty()));
}

bool PackedList(const Expr& e) {
  if (e.op != ExprOp::kIn || e.args.size() < 3) return false;
  const Type type = e.args[1].type;
  return std::all_of(e.args.begin() + 1, e.args.end(),
                     [type](const Expr& c) { return PlainConstant(c, type); });
}

void WriteExpr(ByteWriter& w, const Expr& e);

void WritePackedList(ByteWriter& w, const Expr& e) {
  WriteExpr(w, e.args[0]);
  const Type type = e.args[1].type;
  WriteType(w, type);
  w.Varint(e.args.size() - 1);
  for (auto c = e.args.begin() + 1; c != e.args.end(); ++c) {
    w.U8(c->value.null);
    if (type == Type::kFloat64) {
      w.Fixed(c->value.d);
    } else if (type == Type::kString) {
      w.String(c->value.s);
    } else {
      w.Signed(c->value.i);
    }
    w.String(c->text);
  }
}

void WriteExpr(ByteWriter& w, const Expr& e) {
  w.U8(static_cast<std::uint8_t>(e.op));
  WriteType(w, e.type);
  w.Signed(e.column);
  WriteScalar(w, e.value);
  w.U8(static_cast<std::uint8_t>(e.fn));
  const bool packed = PackedList(e);
  w.U8(static_cast<std::uint8_t>(e.negated | (e.flag << 1) | (packed ? kPackedList : 0)));
  w.String(e.text);
  if (packed) return WritePackedList(w, e);
  w.Varint(e.args.size());
  for (const Expr& a : e.args) WriteExpr(w, a);
}

void WriteExprs(ByteWriter& w, const std::vector<Expr>& list) {
  w.Varint(list.size());
  for (const Expr& e : list) WriteExpr(w, e);
}

void WriteFilter(ByteWriter& w, const FilterNode& n) {
  w.U8(static_cast<std::uint8_t>(n.kind));
  if (n.kind != FilterNode::Kind::kLeaf) {
    w.Varint(n.children.size());
    for (const FilterNode& c : n.children) WriteFilter(w, c);
    return;
  }
  w.U8(static_cast<std::uint8_t>(n.leaf));
  w.Signed(n.column);
  w.U8(static_cast<std::uint8_t>(n.op));
  w.U8(static_cast<std::uint8_t>(n.negated | (n.list_has_null << 1)));
  WriteLiteral(w, n.value);
  w.Varint(n.list.size());
  for (const Literal& l : n.list) WriteLiteral(w, l);
  WriteExprs(w, n.expr);
}

template <typename E>
E Enum(ByteReader& r, E last, const char* what) {
  const std::uint8_t v = r.U8();
  if (v > static_cast<std::uint8_t>(last)) r.Fail(std::string("bad ") + what);
  return static_cast<E>(v);
}

// A column of the plan's input (kSchema, or an earlier stage's result columns).
int InputColumnAt(ByteReader& r, const PlanData& p, bool allow_none) {
  const std::int64_t c = r.Signed();
  if ((c == -1 && allow_none) || (c >= 0 && c < static_cast<std::int64_t>(InputOf(p).size()))) {
    return static_cast<int>(c);
  }
  r.Fail("column index out of range");
}

Expr ReadExpr(ByteReader& r, int depth);

void ReadPackedList(ByteReader& r, int depth, Expr* e) {
  e->args.push_back(ReadExpr(r, depth + 1));
  const Type type = ReadType(r);
  const std::size_t n = r.Count(3);  // at least a null flag, a value and a text length each
  if (n < 2) r.Fail("packed IN list of fewer than two elements");
  e->args.reserve(n + 1);
  for (std::size_t i = 0; i < n; ++i) {
    Expr& c = e->args.emplace_back();
    c.type = type;
    c.value.null = r.U8() != 0;
    if (type == Type::kFloat64) {
      c.value.d = r.Fixed<double>();
    } else if (type == Type::kString) {
      c.value.s = r.String();
    } else {
      c.value.i = r.Signed();
    }
    c.text = r.String();
  }
}

Expr ReadExpr(ByteReader& r, int depth) {
  if (depth > kMaxExprDepth) r.Fail("expression nested too deeply");
  Expr e;
  e.op = Enum(r, ExprOp::kFunction, "expression operator");
  e.type = ReadType(r);
  e.column = static_cast<int>(std::clamp<std::int64_t>(r.Signed(), -1, 1 << 20));
  if (e.op == ExprOp::kColumn && e.column < 0) r.Fail("expression column out of range");
  e.value = ReadScalar(r);
  e.fn = Enum(r, ExprFn::kAqiCategoryName, "function");
  const std::uint8_t flags = r.U8();
  if (flags > (1 | 2 | kPackedList)) r.Fail("bad expression flags");
  e.negated = flags & 1;
  e.flag = flags & 2;
  e.text = r.String();
  if (flags & kPackedList) {
    if (e.op != ExprOp::kIn) r.Fail("packed list on an expression other than IN");
    ReadPackedList(r, depth, &e);
    return e;
  }
  for (std::size_t i = 0, n = r.Count(8); i < n; ++i) e.args.push_back(ReadExpr(r, depth + 1));
  return e;
}

std::vector<Expr> ReadExprs(ByteReader& r) {
  std::vector<Expr> list;
  for (std::size_t i = 0, n = r.Count(8); i < n; ++i) list.push_back(ReadExpr(r, 0));
  return list;
}

FilterNode ReadFilter(ByteReader& r, const PlanData& p, int depth) {
  if (depth > kMaxFilterDepth) r.Fail("filter nested too deeply");
  FilterNode n;
  n.kind = Enum(r, FilterNode::Kind::kLeaf, "filter node kind");
  if (n.kind != FilterNode::Kind::kLeaf) {
    const std::size_t count = r.Count();
    for (std::size_t i = 0; i < count; ++i) n.children.push_back(ReadFilter(r, p, depth + 1));
    return n;
  }
  n.leaf = Enum(r, LeafKind::kExpr, "filter leaf kind");
  n.column = InputColumnAt(r, p, true);
  const bool needs_column =
      n.leaf != LeafKind::kTrue && n.leaf != LeafKind::kFalse && n.leaf != LeafKind::kExpr;
  if (needs_column && n.column < 0) r.Fail("filter leaf without a column");
  n.op = Enum(r, CmpOp::kGe, "comparison");
  const std::uint8_t flags = r.U8();
  n.negated = flags & 1;
  n.list_has_null = flags & 2;
  n.value = ReadLiteral(r);
  const std::size_t count = r.Count(10);
  for (std::size_t i = 0; i < count; ++i) n.list.push_back(ReadLiteral(r));
  n.expr = ReadExprs(r);
  if (n.leaf == LeafKind::kExpr && n.expr.size() != 1)
    r.Fail("expression leaf without one expression");
  return n;
}

// A column of the partition's column space: a kSchema index or a computed column.
int SpaceColumn(ByteReader& r, const PlanData& p, bool allow_none) {
  const std::int64_t c = r.Signed();
  const auto size = static_cast<std::int64_t>(InputOf(p).size() + p.computed.size());
  if ((c == -1 && allow_none) || (c >= 0 && c < size)) return static_cast<int>(c);
  r.Fail("column index out of range");
}

void ReadBody(ByteReader& r, PlanData* p) {
  p->sql = r.String();
  for (std::size_t i = 0, n = r.Count(2); i < n; ++i) {
    Field f;
    f.name = r.String();
    f.type = ReadType(r);
    p->output.push_back(std::move(f));
  }
  for (std::size_t i = 0, n = r.Count(3); i < n; ++i) {
    ResultRef ref;
    ref.kind = Enum(r, ResultRef::Kind::kExpr, "result kind");
    ref.index = static_cast<int>(r.Varint() & 0x7fffffff);
    p->result.push_back(ref);
    p->result_types.push_back(ReadType(r));
  }
  p->aggregate = r.U8() != 0;
  p->computed = ReadExprs(r);
  for (std::size_t i = 0, n = r.Count(); i < n; ++i)
    p->group_columns.push_back(SpaceColumn(r, *p, false));
  for (std::size_t i = 0, n = r.Count(4); i < n; ++i) {
    AggSpec a;
    a.fn = Enum(r, kLastAggFn, "aggregate");
    a.distinct = r.U8() != 0;
    a.column = SpaceColumn(r, *p, a.fn == AggFn::kCountStar);
    a.column2 = SpaceColumn(r, *p, true);
    a.filter = SpaceColumn(r, *p, true);
    a.param = r.Fixed<double>();
    a.input = ReadType(r);
    a.input2 = ReadType(r);
    a.result = ReadType(r);
    p->aggs.push_back(a);
  }
  p->post = ReadExprs(r);
  p->having = ReadExprs(r);
  p->filter = ReadFilter(r, *p, 0);
  for (std::size_t i = 0, n = r.Count(3); i < n; ++i) {
    SortKey k;
    k.result = static_cast<int>(r.Varint() & 0x7fffffff);
    k.desc = r.U8() != 0;
    k.nulls_first = r.U8() != 0;
    p->order.push_back(k);
  }
  if (r.U8() != 0) p->limit = r.Varint();
  p->offset = r.Varint();
  p->merge = Enum(r, MergePlan::kLocal, "merge plan");
  if (p->merge != MergePlan::kTree && (!p->aggregate || p->group_columns.empty())) {
    r.Fail("a hash exchange or partition-local merge without GROUP BY");
  }
}

void CheckExpr(ByteReader& r, const Expr& e, const std::vector<Type>& columns) {
  if (!ExprFits(e, columns)) r.Fail("expression '" + e.text + "' with wrong arguments or types");
}

std::vector<Type> InputTypes(const PlanData& p) {
  std::vector<Type> t;
  for (const InputColumn& c : InputOf(p)) t.push_back(c.type);
  return t;
}

void CheckFilterExprs(ByteReader& r, const PlanData& p, const FilterNode& n) {
  for (const FilterNode& c : n.children) CheckFilterExprs(r, p, c);
  for (const Expr& e : n.expr) {
    CheckExpr(r, e, InputTypes(p));
    if (e.type != Type::kBool) r.Fail("filter expression is not BOOLEAN");
  }
}

// The executor implements every aggregate the plan names (AggregateSupported), so that a
// decoded plan never asks for a state the aggregation layer would ignore.
void CheckAggregate(ByteReader& r, const PlanData& p, const AggSpec& a) {
  if (!AggregateSupported(a.fn, a.distinct)) r.Fail("aggregate the executor does not implement");
  if (a.filter >= 0 && !AggregateFilterSupported()) r.Fail("aggregate FILTER not implemented");
  const bool two = a.fn == AggFn::kArgMin || a.fn == AggFn::kArgMax;
  if ((a.column2 >= 0) != two || (two && a.input2 != ColumnSpaceType(p, a.column2))) {
    r.Fail("aggregate second argument does not fit its function");
  }
  const bool quantile = a.fn == AggFn::kQuantileCont || a.fn == AggFn::kQuantileDisc;
  if (quantile && !(a.param >= -1 && a.param <= 1)) r.Fail("quantile outside [-1, 1]");
}

void Validate(ByteReader& r, const PlanData& p) {
  if (p.output.size() > p.result.size()) r.Fail("more output columns than result columns");
  for (const Expr& e : p.computed) CheckExpr(r, e, InputTypes(p));
  CheckFilterExprs(r, p, p.filter);
  std::vector<Type> slots;
  for (int c : p.group_columns) slots.push_back(ColumnSpaceType(p, c));
  for (const AggSpec& a : p.aggs) slots.push_back(a.result);
  for (const Expr& e : p.post) CheckExpr(r, e, slots);
  for (const Expr& e : p.having) CheckExpr(r, e, slots);
  if (p.having.size() > 1 || (!p.having.empty() && p.having[0].type != Type::kBool)) {
    r.Fail("HAVING is not one BOOLEAN expression");
  }
  if (!p.aggregate &&
      (!p.having.empty() || !p.post.empty() || !p.aggs.empty() || !p.group_columns.empty())) {
    r.Fail("group parts in a plain statement");
  }
  for (const ResultRef& ref : p.result) {
    const std::size_t i = static_cast<std::size_t>(ref.index);
    if ((ref.kind == ResultRef::Kind::kGroup && i >= p.group_columns.size()) ||
        (ref.kind == ResultRef::Kind::kAgg && i >= p.aggs.size()) ||
        (ref.kind == ResultRef::Kind::kExpr && i >= p.post.size()) ||
        (ref.kind == ResultRef::Kind::kColumn && i >= InputOf(p).size() + p.computed.size()) ||
        (ref.kind != ResultRef::Kind::kColumn) != p.aggregate) {
      r.Fail("result reference out of range");
    }
  }
  for (const SortKey& k : p.order) {
    if (static_cast<std::size_t>(k.result) >= p.result.size()) r.Fail("sort key out of range");
  }
  for (const AggSpec& a : p.aggs) {
    CheckAggregate(r, p, a);
    if ((a.column < 0) != (a.fn == AggFn::kCountStar)) r.Fail("aggregate argument missing");
    if (a.column >= 0 && a.input != ColumnSpaceType(p, a.column)) {
      r.Fail("aggregate input type differs from its column");
    }
    if (a.filter >= 0 && ColumnSpaceType(p, a.filter) != Type::kBool) {
      r.Fail("aggregate FILTER is not BOOLEAN");
    }
    try {
      if (a.result != AggregateResultType(a.fn, a.input)) throw std::invalid_argument("");
    } catch (const std::invalid_argument&) {
      r.Fail("aggregate result type does not fit its function");
    }
  }
  for (std::size_t i = 0; i < p.result.size(); ++i) {
    const Type t = ResultRefType(p, p.result[i]);
    if (t != p.result_types[i] || (i < p.output.size() && p.output[i].type != t)) {
      r.Fail("result type differs from the schema");
    }
  }
}

}  // namespace

std::string EncodePlan(const PlanData& p) {
  std::string out;
  ByteWriter w(&out);
  w.U8(kPlanFormatVersion);
  // The input's columns (none: measurements); every column index below is into them.
  w.Varint(p.input.size());
  for (const InputColumn& c : p.input) {
    w.String(c.name);
    WriteType(w, c.type);
    w.U8(c.nullable);
  }
  w.String(p.sql);
  w.Varint(p.output.size());
  for (const Field& f : p.output) {
    w.String(f.name);
    WriteType(w, f.type);
  }
  w.Varint(p.result.size());
  for (std::size_t i = 0; i < p.result.size(); ++i) {
    w.U8(static_cast<std::uint8_t>(p.result[i].kind));
    w.Varint(static_cast<std::uint64_t>(p.result[i].index));
    WriteType(w, p.result_types[i]);
  }
  w.U8(p.aggregate);
  WriteExprs(w, p.computed);
  w.Varint(p.group_columns.size());
  for (int c : p.group_columns) w.Signed(c);
  w.Varint(p.aggs.size());
  for (const AggSpec& a : p.aggs) {
    w.U8(static_cast<std::uint8_t>(a.fn));
    w.U8(a.distinct);
    w.Signed(a.column);
    w.Signed(a.column2);
    w.Signed(a.filter);
    w.Fixed(a.param);
    WriteType(w, a.input);
    WriteType(w, a.input2);
    WriteType(w, a.result);
  }
  WriteExprs(w, p.post);
  WriteExprs(w, p.having);
  WriteFilter(w, p.filter);
  w.Varint(p.order.size());
  for (const SortKey& k : p.order) {
    w.Varint(static_cast<std::uint64_t>(k.result));
    w.U8(k.desc);
    w.U8(k.nulls_first);
  }
  w.U8(p.limit.has_value());
  if (p.limit) w.Varint(*p.limit);
  w.Varint(p.offset);
  w.U8(static_cast<std::uint8_t>(p.merge));
  return out;
}

PlanData DecodePlan(std::string_view bytes) {
  ByteReader r(bytes, "serialized plan");
  if (r.U8() != kPlanFormatVersion) r.Fail("unsupported plan format version");
  PlanData p;
  for (std::size_t i = 0, n = r.Count(3); i < n; ++i) {
    InputColumn c;
    c.name = r.String();
    c.type = ReadType(r);
    c.nullable = r.U8() != 0;
    p.input.push_back(std::move(c));
  }
  ReadBody(r, &p);
  if (!r.AtEnd()) r.Fail("trailing bytes");
  Validate(r, p);
  FinishPlan(&p);
  return p;
}

}  // namespace plume::engine
