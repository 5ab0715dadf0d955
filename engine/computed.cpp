#include "engine/computed.h"

#include <algorithm>
#include <unordered_map>

#include "engine/expr.h"

namespace plume::engine {
void ScatterInto(const BatchColumn& v, const std::uint32_t* rows, Column* out) {
  const std::size_t n = v.type == Type::kString    ? v.offsets.size() - 1
                        : v.type == Type::kFloat64 ? v.doubles.size()
                                                   : v.ints.size();
  const bool nulls = !v.valid.empty();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t r = rows[i];
    out->valid[r] = !nulls || v.valid[i];
    if (v.type == Type::kFloat64) {
      out->doubles[r] = v.doubles[i];
    } else if (v.type != Type::kString) {
      out->ints[r] = v.ints[i];
    }
  }
}

void ComputedColumns::Materialize(const PlanData& plan, const std::uint32_t* rows, std::size_t n,
                                  std::size_t table_rows, std::vector<const Column*>* columns) {
  storage_.assign(plan.computed.size(), Column{});
  for (std::size_t k = 0; k < plan.computed.size(); ++k) {
    const Expr& e = plan.computed[k];
    Column& c = storage_[k];
    c.type = e.type;
    c.valid.assign(table_rows, 0);
    if (e.type == Type::kFloat64) {
      c.doubles.assign(table_rows, 0);
    } else if (e.type == Type::kString) {
      c.codes.assign(table_rows, 0);
    } else {
      c.ints.assign(table_rows, 0);
    }
    std::unordered_map<std::string, std::uint32_t> ids;  // strings: value -> first-seen id
    std::vector<std::string> seen;
    ExprEvaluator eval(e);
    for (std::size_t off = 0; off < n; off += kBlockRows) {
      ExprInput in;
      in.columns = columns;
      in.rows = rows + off;
      in.n = std::min(kBlockRows, n - off);
      BatchColumn v;
      eval.Eval(in, &v);
      ScatterInto(v, in.rows, &c);
      if (e.type != Type::kString) continue;
      for (std::size_t i = 0; i < in.n; ++i) {
        auto [it, added] =
            ids.try_emplace(std::string(v.StringAt(i)), static_cast<std::uint32_t>(seen.size()));
        if (added) seen.push_back(it->first);
        c.codes[in.rows[i]] = it->second;
      }
    }
    if (e.type == Type::kString) {  // renumber first-seen ids into sorted dictionary codes
      std::vector<std::uint32_t> order(seen.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
      std::sort(order.begin(), order.end(),
                [&](std::uint32_t a, std::uint32_t b) { return seen[a] < seen[b]; });
      std::vector<std::uint32_t> code_of(seen.size());
      for (std::size_t i = 0; i < order.size(); ++i)
        code_of[order[i]] = static_cast<std::uint32_t>(i);
      for (std::size_t i = 0; i < n; ++i) c.codes[rows[i]] = code_of[c.codes[rows[i]]];
      c.dict.resize(seen.size());
      for (std::size_t i = 0; i < order.size(); ++i) c.dict[i] = std::move(seen[order[i]]);
    }
    if (std::find(c.valid.begin(), c.valid.end(), 0) == c.valid.end()) c.valid.clear();
  }
  for (const Column& c : storage_) columns->push_back(&c);
}

}  // namespace plume::engine
