// The CSV reader on every bad-input class of the issue, and the -999 sentinels.
#include "preprocess/csv_reader.h"

#include <gtest/gtest.h>

#include "engine/schema.h"
#include "tests/preprocess/test_util.h"

namespace plume::preprocess {
namespace {

using engine::Col;
using test::Line;

const engine::Column& At(const RowStore& s, Col c) {
  return s.table().columns[static_cast<std::size_t>(c)];
}

TEST(ParseLine, StoresTheReadmeSampleWithTypedValues) {
  ParsedRow row;
  const std::string line = Line();  // the row's string views point into it
  const LineResult r = ParseLine(line, &row);
  ASSERT_EQ(r.kind, LineKind::kStored) << r.detail;
  EXPECT_EQ(row.latitude, 41.75613);
  EXPECT_EQ(row.longitude, -124.20347);
  EXPECT_EQ(row.utc, 1597021200);  // 2020-08-10T01:00Z
  EXPECT_EQ(row.parameter, "PM2.5");
  EXPECT_EQ(row.concentration, 17.3);
  EXPECT_EQ(row.raw_concentration, 18.0);
  EXPECT_EQ(row.aqi, 62);
  EXPECT_EQ(row.category, 2);
  EXPECT_FALSE(row.concentration_null || row.raw_null || row.aqi_null || row.category_null);
  EXPECT_EQ(row.agency, "North Coast Unified Air Quality Management District");
  EXPECT_EQ(row.full_aqs_id, "840060150007");
}

TEST(ParseLine, HonoursQuotedCommasAndEscapedQuotes) {
  ParsedRow row;
  const std::string line =
      R"("40.0","-108.8","2020-08-10T01:00","OZONE","40.0","PPB","41.0","37","1",)"
      R"("Rangely, CO","Air ""District"", West","MMCA81008","840MMCA81008")";
  const LineResult r = ParseLine(line, &row);
  ASSERT_EQ(r.kind, LineKind::kStored) << r.detail;
  EXPECT_EQ(row.site_name, "Rangely, CO");
  EXPECT_EQ(row.agency, "Air \"District\", West");
  EXPECT_EQ(row.aqs_id, "MMCA81008");
}

TEST(ParseLine, SentinelsAreNullButGenuineNegativesStayValues) {
  ParsedRow row;
  ASSERT_EQ(ParseLine(R"("38.4","-122.8","2020-09-12T13:00","CO","1.3","PPM","1.3","-999","-999",)"
                      R"("Sebastopol","BAAQMD","060970004","840060970004")",
                      &row)
                .kind,
            LineKind::kStored);
  EXPECT_TRUE(row.aqi_null);
  EXPECT_TRUE(row.category_null);
  EXPECT_FALSE(row.concentration_null);
  ASSERT_EQ(ParseLine(R"("39.7","-121.6","2020-09-12T13:00","OZONE","-999.0","PPB","43.0","-999",)"
                      R"("-999","Paradise - Airport","CARB","060070007","840060070007")",
                      &row)
                .kind,
            LineKind::kStored);
  EXPECT_TRUE(row.concentration_null);
  EXPECT_FALSE(row.raw_null);
  EXPECT_EQ(row.raw_concentration, 43.0);
  ASSERT_EQ(ParseLine(R"("39.7","-121.6","2020-09-12T13:00","SO2","-0.3","PPB","-3.4","0",)"
                      R"("1","X","Y","060070007","840060070007")",
                      &row)
                .kind,
            LineKind::kStored);
  EXPECT_FALSE(row.concentration_null);
  EXPECT_EQ(row.concentration, -0.3);
  EXPECT_EQ(row.raw_concentration, -3.4);
  EXPECT_EQ(row.aqi, 0);
}

// docs/DATA.md: -999 in any spelling is NULL, also where the column is an integer (AQI,
// category); issue 12 found "-999.0" rejected there.
TEST(ParseLine, TheSentinelInAnySpellingIsNullForAqiAndCategory) {
  ParsedRow row;
  for (const std::string sentinel : {"-999", "-999.0", "-999.00", "-9.99e2"}) {
    ASSERT_EQ(
        ParseLine(R"("38.4","-122.8","2020-09-12T13:00","CO","1.3","PPM","1.3",")" + sentinel +
                      R"(",")" + sentinel + R"(","Sebastopol","BAAQMD","060970004","840060970004")",
                  &row)
            .kind,
        LineKind::kStored)
        << sentinel;
    EXPECT_TRUE(row.aqi_null) << sentinel;
    EXPECT_TRUE(row.category_null) << sentinel;
  }
  EXPECT_EQ(ParseLine(Line("41.7", "2020-08-10T01:00", "PM2.5", "17.3", "-998.0"), &row).reason,
            RejectReason::kBadNumber);
}

// A NUL inside a quoted field was stored and cut the string short ("Cres\0cent City" became
// "Cres"), or made a data set that could not be loaded.
TEST(ParseLine, ControlBytesInAFieldAreRejectedNamingFieldAndByte) {
  ParsedRow row;
  std::string line = Line();
  const std::size_t site = line.find("Crescent");
  ASSERT_NE(site, std::string::npos);
  for (const char byte : {'\0', '\x1b', '\x07', '\x7f', '\r', '\t'}) {
    std::string bad = line;
    bad.insert(site + 4, 1, byte);
    const LineResult r = ParseLine(bad, &row);
    EXPECT_EQ(r.kind, LineKind::kRejected) << static_cast<int>(byte);
    EXPECT_EQ(r.reason, RejectReason::kControlByte) << r.detail;
    EXPECT_NE(r.detail.find("SiteName: control byte 0x"), std::string::npos) << r.detail;
    EXPECT_NE(r.detail.find("at byte 5 of the field"), std::string::npos) << r.detail;
  }
  EXPECT_EQ(ParseLine(line + "\r", &row).kind, LineKind::kStored) << "CRLF stays fine";
}

TEST(ParseLine, ImplausibleYearsAreRejected) {
  ParsedRow row;
  for (const std::string utc :
       {"0000-08-10T01:00", "9999-08-10T01:00", "1969-12-31T23:00", "2101-01-01T00:00"}) {
    const LineResult r = ParseLine(Line("41.7", utc), &row);
    EXPECT_EQ(r.reason, RejectReason::kBadTime) << utc;
    EXPECT_NE(r.detail.find("is implausible (accepted 1970-2100)"), std::string::npos) << r.detail;
  }
  EXPECT_EQ(ParseLine(Line("41.7", "1970-01-01T00:00"), &row).kind, LineKind::kStored);
  EXPECT_EQ(ParseLine(Line("41.7", "2100-12-31T23:00"), &row).kind, LineKind::kStored);
}

TEST(ReadCsvBuffer, TheReportShowsControlBytesVisibly) {
  std::string bad = Line();
  bad.insert(bad.find("Crescent") + 4, std::string("\0\x1b[2J", 5));
  RowStore rows;
  IngestReport report;
  ReadCsvBuffer(bad + "\n", "nul.csv", &rows, &report);
  ASSERT_EQ(report.rejected, 1u);
  const std::string text = report.Text();
  EXPECT_EQ(text.find('\0'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("nul.csv:1: control byte: SiteName: control byte 0x00 at byte 5 of the "
                      "field: "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Cres\\x00\\x1b[2Jcent"), std::string::npos) << text;
}

TEST(ParseLine, KeepsAnUnknownParameter) {
  ParsedRow row;
  const std::string line = Line("41.0", "2020-08-10T01:00", "BENZENE");
  ASSERT_EQ(ParseLine(line, &row).kind, LineKind::kStored);
  EXPECT_EQ(row.parameter, "BENZENE");
}

TEST(ParseLine, BlankAndHeaderLinesAreSkipped) {
  ParsedRow row;
  EXPECT_EQ(ParseLine("", &row).kind, LineKind::kBlank);
  EXPECT_EQ(ParseLine("  \t\r", &row).kind, LineKind::kBlank);
  EXPECT_EQ(ParseLine("Latitude,Longitude,UTC,Parameter,Concentration,Unit,RawConcentration,AQI,"
                      "Category,SiteName,SiteAgency,AQSID,FullAQSID",
                      &row)
                .kind,
            LineKind::kHeader);
  EXPECT_EQ(ParseLine(R"("latitude","longitude")", &row).kind, LineKind::kHeader);
}

TEST(ParseLine, RejectsWithAReasonPerClass) {
  ParsedRow row;
  struct Case {
    std::string line;
    RejectReason reason;
    std::string detail_part;
  };
  const std::string twelve = Line().substr(0, Line().rfind(','));
  const std::vector<Case> cases = {
      {twelve, RejectReason::kWrongFieldCount, "found 12"},
      {Line() + ",\"x\"", RejectReason::kWrongFieldCount, "found 14"},
      {Line("41.7x"), RejectReason::kBadNumber, "Latitude"},
      {Line("41.7", "2020-08-10T01:00", "PM2.5", "1.2.3"), RejectReason::kBadNumber,
       "Concentration"},
      {Line("41.7", "2020-08-10T01:00", "PM2.5", "17.3", "62.5"), RejectReason::kBadNumber, "AQI"},
      {Line("nan"), RejectReason::kBadNumber, "Latitude"},
      {Line("41.7", "2020-13-10T01:00"), RejectReason::kBadTime, "UTC"},
      {Line("41.7", "yesterday"), RejectReason::kBadTime, "UTC"},
      {R"("41.7","-124.2","2020-08-10T01:00","PM2.5)", RejectReason::kBadQuoting, "unterminated"},
      {R"("41.7"x,"-124.2")", RejectReason::kBadQuoting, "after the closing quote"},
  };
  for (const Case& c : cases) {
    const LineResult r = ParseLine(c.line, &row);
    EXPECT_EQ(r.kind, LineKind::kRejected) << c.line;
    EXPECT_EQ(r.reason, c.reason) << c.line << " -> " << r.detail;
    EXPECT_NE(r.detail.find(c.detail_part), std::string::npos) << r.detail;
  }
}

TEST(ReadCsvBuffer, ToleratesCrlfAndBomAndAccountsForEveryLine) {
  const std::string text = "\xEF\xBB\xBF" + Line() + "\r\n\r\n" + "Latitude,Longitude,UTC\r\n" +
                           Line("42.5") + "\r\n" + Line("bad") + "\r\n" +
                           Line("43.5");  // last line: no newline
  RowStore rows;
  IngestReport report;
  ReadCsvBuffer(text, "f.csv", &rows, &report);
  EXPECT_EQ(report.files, 1u);
  EXPECT_EQ(report.lines, 6u);
  EXPECT_EQ(report.stored, 3u);
  EXPECT_EQ(report.blank, 1u);
  EXPECT_EQ(report.header, 1u);
  EXPECT_EQ(report.rejected, 1u);
  EXPECT_EQ(report.stored + report.rejected + report.blank + report.header, report.lines);
  ASSERT_EQ(rows.rows(), 3u);
  EXPECT_EQ(At(rows, Col::kLatitude).doubles[0], 41.75613);  // the BOM did not stick to it
  EXPECT_EQ(At(rows, Col::kLatitude).doubles[2], 43.5);
  EXPECT_EQ(At(rows, Col::kFullAqsId).dict[0], "840060150007");  // no '\r' kept
  ASSERT_EQ(report.first_rejected.size(), 1u);
  EXPECT_EQ(report.first_rejected[0].file, "f.csv");
  EXPECT_EQ(report.first_rejected[0].line, 5u);
  EXPECT_EQ(report.first_rejected[0].reason, RejectReason::kBadNumber);
  const std::string out = report.Text();
  EXPECT_NE(out.find("f.csv:5: unparsable number: Latitude: \"bad\" is not a number: \"bad\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("rejected (unparsable number): 1"), std::string::npos) << out;
  EXPECT_NE(out.find("files read 1, lines read 6, rows stored 3, rows rejected 1, skipped "
                     "(blank/header) 2"),
            std::string::npos)
      << out;
}

TEST(ReadCsvBuffer, ATruncatedLastLineIsRejectedAsTruncated) {
  const std::string full = Line();
  const std::string text = full + "\n" + full.substr(0, full.size() / 2);
  RowStore rows;
  IngestReport report;
  ReadCsvBuffer(text, "cut.csv", &rows, &report);
  EXPECT_EQ(report.stored, 1u);
  EXPECT_EQ(report.rejected, 1u);
  EXPECT_EQ(report.by_reason[static_cast<std::size_t>(RejectReason::kTruncatedLine)], 1u);
  ASSERT_EQ(report.first_rejected.size(), 1u);
  EXPECT_EQ(report.first_rejected[0].line, 2u);
  EXPECT_NE(report.first_rejected[0].detail.find("no final newline"), std::string::npos);
}

TEST(ReadCsvBuffer, ListsTheFirstTenRejectsThenCountsAll) {
  std::string text;
  for (int i = 0; i < 25; ++i) text += Line(std::string("x").append(std::to_string(i))) + "\n";
  RowStore rows;
  IngestReport report;
  ReadCsvBuffer(text, "many.csv", &rows, &report);
  EXPECT_EQ(report.rejected, 25u);
  EXPECT_EQ(report.first_rejected.size(), IngestReport::kDefaultListed);
  EXPECT_EQ(report.first_rejected.back().line, 10u);
  EXPECT_NE(report.Text().find("... and 15 more rejected lines"), std::string::npos);

  IngestReport more;
  more.listed = 20;
  ReadCsvBuffer(text, "many.csv", &rows, &more);
  EXPECT_EQ(more.first_rejected.size(), 20u);
  EXPECT_NE(more.Text().find("... and 5 more rejected lines"), std::string::npos);
}

TEST(ReadCsvBuffer, EmptyFileHasNoLines) {
  RowStore rows;
  IngestReport report;
  ReadCsvBuffer("", "empty.csv", &rows, &report);
  ReadCsvBuffer("\xEF\xBB\xBF", "bom.csv", &rows, &report);
  EXPECT_EQ(report.files, 2u);
  EXPECT_EQ(report.lines, 0u);
}

TEST(ReadCsvFile, AMissingFileIsAnErrorNamingIt) {
  RowStore rows;
  IngestReport report;
  try {
    ReadCsvFile("/nonexistent/plume/x.csv", &rows, &report);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/plume/x.csv"), std::string::npos);
  }
}

TEST(RowStore, AppendRemapsStringCodes) {
  RowStore a, b;
  ParsedRow row;
  const std::string l1 = Line("1", "2020-08-10T01:00", "OZONE");
  const std::string l2 = Line("2", "2020-08-10T01:00", "PM2.5");
  const std::string l3 = Line("3", "2020-08-10T01:00", "OZONE");
  ASSERT_EQ(ParseLine(l1, &row).kind, LineKind::kStored);
  a.Add(row);
  ASSERT_EQ(ParseLine(l2, &row).kind, LineKind::kStored);
  b.Add(row);
  ASSERT_EQ(ParseLine(l3, &row).kind, LineKind::kStored);
  b.Add(row);
  a.Append(b);
  const engine::Column& p = At(a, Col::kParameter);
  ASSERT_EQ(a.rows(), 3u);
  EXPECT_EQ(p.dict[p.codes[0]], "OZONE");
  EXPECT_EQ(p.dict[p.codes[1]], "PM2.5");
  EXPECT_EQ(p.dict[p.codes[2]], "OZONE");
  EXPECT_EQ(p.dict.size(), 2u);
}

}  // namespace
}  // namespace plume::preprocess
