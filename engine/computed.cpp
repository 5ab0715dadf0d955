#include "engine/computed.h"

#include <algorithm>
#include <unordered_map>

#include "engine/expr.h"

namespace plume::engine {
void ScatterInto(const BatchColumn& v, const std::uint32_t* rows, Column* out) {
  const std::size_t n = v.type == Type::kString    ? v.offsets.size() - 1
                        : v.type == Type::kFloat64 ? v.doubles.size()
                        : IsWidePhysical(v.type)   ? v.wide.size()
                                                   : v.ints.size();
  const bool nulls = !v.valid.empty();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t r = rows[i];
    out->valid[r] = !nulls || v.valid[i];
    if (v.type == Type::kFloat64) {
      out->doubles[r] = v.doubles[i];
    } else if (IsWidePhysical(v.type)) {
      out->wide[r] = v.wide[i];
    } else if (v.type != Type::kString) {
      out->ints[r] = v.ints[i];
    }
  }
}

struct ComputedColumns::State {
  explicit State(const Expr& e) : eval(e) {}
  ExprEvaluator eval;  // kept for every slice: what it prepares once (IN lists) stays
  std::unordered_map<std::string, std::uint32_t> ids;  // value -> first-seen id
  std::vector<std::string> seen;
};

ComputedColumns::ComputedColumns() = default;
ComputedColumns::~ComputedColumns() = default;

void ComputedColumns::Materialize(const PlanData& plan, const std::uint32_t* rows, std::size_t n,
                                  std::size_t table_rows, std::vector<const Column*>* columns) {
  Begin(plan, table_rows, *columns);
  Add(rows, n);
  Finish(rows, n, columns);
}

void ComputedColumns::Begin(const PlanData& plan, std::size_t table_rows,
                            const std::vector<const Column*>& columns) {
  plan_ = &plan;
  inputs_ = columns;
  storage_.assign(plan.computed.size(), Column{});
  states_.clear();
  for (std::size_t k = 0; k < plan.computed.size(); ++k) {
    const Expr& e = plan.computed[k];
    Column& c = storage_[k];
    c.type = e.type;
    c.valid.assign(table_rows, 0);
    if (e.type == Type::kFloat64) {
      c.doubles.assign(table_rows, 0);
    } else if (e.type == Type::kString) {
      c.codes.assign(table_rows, 0);
    } else if (IsWidePhysical(e.type)) {
      c.wide.assign(table_rows, 0);
    } else {
      c.ints.assign(table_rows, 0);
    }
    states_.push_back(std::make_unique<State>(e));
  }
}

void ComputedColumns::Add(const std::uint32_t* rows, std::size_t n) {
  for (std::size_t k = 0; k < storage_.size(); ++k) {
    const Expr& e = plan_->computed[k];
    Column& c = storage_[k];
    State& str = *states_[k];
    for (std::size_t off = 0; off < n; off += kBlockRows) {
      ExprInput in;
      in.columns = &inputs_;
      in.rows = rows + off;
      in.n = std::min(kBlockRows, n - off);
      BatchColumn v;
      str.eval.Eval(in, &v);
      ScatterInto(v, in.rows, &c);
      if (e.type != Type::kString) continue;
      for (std::size_t i = 0; i < in.n; ++i) {
        auto [it, added] = str.ids.try_emplace(std::string(v.StringAt(i)),
                                               static_cast<std::uint32_t>(str.seen.size()));
        if (added) str.seen.push_back(it->first);
        c.codes[in.rows[i]] = it->second;
      }
    }
  }
}

void ComputedColumns::Finish(const std::uint32_t* rows, std::size_t n,
                             std::vector<const Column*>* columns) {
  for (std::size_t k = 0; k < storage_.size(); ++k) {
    Column& c = storage_[k];
    if (c.type == Type::kString) {  // renumber first-seen ids into sorted dictionary codes
      std::vector<std::string>& seen = states_[k]->seen;
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
  states_.clear();
  for (const Column& c : storage_) columns->push_back(&c);
}

std::size_t ComputedColumns::memory_bytes() const {
  std::size_t bytes = 0;
  for (const Column& c : storage_) {
    bytes += c.valid.capacity() + 8 * (c.ints.capacity() + c.doubles.capacity()) +
             16 * c.wide.capacity() + 4 * c.codes.capacity();
    for (const std::string& s : c.dict) bytes += s.size() + sizeof(std::string);
  }
  for (const auto& str : states_) {
    for (const std::string& s : str->seen) bytes += 2 * (s.size() + sizeof(std::string)) + 16;
  }
  return bytes;
}

}  // namespace plume::engine
