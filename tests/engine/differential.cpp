#include "tests/engine/differential.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "engine/schema.h"

namespace plume::engine::testing {
namespace {

// Canonical text for multiset comparison; doubles at 12 significant digits (1e-9 tolerance).
std::string CanonicalRow(const Row& r) {
  std::string out;
  for (const Value& v : r) {
    if (const auto* d = std::get_if<double>(&v)) {
      char buf[40];
      std::snprintf(buf, sizeof buf, "d%.12g", *d == 0 ? 0.0 : *d);
      out += buf;
    } else {
      out += std::holds_alternative<std::string>(v) ? "s" : "";
      out += ValueText(v);
    }
    out += '\x1f';
  }
  return out;
}

std::vector<std::string> Canonical(const std::vector<Row>& rows, std::size_t begin,
                                   std::size_t end) {
  std::vector<std::string> out;
  for (std::size_t i = begin; i < end; ++i) out.push_back(CanonicalRow(rows[i]));
  std::sort(out.begin(), out.end());
  return out;
}

// The reference computes decimal literals as DOUBLEs (reference.h), the engine exactly as
// DECIMALs: its DECIMAL values are compared as the doubles they stand for (the exact values and
// types are checked against DuckDB: golden/decimal.test, tests/duckdb).
void DecimalsAsDoubles(const std::vector<Field>& fields, std::vector<Row>* rows) {
  for (std::size_t c = 0; c < fields.size(); ++c) {
    if (!IsDecimal(fields[c].type)) continue;
    for (Row& r : *rows) {  // BatchRows gives a DECIMAL as its text
      if (const auto* t = std::get_if<std::string>(&r[c])) r[c] = std::stod(*t);
    }
  }
}

// Empty when `got` is a correct answer for `want`; otherwise why not.
std::string Check(const QuerySpec& q, const RefResult& want, const std::vector<Row>& got) {
  const std::size_t n = std::min<std::size_t>(want.rows.size(), q.limit.value_or(UINT64_MAX));
  if (got.size() != n) {
    return std::string("row count ") + std::to_string(got.size()) + std::string(", expected ") +
           std::to_string(n);
  }
  // Walk the runs of equal ORDER BY keys: each run's rows must come out together, and a run
  // cut by LIMIT may show any of its rows.
  std::size_t pos = 0, start = 0;
  while (pos < n) {
    std::size_t end = start;
    while (end < want.rows.size() && want.tie_group[end] == want.tie_group[start]) ++end;
    const std::size_t take = std::min(end - start, n - pos);
    const auto mine = Canonical(got, pos, pos + take);
    const auto theirs = Canonical(want.rows, start, end);
    if (!std::includes(theirs.begin(), theirs.end(), mine.begin(), mine.end())) {
      std::string why = std::string("rows ") + std::to_string(pos) + std::string("..") +
                        std::to_string(pos + take) +
                        std::string(" differ from the reference run ") + std::to_string(start) +
                        ".." + std::to_string(end) + "\n got:";
      for (std::size_t i = pos; i < pos + take && i < pos + 8; ++i)
        why += " [" + RowText(got[i]) + "]";
      why += "\n want:";
      for (std::size_t i = start; i < end && i < start + 8; ++i)
        why += " [" + RowText(want.rows[i]) + "]";
      return why;
    }
    pos += take;
    start = end;
  }
  return {};
}

// DuckDB's messages for a DECIMAL that leaves its width or scale (or a 128-bit sum of one).
bool DecimalRangeError(const std::string& what) {
  for (const char* needle :
       {"Overflow in multiplication of DECIMAL", "Overflow in addition of DECIMAL",
        "Overflow in subtract of DECIMAL", "to accurately represent the multiplication result",
        "to DECIMAL(", "to type DECIMAL(", "Overflow in HUGEINT addition"}) {
    if (what.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

void Case::SetPartitions(const std::vector<std::vector<Row>>& parts) {
  all.clear();
  tables.clear();
  for (const auto& p : parts) {
    all.insert(all.end(), p.begin(), p.end());
    tables.push_back(MakeTable(p));
  }
}

std::string RunCase(const Case& c) {
  const std::vector<Row>& all = c.all;
  const std::vector<Table>& tables = c.tables;
  const std::string sql = c.query.Sql();
  std::optional<Plan> parsed;
  try {
    parsed.emplace(Plan::Parse(sql));
  } catch (const std::runtime_error& e) {
    // a literal of 38 digits binds, as in DuckDB, to a DECIMAL whose products leave scale 38
    if (DecimalRangeError(e.what())) return {};
    throw;
  }
  const Plan& plan = *parsed;
  std::vector<std::string> names;
  for (const Field& f : plan.output()) names.push_back(f.name);
  if (names != c.query.ColumnNames()) return "column names differ";
  const std::vector<std::optional<Type>> types = IntegerTypes(c.query);
  for (std::size_t i = 0; i < types.size() && i < plan.output().size(); ++i) {
    if (types[i] && *types[i] != plan.output()[i].type) {
      return "column " + names[i] + " is " + std::string(TypeName(plan.output()[i].type)) +
             ", expected " + std::string(TypeName(*types[i]));
    }
  }
  const RefResult want = Evaluate(c.query, all);
  // A plain LIMIT without ORDER BY may stop before the row that overflows.
  const bool may_stop =
      (c.query.limit && c.query.order_by.empty() && !c.query.IsAggregate() && !c.query.distinct) ||
      c.query.limit == 0u;
  try {
    std::vector<Row> got = RunPipeline(plan, tables, c.options);
    DecimalsAsDoubles(plan.output(), &got);
    if (want.overflow) return may_stop ? std::string() : "expected a BIGINT overflow error";
    // a HUGEINT sum beyond BIGINT, which the reference's 64-bit values cannot hold
    if (want.error) return {};
    return Check(c.query, want, got);
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    if (want.overflow && what.find("Overflow in") != std::string::npos) return {};
    // The reference's decimals are DOUBLEs; the engine's DECIMAL is exact in up to 128 bits and
    // raises DuckDB's errors when a value (the test data's extreme BIGINTs, a 38-digit literal)
    // does not fit its width or scale. tests/duckdb checks those errors against DuckDB.
    if (DecimalRangeError(what)) return {};
    if (want.error && what.find("out of BIGINT range") != std::string::npos) return {};
    return "engine threw: " + what;
  }
}

void RunFixedData(const std::vector<std::vector<Row>>& parts, std::uint64_t seed, int queries,
                  const RunOptions& options) {
  RandomSource src(seed);
  Case c;
  c.SetPartitions(parts);
  c.options = options;
  src.Observe(c.all);
  int failures = 0;
  for (int i = 0; i < queries && failures < 5; ++i) {
    c.query = src.Query();
    const std::string why = RunCase(c);
    if (!why.empty()) {
      ++failures;
      ADD_FAILURE() << "case " << i << " (seed " << seed << "): " << c.query.Sql() << "\n" << why;
    }
  }
}

}  // namespace plume::engine::testing
