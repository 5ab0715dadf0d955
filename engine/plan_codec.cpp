#include "engine/plan_codec.h"

#include "engine/aggregate.h"
#include "engine/byte_io.h"
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
}

template <typename E>
E Enum(ByteReader& r, E last, const char* what) {
  const std::uint8_t v = r.U8();
  if (v > static_cast<std::uint8_t>(last)) r.Fail(std::string("bad ") + what);
  return static_cast<E>(v);
}

int SchemaColumn(ByteReader& r, bool allow_none) {
  const std::int64_t c = r.Signed();
  if ((c == -1 && allow_none) || (c >= 0 && c < static_cast<std::int64_t>(kSchema.size()))) {
    return static_cast<int>(c);
  }
  r.Fail("column index out of range");
}

FilterNode ReadFilter(ByteReader& r, int depth) {
  if (depth > kMaxFilterDepth) r.Fail("filter nested too deeply");
  FilterNode n;
  n.kind = Enum(r, FilterNode::Kind::kLeaf, "filter node kind");
  if (n.kind != FilterNode::Kind::kLeaf) {
    const std::size_t count = r.Count();
    for (std::size_t i = 0; i < count; ++i) n.children.push_back(ReadFilter(r, depth + 1));
    return n;
  }
  n.leaf = Enum(r, LeafKind::kTrue, "filter leaf kind");
  n.column = SchemaColumn(r, true);
  const bool needs_column = n.leaf != LeafKind::kTrue && n.leaf != LeafKind::kFalse;
  if (needs_column && n.column < 0) r.Fail("filter leaf without a column");
  n.op = Enum(r, CmpOp::kGe, "comparison");
  const std::uint8_t flags = r.U8();
  n.negated = flags & 1;
  n.list_has_null = flags & 2;
  n.value = ReadLiteral(r);
  const std::size_t count = r.Count(10);
  for (std::size_t i = 0; i < count; ++i) n.list.push_back(ReadLiteral(r));
  return n;
}

void WriteAgg(ByteWriter& w, const AggSpec& a) {
  w.U8(static_cast<std::uint8_t>(a.fn));
  w.Signed(a.column);
  w.Signed(a.column2);
  w.U8(static_cast<std::uint8_t>(a.input));
  w.U8(static_cast<std::uint8_t>(a.input2));
  w.U8(static_cast<std::uint8_t>(a.result));
  w.U8(static_cast<std::uint8_t>(a.distinct | (a.has_filter << 1)));
  w.Fixed(a.quantile);
  if (PredicateArgument(a.fn)) {
    WriteFilter(w, a.when_true);
    WriteFilter(w, a.when_false);
  }
  if (a.has_filter) WriteFilter(w, a.filter);
}

AggSpec ReadAgg(ByteReader& r) {
  AggSpec a;
  a.fn = Enum(r, AggFn::kBoolOr, "aggregate");
  a.column = SchemaColumn(r, true);
  a.column2 = SchemaColumn(r, true);
  a.input = Enum(r, Type::kString, "type");
  a.input2 = Enum(r, Type::kString, "type");
  a.result = Enum(r, Type::kString, "type");
  const std::uint8_t flags = r.U8();
  if (flags > 3) r.Fail("bad aggregate flags");
  a.distinct = flags & 1;
  a.has_filter = flags & 2;
  a.quantile = r.Fixed<double>();
  if (PredicateArgument(a.fn)) {
    a.when_true = ReadFilter(r, 0);
    a.when_false = ReadFilter(r, 0);
  }
  if (a.has_filter) a.filter = ReadFilter(r, 0);
  return a;
}

void ReadBody(ByteReader& r, PlanData* p) {
  p->sql = r.String();
  for (std::size_t i = 0, n = r.Count(2); i < n; ++i) {
    Field f;
    f.name = r.String();
    f.type = Enum(r, Type::kString, "type");
    p->output.push_back(std::move(f));
  }
  for (std::size_t i = 0, n = r.Count(3); i < n; ++i) {
    ResultRef ref;
    ref.kind = Enum(r, ResultRef::Kind::kAgg, "result kind");
    ref.index = static_cast<int>(r.Varint() & 0x7fffffff);
    if (ref.kind == ResultRef::Kind::kColumn && ref.index >= static_cast<int>(kSchema.size())) {
      r.Fail("result column out of range");
    }
    p->result.push_back(ref);
    p->result_types.push_back(Enum(r, Type::kString, "type"));
  }
  p->aggregate = r.U8() != 0;
  for (std::size_t i = 0, n = r.Count(); i < n; ++i)
    p->group_columns.push_back(SchemaColumn(r, false));
  for (std::size_t i = 0, n = r.Count(4); i < n; ++i) p->aggs.push_back(ReadAgg(r));
  p->filter = ReadFilter(r, 0);
  for (std::size_t i = 0, n = r.Count(3); i < n; ++i) {
    SortKey k;
    k.result = static_cast<int>(r.Varint() & 0x7fffffff);
    k.desc = r.U8() != 0;
    k.nulls_first = r.U8() != 0;
    p->order.push_back(k);
  }
  if (r.U8() != 0) p->limit = r.Varint();
}

void ValidateAgg(ByteReader& r, const AggSpec& a) {
  const bool predicate = PredicateArgument(a.fn), star = a.fn == AggFn::kCountStar;
  const bool two = a.fn == AggFn::kArgMin || a.fn == AggFn::kArgMax;
  if ((a.column < 0) != (star || predicate) || (a.column2 >= 0) != two) {
    r.Fail("aggregate arguments do not fit its function");
  }
  auto schema_type = [](int c) { return kSchema[static_cast<std::size_t>(c)].type; };
  if ((a.column >= 0 && a.input != schema_type(a.column)) ||
      (two && a.input2 != schema_type(a.column2)) || (predicate && a.input != Type::kBool)) {
    r.Fail("aggregate input type differs from the schema");
  }
  if (AggResultType(a) != a.result) r.Fail("aggregate result type does not fit its function");
  if (!(a.quantile >= 0 && a.quantile <= 1)) r.Fail("quantile outside [0, 1]");
}

void Validate(ByteReader& r, const PlanData& p) {
  if (p.output.size() > p.result.size()) r.Fail("more output columns than result columns");
  for (const ResultRef& ref : p.result) {
    const std::size_t i = static_cast<std::size_t>(ref.index);
    if ((ref.kind == ResultRef::Kind::kGroup && i >= p.group_columns.size()) ||
        (ref.kind == ResultRef::Kind::kAgg && i >= p.aggs.size()) ||
        (ref.kind != ResultRef::Kind::kColumn) != p.aggregate) {
      r.Fail("result reference out of range");
    }
  }
  for (const SortKey& k : p.order) {
    if (static_cast<std::size_t>(k.result) >= p.result.size()) r.Fail("sort key out of range");
  }
  for (const AggSpec& a : p.aggs) ValidateAgg(r, a);
  for (std::size_t i = 0; i < p.result.size(); ++i) {
    const ResultRef& ref = p.result[i];
    const std::size_t k = static_cast<std::size_t>(ref.index);
    const Type t = ref.kind == ResultRef::Kind::kColumn ? kSchema[k].type
                   : ref.kind == ResultRef::Kind::kGroup
                       ? kSchema[static_cast<std::size_t>(p.group_columns[k])].type
                       : p.aggs[k].result;
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
  w.String(p.sql);
  w.Varint(p.output.size());
  for (const Field& f : p.output) {
    w.String(f.name);
    w.U8(static_cast<std::uint8_t>(f.type));
  }
  w.Varint(p.result.size());
  for (std::size_t i = 0; i < p.result.size(); ++i) {
    w.U8(static_cast<std::uint8_t>(p.result[i].kind));
    w.Varint(static_cast<std::uint64_t>(p.result[i].index));
    w.U8(static_cast<std::uint8_t>(p.result_types[i]));
  }
  w.U8(p.aggregate);
  w.Varint(p.group_columns.size());
  for (int c : p.group_columns) w.Signed(c);
  w.Varint(p.aggs.size());
  for (const AggSpec& a : p.aggs) WriteAgg(w, a);
  WriteFilter(w, p.filter);
  w.Varint(p.order.size());
  for (const SortKey& k : p.order) {
    w.Varint(static_cast<std::uint64_t>(k.result));
    w.U8(k.desc);
    w.U8(k.nulls_first);
  }
  w.U8(p.limit.has_value());
  if (p.limit) w.Varint(*p.limit);
  return out;
}

PlanData DecodePlan(std::string_view bytes) {
  ByteReader r(bytes, "serialized plan");
  if (r.U8() != kPlanFormatVersion) r.Fail("unsupported plan format version");
  PlanData p;
  ReadBody(r, &p);
  if (!r.AtEnd()) r.Fail("trailing bytes");
  Validate(r, p);
  FinishPlan(&p);
  return p;
}

}  // namespace plume::engine
