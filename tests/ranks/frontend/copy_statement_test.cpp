#include "ranks/frontend/copy_statement.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace plume::frontend {
namespace {

CopyStatement Ok(const std::string& sql) {
  std::string error;
  EXPECT_TRUE(IsCopy(sql)) << sql;
  auto copy = ParseCopy(sql, &error);
  EXPECT_TRUE(copy.has_value()) << sql << ": " << error;
  return copy.value_or(CopyStatement{});
}

std::string Bad(const std::string& sql) {
  std::string error;
  auto copy = ParseCopy(sql, &error);
  EXPECT_FALSE(copy.has_value()) << sql;
  EXPECT_EQ(error.rfind("Error: ", 0), 0u) << error;
  return error;
}

TEST(CopyStatement, QueryFileFormatAndHeader) {
  CopyStatement c =
      Ok("COPY (SELECT site_name, max(aqi) FROM measurements GROUP BY 1) TO "
         "'top sites.csv' (FORMAT csv, HEADER)");
  EXPECT_EQ(c.query, "SELECT site_name, max(aqi) FROM measurements GROUP BY 1");
  EXPECT_EQ(c.path, "top sites.csv");
  EXPECT_EQ(c.format, "csv");
  EXPECT_TRUE(c.header);
  EXPECT_FALSE(Ok("copy (select 1) to 'x' (format 'CSV', header false)").header);
  EXPECT_EQ(Ok("COPY (SELECT ')' AS p) TO 'o.json'").format, "json");  // by extension
  EXPECT_EQ(Ok("COPY (SELECT ')' AS p) TO 'o.json'").query, "SELECT ')' AS p");
  EXPECT_EQ(Ok("COPY (SELECT 1) TO 'o.txt' (FORMAT json)").format, "json");
  EXPECT_EQ(Ok("COPY measurements TO 'all.csv'").query, "SELECT * FROM measurements");
  EXPECT_EQ(Ok("COPY (SELECT 1) TO 'it''s.csv'").path, "it's.csv");
}

TEST(CopyStatement, TildeIsTheHomeDirectory) {
  setenv("HOME", "/home/ana", 1);
  EXPECT_EQ(Ok("COPY (SELECT 1) TO '~/x.csv'").path, "/home/ana/x.csv");
}

TEST(CopyStatement, BadStatementsSayWhatIsWrong) {
  EXPECT_NE(Bad("COPY (SELECT 1) TO 'x' (FORMAT parquet)").find("parquet"), std::string::npos);
  EXPECT_NE(Bad("COPY (SELECT 1) TO 'x' (DELIMITER ';')").find("delimiter"), std::string::npos);
  EXPECT_NE(Bad("COPY measurements FROM 'x.csv'").find("read-only"), std::string::npos);
  Bad("COPY (SELECT 1 TO 'x'");
  Bad("COPY (SELECT 1) 'x'");
  Bad("COPY (SELECT 1) TO x.csv");
  Bad("COPY (SELECT 1) TO ''");
  Bad("COPY (SELECT 1) TO 'x' (HEADER maybe)");
  Bad("COPY (SELECT 1) TO 'x' (FORMAT csv");
  Bad("COPY (SELECT 1) TO 'x' (FORMAT csv) extra");
  Bad("COPY");
  EXPECT_FALSE(IsCopy("SELECT 1"));
  EXPECT_FALSE(IsCopy("copyright"));
}

// Positions in the query map back to the statement as typed (1-based, issue 13 item 4): the
// query in parentheses shifts; the made-up "SELECT * FROM " of a table points at its name.
TEST(CopyStatement, QueryPositionsMapToTheTypedText) {
  CopyStatement q = Ok("COPY (SELECT site_nme FROM measurements) TO 'x.csv'");
  EXPECT_EQ(TypedPosition(q, 8), 14u);  // site_nme
  EXPECT_EQ(TypedPosition(q, 0), 0u);
  CopyStatement t = Ok("copy  measurment TO 'x.csv'");
  EXPECT_EQ(t.query, "SELECT * FROM measurment");
  EXPECT_EQ(TypedPosition(t, 15), 7u);  // measurment
  EXPECT_EQ(TypedPosition(t, 1), 7u);   // SELECT: typed as the name
  EXPECT_EQ(TypedPosition(t, 17), 9u);
  // A quoted name is kept as typed ("" inside included).
  EXPECT_EQ(Ok("COPY \"measurements\" TO 'x'").query, "SELECT * FROM \"measurements\"");
  EXPECT_EQ(Ok("COPY \"a\"\"b\" TO 'x'").query, "SELECT * FROM \"a\"\"b\"");
  Bad("COPY \"measurements TO 'x'");
}

// COPY's own errors show the statement line with a caret under the place they name.
TEST(CopyStatement, OwnErrorsGetACaret) {
  EXPECT_EQ(Bad("COPY (SELECT 1) TO 'x' (FORMAT xml)"),
            "Error: COPY supports FORMAT csv or json, not 'xml' (at character 32)\n"
            "LINE 1: COPY (SELECT 1) TO 'x' (FORMAT xml)\n"
            "                                       ^");
  EXPECT_EQ(Bad("COPY (SELECT 1)\nINTO 'x'"),
            "Error: COPY expects TO 'file' after the query (at character 17)\n"
            "LINE 2: INTO 'x'\n"
            "        ^");
  EXPECT_EQ(Bad("COPY measurements TO x.csv"),
            "Error: COPY expects a file name in single quotes (at character 22)\n"
            "LINE 1: COPY measurements TO x.csv\n"
            "                             ^");
  EXPECT_NE(Bad("COPY (SELECT 1) TO 'x' (FORMAT csv, DELIMITER ';')")
                .find("(FORMAT and HEADER are) (at character 37)\n"),
            std::string::npos);
  // A reason that names no place gets no caret.
  EXPECT_EQ(Bad("COPY (SELECT 1 TO 'x'").find('\n'), std::string::npos);
}

}  // namespace
}  // namespace plume::frontend
