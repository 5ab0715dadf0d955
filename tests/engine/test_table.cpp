#include "tests/engine/test_table.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>

#include "engine/row_text.h"
#include "engine/schema.h"
#include "engine/value_format.h"

namespace plume::engine::testing {

Table MakeTable(const std::vector<Row>& rows) {
  Table t = MakeMeasurementsTable();
  t.rows = rows.size();
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    Column& col = t.columns[c];
    bool any_null = false;
    for (const Row& r : rows) any_null |= std::holds_alternative<std::monostate>(r[c]);
    if (any_null) col.valid.resize(rows.size());
    if (col.type == Type::kString) {
      std::map<std::string, std::uint32_t> dict;
      for (const Row& r : rows) {
        if (const auto* s = std::get_if<std::string>(&r[c])) dict.emplace(*s, 0);
      }
      if (dict.empty() && !rows.empty()) dict.emplace("", 0);  // all NULL: codes need a target
      for (auto& [s, code] : dict) {
        code = static_cast<std::uint32_t>(col.dict.size());
        col.dict.push_back(s);
      }
      for (const Row& r : rows) {
        const auto* s = std::get_if<std::string>(&r[c]);
        col.codes.push_back(s ? dict[*s] : 0);
      }
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Value& v = rows[i][c];
      if (any_null) col.valid[i] = !std::holds_alternative<std::monostate>(v);
      if (col.type == Type::kFloat64) {
        col.doubles.push_back(std::holds_alternative<double>(v) ? std::get<double>(v) : 0.0);
      } else if (col.type != Type::kString) {
        col.ints.push_back(std::holds_alternative<std::int64_t>(v) ? std::get<std::int64_t>(v) : 0);
      }
    }
  }
  t.BuildZoneMaps();
  t.Validate();
  return t;
}

namespace {

class Source {
 public:
  virtual ~Source() = default;
  virtual bool Next(std::size_t max_rows, Batch* out) = 0;
};

// One partition, with its output sent through the wire encoding.
class PartitionSource : public Source {
 public:
  PartitionSource(const Plan& plan, const Table& table) : exec_(plan, table) {}
  bool Next(std::size_t max_rows, Batch* out) override {
    Batch b;
    if (!exec_.Next(max_rows, &b)) return false;
    std::string wire;
    EncodeBatch(b, &wire);
    *out = DecodeBatch(wire);
    return true;
  }

 private:
  PartitionExecution exec_;
};

// A merger pulling from its inputs as Waiting() asks (round-robin when it asks nothing).
class MergeSource : public Source {
 public:
  MergeSource(const Plan& plan, std::vector<std::unique_ptr<Source>> inputs, bool final)
      : merger_(plan, inputs.size(), final),
        inputs_(std::move(inputs)),
        open_(inputs_.size(), true) {}

  bool Next(std::size_t max_rows, Batch* out) override {
    while (true) {
      Batch b;
      if (merger_.Pop(max_rows, &b)) {
        std::string wire;
        EncodeBatch(b, &wire);
        *out = DecodeBatch(wire);
        return true;
      }
      if (merger_.Done()) return false;
      int w = merger_.Waiting();
      if (w < 0) w = AnyOpen();
      if (w < 0) return false;  // Pop/Done disagree: every input is closed
      Feed(static_cast<std::size_t>(w), max_rows);
    }
  }

 private:
  int AnyOpen() {
    for (std::size_t k = 0; k < inputs_.size(); ++k) {
      const std::size_t i = (next_ + k) % inputs_.size();
      if (open_[i]) {
        next_ = i + 1;
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  void Feed(std::size_t i, std::size_t max_rows) {
    if (!open_[i]) throw std::logic_error("merger waits for a closed input");
    Batch b;
    if (inputs_[i]->Next(max_rows, &b)) {
      merger_.Push(i, std::move(b));
    } else {
      merger_.Close(i);
      open_[i] = false;
    }
  }

  Merger merger_;
  std::vector<std::unique_ptr<Source>> inputs_;
  std::vector<bool> open_;
  std::size_t next_ = 0;
};

}  // namespace

Row MeasurementRow(double lat, std::int64_t utc, std::string param, Value conc, Value aqi,
                   std::string site, std::string agency) {
  return Row{lat,
             -120.0,
             utc,
             std::move(param),
             conc,
             std::string("PPB"),
             conc,
             aqi,
             aqi,
             std::move(site),
             std::move(agency),
             std::string("060010001"),
             std::string("840060010001")};
}

std::vector<Batch> RunPipelineBatches(const Plan& wire_plan, const std::vector<Table>& partitions,
                                      const RunOptions& options) {
  const Plan plan = Plan::Deserialize(wire_plan.Serialize()).WithRowText(options.row_text);
  std::vector<std::vector<std::unique_ptr<Source>>> teams(std::max<std::size_t>(options.teams, 1));
  for (std::size_t p = 0; p < partitions.size(); ++p) {
    teams[p % teams.size()].push_back(std::make_unique<PartitionSource>(plan, partitions[p]));
  }
  std::vector<std::unique_ptr<Source>> leaders;
  for (auto& team : teams) {
    leaders.push_back(std::make_unique<MergeSource>(plan, std::move(team), false));
  }
  MergeSource gateway(wire_plan.WithRowText(options.row_text), std::move(leaders), true);
  std::vector<Batch> batches;
  Batch b;
  while (gateway.Next(options.batch_rows, &b)) {
    if (b.columns.size() != plan.output().size()) throw std::logic_error("wrong column count");
    batches.push_back(std::move(b));
  }
  return batches;
}

std::vector<Row> RunPipeline(const Plan& wire_plan, const std::vector<Table>& partitions,
                             const RunOptions& options) {
  std::vector<Row> rows;
  for (const Batch& b : RunPipelineBatches(wire_plan, partitions, options)) {
    for (Row& r : BatchRows(b)) rows.push_back(std::move(r));
  }
  return rows;
}

namespace {

std::vector<std::string> SplitQuotedCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

Value CsvValue(const std::string& text, Type type) {
  switch (type) {
    case Type::kFloat64: {
      const double d = std::stod(text);
      return d == -999.0 ? Value{} : Value{d};
    }
    case Type::kInt64: {
      const std::int64_t i = std::stoll(text);
      return i == -999 ? Value{} : Value{i};
    }
    case Type::kTimestamp: {
      std::int64_t t = 0;
      if (!ParseTimestamp(text, &t)) throw std::runtime_error("bad time '" + text + "'");
      return t;
    }
    default:
      return text;
  }
}

}  // namespace

std::vector<Row> ReadAirNowCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    const auto fields = SplitQuotedCsv(line);
    if (fields.size() != kSchema.size()) throw std::runtime_error("bad line in " + path);
    Row r;
    for (std::size_t c = 0; c < kSchema.size(); ++c)
      r.push_back(CsvValue(fields[c], kSchema[c].type));
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<Row> BatchRows(const Batch& batch) {
  std::vector<Row> rows(batch.rows);
  for (const BatchColumn& c : batch.columns) {
    for (std::size_t i = 0; i < batch.rows; ++i) {
      if (c.IsNull(i)) {
        rows[i].emplace_back();
      } else if (c.type == Type::kString) {
        rows[i].emplace_back(std::string(c.StringAt(i)));
      } else if (IsDecimal(c.type)) {  // as its text, "1.50" (units alone lose the scale)
        std::string text;
        AppendValueText(text, c, i);
        rows[i].emplace_back(std::move(text));
      } else if (c.type == Type::kFloat64) {
        rows[i].emplace_back(c.doubles[i]);
      } else if (IsWideInteger(c.type)) {  // a BIGINT when it fits, else its digits
        const Int128 w = c.wide[i];
        if (w >= INT64_MIN && w <= INT64_MAX) {
          rows[i].emplace_back(static_cast<std::int64_t>(w));
        } else {
          std::string digits;
          AppendWideInt(digits, w);
          rows[i].emplace_back(std::move(digits));
        }
      } else {
        rows[i].emplace_back(c.ints[i]);
      }
    }
  }
  return rows;
}

std::string ValueText(const Value& v) {
  std::string out;
  if (std::holds_alternative<std::monostate>(v)) return "NULL";
  if (const auto* i = std::get_if<std::int64_t>(&v)) AppendInt(out, *i);
  if (const auto* d = std::get_if<double>(&v)) AppendDouble(out, *d);
  if (const auto* s = std::get_if<std::string>(&v)) out = *s;
  return out;
}

std::string RowText(const Row& r) {
  std::string out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (i) out += '|';
    out += ValueText(r[i]);
  }
  return out;
}

}  // namespace plume::engine::testing
