// SplitStages and SubstituteSubqueries (stage_split.h).
#include "engine/stage_split.h"

#include <cctype>
#include <functional>
#include <memory>
#include <set>

#include "engine/query.h"
#include "engine/schema.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

// Calls `f` on every expression of the statement's own clauses (not of its subqueries).
void ForEachExpr(StatementAst* st, const std::function<void(ExprAst&)>& f) {
  for (SelectItemAst& item : st->items) f(item.expr);
  for (std::optional<ExprAst>* e : {&st->where, &st->having, &st->limit, &st->offset}) {
    if (*e) f(**e);
  }
  for (ExprAst& g : st->group_by) f(g);
  for (OrderAst& o : st->order_by) f(o.expr);
}

class Splitter {
 public:
  std::vector<StageAst> Run(const StatementAst& root) {
    StatementAst last = Flatten(root);
    stages_.push_back({"result", StageAst::Role::kResult, std::move(last)});
    return std::move(stages_);
  }

 private:
  struct Cte {
    std::string name;
    std::shared_ptr<const StatementAst> body;
    std::size_t visible;  // the CTEs before it (scope_ entries) are what its body sees
    int stage = -1;       // once read
  };

  int Add(std::string name, StageAst::Role role, StatementAst ast) {
    stages_.push_back({std::move(name), role, std::move(ast)});
    return static_cast<int>(stages_.size() - 1);
  }

  std::string NextSubqueryName() { return "subquery " + std::to_string(++subqueries_); }

  StatementAst Flatten(const StatementAst& st) {
    const std::size_t mark = scope_.size();
    for (const CteAst& c : st.with) {
      scope_.push_back(std::make_shared<Cte>(Cte{c.name, c.body, scope_.size()}));
    }
    StatementAst out = st;
    out.with.clear();
    if (st.from_subquery) {
      const std::string name = NextSubqueryName();
      out.source = Add(name, StageAst::Role::kTable, Flatten(*st.from_subquery));
      out.from_subquery.reset();
    } else if (Cte* cte = Find(st.table)) {
      out.source = StageOf(*cte);
    }
    ForEachExpr(&out, [this](ExprAst& e) { Walk(e); });
    scope_.resize(mark);
    return out;
  }

  void Walk(ExprAst& e) {
    for (ExprAst& a : e.args) Walk(a);
    for (ExprAst& f : e.filter) Walk(f);
    if (e.kind == ExprAst::Kind::kIn && e.args.size() == 2 &&
        e.args[1].kind == ExprAst::Kind::kSubquery) {
      Stage(e.args[1], StageAst::Role::kIn);
    } else if (e.kind == ExprAst::Kind::kSubquery && e.subquery) {
      Stage(e, StageAst::Role::kScalar);
    }
  }

  void Stage(ExprAst& node, StageAst::Role role) {
    if (!node.subquery) return;  // already staged (IN's operand was walked first)
    const std::string name = NextSubqueryName();
    node.stage = Add(name, role, Flatten(*node.subquery));
    node.subquery.reset();
  }

  Cte* Find(const std::string& name) {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if ((*it)->name == name) return it->get();
    }
    return nullptr;
  }

  int StageOf(Cte& cte) {
    if (cte.stage < 0) {
      std::vector<std::shared_ptr<Cte>> saved = scope_;
      scope_.resize(cte.visible);
      cte.stage = Add(cte.name, StageAst::Role::kTable, Flatten(*cte.body));
      scope_ = std::move(saved);
    }
    return cte.stage;
  }

  std::vector<std::shared_ptr<Cte>> scope_;
  std::vector<StageAst> stages_;
  int subqueries_ = 0;
};

std::string LowerTypeName(Type t) {
  std::string s(TypeName(t));
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A literal holding row `r` of `c` exactly (doubles in their shortest round-trip text).
ExprAst CellLiteral(const Column& c, std::size_t r, std::size_t pos) {
  LiteralAst l;
  l.pos = pos;
  if (c.IsNull(r)) return LiteralExpr(l);  // kNull
  switch (c.type) {
    case Type::kBool:
      l.kind = LiteralAst::Kind::kBool;
      l.text = c.ints[r] != 0 ? "true" : "false";
      break;
    case Type::kInt64:
      l.kind = LiteralAst::Kind::kInteger;
      AppendInt(l.text, c.ints[r]);
      break;
    case Type::kFloat64:
      l.kind = LiteralAst::Kind::kDouble;
      AppendDouble(l.text, c.doubles[r]);
      break;
    case Type::kTimestamp:
      l.kind = LiteralAst::Kind::kTimestamp;
      AppendTimestamp(l.text, c.ints[r]);
      break;
    case Type::kDate:
      l.kind = LiteralAst::Kind::kDate;
      AppendDate(l.text, c.ints[r]);
      break;
    case Type::kString:
      l.kind = LiteralAst::Kind::kString;
      l.text = c.dict[c.codes[r]];
      break;
  }
  return LiteralExpr(l);
}

ExprAst CastAst(ExprAst value, Type type) {
  ExprAst e;
  e.kind = ExprAst::Kind::kCast;
  e.op = LowerTypeName(type);
  e.pos = value.pos;
  e.args.push_back(std::move(value));
  return e;
}

ExprAst ScalarValue(const ExprAst& node, const std::vector<Table>* results, Type type) {
  LiteralAst null;
  null.pos = node.pos;
  if (results == nullptr) return CastAst(LiteralExpr(null), type);
  const Table& t = results->at(static_cast<std::size_t>(node.stage));
  if (t.rows > 1) {
    throw SqlError(
        "More than one row returned by a subquery used as an expression - scalar subqueries can "
        "only return a single row",
        node.pos);
  }
  if (t.rows == 0) return CastAst(LiteralExpr(null), type);
  return CastAst(CellLiteral(t.columns.at(0), 0, node.pos), type);
}

// x [NOT] IN (SELECT ...) -> x [NOT] IN (v1, v2, ...), keeping its name; with no values, the
// constant DuckDB gives (IN () is false and NOT IN () true, even for a NULL x).
void InValues(ExprAst& e, const std::vector<Table>* results) {
  const ExprAst sub = e.args[1];
  e.op = ExprName(e);
  e.args.pop_back();
  if (results == nullptr) {
    LiteralAst null;
    null.pos = sub.pos;
    e.args.push_back(LiteralExpr(null));
    return;
  }
  const Table& t = results->at(static_cast<std::size_t>(sub.stage));
  std::set<std::string> seen;
  for (std::size_t r = 0; r < t.rows; ++r) {
    ExprAst lit = CellLiteral(t.columns.at(0), r, sub.pos);
    const std::string key = std::to_string(static_cast<int>(lit.literal.kind)) + lit.literal.text;
    if (seen.insert(key).second) e.args.push_back(std::move(lit));
  }
  if (e.args.size() == 1) {
    LiteralAst b;
    b.kind = LiteralAst::Kind::kBool;
    b.text = e.negated ? "true" : "false";
    b.pos = sub.pos;
    e = LiteralExpr(b);
  }
}

void Substitute(ExprAst& e, const std::vector<Table>* results, const std::vector<Type>& types) {
  if (e.kind == ExprAst::Kind::kIn && e.args.size() == 2 &&
      e.args[1].kind == ExprAst::Kind::kSubquery && e.args[1].args.empty()) {
    Substitute(e.args[0], results, types);
    return InValues(e, results);
  }
  for (ExprAst& a : e.args) Substitute(a, results, types);
  for (ExprAst& f : e.filter) Substitute(f, results, types);
  if (e.kind == ExprAst::Kind::kSubquery && e.args.empty()) {
    e.args.push_back(ScalarValue(e, results, types.at(static_cast<std::size_t>(e.stage))));
  }
}

}  // namespace

std::vector<StageAst> SplitStages(const StatementAst& st) { return Splitter().Run(st); }

void SubstituteSubqueries(StatementAst* st, const std::vector<Table>* results,
                          const std::vector<Type>& types) {
  ForEachExpr(st, [&](ExprAst& e) { Substitute(e, results, types); });
}

}  // namespace plume::engine
