// The prompt while its results output is slow or stuck (a reader that stopped reading): meta
// commands that run no SQL answer at once, a cancel drops whole rows and says how many, and the
// console's text keeps its place after the rows queued before it.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <atomic>
#include <cstring>
#include <thread>

#include "tests/ranks/frontend/session_harness.h"

namespace plume::frontend::testing {
namespace {

// A pipe for the results whose reader reads nothing until Start(), then everything.
class StuckReader {
 public:
  StuckReader() {
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

// Leftover 2: the console and the results share one terminal (a pty, as behind the launcher).
// A background result shown at the prompt goes out through the writer thread to a slow
// reader; the notice before it and the prompt after it must not land between its rows.
TEST_F(PromptOutputTest, PromptAndMessagesNeverLandBetweenRowsOnTheSameTerminal) {
  int master = -1, slave = -1;
  ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  termios raw{};
  ASSERT_EQ(::tcgetattr(slave, &raw), 0);
  ::cfmakeraw(&raw);  // no "\n" -> "\r\n": the bytes as written
  ASSERT_EQ(::tcsetattr(slave, TCSANOW, &raw), 0);
  std::atomic<bool> stop{false};
  std::string screen;
  std::thread slow_terminal([&] {  // takes 1 KiB every millisecond, after 0.3 s
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    char buffer[1024];
    while (!stop) {
      pollfd p{master, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const ssize_t n = ::read(master, buffer, sizeof buffer);
      if (n <= 0) break;
      screen.append(buffer, static_cast<std::size_t>(n));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  int in[2];
  ASSERT_EQ(::pipe(in), 0);
  std::thread typist([&] {
    for (const char* line : {"\\format csv\n", "SELECT big &\n"}) {
      if (::write(in[1], line, std::strlen(line)) < 0) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    const char* last = "\\status 1\n";
    if (::write(in[1], last, std::strlen(last)) < 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::close(in[1]);
  });
  {
    Settings settings;
    settings.output = std::make_shared<OutputTarget>(slave, "standard output", false);
    settings.screen = settings.output;
    ConsoleIo io{in[0], slave, slave, /*person=*/true, /*progress=*/false, /*frames=*/false};
    PromptSession session(fake_, std::move(settings), io);
    EXPECT_EQ(session.Run(), 0);
  }
  typist.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the terminal reads the rest
  stop = true;
  slow_terminal.join();
  ::close(in[0]);
  ::close(slave);
  ::close(master);
  const std::size_t header = screen.find("\nn\n0\n1000003\n");
  const std::string last_row = std::to_string(std::int64_t{49999} * 1000003) + "\n";
  const std::size_t last = screen.find(last_row);
  ASSERT_NE(header, std::string::npos) << screen.substr(0, 300);
  ASSERT_NE(last, std::string::npos)
      << screen.substr(screen.size() - std::min<std::size_t>(300, screen.size()));
  const std::string rows = screen.substr(header + 1, last + last_row.size() - header - 1);
  EXPECT_EQ(rows.find("plume>"), std::string::npos) << "a prompt between the rows";
  EXPECT_EQ(rows.find("request 1"), std::string::npos) << "\\status between the rows";
  EXPECT_LT(screen.find("[1] completed"), header) << "the notice comes before the rows";
  EXPECT_NE(screen.find("plume> ", last), std::string::npos) << "the prompt after the rows";
  EXPECT_NE(screen.find("request 1: completed", last), std::string::npos);
}

}  // namespace
}  // namespace plume::frontend::testing
