// csv and json lines made by the data ranks (Options::row_text, Plan::WithRowText) against the
// same statements formatted at the gateway: the same bytes (ordered statements), the same
// lines (unordered ones, whose row order depends on arrival), the same chunks and counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "ranks/frontend/format.h"
#include "tests/ranks/test_world.h"

namespace plume::ranks::testing {
namespace {

using engine::RowText;

class TextSink : public frontend::ResultSink {
 public:
  explicit TextSink(std::string format) : formatter_(frontend::MakeFormatter(format)) {}
  void Begin(const frontend::RequestInfo& info) override { formatter_->Begin(info.fields, &text); }
  bool Chunk(const engine::Batch& chunk, const frontend::RequestInfo& info, std::string*) override {
    arrived_as = info.row_text;
    chunk_rows.push_back(chunk.rows);
    frontend::FormatChunk(*formatter_, info.row_text, chunk, &text);
    return true;
  }
  void End(const frontend::RequestInfo& info) override {
    formatter_->End(info.state == frontend::RequestState::kCompleted, &text);
    final_info = info;
    ended = true;
  }

  std::string text;
  std::vector<std::size_t> chunk_rows;
  RowText arrived_as = RowText::kNone;
  frontend::RequestInfo final_info;
  bool ended = false;

 private:
  std::unique_ptr<frontend::Formatter> formatter_;
};

std::shared_ptr<TextSink> RunWith(const std::string& sql, const std::string& format, RowText wish,
                                  std::size_t chunk_rows) {
  auto sink = std::make_shared<TextSink>(format);
  frontend::Backend::Options options{chunk_rows, 0};
  options.row_text = wish;
  World().gateway->Submit(sql, options, sink);
  for (int i = 0; i < 60000 && !sink->ended; ++i) World().gateway->Poll(0.001);
  EXPECT_TRUE(sink->ended) << "no End for " << sql;
  return sink;
}

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

void ExpectSameText(const std::string& sql, bool ordered, std::size_t chunk_rows) {
  for (const auto& [format, text] : {std::pair{"csv", RowText::kCsv}, {"json", RowText::kJson}}) {
    SCOPED_TRACE(std::string(format) + ", chunks of " + std::to_string(chunk_rows) + ": " + sql);
    auto gateway = RunWith(sql, format, RowText::kNone, chunk_rows);
    auto ranks = RunWith(sql, format, text, chunk_rows);
    ASSERT_EQ(gateway->final_info.state, frontend::RequestState::kCompleted);
    ASSERT_EQ(ranks->final_info.state, frontend::RequestState::kCompleted)
        << ranks->final_info.error;
    EXPECT_EQ(gateway->final_info.row_text, RowText::kNone);
    EXPECT_EQ(ranks->final_info.row_text, text);
    EXPECT_EQ(ranks->final_info.fields.size(), gateway->final_info.fields.size());
    EXPECT_EQ(ranks->final_info.rows_delivered, gateway->final_info.rows_delivered);
    EXPECT_EQ(ranks->final_info.chunks_total, gateway->final_info.chunks_total);
    EXPECT_EQ(ranks->text.size(), gateway->text.size());
    if (ordered) {
      EXPECT_EQ(ranks->chunk_rows, gateway->chunk_rows);
      EXPECT_TRUE(ranks->text == gateway->text);
    } else {
      EXPECT_EQ(ranks->chunk_rows.size(), gateway->chunk_rows.size());
      EXPECT_TRUE(SortedLines(ranks->text) == SortedLines(gateway->text));
    }
  }
}

TEST(RowTextOnRanks, SameBytesAsTheGatewaysFormatting) {
  ExpectSameText("SELECT * FROM measurements", false, 1000);
  ExpectSameText("SELECT * FROM measurements", false, 777);
  ExpectSameText(
      "SELECT site_name, utc, concentration, aqi FROM measurements WHERE aqi > 50 "
      "ORDER BY site_name DESC, utc, concentration NULLS FIRST, latitude, longitude",
      true, 333);
  ExpectSameText(
      "SELECT upper(site_name) || ' \"x\", y' AS s, aqi FROM measurements "
      "ORDER BY aqi NULLS FIRST, latitude, longitude, utc, parameter LIMIT 2500 OFFSET 7",
      true, 1000);
  ExpectSameText("SELECT utc, aqi FROM measurements WHERE aqi > 1000000", true, 100);
}

TEST(RowTextOnRanks, AggregatesStayValues) {
  auto sink = RunWith("SELECT parameter, count(*) FROM measurements GROUP BY 1 ORDER BY 1", "csv",
                      RowText::kCsv, 1000);
  EXPECT_EQ(sink->final_info.state, frontend::RequestState::kCompleted);
  EXPECT_EQ(sink->final_info.row_text, RowText::kNone);
  EXPECT_EQ(sink->text.substr(0, 16), "parameter,count_");
}

}  // namespace
}  // namespace plume::ranks::testing
