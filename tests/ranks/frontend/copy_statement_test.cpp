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

}  // namespace
}  // namespace plume::frontend
