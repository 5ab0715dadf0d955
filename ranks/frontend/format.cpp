#include "ranks/frontend/format.h"

#include <cmath>
#include <cstdio>

#include "engine/value_format.h"
#include "ranks/frontend/utf8.h"

namespace plume::frontend {

std::unique_ptr<Formatter> MakeTableFormatter(const TableLimits& limits);  // table_format.cpp

namespace {

using engine::Batch;
using engine::BatchColumn;
using engine::Field;
using engine::Type;

// (find_first_of calls memchr once per character: a plain loop is several times faster.)
bool NeedsCsvQuotes(std::string_view text) {
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

// Timestamps print through snprintf; results come in time order often enough that the text
// of the previous value is worth keeping.
class TimestampText {
 public:
  void Append(std::string& out, std::int64_t seconds) {
    if (seconds != last_ || text_.empty()) {
      text_.clear();
      engine::AppendTimestamp(text_, seconds);
      last_ = seconds;
    }
    out.append(text_);
  }

 private:
  std::int64_t last_ = 0;
  std::string text_;
};

void AppendCsvField(std::string& out, std::string_view text) {
  if (!NeedsCsvQuotes(text)) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

void AppendJsonQuoted(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t plain = 0;  // the common case: nothing to escape, one append
  while (plain < text.size() && text[plain] != '"' && text[plain] != '\\' &&
         static_cast<unsigned char>(text[plain]) >= 0x20 &&
         static_cast<unsigned char>(text[plain]) < 0x80) {
    ++plain;
  }
  out.append(text.substr(0, plain));
  for (std::size_t i = plain; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t n = Utf8Length(text, i);
      out.append(n == 0 ? std::string_view("\\ufffd") : text.substr(i, n));
      i += n == 0 ? 0 : n - 1;
    } else if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out.append(buf);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

namespace {

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
  void Rows(const Batch& batch, std::string* out) override {
    std::string cell;
    for (std::size_t r = 0; r < batch.rows; ++r) {
      for (std::size_t c = 0; c < batch.columns.size(); ++c) {
        if (c > 0) out->push_back(',');
        const BatchColumn& col = batch.columns[c];
        if (col.IsNull(r)) continue;
        if (col.type == Type::kString) {
          AppendCsvField(*out, col.StringAt(r));
        } else if (col.type == Type::kTimestamp) {
          utc_.Append(*out, col.ints[r]);
        } else {
          AppendValue(*out, col, r);
        }
      }
      out->push_back('\n');
    }
  }
  void End(bool, std::string*) override {}

 private:
  bool header_;
  TimestampText utc_;
};

class JsonFormatter : public Formatter {
 public:
  void Begin(const std::vector<Field>& fields, std::string*) override {
    keys_.clear();
    for (const Field& f : fields) {
      std::string key;
      AppendJsonQuoted(key, f.name);
      keys_.push_back(key + ":");
    }
  }
  void Rows(const Batch& batch, std::string* out) override {
    for (std::size_t r = 0; r < batch.rows; ++r) {
      out->push_back('{');
      for (std::size_t c = 0; c < batch.columns.size() && c < keys_.size(); ++c) {
        if (c > 0) out->push_back(',');
        out->append(keys_[c]);
        AppendJsonValue(*out, batch.columns[c], r);
      }
      out->append("}\n");
    }
  }
  void End(bool, std::string*) override {}

 private:
  void AppendJsonValue(std::string& out, const BatchColumn& col, std::size_t r) {
    if (col.IsNull(r) || (col.type == Type::kFloat64 && !std::isfinite(col.doubles[r]))) {
      out.append("null");  // JSON has no inf/nan either
    } else if (col.type == Type::kString) {
      AppendJsonQuoted(out, col.StringAt(r));
    } else if (col.type == Type::kTimestamp) {
      out.push_back('"');
      utc_.Append(out, col.ints[r]);
      out.push_back('"');
    } else if (col.type == Type::kDate) {
      out.push_back('"');
      engine::AppendDate(out, col.ints[r]);
      out.push_back('"');
    } else {
      AppendValue(out, col, r);
    }
  }
  std::vector<std::string> keys_;
  TimestampText utc_;
};

class NullFormatter : public Formatter {
 public:
  void Begin(const std::vector<Field>&, std::string*) override {}
  void Rows(const Batch&, std::string*) override {}
  void End(bool, std::string*) override {}
};

}  // namespace

void AppendValue(std::string& out, const BatchColumn& column, std::size_t row) {
  switch (column.type) {
    case Type::kBool:
      out.append(column.ints[row] != 0 ? "true" : "false");
      break;
    case Type::kInt64:
      engine::AppendInt(out, column.ints[row]);
      break;
    case Type::kFloat64:
      engine::AppendDouble(out, column.doubles[row]);
      break;
    case Type::kTimestamp:
      engine::AppendTimestamp(out, column.ints[row]);
      break;
    case Type::kDate:
      engine::AppendDate(out, column.ints[row]);
      break;
    case Type::kString:
      out.append(column.StringAt(row));
      break;
  }
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
