#include "tests/ranks/oracle.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "engine/row_text.h"

namespace plume::ranks::testing {
namespace {

// A value as the engine's text rows give it (engine/row_text.h; every type, DECIMAL included).
std::string Cell(const engine::BatchColumn& col, std::size_t row) {
  if (col.IsNull(row)) return "NULL";
  std::string out;
  engine::AppendValueText(out, col, row);
  return out;
}

}  // namespace

void AppendBatchText(const engine::Batch& batch, std::vector<TextRow>* rows) {
  for (std::size_t r = 0; r < batch.rows; ++r) {
    TextRow row;
    for (const engine::BatchColumn& col : batch.columns) row.push_back(Cell(col, r));
    rows->push_back(std::move(row));
  }
}

std::vector<TextRow> RunLocal(const engine::Plan& plan, const std::vector<engine::Table>& parts) {
  engine::Merger merger(plan, parts.size(), true);
  for (std::size_t p = 0; p < parts.size(); ++p) {
    engine::PartitionExecution exec(plan, parts[p]);
    engine::Batch batch;
    while (exec.Next(4096, &batch)) merger.Push(p, std::move(batch));
    merger.Close(p);
  }
  std::vector<TextRow> rows;
  engine::Batch out;
  while (merger.Pop(4096, &out)) AppendBatchText(out, &rows);
  return rows;
}

bool SameRow(const TextRow& a, const TextRow& b, const std::vector<engine::Field>& fields) {
  if (a.size() != b.size()) return false;
  for (std::size_t c = 0; c < a.size(); ++c) {
    if (a[c] == b[c]) continue;
    if (c >= fields.size() || fields[c].type != engine::Type::kFloat64) return false;
    if (a[c] == "NULL" || b[c] == "NULL") return false;
    const double x = std::strtod(a[c].c_str(), nullptr);
    const double y = std::strtod(b[c].c_str(), nullptr);
    if (std::fabs(x - y) > 1e-9 * std::max({1.0, std::fabs(x), std::fabs(y)})) return false;
  }
  return true;
}

std::string RowString(const TextRow& row) {
  std::string s;
  for (const std::string& cell : row) {
    if (!s.empty()) s += '|';
    s += cell;
  }
  return s;
}

}  // namespace plume::ranks::testing
