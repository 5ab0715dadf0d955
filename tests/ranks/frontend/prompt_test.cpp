// Scripted prompt sessions against the fake backend, through a pipe like stdin under mpirun.
#include <gtest/gtest.h>

#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

constexpr char kAbcTable[] =
    " a | b\n"
    "---+---\n"
    " 1 | x\n"
    " 2 | y\n"
    " 3 | z\n"
    "(3 rows)\n";

class PromptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.AddResult("SELECT a, b FROM t",
                    BatchBuilder().Ints("a", {1, 2, 3}).Strings("b", {"x", "y", "z"}));
    fake_.AddError("SELEC oops", "Parser Error: syntax error at or near \"SELEC\"");
    std::vector<std::int64_t> n(5000);
    for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::int64_t>(i);
    fake_.AddResult("SELECT slow", BatchBuilder().Ints("n", n), 0.1);  // 5 chunks, 0.5 s
    n.resize(20000);
    fake_.AddResult("SELECT slower", BatchBuilder().Ints("n", n), 0.1);  // 20 chunks, 2 s
  }
  FakeBackend fake_;
};

TEST_F(PromptTest, ScriptedSessionEndsCleanlyAtEof) {
  Captured c = RunPrompt(fake_, {{0, "SELECT a,"},
                                 {0, "  b FROM t;"},
                                 {0, "SELEC oops;"},
                                 {0, "SELECT a, b FROM t;"},
                                 {0, "SELECT slow &"},
                                 {0, "\\status"},
                                 {0, "\\list"},
                                 {0, "\\cancel 4"},
                                 {0, "\\chunk 2"},
                                 {0, "\\format csv"},
                                 {0, "SELECT a, b FROM t;"},
                                 {0, "\\bogus"}});
  EXPECT_EQ(c.code, 0);
  std::string expected_start = std::string(kAbcTable) +
                               "Parser Error: syntax error at or near \"SELEC\"\n" + kAbcTable +
                               "[4] started in the background\n" + "request 4: ";
  EXPECT_EQ(c.out.substr(0, expected_start.size()), expected_start) << c.out;
  EXPECT_NE(c.out.find("  SELECT slow\n"), std::string::npos) << c.out;  // \status
  EXPECT_NE(c.out.find(" id | state"), std::string::npos) << c.out;      // \list
  EXPECT_NE(c.out.find("\n  4 | "), std::string::npos) << c.out;
  // The cancelled announcement may come right after "Cancelling request 4." or after the
  // settings that follow, as the backend's answer and the next lines race: only the order of
  // the prompt's own lines is fixed.
  const std::size_t cancelling = c.out.find("Cancelling request 4.\n");
  ASSERT_NE(cancelling, std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Chunk size is 2 rows.\nOutput format is csv.\n", cancelling),
            std::string::npos)
      << c.out;
  EXPECT_NE(c.out.find("a,b\n1,x\n2,y\n3,z\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Error: unknown command '\\bogus'"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("[4] cancelled: "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find(" had arrived, not shown (cancelled by user)\n"), std::string::npos)
      << c.out;
  EXPECT_EQ(fake_.Status(4)->state, RequestState::kCancelled);
  EXPECT_EQ(fake_.Status(5)->chunks_delivered, 2u);  // \chunk 2 over 3 rows
  EXPECT_EQ(fake_.Status(5)->rows_delivered, 3u);
  EXPECT_FALSE(fake_.Busy());
  EXPECT_EQ(c.err, "");  // no person: no progress
}

TEST_F(PromptTest, PersonSeesPromptsAndAFreshPromptAfterAnError) {
  Captured c = RunPrompt(fake_, {{0, "SELECT a,"}, {0, "b FROM t;"}, {0, "SELEC oops;"}}, true);
  EXPECT_EQ(c.code, 0);
  EXPECT_EQ(c.out, std::string("plume>    ...> ") + kAbcTable + "plume> " +
                       "Parser Error: syntax error at or near \"SELEC\"\nplume> \n");
}

TEST_F(PromptTest, InterruptLineCancelsTheForegroundStatement) {
  auto start = std::chrono::steady_clock::now();
  Captured c = RunPrompt(fake_, {{0, "SELECT slower;"}, {0.2, "\x03"}, {0, "SELECT a, b FROM t;"}});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(c.code, 0);
  // The rows that came before the cancel, marked incomplete, then the error and the next result.
  std::string tail = std::string(" rows, 50 shown (\\maxrows 0 shows all); incomplete)\n") +
                     "Error: statement cancelled: cancelled by user (Ctrl-C)\n" + kAbcTable;
  ASSERT_GE(c.out.size(), tail.size());
  EXPECT_EQ(c.out.substr(c.out.size() - tail.size()), tail) << c.out;
  EXPECT_EQ(fake_.Status(1)->state, RequestState::kCancelled);
  EXPECT_LT(seconds, 1.5);  // did not wait for the 2 s statement
}

TEST_F(PromptTest, InterruptLineAtThePromptClearsTheLine) {
  Captured c = RunPrompt(fake_, {{0, "SELECT a,"}, {0, "\x03"}, {0, "SELECT a, b FROM t;"}}, true);
  EXPECT_EQ(c.out, std::string("plume>    ...> plume> ") + kAbcTable + "plume> \n");
  EXPECT_EQ(fake_.submitted(), 1);
}

TEST_F(PromptTest, EofLetsBackgroundStatementsFinish) {
  Captured c = RunPrompt(fake_, {{0, "SELECT slow &"}, {0, "SELECT a, b FROM t;"}});
  EXPECT_EQ(c.code, 0);
  EXPECT_EQ(fake_.Status(1)->state, RequestState::kCompleted);
  std::string done = "[1] completed: 5,000 rows | 5 chunks | ";
  ASSERT_NE(c.out.find(done), std::string::npos) << c.out;
  // The foreground result comes first; the background one after its notice, cut to 50 rows.
  EXPECT_LT(c.out.find(kAbcTable), c.out.find(done));
  EXPECT_NE(c.out.find("(5,000 rows, 50 shown (\\maxrows 0 shows all))\n"), std::string::npos)
      << c.out;
}

// A background statement the user cancels says how many rows it had and shows none of them.
TEST_F(PromptTest, CancelledBackgroundStatementSaysHowManyRowsItHad) {
  Captured c = RunPrompt(fake_, {{0, "SELECT slow &"}, {0.25, "\\cancel 1"}});
  EXPECT_EQ(c.code, 0);
  EXPECT_EQ(fake_.Status(1)->state, RequestState::kCancelled);
  std::size_t at = c.out.find("[1] cancelled: ");
  ASSERT_NE(at, std::string::npos) << c.out;
  std::string rest = c.out.substr(at);
  EXPECT_NE(rest.find(" rows had arrived, not shown (cancelled by user)\n"), std::string::npos)
      << c.out;
  EXPECT_EQ(c.out.find("    n\n------\n"), std::string::npos) << c.out;  // no rows
}

// ... and shows them when asked (\cancel id show), as a failed statement's rows are shown.
TEST_F(PromptTest, CancelledBackgroundStatementShowsItsRowsWhenAsked) {
  Captured c =
      RunPrompt(fake_, {{0, "SELECT slow &"}, {0.25, "\\cancel 1 show"}, {0, "\\cancel 1 x"}});
  EXPECT_EQ(fake_.Status(1)->state, RequestState::kCancelled);
  EXPECT_NE(c.out.find("Error: \\cancel expects a request id, then optionally 'show'"),
            std::string::npos)
      << c.out;
  std::size_t at = c.out.find("[1] cancelled: Error: statement cancelled: cancelled by user\n");
  ASSERT_NE(at, std::string::npos) << c.out;
  EXPECT_NE(c.out.find("    n\n------\n", at), std::string::npos) << c.out;  // its rows
  EXPECT_NE(c.out.find("; incomplete)", at), std::string::npos) << c.out;
}

TEST_F(PromptTest, QuitCancelsBackgroundStatements) {
  Captured c = RunPrompt(fake_, {{0, "SELECT slow &"}, {0, "\\quit"}, {0, "SELECT a, b FROM t;"}});
  EXPECT_EQ(c.code, 0);
  EXPECT_EQ(fake_.Status(1)->state, RequestState::kCancelled);
  EXPECT_EQ(fake_.submitted(), 1);  // nothing after \quit runs
  EXPECT_NE(c.out.find(" had arrived, not shown (session ended (\\quit))"), std::string::npos)
      << c.out;
}

// \status counts in the singular when there is one, and \timeout echoes the deadline it was
// given, not one rounded to 0.00 s.
TEST_F(PromptTest, StatusAndTimeoutMessagesReadRight) {
  fake_.AddResult("SELECT one", BatchBuilder().Ints("n", {7}));
  Captured c = RunPrompt(fake_, {{0, "SELECT a, b FROM t;"},
                                 {0, "\\status"},
                                 {0, "SELECT one;"},
                                 {0, "\\status"},
                                 {0, "\\timeout 0.001"},
                                 {0, "\\timeout 2.5"},
                                 {0, "\\timeout 90"}});
  EXPECT_EQ(c.code, 0);
  EXPECT_NE(c.out.find("request 1: completed | 3 rows | 1 chunk | "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("request 2: completed | 1 row | 1 chunk | "), std::string::npos) << c.out;
  // Whether frames were compressed, and where compression is on (the fake world: nowhere).
  EXPECT_NE(c.out.find("  frames: 1 received, none compressed, "), std::string::npos) << c.out;
  EXPECT_NE(c.out.find(" bytes | compression: off\n"), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find("1 chunks"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Statement timeout is 0.001 s.\nStatement timeout is 2.5 s.\n"
                       "Statement timeout is 90 s.\n"),
            std::string::npos)
      << c.out;
}

TEST_F(PromptTest, FailedWriteCancelsTheRequestWithAMessage) {
  Captured c = RunPrompt(fake_, {{0, "\\format csv"},
                                 {0, "\\output /dev/full"},
                                 {0, "SELECT a, b FROM t;"},
                                 {0, "\\output -"}});
  EXPECT_EQ(c.code, 0);
  EXPECT_NE(c.out.find("Error: writing results to /dev/full failed: No space left on device\n"),
            std::string::npos)
      << c.out;
  EXPECT_EQ(fake_.Status(1)->state, RequestState::kCancelled);
  EXPECT_NE(c.out.find("Results go to standard output."), std::string::npos);
}

TEST_F(PromptTest, TimeoutTimingAndProgress) {
  Captured c = RunPrompt(fake_,
                         {{0, "\\timeout 0.15"},
                          {0, "SELECT slow;"},
                          {0, "\\timeout 0"},
                          {0, "\\timing on"},
                          {0, "SELECT slow;"}},
                         false, true);
  EXPECT_EQ(c.code, 0);
  EXPECT_NE(c.out.find("Statement timeout is 0.15 s.\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("timed out"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Timing is on.\n"), std::string::npos);
  EXPECT_NE(c.out.find(" ms\n"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Time: 5"), std::string::npos) << c.out;  // 0.5 s in milliseconds
  EXPECT_EQ(fake_.Status(1)->state, RequestState::kCancelled);
  EXPECT_EQ(fake_.Status(2)->state, RequestState::kCompleted);
  // The bar is redrawn in place on stderr, then closed with the statement's totals.
  EXPECT_NE(c.err.find("\r[#"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("/5 | rows "), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("\r\x1b[K5,000 rows | 5 chunks | "), std::string::npos) << c.err;
  EXPECT_EQ(c.out.find("\r"), std::string::npos);  // never in results
}

}  // namespace
}  // namespace plume::frontend::testing
