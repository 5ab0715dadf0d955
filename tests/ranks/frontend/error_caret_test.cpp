#include "ranks/frontend/error_caret.h"

#include <gtest/gtest.h>

namespace plume::frontend {
namespace {

TEST(ErrorCaret, CaretUnderThePositionOnItsLine) {
  EXPECT_EQ(CaretLines("SELECT site_nme FROM measurements", 8),
            "LINE 1: SELECT site_nme FROM measurements\n"
            "               ^");
  EXPECT_EQ(CaretLines("SELECT aqi\nFROM measurement", 17),
            "LINE 2: FROM measurement\n"
            "             ^");
  EXPECT_EQ(CaretLines("SELEC 1", 1), "LINE 1: SELEC 1\n        ^");
  EXPECT_EQ(CaretLines("SELECT 1 FROM", 14), "LINE 1: SELECT 1 FROM\n                     ^");
  EXPECT_EQ(CaretLines("SELECT 1", 0), "");
  EXPECT_EQ(CaretLines("SELECT 1", 99), "");
}

TEST(ErrorCaret, CountsCharactersAndEscapesControls) {
  // 日本語 is 9 bytes, 3 columns: the caret under 'x' after it.
  EXPECT_EQ(CaretLines("SELECT 1 AS \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E x", 23),
            "LINE 1: SELECT 1 AS \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E x\n"
            "                        ^");
  EXPECT_EQ(CaretLines("SELECT '\x1b' x", 12), "LINE 1: SELECT '\\x1b' x\n                      ^");
}

TEST(ErrorCaret, LongLinesAreCutAroundThePosition) {
  std::string sql = "SELECT " + std::string(200, 'a') + " bad " + std::string(200, 'b');
  std::string text = CaretLines(sql, 209);  // the 'b' of "bad"
  std::size_t nl = text.find('\n');
  ASSERT_NE(nl, std::string::npos);
  std::string line = text.substr(0, nl), caret = text.substr(nl + 1);
  EXPECT_EQ(line.rfind("LINE 1: ...", 0), 0u) << line;
  EXPECT_LT(line.size(), 120u);
  EXPECT_EQ(line.substr(caret.size() - 1, 3), "bad") << text;
}

}  // namespace
}  // namespace plume::frontend
