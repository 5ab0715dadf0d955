#include "ranks/frontend/format.h"

#include "engine/row_text.h"

namespace plume::frontend {

std::unique_ptr<Formatter> MakeTableFormatter(const TableLimits& limits);  // table_format.cpp

namespace {

using engine::Batch;
using engine::Field;
using engine::Type;

using engine::AppendCsvField;
using engine::RowText;
using engine::RowWriter;

class CsvFormatter : public Formatter {
 public:
  explicit CsvFormatter(bool header) : header_(header) {}
  void Begin(const std::vector<Field>& fields, std::string* out) override {
    if (!header_) return;
    for (std::size_t c = 0; c < fields.size(); ++c) {
      if (c > 0) out->push_back(',');
      AppendCsvField(*out, fields[c].name);
    }
    out->push_back('\n');
  }
  void Rows(const Batch& batch, std::string* out) override { rows_.AppendRows(batch, out); }
  void End(bool, std::string*) override {}
  RowText row_text() const override { return RowText::kCsv; }

 private:
  bool header_;
  RowWriter rows_{RowText::kCsv, {}};
};

class JsonFormatter : public Formatter {
 public:
  void Begin(const std::vector<Field>& fields, std::string*) override {
    rows_ = RowWriter(RowText::kJson, fields);
  }
  void Rows(const Batch& batch, std::string* out) override { rows_.AppendRows(batch, out); }
  void End(bool, std::string*) override {}
  RowText row_text() const override { return RowText::kJson; }

 private:
  RowWriter rows_{RowText::kJson, {}};
};

class NullFormatter : public Formatter {
 public:
  void Begin(const std::vector<Field>&, std::string*) override {}
  void Rows(const Batch&, std::string*) override {}
  void End(bool, std::string*) override {}
};

}  // namespace

void FormatChunk(Formatter& formatter, RowText arrived_as, const Batch& chunk, std::string* out) {
  const bool lines = arrived_as != RowText::kNone && arrived_as == formatter.row_text() &&
                     chunk.columns.size() == 1 && chunk.columns[0].type == Type::kString &&
                     chunk.columns[0].offsets.size() == chunk.rows + 1;
  if (!lines) return formatter.Rows(chunk, out);
  const engine::BatchColumn& text = chunk.columns[0];
  out->append(text.chars, text.offsets.front(), text.offsets.back() - text.offsets.front());
}

std::string GroupDigits(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string CountOf(std::uint64_t n, std::string_view noun) {
  std::string text = GroupDigits(n) + " ";
  text.append(noun);
  return n == 1 ? text : text + "s";
}

bool IsFormatName(std::string_view name) {
  return name == "table" || name == "csv" || name == "json" || name == "null";
}

std::unique_ptr<Formatter> MakeCsvFormatter(bool header) {
  return std::make_unique<CsvFormatter>(header);
}

std::unique_ptr<Formatter> MakeFormatter(std::string_view name, const TableLimits& limits) {
  if (name == "table") return MakeTableFormatter(limits);
  if (name == "csv") return MakeCsvFormatter(true);
  if (name == "json") return std::make_unique<JsonFormatter>();
  if (name == "null") return std::make_unique<NullFormatter>();
  return nullptr;
}

}  // namespace plume::frontend
