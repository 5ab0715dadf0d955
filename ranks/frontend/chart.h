// \chart: pictures of the last result. In the terminal a line chart when the first column is a
// time (utc), else bars for the first column's categories; the second and further numeric
// columns are the series. \chart FILE.png writes the same chart as a PNG through gnuplot
// (Debian's gnuplot-nox), run directly (fork + exec, no shell) with the data on its stdin.
// Main thread; never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/batch.h"
#include "ranks/frontend/backend.h"

namespace plume::frontend {

// The rows a chart can use: the first kMaxRows rows of one result.
struct ChartData {
  static constexpr std::size_t kMaxRows = 10'000;
  std::vector<engine::Field> fields;
  std::vector<engine::Batch> batches;
  std::uint64_t rows = 0;  // kept
  bool cut = false;        // the result had more rows than were kept
};

// A ResultSink that passes everything to `inner` and keeps the first ChartData::kMaxRows rows.
class ChartCapture : public ForwardingSink {
 public:
  explicit ChartCapture(std::shared_ptr<ResultSink> inner) : ForwardingSink(std::move(inner)) {}
  void Begin(const RequestInfo& info) override;
  bool Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) override;
  void End(const RequestInfo& info) override;
  const ChartData& data() const { return data_; }
  bool completed() const { return completed_; }

 private:
  ChartData data_;
  bool completed_ = false;
};

// The chart as text `width` characters wide; false with *error ("Error: ...") when the result
// has nothing to draw (no rows, no numeric column after the first).
bool TerminalChart(const ChartData& data, std::size_t width, std::string* text, std::string* error);

// Writes the chart to `path` as a PNG with gnuplot; false with *error naming the reason.
bool PngChart(const ChartData& data, const std::string& path, std::string* error);

}  // namespace plume::frontend
