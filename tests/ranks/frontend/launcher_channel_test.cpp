// Rank 0's half of the launcher channel (launcher_protocol.h): prompts as frames, the
// completion words once, columns lines after a resize; and the completion words themselves.
#include <gtest/gtest.h>

#include "engine/query.h"
#include "ranks/frontend/completion_words.h"
#include "ranks/frontend/launcher_protocol.h"
#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

std::string ColumnsLine(int n) {
  std::string line(kColumnsLinePrefix);
  return line.append(std::to_string(n));
}

// `text` without the launcher frames in it.
std::string WithoutFrames(std::string text) {
  for (std::size_t at = text.find(kFrameStart); at != std::string::npos;
       at = text.find(kFrameStart)) {
    text.erase(at, text.find(kFrameEnd, at) + 1 - at);
  }
  return text;
}

TEST(LauncherChannelTest, PromptsAreFramesAndTheWordsComeFirst) {
  FakeBackend fake;
  fake.AddResult("SELECT a FROM t", BatchBuilder().Ints("a", {7}));
  Captured c = RunPrompt(fake, {{0, "SELECT a"}, {0, "FROM t;"}}, true, false, {}, true);
  std::string main = LauncherFrame(kPromptFrame, "plume> ");
  std::string cont = LauncherFrame(kPromptFrame, "   ...> ");
  ASSERT_TRUE(c.out.starts_with(std::string(kFrameStart) + "words;measurements latitude")) << c.out;
  std::size_t words_end = c.out.find(kFrameEnd);
  std::string words = c.out.substr(0, words_end);
  EXPECT_NE(words.find(" site_name "), std::string::npos);
  EXPECT_NE(words.find(" quantile_cont "), std::string::npos);
  EXPECT_NE(words.find(" SELECT "), std::string::npos);
  EXPECT_NE(words.find(" \\output "), std::string::npos);
  EXPECT_EQ(Count(c.out, main), 2) << c.out;  // before the statement, and after it
  EXPECT_EQ(Count(c.out, cont), 1) << c.out;
  EXPECT_EQ(Count(c.out, "plume> "), 2) << "a prompt outside a frame: " << c.out;
  EXPECT_NE(c.out.find(cont + " a\n---\n 7\n(1 row)\n" + main), std::string::npos) << c.out;
}

TEST(LauncherChannelTest, WithoutTheLauncherPromptsArePlainText) {
  FakeBackend fake;
  Captured c = RunPrompt(fake, {{0, "\\x"}}, true);
  EXPECT_EQ(c.out.find(kFrameStart), std::string::npos) << c.out;
  EXPECT_TRUE(c.out.starts_with("plume> Expanded display is on.\nplume> ")) << c.out;
}

TEST(LauncherChannelTest, ColumnsLinesSetTheWidthUntilMaxwidthChoosesOne) {
  FakeBackend fake;
  Captured c = RunPrompt(fake,
                         {{0, ColumnsLine(93)},
                          {0, "\\maxwidth"},
                          {0, ColumnsLine(7)},  // too narrow to be a terminal: ignored
                          {0, ColumnsLine(12345678)},
                          {0, "\\maxwidth"},
                          {0, "\\maxwidth 50"},
                          {0, ColumnsLine(120)},
                          {0, "\\maxwidth"}},
                         true, false, {}, true);
  EXPECT_EQ(WithoutFrames(c.out),
            "The table may take 93 characters at the screen.\n"
            "The table may take 93 characters at the screen.\n"
            "The table may take 50 characters at the screen.\n"
            "The table may take 50 characters at the screen.\n");
}

// Every function word Tab offers is one the engine knows (an arity error is fine).
TEST(CompletionWordsTest, EveryFunctionIsKnownToTheEngine) {
  std::vector<std::string> words = CompletionWords();
  std::size_t functions = 0;
  for (std::size_t i = 14; i < words.size(); ++i) {  // after the table and its 13 columns
    const std::string& w = words[i];
    if (w[0] == '\\' || std::isupper(static_cast<unsigned char>(w[0]))) continue;
    ++functions;
    try {
      engine::Plan::Parse("SELECT " + w + "(aqi) FROM measurements");
    } catch (const engine::SqlError& e) {
      EXPECT_EQ(std::string(e.what()).find("unknown function"), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(functions, 30u);
}

}  // namespace
}  // namespace plume::frontend::testing
