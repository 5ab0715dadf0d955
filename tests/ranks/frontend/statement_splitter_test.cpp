#include "ranks/frontend/statement_splitter.h"

#include <gtest/gtest.h>

#include <vector>

namespace plume::frontend {
namespace {

std::vector<Piece> Split(const std::vector<std::string>& lines, bool finish = false) {
  StatementSplitter s;
  std::vector<Piece> out;
  Piece p;
  for (const std::string& line : lines) {
    s.AddLine(line);
    while (s.Next(&p)) out.push_back(p);
  }
  if (finish) s.Finish();
  while (s.Next(&p)) out.push_back(p);
  return out;
}

TEST(StatementSplitter, StatementsSpanLinesAndShareLines) {
  auto p = Split({"SELECT a", "FROM t", "WHERE x = 1;", "SELECT 1; SELECT 2;"});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].text, "SELECT a\nFROM t\nWHERE x = 1");
  EXPECT_EQ(p[1].text, "SELECT 1");
  EXPECT_EQ(p[2].text, "SELECT 2");
  for (const Piece& x : p) EXPECT_EQ(x.kind, Piece::Kind::kStatement);
}

TEST(StatementSplitter, SemicolonInsideStringsIdentifiersAndCommentsDoesNotSplit) {
  auto p = Split({"SELECT 'a;b', \"c;d\" -- not; here", "FROM t WHERE s = 'it''s;';"});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].text, "SELECT 'a;b', \"c;d\" \nFROM t WHERE s = 'it''s;'");
}

TEST(StatementSplitter, StringSpanningLinesKeepsStatementOpen) {
  StatementSplitter s;
  s.AddLine("SELECT 'a");
  EXPECT_TRUE(s.InStatement());
  s.AddLine("\\help';");
  Piece p;
  ASSERT_TRUE(s.Next(&p));
  EXPECT_EQ(p.kind, Piece::Kind::kStatement);
  EXPECT_EQ(p.text, "SELECT 'a\n\\help'");
}

TEST(StatementSplitter, TrailingAmpersandRunsInBackground) {
  auto p = Split({"SELECT count(*) FROM measurements &", "SELECT 1 & -- comment", "SELECT '&';"});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_TRUE(p[0].background);
  EXPECT_EQ(p[0].text, "SELECT count(*) FROM measurements");
  EXPECT_TRUE(p[1].background);
  EXPECT_EQ(p[1].text, "SELECT 1");
  EXPECT_FALSE(p[2].background);
}

// As in psql: a meta command acts at once, also inside a pending statement, which stays
// pending; inside a string literal a backslash line is part of the string.
TEST(StatementSplitter, MetaCommandsActAtOnceInsideAStatement) {
  auto p = Split({"  \\format csv", "SELECT 1,", "\\output x.csv", "2;", "SELECT 'a",
                  "\\not meta';", "\\list"});
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0].kind, Piece::Kind::kMeta);
  EXPECT_EQ(p[0].text, "\\format csv");
  EXPECT_EQ(p[1].kind, Piece::Kind::kMeta);
  EXPECT_EQ(p[1].text, "\\output x.csv");
  EXPECT_EQ(p[2].kind, Piece::Kind::kStatement);
  EXPECT_EQ(p[2].text, "SELECT 1,\n2");
  EXPECT_EQ(p[3].text, "SELECT 'a\n\\not meta'");
  EXPECT_EQ(p[4].kind, Piece::Kind::kMeta);
}

// DuckDB habits: ".mode csv" outside a statement is a meta piece (it gets a hint), so the
// lines after it are not swallowed into a statement.
TEST(StatementSplitter, DotCommandsDoNotStartAStatement) {
  auto p = Split({".mode csv", "\\format", "SELECT 1", ".5;"});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].kind, Piece::Kind::kMeta);
  EXPECT_EQ(p[0].text, ".mode csv");
  EXPECT_EQ(p[1].kind, Piece::Kind::kMeta);
  EXPECT_EQ(p[2].text, "SELECT 1\n.5");  // inside a statement, a '.' line is SQL
}

TEST(StatementSplitter, BlankAndCommentOnlyInputMakesNoStatement) {
  StatementSplitter s;
  s.AddLine("-- just a comment");
  EXPECT_FALSE(s.InStatement());
  s.AddLine(";");
  s.AddLine("   ");
  Piece p;
  EXPECT_FALSE(s.Next(&p));
  EXPECT_TRUE(IsBlankSql("  -- x\n -- y"));
  EXPECT_FALSE(IsBlankSql("-- x\nSELECT"));
}

TEST(StatementSplitter, FinishRunsAStatementWithoutSemicolon) {
  auto p = Split({"SELECT 1; SELECT", "2"}, true);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[1].text, "SELECT\n2");
}

TEST(StatementSplitter, ClearDropsThePendingStatement) {
  StatementSplitter s;
  s.AddLine("SELECT 'unterminated");
  EXPECT_TRUE(s.InStatement());
  s.Clear();
  EXPECT_FALSE(s.InStatement());
  s.AddLine("SELECT 2;");
  Piece p;
  ASSERT_TRUE(s.Next(&p));
  EXPECT_EQ(p.text, "SELECT 2");
}

TEST(StatementSplitter, CarriageReturnsAreIgnored) {
  auto p = Split({"SELECT 1;\r", "\\list\r"});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].text, "SELECT 1");
  EXPECT_EQ(p[1].text, "\\list");
}

}  // namespace
}  // namespace plume::frontend

namespace plume::frontend {
namespace {

// A statement over the limit is dropped with one error piece; the next line starts afresh.
TEST(StatementSplitter, OverlongStatementIsDroppedAndTheNextOneRuns) {
  StatementSplitter s(64);
  s.AddLine("SELECT " + std::string(40, 'a'));
  s.AddLine(std::string(40, 'b') + " FROM t;");
  s.AddLine("SELECT 2;");
  Piece p;
  ASSERT_TRUE(s.Next(&p));
  EXPECT_EQ(p.kind, Piece::Kind::kError);
  EXPECT_NE(p.text.find("longer than --max-statement-bytes"), std::string::npos) << p.text;
  ASSERT_TRUE(s.Next(&p));
  EXPECT_EQ(p.kind, Piece::Kind::kStatement);
  EXPECT_EQ(p.text, "SELECT 2");
  EXPECT_FALSE(s.Next(&p));
}

}  // namespace
}  // namespace plume::frontend
