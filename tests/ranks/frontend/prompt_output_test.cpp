// The prompt while its results output is slow or stuck (a reader that stopped reading): meta
// commands that run no SQL answer at once, a cancel drops whole rows and says how many, and the
// console's text keeps its place after the rows queued before it.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <atomic>
#include <csignal>
#include <thread>

#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

// A pipe for the results whose reader reads nothing until Start(), then everything.
class StuckReader {
 public:
  StuckReader() {
    std::signal(SIGPIPE, SIG_IGN);
    if (::pipe(fds_) != 0) fds_[0] = fds_[1] = -1;
  }
  ~StuckReader() {
    Stop();
    ::close(fds_[1]);
  }
  int write_fd() const { return fds_[1]; }
  // Starts reading after `delay_s`, until Stop().
  void Start(double delay_s) {
    thread_ = std::thread([this, delay_s] {
      std::this_thread::sleep_for(std::chrono::duration<double>(delay_s));
      char buffer[1 << 16];
      while (!stop_) {
        pollfd p{fds_[0], POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        const ssize_t n = ::read(fds_[0], buffer, sizeof buffer);
        if (n <= 0) break;
        text_.append(buffer, static_cast<std::size_t>(n));
      }
    });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fds_[0] >= 0) ::close(fds_[0]);
    fds_[0] = -1;
  }
  const std::string& text() const { return text_; }  // after Stop

 private:
  int fds_[2];
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::string text_;
};

class PromptOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::int64_t> n(50000);
    for (std::size_t i = 0; i < n.size(); ++i) n[i] = static_cast<std::int64_t>(i) * 1000003;
    fake_.AddResult("SELECT big", BatchBuilder().Ints("n", n));  // ~450 KB of csv
  }
  Settings StuckCsv(StuckReader& reader) {
    Settings settings;
    settings.format = "csv";
    settings.output = std::make_shared<OutputTarget>(reader.write_fd(), "the pipe", false);
    return settings;
  }
  FakeBackend fake_;
};

// Item 5 of issue 9's leftovers: \status typed while the foreground statement is stuck on its
// output answers at once, not after the statement ended (Ctrl-C here).
TEST_F(PromptOutputTest, StatusAnswersWhileTheForegroundStatementIsStuckWriting) {
  StuckReader reader;
  reader.Start(1.5);
  Captured c =
      RunPrompt(fake_, {{0, "SELECT big;"}, {0.3, "\\status"}, {0.3, "\\timing on"}, {0.3, "\x03"}},
                false, false, StuckCsv(reader));
  reader.Stop();
  const std::size_t status = c.out.find("request 1: ");
  const std::size_t timing = c.out.find("Timing is on.");
  const std::size_t cancel = c.out.find("cancelled by user (Ctrl-C)");
  ASSERT_NE(status, std::string::npos) << c.out;
  ASSERT_NE(timing, std::string::npos) << c.out;
  ASSERT_NE(cancel, std::string::npos) << c.out;
  EXPECT_LT(status, cancel) << "\\status waited for the stuck statement:\n" << c.out;
  EXPECT_LT(timing, cancel) << "\\timing waited for the stuck statement:\n" << c.out;
}

// Settings typed after a statement that is still waiting keep their turn.
TEST_F(PromptOutputTest, SettingsAfterTypedAheadStatementsKeepTheirTurn) {
  StuckReader reader;
  reader.Start(0.8);
  fake_.AddResult("SELECT one", BatchBuilder().Ints("n", {7}));
  Captured c = RunPrompt(fake_, {{0, "SELECT big;"}, {0.2, "SELECT one;"}, {0, "\\format json"}},
                         false, false, StuckCsv(reader));
  reader.Stop();
  EXPECT_NE(reader.text().find("n\n7\n"), std::string::npos) << "SELECT one was not csv";
}

}  // namespace
}  // namespace plume::frontend::testing
