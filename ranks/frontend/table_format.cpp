// The table format: aligned columns in psql's style, cut like DuckDB's box renderer when long
// (first head_rows and last tail_rows rows, with a note) or wide (columns from both ends).
// Memory stays bounded: only the rows it will show are kept.
#include <algorithm>
#include <deque>
#include <numeric>

#include "ranks/frontend/format.h"
#include "ranks/frontend/utf8.h"

namespace plume::frontend {
namespace {

using engine::Batch;
using engine::Field;
using engine::Type;

constexpr std::string_view kGap = "...";

// Characters on screen: UTF-8 continuation bytes take no column.
std::size_t DisplayWidth(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Cuts `s` to at most `width` characters, ending in "..." when cut; control characters and
// invalid UTF-8 become visible escapes (utf8.h) so a value never breaks the table's lines nor
// reaches the terminal as an escape sequence.
std::string CellText(std::string_view s, std::size_t width) {
  std::string clean = VisibleText(s);
  if (DisplayWidth(clean) <= width) return clean;
  std::size_t keep = width > kGap.size() ? width - kGap.size() : 0;
  std::size_t chars = 0, i = 0;
  for (; i < clean.size(); ++i) {
    if ((static_cast<unsigned char>(clean[i]) & 0xC0) != 0x80 && chars++ == keep) break;
  }
  clean.resize(i);
  clean.append(kGap);
  return clean;
}

void Pad(std::string& out, std::string_view text, std::size_t width, bool right) {
  std::size_t w = DisplayWidth(text);
  std::size_t pad = width > w ? width - w : 0;
  if (right) out.append(pad, ' ');
  out.append(text);
  if (!right) out.append(pad, ' ');
}

class TableFormatter : public Formatter {
 public:
  explicit TableFormatter(const TableLimits& limits) : limits_(limits) {}

  void Begin(const std::vector<Field>& fields, std::string*) override { fields_ = fields; }

  void Rows(const Batch& batch, std::string*) override {
    std::size_t r = 0;
    for (; r < batch.rows && head_.size() < limits_.head_rows; ++r) {
      head_.push_back(RenderRow(batch, r));
    }
    total_rows_ += batch.rows;
    if (r < batch.rows && limits_.tail_rows > 0) KeepRecent(batch, r);
  }

  void End(bool complete, std::string* out) override;

 private:
  using Row = std::vector<std::string>;
  // Rows after the head, not yet rendered: the most recent batches, enough to hold the last
  // tail_rows rows (rendering only those at End keeps big results cheap).
  struct Recent {
    Batch batch;
    std::size_t first = 0;  // rows before it belong to the head
  };

  void KeepRecent(const Batch& batch, std::size_t first) {
    recent_.push_back({batch, first});
    recent_rows_ += batch.rows - first;
    while (recent_rows_ - (recent_.front().batch.rows - recent_.front().first) >=
           limits_.tail_rows) {
      recent_rows_ -= recent_.front().batch.rows - recent_.front().first;
      recent_.pop_front();
    }
  }

  void RenderTail() {
    std::size_t skip = recent_rows_ > limits_.tail_rows ? recent_rows_ - limits_.tail_rows : 0;
    for (const Recent& rec : recent_) {
      for (std::size_t r = rec.first; r < rec.batch.rows; ++r) {
        if (skip > 0) {
          --skip;
        } else {
          tail_.push_back(RenderRow(rec.batch, r));
        }
      }
    }
    recent_.clear();
    recent_rows_ = 0;
  }

  Row RenderRow(const Batch& batch, std::size_t r) const {
    Row row;
    std::string text;
    for (const engine::BatchColumn& col : batch.columns) {
      text.clear();
      if (col.IsNull(r)) {
        text = "NULL";
      } else if (limits_.group_digits && engine::IsInteger(col.type) && col.ints[r] >= 0) {
        text = GroupDigits(static_cast<std::uint64_t>(col.ints[r]));
      } else {
        AppendValue(text, col, r);
      }
      row.push_back(CellText(text, limits_.max_value_width));
    }
    return row;
  }

  std::vector<std::size_t> Widths() const;
  std::vector<int> VisibleColumns(const std::vector<std::size_t>& widths) const;
  void AppendLine(std::string& out, const std::vector<int>& cols,
                  const std::vector<std::size_t>& widths, const Row& row) const;
  std::string Note(std::size_t shown_columns, bool complete) const;
  void AppendRecords(std::string& out) const;

  TableLimits limits_;
  std::vector<Field> fields_;
  std::vector<Row> head_;
  std::deque<Recent> recent_;
  std::size_t recent_rows_ = 0;
  std::vector<Row> tail_;
  std::uint64_t total_rows_ = 0;
};

std::vector<std::size_t> TableFormatter::Widths() const {
  std::vector<std::size_t> widths;
  for (const Field& f : fields_) widths.push_back(DisplayWidth(CellText(f.name, 1 << 20)));
  auto widen = [&](const Row& row) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], DisplayWidth(row[c]));
    }
  };
  for (const Row& row : head_) widen(row);
  for (const Row& row : tail_) widen(row);
  return widths;
}

// Column indexes to show, in order; -1 marks the "..." column standing for those left out.
// Columns are taken from both ends (first, last, second, second to last, ...) while they fit.
std::vector<int> TableFormatter::VisibleColumns(const std::vector<std::size_t>& widths) const {
  int n = static_cast<int>(widths.size());
  std::size_t total = 1;
  for (std::size_t w : widths) total += w + 3;
  std::vector<int> all(static_cast<std::size_t>(n));
  std::iota(all.begin(), all.end(), 0);
  if (total <= limits_.max_total_width || n <= 1) return all;
  std::vector<int> left, right;
  std::size_t used = 1 + kGap.size() + 3;
  for (int lo = 0, hi = n - 1, turn = 0; lo <= hi; ++turn) {
    int c = turn % 2 == 0 ? lo : hi;
    if (used + widths[c] + 3 > limits_.max_total_width && !(left.empty() && right.empty())) break;
    used += widths[c] + 3;
    (turn % 2 == 0 ? left : right).push_back(c);
    turn % 2 == 0 ? ++lo : --hi;
  }
  left.push_back(-1);
  left.insert(left.end(), right.rbegin(), right.rend());
  return left;
}

void TableFormatter::AppendLine(std::string& out, const std::vector<int>& cols,
                                const std::vector<std::size_t>& widths, const Row& row) const {
  for (std::size_t i = 0; i < cols.size(); ++i) {
    out.append(i == 0 ? " " : " | ");
    int c = cols[i];
    if (c < 0) {
      out.append(kGap);
    } else {
      Pad(out, row[c], widths[c], engine::IsNumeric(fields_[c].type));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out.push_back('\n');
}

std::string TableFormatter::Note(std::size_t shown_columns, bool complete) const {
  std::uint64_t shown_rows = head_.size() + tail_.size();
  std::string note = "(";  // built with += (g++ 12 warns falsely on "(" + std::string)
  note += CountOf(total_rows_, "row");
  if (shown_rows < total_rows_) {
    note += ", " + GroupDigits(shown_rows) + " shown";
    if (limits_.hints) note += " (\\maxrows 0 shows all)";
  }
  if (shown_columns < fields_.size()) {
    note +=
        "; " + GroupDigits(fields_.size()) + " columns, " + GroupDigits(shown_columns) + " shown";
    if (limits_.hints) note += " (\\x or \\maxwidth 0 shows all)";
  }
  if (!complete) note += "; incomplete";
  return note + ")\n";
}

// psql's expanded display: a "-[ RECORD n ]" line, then "name | value" per column.
void TableFormatter::AppendRecords(std::string& out) const {
  std::size_t name_width = 0;
  for (const Field& f : fields_) name_width = std::max(name_width, DisplayWidth(f.name));
  std::uint64_t number = 1;
  auto record = [&](const Row& row) {
    std::string head = "-[ RECORD " + GroupDigits(number++) + " ]";
    out += head + std::string(head.size() < 24 ? 24 - head.size() : 1, '-') + "\n";
    for (std::size_t c = 0; c < fields_.size() && c < row.size(); ++c) {
      Pad(out, CellText(fields_[c].name, 1 << 20), name_width, false);
      out += " | " + row[c];
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out.push_back('\n');
    }
  };
  for (const Row& row : head_) record(row);
  if (head_.size() + tail_.size() < total_rows_) {
    out +=
        "-[ ... " + CountOf(total_rows_ - head_.size() - tail_.size(), "row") + " left out ... ]\n";
    number = total_rows_ - tail_.size() + 1;
  }
  for (const Row& row : tail_) record(row);
}

void TableFormatter::End(bool complete, std::string* out) {
  if (fields_.empty()) return;  // the statement failed before its columns were known
  RenderTail();
  if (limits_.expanded) {
    AppendRecords(*out);
    out->append(Note(fields_.size(), complete));
    head_.clear();
    tail_.clear();
    return;
  }
  std::vector<std::size_t> widths = Widths();
  std::vector<int> cols = VisibleColumns(widths);
  Row header;
  for (const Field& f : fields_) header.push_back(CellText(f.name, 1 << 20));
  AppendLine(*out, cols, widths, header);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i > 0) out->push_back('+');
    out->append((cols[i] < 0 ? kGap.size() : widths[cols[i]]) + 2, '-');
  }
  out->push_back('\n');
  for (const Row& row : head_) AppendLine(*out, cols, widths, row);
  if (head_.size() + tail_.size() < total_rows_) {
    Row gap(fields_.size(), std::string(kGap));
    AppendLine(*out, cols, widths, gap);
  }
  for (const Row& row : tail_) AppendLine(*out, cols, widths, row);
  std::size_t shown = std::count_if(cols.begin(), cols.end(), [](int c) { return c >= 0; });
  out->append(Note(shown, complete));
  head_.clear();
  tail_.clear();
}

}  // namespace

TableLimits TableLimits::Unlimited(bool expanded) {
  TableLimits t;
  t.head_rows = t.max_value_width = t.max_total_width = kNoLimit;
  t.tail_rows = 0;
  t.expanded = expanded;
  return t;
}

TableLimits TableLimits::Screen(std::size_t max_rows, std::size_t max_width, bool expanded) {
  TableLimits t = Unlimited(expanded);
  if (max_rows > 0) {
    t.tail_rows = max_rows / 5;
    t.head_rows = max_rows - t.tail_rows;
  }
  if (max_width > 0) {
    t.max_total_width = max_width;
    t.max_value_width = expanded ? std::max<std::size_t>(max_width / 2, 40) : 40;
  }
  t.hints = true;
  return t;
}

std::unique_ptr<Formatter> MakeTableFormatter(const TableLimits& limits) {
  return std::make_unique<TableFormatter>(limits);
}

}  // namespace plume::frontend
