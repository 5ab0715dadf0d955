#include "ranks/frontend/utf8.h"

#include <gtest/gtest.h>

#include "ranks/frontend/format.h"

namespace plume::frontend {
namespace {

TEST(Utf8, ValidSequencesAndTheInvalidOnes) {
  EXPECT_EQ(Utf8Length("a", 0), 1u);
  EXPECT_EQ(Utf8Length("\xC3\xA9", 0), 2u);          // é
  EXPECT_EQ(Utf8Length("\xE6\x97\xA5", 0), 3u);      // 日
  EXPECT_EQ(Utf8Length("\xF0\x9F\x94\xA5", 0), 4u);  // 🔥
  EXPECT_EQ(Utf8Length("\x80", 0), 0u);              // stray continuation
  EXPECT_EQ(Utf8Length("\xC0\xAF", 0), 0u);          // overlong '/'
  EXPECT_EQ(Utf8Length("\xED\xA0\x80", 0), 0u);      // surrogate
  EXPECT_EQ(Utf8Length("\xE6\x97", 0), 0u);          // cut short
  EXPECT_EQ(Utf8Length("\xF4\x90\x80\x80", 0), 0u);  // > U+10FFFF
}

TEST(Utf8, ValidUtf8ReplacesBadBytesAndShowsNul) {
  EXPECT_EQ(ValidUtf8("AS \xE6\x97\xA5\xE6\x97"), "AS \xE6\x97\xA5\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ValidUtf8(std::string("a\0b", 3)), "a\\0b");
}

TEST(Utf8, VisibleTextEscapesControlsForTheTerminal) {
  EXPECT_EQ(VisibleText("a\x1b[31mred\x07"), "a\\x1b[31mred\\x07");
  EXPECT_EQ(VisibleText("tab\there\nnl"), "tab\\there\\nnl");
  EXPECT_EQ(VisibleText("\x7f"), "\\x7f");
  EXPECT_EQ(VisibleText("\xC2\x9B"), "\\u009b");  // C1 CSI
  EXPECT_EQ(VisibleText("caf\xC3\xA9 \xFF"), "caf\xC3\xA9 \\xff");
}

TEST(Utf8, JsonStringsAreAlwaysValidUtf8) {
  std::string out;
  AppendJsonQuoted(out, "ok \xC3\xA9 bad \xFF\xFE \x01 \"q\"");
  EXPECT_EQ(out, "\"ok \xC3\xA9 bad \\ufffd\\ufffd \\u0001 \\\"q\\\"\"");
}

}  // namespace
}  // namespace plume::frontend
