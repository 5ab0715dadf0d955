#include "preprocess/csv_reader.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "engine/value_format.h"

namespace plume::preprocess {

std::string_view ReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kWrongFieldCount:
      return "wrong field count";
    case RejectReason::kBadQuoting:
      return "bad quoting";
    case RejectReason::kBadNumber:
      return "unparsable number";
    case RejectReason::kBadTime:
      return "unparsable time";
    case RejectReason::kTruncatedLine:
      return "truncated last line";
    case RejectReason::kControlByte:
      return "control byte";
  }
  return "?";
}

namespace {

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "Latitude",         "Longitude", "UTC",      "Parameter", "Concentration", "Unit",
    "RawConcentration", "AQI",       "Category", "SiteName",  "SiteAgency",    "AQSID",
    "FullAQSID"};

LineResult Reject(RejectReason reason, std::string detail) {
  return LineResult{LineKind::kRejected, reason, std::move(detail)};
}

// Splits on commas outside double quotes; "" inside quotes is a literal quote. Fills fields
// (up to kFieldCount) and *count (all fields); returns false with *error on bad quoting.
bool Split(std::string_view line, std::array<std::string_view, kFieldCount>* fields,
           std::size_t* count, ParsedRow* row, std::string* error) {
  std::size_t n = 0, pos = 0;
  while (true) {
    std::string_view field;
    if (pos < line.size() && line[pos] == '"') {
      const std::size_t start = ++pos;
      bool escaped = false;
      while (true) {
        pos = line.find('"', pos);
        if (pos == std::string_view::npos) {
          *error = "field " + std::to_string(n + 1) + ": unterminated quote";
          return false;
        }
        if (pos + 1 < line.size() && line[pos + 1] == '"') {
          escaped = true;
          pos += 2;
          continue;
        }
        break;
      }
      field = line.substr(start, pos - start);
      ++pos;  // closing quote
      if (pos < line.size() && line[pos] != ',') {
        *error = "field " + std::to_string(n + 1) + ": text after the closing quote";
        return false;
      }
      if (escaped && n < kFieldCount) {
        std::string& buf = row->unescaped[n];
        buf.clear();
        for (std::size_t i = 0; i < field.size(); ++i) {
          buf += field[i];
          if (field[i] == '"') ++i;  // skip the second quote of ""
        }
        field = buf;
      }
    } else {
      const std::size_t end = std::min(line.find(',', pos), line.size());
      field = line.substr(pos, end - pos);
      pos = end;
    }
    if (n < kFieldCount) (*fields)[n] = field;
    ++n;
    if (pos >= line.size()) break;
    ++pos;                     // the comma
    if (pos == line.size()) {  // a trailing comma: one more, empty field
      if (n < kFieldCount) (*fields)[n] = std::string_view();
      ++n;
      break;
    }
  }
  *count = n;
  return true;
}

std::string Quote(std::string_view s) {
  std::string out(1, '"');
  out.append(s.substr(0, 40));
  out += '"';
  return out;
}

bool ParseDouble(std::string_view s, std::size_t field, double* out, std::string* error) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(*out)) {
    *error = std::string(kFieldNames[field]) + ": " + Quote(s) + " is not a number";
    return false;
  }
  return true;
}

bool ParseInt(std::string_view s, std::size_t field, std::int64_t* out, std::string* error) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    *error = std::string(kFieldNames[field]) + ": " + Quote(s) + " is not an integer";
    return false;
  }
  return true;
}

// Nullable numbers: the AirNow sentinel -999 in any spelling (-999, -999.0, -9.99e2) and an
// empty field are NULL (docs/DATA.md).
bool ParseNullableDouble(std::string_view s, std::size_t field, double* out, bool* null,
                         std::string* error) {
  *null = s.empty();
  if (*null) return true;
  if (!ParseDouble(s, field, out, error)) return false;
  *null = *out == -999.0;
  return true;
}

bool ParseNullableInt(std::string_view s, std::size_t field, std::int64_t* out, bool* null,
                      std::string* error) {
  *null = s.empty();
  if (*null) return true;
  if (!ParseInt(s, field, out, error)) {
    double sentinel = 0;
    std::string ignored;
    if (!ParseDouble(s, field, &sentinel, &ignored) || sentinel != -999.0) return false;
    *null = true;  // "-999.0": the sentinel spelled as a decimal
    return true;
  }
  *null = *out == -999;
  return true;
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }
// A tab is kept, as DuckDB's CSV reader keeps it (the table format shows it as \t); every
// other control byte in a field is refused.
bool IsRefused(unsigned char c) { return IsControl(c) && c != '\t'; }

// A control byte in any field (checked branch-free over the whole line first: the common case
// has none). Names the field and the byte: a NUL would otherwise cut the string short in
// tools that read it as C text, and an escape byte would reach a terminal.
bool FindControlByte(const std::array<std::string_view, kFieldCount>& fields, std::string* error) {
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const std::string_view s = fields[f];
    unsigned any = 0;
    for (const char c : s) any |= static_cast<unsigned>(IsRefused(static_cast<unsigned char>(c)));
    if (any == 0) continue;
    std::size_t at = 0;
    while (!IsRefused(static_cast<unsigned char>(s[at]))) ++at;
    static constexpr char kHex[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(s[at]);
    *error = std::string(kFieldNames[f]) + ": control byte 0x" + kHex[byte >> 4] +
             kHex[byte & 0xf] + " at byte " + std::to_string(at + 1) + " of the field";
    return true;
  }
  return false;
}

// ParseTimestamp accepts any four-digit year; outside kMinYear..kMaxYear is a bad time.
bool PlausibleYear(std::string_view utc, std::string* error) {
  int year = 0;
  std::from_chars(utc.data(), utc.data() + std::min<std::size_t>(4, utc.size()), year);
  if (year >= kMinYear && year <= kMaxYear) return true;
  *error = "UTC: " + Quote(utc) + ": year " + std::string(utc.substr(0, 4)) +
           " is implausible (accepted " + std::to_string(kMinYear) + "-" +
           std::to_string(kMaxYear) + ")";
  return false;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

bool IsHeader(std::string_view first_field) {
  constexpr std::string_view kName = "latitude";
  if (first_field.size() != kName.size()) return false;
  for (std::size_t i = 0; i < kName.size(); ++i) {
    if ((first_field[i] | 0x20) != kName[i]) return false;
  }
  return true;
}

}  // namespace

LineResult ParseLine(std::string_view line, ParsedRow* row) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (IsBlank(line)) return LineResult{LineKind::kBlank, {}, {}};
  std::array<std::string_view, kFieldCount> f;
  std::size_t count = 0;
  std::string error;
  if (!Split(line, &f, &count, row, &error)) return Reject(RejectReason::kBadQuoting, error);
  if (count >= 1 && IsHeader(f[0])) return LineResult{LineKind::kHeader, {}, {}};
  if (count != kFieldCount) {
    return Reject(RejectReason::kWrongFieldCount,
                  std::to_string(kFieldCount) + " fields expected, found " + std::to_string(count));
  }
  if (FindControlByte(f, &error)) return Reject(RejectReason::kControlByte, error);
  if (!ParseDouble(f[0], 0, &row->latitude, &error) ||
      !ParseDouble(f[1], 1, &row->longitude, &error) ||
      !ParseNullableDouble(f[4], 4, &row->concentration, &row->concentration_null, &error) ||
      !ParseNullableDouble(f[6], 6, &row->raw_concentration, &row->raw_null, &error) ||
      !ParseNullableInt(f[7], 7, &row->aqi, &row->aqi_null, &error) ||
      !ParseNullableInt(f[8], 8, &row->category, &row->category_null, &error)) {
    return Reject(RejectReason::kBadNumber, error);
  }
  if (!engine::ParseTimestamp(f[2], &row->utc)) {
    return Reject(RejectReason::kBadTime, "UTC: " + Quote(f[2]) + " is not YYYY-MM-DDTHH:MM");
  }
  if (!PlausibleYear(f[2], &error)) return Reject(RejectReason::kBadTime, error);
  row->parameter = f[3];
  row->unit = f[5];
  row->site_name = f[9];
  row->agency = f[10];
  row->aqs_id = f[11];
  row->full_aqs_id = f[12];
  return LineResult{LineKind::kStored, {}, {}};
}

void IngestReport::Merge(const IngestReport& o) {
  files += o.files;
  lines += o.lines;
  stored += o.stored;
  rejected += o.rejected;
  blank += o.blank;
  header += o.header;
  bytes += o.bytes;
  for (std::size_t i = 0; i < kReasonCount; ++i) by_reason[i] += o.by_reason[i];
  for (const RejectedLine& r : o.first_rejected) {
    if (first_rejected.size() < listed) first_rejected.push_back(r);
  }
}

std::string IngestReport::SummaryLine() const {
  return "files read " + std::to_string(files) + ", lines read " + std::to_string(lines) +
         ", rows stored " + std::to_string(stored) + ", rows rejected " + std::to_string(rejected) +
         ", skipped (blank/header) " + std::to_string(blank + header);
}

namespace {

// `s` with control bytes as \xNN and '\\' as "\\\\" (so the escaping is unambiguous).
std::string Visible(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (IsControl(byte)) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string IngestReport::Text() const {
  std::string out;
  for (const RejectedLine& r : first_rejected) {
    out += Visible(r.file) + ":" + std::to_string(r.line) + ": " +
           std::string(ReasonName(r.reason)) + ": " + Visible(r.detail) + ": " + Visible(r.text) +
           "\n";
  }
  if (rejected > first_rejected.size()) {
    out += "... and " + std::to_string(rejected - first_rejected.size()) + " more rejected lines\n";
  }
  for (std::size_t i = 0; i < kReasonCount; ++i) {
    if (by_reason[i] == 0) continue;
    out += "rejected (" + std::string(ReasonName(static_cast<RejectReason>(i))) +
           "): " + std::to_string(by_reason[i]) + "\n";
  }
  return out + SummaryLine() + "\n";
}

void ReadCsvBuffer(std::string_view data, const std::string& file_name, RowStore* rows,
                   IngestReport* report) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);  // UTF-8 BOM
  ++report->files;
  report->bytes += data.size();
  ParsedRow row;
  std::size_t line_no = 0, pos = 0;
  while (pos < data.size()) {
    std::size_t end = data.find('\n', pos);
    const bool has_newline = end != std::string_view::npos;
    if (!has_newline) end = data.size();
    const std::string_view line = data.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    ++report->lines;
    LineResult result = ParseLine(line, &row);
    switch (result.kind) {
      case LineKind::kStored:
        rows->Add(row);
        ++report->stored;
        continue;
      case LineKind::kBlank:
        ++report->blank;
        continue;
      case LineKind::kHeader:
        ++report->header;
        continue;
      case LineKind::kRejected:
        break;
    }
    if (!has_newline) {
      result.detail = "no final newline (file cut short?); " + result.detail;
      result.reason = RejectReason::kTruncatedLine;
    }
    ++report->rejected;
    ++report->by_reason[static_cast<std::size_t>(result.reason)];
    if (report->first_rejected.size() < report->listed) {
      std::string_view text = line.substr(0, 300);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      report->first_rejected.push_back(
          RejectedLine{file_name, line_no, result.reason, result.detail, std::string(text)});
    }
  }
}

void ReadCsvFile(const std::string& path, RowStore* rows, IngestReport* report) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    throw std::runtime_error("cannot open '" + path + "' for reading: " + std::strerror(errno));
  const std::streamsize size = in.tellg();
  if (size < 0) throw std::runtime_error("cannot read '" + path + "' (not a regular file?)");
  std::string data(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(data.data(), size)) throw std::runtime_error("error reading '" + path + "'");
  ReadCsvBuffer(data, path, rows, report);
}

}  // namespace plume::preprocess
