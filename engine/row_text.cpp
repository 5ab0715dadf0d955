#include "engine/row_text.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "engine/value_format.h"

namespace plume::engine {
namespace {

// (find_first_of calls memchr once per character: a plain loop is several times faster.)
bool NeedsCsvQuotes(std::string_view text) {
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::string_view RowTextName(RowText text) {
  switch (text) {
    case RowText::kNone:
      return "none";
    case RowText::kCsv:
      return "csv";
    case RowText::kJson:
      return "json";
  }
  return "none";
}

std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if (!IsContinuation(at(i + k))) return 0;
  }
  unsigned char d = at(i + 1);
  if (c == 0xE0 && d < 0xA0) return 0;  // overlong
  if (c == 0xED && d > 0x9F) return 0;  // surrogate
  if (c == 0xF0 && d < 0x90) return 0;  // overlong
  if (c == 0xF4 && d > 0x8F) return 0;  // > U+10FFFF
  return n;
}

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
      std::size_t n = Utf8SequenceLength(text, i);
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

void AppendValueText(std::string& out, const BatchColumn& column, std::size_t row) {
  if (IsDecimal(column.type)) {
    const int scale = DecimalScale(column.type);
    return AppendDecimal(out, column.ints[row], scale, DecimalWidth(column.type) > scale);
  }
  switch (column.type) {
    case Type::kBool:
      out.append(column.ints[row] != 0 ? "true" : "false");
      break;
    case Type::kInt64:
    case Type::kInt32:
      AppendInt(out, column.ints[row]);
      break;
    case Type::kFloat64:
      AppendDouble(out, column.doubles[row]);
      break;
    case Type::kTimestamp:
      AppendTimestamp(out, column.ints[row]);
      break;
    case Type::kDate:
      AppendDate(out, column.ints[row]);
      break;
    case Type::kString:
      out.append(column.StringAt(row));
      break;
  }
}

RowWriter::RowWriter(RowText format, const std::vector<Field>& fields) : format_(format) {
  for (const Field& f : fields) {
    std::string key;
    AppendJsonQuoted(key, f.name);
    keys_.push_back(key + ":");
  }
}

void RowWriter::AppendTimestampText(std::string& out, std::int64_t seconds) {
  if (seconds != last_utc_ || utc_text_.empty()) {
    utc_text_.clear();
    AppendTimestamp(utc_text_, seconds);
    last_utc_ = seconds;
  }
  out.append(utc_text_);
}

void RowWriter::AppendJsonValue(std::string& out, const BatchColumn& col, std::size_t r) {
  if (col.IsNull(r) || (col.type == Type::kFloat64 && !std::isfinite(col.doubles[r]))) {
    out.append("null");  // JSON has no inf/nan
  } else if (col.type == Type::kString) {
    AppendJsonQuoted(out, col.StringAt(r));
  } else if (col.type == Type::kTimestamp) {
    out.push_back('"');
    AppendTimestampText(out, col.ints[r]);
    out.push_back('"');
  } else if (col.type == Type::kDate) {
    out.push_back('"');
    AppendDate(out, col.ints[r]);
    out.push_back('"');
  } else {
    AppendValueText(out, col, r);
  }
}

void RowWriter::AppendRow(const Batch& batch, std::size_t r, std::string* out) {
  if (format_ == RowText::kJson) {
    out->push_back('{');
    for (std::size_t c = 0; c < batch.columns.size() && c < keys_.size(); ++c) {
      if (c > 0) out->push_back(',');
      out->append(keys_[c]);
      AppendJsonValue(*out, batch.columns[c], r);
    }
    out->append("}\n");
    return;
  }
  for (std::size_t c = 0; c < batch.columns.size(); ++c) {
    if (c > 0) out->push_back(',');
    const BatchColumn& col = batch.columns[c];
    if (col.IsNull(r)) continue;
    if (col.type == Type::kString) {
      AppendCsvField(*out, col.StringAt(r));
    } else if (col.type == Type::kTimestamp) {
      AppendTimestampText(*out, col.ints[r]);
    } else {
      AppendValueText(*out, col, r);
    }
  }
  out->push_back('\n');
}

void RowWriter::AppendRows(const Batch& batch, std::string* out) {
  if (format_ == RowText::kNone) return;
  for (std::size_t r = 0; r < batch.rows; ++r) AppendRow(batch, r, out);
}

void RowWriter::RenderColumn(const Batch& batch, BatchColumn* out) {
  *out = BatchColumn{};
  out->type = Type::kString;
  out->offsets.reserve(batch.rows + 1);
  out->offsets.push_back(0);
  for (std::size_t r = 0; r < batch.rows; ++r) {
    if (format_ != RowText::kNone) AppendRow(batch, r, &out->chars);
    if (out->chars.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw std::runtime_error("the text of one batch of rows exceeds 4 GiB");
    }
    out->offsets.push_back(static_cast<std::uint32_t>(out->chars.size()));
  }
}

}  // namespace plume::engine
