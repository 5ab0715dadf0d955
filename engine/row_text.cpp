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

// A string column's dictionary larger than this is not cached by RenderSelected (computed
// strings, one per row): its values rarely repeat, and the cache would double their memory.
constexpr std::size_t kMaxCachedCodes = std::size_t{1} << 16;
constexpr std::uint32_t kNotMade = std::numeric_limits<std::uint32_t>::max();

// A non-NULL value that is not a string, of a Column or a BatchColumn (same member names).
template <class C>
void AppendScalarText(std::string& out, const C& column, std::size_t row) {
  if (IsDecimal(column.type)) {
    const int scale = DecimalScale(column.type);
    if (IsWideDecimal(column.type)) {
      return AppendWideDecimal(out, column.wide[row], scale, DecimalWidth(column.type) > scale);
    }
    return AppendDecimal(out, column.ints[row], scale, DecimalWidth(column.type) > scale);
  }
  switch (column.type) {
    case Type::kBool:
      out.append(column.ints[row] != 0 ? "true" : "false");
      break;
    case Type::kInt64:
    case Type::kInt32:
    case Type::kInt16:
    case Type::kInt8:
    case Type::kUInt8:
    case Type::kUInt16:
    case Type::kUInt32:
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
    case Type::kHugeint:
    case Type::kUbigint:
      AppendWideInt(out, column.wide[row]);
      break;
    case Type::kString:
      break;
  }
}

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
  if (column.type == Type::kString) {
    out.append(column.StringAt(row));
  } else {
    AppendScalarText(out, column, row);
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

template <class ColumnAt, class AppendString>
void RowWriter::AppendLine(std::size_t columns, const ColumnAt& column_at, std::size_t r,
                           const AppendString& append_string, std::string* out) {
  const bool json = format_ == RowText::kJson;
  if (json) out->push_back('{');
  for (std::size_t c = 0; c < columns && (!json || c < keys_.size()); ++c) {
    if (c > 0) out->push_back(',');
    if (json) out->append(keys_[c]);
    const auto& col = column_at(c);
    if (col.IsNull(r) || (json && col.type == Type::kFloat64 && !std::isfinite(col.doubles[r]))) {
      if (json) out->append("null");  // JSON has no inf/nan; csv: an empty field
    } else if (col.type == Type::kString) {
      append_string(c, *out);
    } else if (col.type == Type::kTimestamp || (json && col.type == Type::kDate)) {
      if (json) out->push_back('"');
      if (col.type == Type::kTimestamp) {
        AppendTimestampText(*out, col.ints[r]);
      } else {
        AppendDate(*out, col.ints[r]);
      }
      if (json) out->push_back('"');
    } else {
      AppendScalarText(*out, col, r);
    }
  }
  out->append(json ? "}\n" : "\n");
}

template <class LineAt>
void RowWriter::RenderLines(std::size_t rows, const LineAt& line_at, BatchColumn* out) {
  *out = BatchColumn{};
  out->type = Type::kString;
  out->offsets.reserve(rows + 1);
  out->offsets.push_back(0);
  out->chars.reserve(bytes_per_row_ * rows);
  for (std::size_t i = 0; i < rows; ++i) {
    if (format_ != RowText::kNone) line_at(i, &out->chars);
    if (out->chars.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw std::runtime_error("the text of one batch of rows exceeds 4 GiB");
    }
    out->offsets.push_back(static_cast<std::uint32_t>(out->chars.size()));
  }
  if (rows > 0) bytes_per_row_ = out->chars.size() / rows + 1;
}

void RowWriter::AppendRow(const Batch& batch, std::size_t r, std::string* out) {
  AppendLine(
      batch.columns.size(), [&](std::size_t c) -> const BatchColumn& { return batch.columns[c]; },
      r, [&](std::size_t c, std::string& o) { AppendQuoted(o, batch.columns[c].StringAt(r)); },
      out);
}

void RowWriter::AppendRows(const Batch& batch, std::string* out) {
  if (format_ == RowText::kNone) return;
  for (std::size_t r = 0; r < batch.rows; ++r) AppendRow(batch, r, out);
}

void RowWriter::RenderColumn(const Batch& batch, BatchColumn* out) {
  RenderLines(
      batch.rows, [&](std::size_t r, std::string* o) { AppendRow(batch, r, o); }, out);
}

void RowWriter::AppendQuoted(std::string& out, std::string_view text) const {
  if (format_ == RowText::kJson) {
    AppendJsonQuoted(out, text);
  } else {
    AppendCsvField(out, text);
  }
}

void RowWriter::AppendCode(std::string& out, CodeText& cache, std::uint32_t code) {
  const std::string& value = cache.column->dict[code];
  if (cache.begin.empty()) return AppendQuoted(out, value);
  if (cache.begin[code] == kNotMade) {
    const std::size_t at = cache.text.size();
    AppendQuoted(cache.text, value);
    if (cache.text.size() >= kNotMade) {  // offsets are 32-bit: this one is not kept
      cache.text.resize(at);
      return AppendQuoted(out, value);
    }
    cache.begin[code] = static_cast<std::uint32_t>(at);
    cache.size[code] = static_cast<std::uint32_t>(cache.text.size() - at);
  }
  out.append(cache.text.data() + cache.begin[code], cache.size[code]);
}

void RowWriter::RenderSelected(const std::vector<const Column*>& columns, const std::uint32_t* rows,
                               std::size_t n, BatchColumn* out) {
  if (codes_.size() != columns.size()) codes_.assign(columns.size(), CodeText{});
  for (std::size_t c = 0; c < columns.size(); ++c) {
    CodeText& cache = codes_[c];
    if (cache.column == columns[c]) continue;
    cache = CodeText{};
    cache.column = columns[c];
    const std::size_t codes = columns[c]->dict.size();
    if (columns[c]->type == Type::kString && codes <= kMaxCachedCodes) {
      cache.begin.assign(codes, kNotMade);
      cache.size.assign(codes, 0);
    }
  }
  auto column_at = [&](std::size_t c) -> const Column& { return *columns[c]; };
  RenderLines(
      n,
      [&](std::size_t i, std::string* o) {
        const std::uint32_t r = rows[i];
        AppendLine(
            columns.size(), column_at, r,
            [&](std::size_t c, std::string& t) { AppendCode(t, codes_[c], columns[c]->codes[r]); },
            o);
      },
      out);
}

}  // namespace plume::engine
