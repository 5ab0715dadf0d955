#include "engine/computed.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>

namespace plume::engine {
namespace {

// Appends the values of an evaluated run to the column (strings as raw values for now).
void AppendRun(const BatchColumn& b, std::size_t n, Column* c, std::vector<std::string>* strings) {
  if (!b.valid.empty() || !c->valid.empty()) {
    if (c->valid.empty())
      c->valid.assign(c->type == Type::kFloat64  ? c->doubles.size()
                      : c->type == Type::kString ? strings->size()
                                                 : c->ints.size(),
                      1);
    if (b.valid.empty()) {
      c->valid.insert(c->valid.end(), n, 1);
    } else {
      c->valid.insert(c->valid.end(), b.valid.begin(),
                      b.valid.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
  if (c->type == Type::kString) {
    for (std::size_t i = 0; i < n; ++i) strings->emplace_back(b.StringAt(i));
  } else if (c->type == Type::kFloat64) {
    c->doubles.insert(c->doubles.end(), b.doubles.begin(),
                      b.doubles.begin() + static_cast<std::ptrdiff_t>(n));
  } else {
    c->ints.insert(c->ints.end(), b.ints.begin(), b.ints.begin() + static_cast<std::ptrdiff_t>(n));
  }
}

// Strings to a sorted, unique dictionary and codes (NULL rows get code 0).
void Encode(std::vector<std::string> strings, Column* c) {
  std::vector<std::string> dict = strings;
  std::sort(dict.begin(), dict.end());
  dict.erase(std::unique(dict.begin(), dict.end()), dict.end());
  std::unordered_map<std::string_view, std::uint32_t> code;
  for (std::size_t i = 0; i < dict.size(); ++i)
    code.emplace(dict[i], static_cast<std::uint32_t>(i));
  c->codes.resize(strings.size());
  for (std::size_t r = 0; r < strings.size(); ++r) c->codes[r] = code[strings[r]];
  c->dict = std::move(dict);
}

}  // namespace

Column MaterializeComputed(const Expr& e, const std::vector<const Column*>& columns,
                           std::size_t rows) {
  Column c;
  c.name = e.text;
  c.type = e.type;
  std::vector<std::string> strings;
  std::vector<std::uint32_t> sel(std::min(rows, kBlockRows));
  const ExprEvaluator eval(e);
  for (std::size_t begin = 0; begin < rows; begin += kBlockRows) {
    const std::size_t n = std::min(kBlockRows, rows - begin);
    std::iota(sel.begin(), sel.begin() + static_cast<std::ptrdiff_t>(n),
              static_cast<std::uint32_t>(begin));
    BatchColumn out;
    out.type = e.type;
    eval.Eval(ExprInput{&columns, nullptr, sel.data(), n}, &out);
    AppendRun(out, n, &c, &strings);
  }
  if (c.type == Type::kString) Encode(std::move(strings), &c);
  Table t;  // zone maps as a table column has them
  t.rows = rows;
  t.columns.push_back(std::move(c));
  t.BuildZoneMaps();
  return std::move(t.columns[0]);
}

}  // namespace plume::engine
