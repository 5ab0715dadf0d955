#include "ranks/frontend/chart.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>

#include "engine/value_format.h"
#include "ranks/frontend/format.h"
#include "ranks/frontend/output.h"
#include "ranks/frontend/utf8.h"

namespace plume::frontend {
namespace {

using engine::Type;

constexpr std::size_t kHeight = 16;   // rows of a line chart
constexpr std::size_t kMaxBars = 40;  // categories drawn as bars
constexpr std::size_t kLabelWidth = 24;
constexpr char kMarks[] = "*+ox#@%&";

struct Point {
  std::string label;  // the first column's text
  double x = 0;       // the first column as a number (time: seconds)
  std::vector<std::optional<double>> y;
};

struct Series {
  std::vector<int> columns;  // numeric columns after the first
  std::vector<Point> points;
};

std::optional<double> NumberAt(const engine::BatchColumn& col, std::size_t r) {
  if (col.IsNull(r)) return std::nullopt;
  if (col.type == Type::kFloat64) return col.doubles[r];
  const int scale = engine::IsDecimal(col.type) ? engine::DecimalScale(col.type) : 0;
  const double units = engine::IsWidePhysical(col.type) ? static_cast<double>(col.wide[r])
                                                        : static_cast<double>(col.ints[r]);
  return units / std::pow(10.0, scale);  // DECIMAL: its units
}

Series Collect(const ChartData& data) {
  Series s;
  for (std::size_t c = 1; c < data.fields.size(); ++c) {
    if (engine::IsNumeric(data.fields[c].type)) s.columns.push_back(static_cast<int>(c));
  }
  for (const engine::Batch& b : data.batches) {
    for (std::size_t r = 0; r < b.rows; ++r) {
      Point p;
      const engine::BatchColumn& first = b.columns[0];
      if (first.IsNull(r)) {
        p.label = "NULL";
      } else {
        AppendValue(p.label, first, r);
      }
      p.x = first.type == Type::kString ? 0 : NumberAt(first, r).value_or(0);
      for (int c : s.columns) p.y.push_back(NumberAt(b.columns[c], r));
      s.points.push_back(std::move(p));
    }
  }
  return s;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::pair<double, double> YRange(const Series& s) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Point& p : s.points) {
    for (const auto& y : p.y) {
      if (y && std::isfinite(*y)) lo = std::min(lo, *y), hi = std::max(hi, *y);
    }
  }
  return {lo, hi};
}

std::string Legend(const ChartData& data, const Series& s) {
  std::string legend;
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    legend += std::string(i == 0 ? "" : "   ") + kMarks[i % 8] + " " +
              VisibleText(data.fields[s.columns[i]].name);
  }
  return legend + (data.cut ? "   (first " + GroupDigits(data.rows) + " rows)" : "") + "\n";
}

std::string LineChart(const ChartData& data, const Series& s, std::size_t width) {
  auto [lo, hi] = YRange(s);
  double x0 = s.points.front().x, x1 = s.points.back().x;
  for (const Point& p : s.points) x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
  std::size_t plot = width > 20 ? width - 12 : 8;
  std::vector<std::string> grid(kHeight, std::string(plot, ' '));
  for (const Point& p : s.points) {
    std::size_t col = x1 > x0 ? static_cast<std::size_t>((p.x - x0) / (x1 - x0) * (plot - 1)) : 0;
    for (std::size_t i = 0; i < p.y.size(); ++i) {
      if (!p.y[i] || !std::isfinite(*p.y[i])) continue;
      double f = hi > lo ? (*p.y[i] - lo) / (hi - lo) : 0.5;
      grid[kHeight - 1 - static_cast<std::size_t>(f * (kHeight - 1))][col] = kMarks[i % 8];
    }
  }
  std::string out;
  for (std::size_t r = 0; r < kHeight; ++r) {
    std::string label = r == 0 ? Number(hi) : r == kHeight - 1 ? Number(lo) : "";
    out += std::string(label.size() < 10 ? 10 - label.size() : 0, ' ') + label + " |" + grid[r];
    while (out.back() == ' ') out.pop_back();
    out += "\n";
  }
  out += std::string(11, ' ') + "+" + std::string(plot, '-') + "\n";
  std::string first = s.points.front().label, last = s.points.back().label;
  std::size_t gap = plot > first.size() + last.size() ? plot - first.size() - last.size() : 1;
  out += std::string(12, ' ') + first + std::string(gap, ' ') + last + "\n";
  return out + std::string(12, ' ') + Legend(data, s);
}

std::string BarChart(const ChartData& data, const Series& s, std::size_t width) {
  auto [lo, hi] = YRange(s);
  double top = std::max(hi, 0.0);
  std::size_t label_width = 0;
  std::size_t n = std::min(s.points.size(), kMaxBars);
  for (std::size_t i = 0; i < n; ++i) {
    label_width = std::max(label_width, std::min(kLabelWidth, s.points[i].label.size()));
  }
  std::size_t bar = width > label_width + 16 ? width - label_width - 16 : 10;
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const Point& p = s.points[i];
    for (std::size_t k = 0; k < p.y.size(); ++k) {
      std::string label = k == 0 ? VisibleText(p.label).substr(0, label_width) : "";
      out += label + std::string(label_width - std::min(label_width, label.size()), ' ') + " |";
      double v = p.y[k].value_or(0);
      std::size_t len = top > 0 && v > 0 ? static_cast<std::size_t>(std::lround(v / top * bar)) : 0;
      out += std::string(len, kMarks[k % 8]) + " " + (p.y[k] ? Number(v) : "NULL") + "\n";
    }
  }
  if (s.points.size() > n) out += "(" + CountOf(s.points.size() - n, "more row") + " not drawn)\n";
  (void)lo;
  return out + Legend(data, s);
}

// gnuplot's double-quoted string: backslash and quote escaped.
std::string GnuplotQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string GnuplotScript(const ChartData& data, const Series& s, const std::string& path) {
  bool time = data.fields[0].type == Type::kTimestamp;
  std::string script = "set terminal pngcairo size 1000,600\nset output " + GnuplotQuoted(path) +
                       "\nset datafile separator \"\\t\"\nset key outside top center horizontal\n";
  script += time ? "set xdata time\nset timefmt \"%Y-%m-%dT%H:%M\"\nset format x \"%m-%d\"\n"
                 : "set style data histograms\nset style fill solid 0.8\nset xtics rotate by -45\n"
                   "set yrange [*<0:*]\n";  // bars start at 0 (or below it), never mid-way
  script += "$data << EOD\n";
  for (const Point& p : s.points) {
    script += VisibleText(p.label);
    for (const auto& y : p.y) {
      script += '\t';  // not "\t" + ...: g++ 12 -Wrestrict false positive (an error under -Werror)
      script += y ? Number(*y) : std::string("NaN");
    }
    script += "\n";
  }
  script += "EOD\nplot ";
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    std::string col = std::to_string(i + 2);
    script += std::string(i == 0 ? "$data" : ", ''") +
              (time ? " using 1:" + col + " with lines" : " using " + col + ":xtic(1)") +
              " title " + GnuplotQuoted(VisibleText(data.fields[s.columns[i]].name));
  }
  return script + "\n";
}

// Runs gnuplot with `script` on its stdin (no shell); its stderr becomes *error.
bool RunGnuplot(const std::string& script, std::string* error) {
  int in[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    *error = std::string("Error: \\chart cannot start gnuplot: ") + std::strerror(errno);
    return false;
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(err[1], 2);
    ::execlp("gnuplot", "gnuplot", static_cast<char*>(nullptr));
    std::fprintf(stderr, "cannot run gnuplot: %s (install gnuplot-nox)", std::strerror(errno));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(err[1]);
  WriteFd(in[1], script);
  ::close(in[1]);
  std::string messages;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(err[0], buf, sizeof buf)) > 0)
    messages.append(buf, static_cast<std::size_t>(n));
  ::close(err[0]);
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      !messages.empty()) {
    *error = "Error: \\chart: gnuplot failed: " +
             (messages.empty() ? std::string("exit status ") + std::to_string(status)
                               : ValidUtf8(messages));
    while (!error->empty() && error->back() == '\n') error->pop_back();
    return false;
  }
  return true;
}

}  // namespace

void ChartCapture::Begin(const RequestInfo& info) {
  data_.fields = info.fields;
  inner().Begin(info);
}

bool ChartCapture::Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) {
  if (data_.rows + chunk.rows <= ChartData::kMaxRows) {
    data_.batches.push_back(chunk);
    data_.rows += chunk.rows;
  } else {
    data_.cut = true;
  }
  return inner().Chunk(chunk, info, error);
}

void ChartCapture::End(const RequestInfo& info) {
  completed_ = info.state == RequestState::kCompleted;
  inner().End(info);
}

bool TerminalChart(const ChartData& data, std::size_t width, std::string* text,
                   std::string* error) {
  Series s = data.fields.empty() ? Series{} : Collect(data);
  if (s.points.empty() || s.columns.empty()) {
    *error = s.points.empty() ? "Error: \\chart has no rows to draw (run a statement first)"
                              : "Error: \\chart needs a numeric column after the first one";
    return false;
  }
  *text = data.fields[0].type == Type::kTimestamp ? LineChart(data, s, width)
                                                  : BarChart(data, s, width);
  return true;
}

}  // namespace plume::frontend

namespace plume::frontend {

bool PngChart(const ChartData& data, const std::string& path, std::string* error) {
  Series s = data.fields.empty() ? Series{} : Collect(data);
  if (s.points.empty() || s.columns.empty()) {
    std::string text;
    return TerminalChart(data, 80, &text, error);  // the same reasons
  }
  return RunGnuplot(GnuplotScript(data, s, path), error);
}

}  // namespace plume::frontend
