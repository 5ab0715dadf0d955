// The front end's two threads under load, for ThreadSanitizer (preset tsan, scripts/test --all):
// the line reader's thread against the caller's Pop/Stop, and the output writer thread against
// Write/Backlog/Drop/accepted/written from the main thread. Also correct without TSan: every
// line arrives once and in order, every byte written arrives once and in order.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "ranks/frontend/line_reader.h"
#include "ranks/frontend/output.h"

namespace plume::frontend {
namespace {

TEST(Threads, LineReaderDeliversEveryLineInOrderWhileTheWriterRuns) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  constexpr int kLines = 2000;
  std::thread writer([&] {
    for (int i = 0; i < kLines; ++i) {
      const std::string line = "SELECT " + std::to_string(i) + ";\n";
      ASSERT_EQ(::write(fds[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
    }
    ::close(fds[1]);
  });
  LineReader reader(fds[0]);
  std::string line;
  int next = 0;
  for (;;) {
    const LineReader::Result r = reader.Pop(&line, 1.0);
    if (r == LineReader::Result::kEof) break;
    if (r == LineReader::Result::kNone) continue;
    EXPECT_EQ(line, "SELECT " + std::to_string(next) + ";");
    ++next;
  }
  writer.join();
  EXPECT_EQ(next, kLines);
  reader.Stop();
  ::close(fds[0]);
}

TEST(Threads, LineReaderStopsWhileItsThreadWaitsForInput) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  for (int round = 0; round < 20; ++round) {
    LineReader reader(fds[0]);
    std::string line;
    EXPECT_EQ(reader.Pop(&line, 0.001), LineReader::Result::kNone);
    reader.Stop();  // the thread is blocked reading an idle pipe: Stop must wake and join it
  }
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(Threads, OutputWriterThreadDeliversEverythingInOrderToASlowReader) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string received;
  std::thread slow_reader([&] {
    char buffer[4096];
    while (true) {
      const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      received.append(buffer, static_cast<std::size_t>(n));
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  std::string sent;
  {
    OutputTarget target(fds[1], "pipe", /*owned=*/true);
    std::string error;
    for (int i = 0; i < 3000; ++i) {
      const std::string row = std::to_string(i) + ",OZONE,2020-08-31T21:00," +
                              std::string(static_cast<std::size_t>(i % 97), 'x') + "\n";
      ASSERT_TRUE(target.Write(row, &error)) << error;
      sent += row;
      EXPECT_LE(target.written(), target.accepted());
      (void)target.Backlog();
    }
    EXPECT_EQ(target.accepted(), sent.size());
  }  // the destructor lets the writer thread finish, then closes the pipe
  slow_reader.join();
  EXPECT_EQ(received, sent);
}

TEST(Threads, OutputWriterThreadDropsQueuedTextForAReaderThatStopped) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    OutputTarget target(fds[1], "pipe", /*owned=*/true);
    std::string error;
    const std::string chunk(1 << 16, 'r');
    for (int i = 0; i < 64; ++i) ASSERT_TRUE(target.Write(chunk, &error)) << error;  // unread
    target.Drop(0, target.accepted());
    for (int i = 0; i < 200 && target.Backlog() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(target.Backlog(), 0u) << "dropped text is no longer owed";
  }  // nothing is left to write: the writer thread ends without the reader
  ::close(fds[0]);
}

TEST(Threads, ClosingATargetWhoseReaderStoppedGivesUpOnceNotPerPiece) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const auto start = std::chrono::steady_clock::now();
  {
    OutputTarget target(fds[1], "pipe", /*owned=*/true);
    std::string error;
    const std::string chunk(1 << 16, 'r');
    for (int i = 0; i < 16; ++i) ASSERT_TRUE(target.Write(chunk, &error)) << error;  // unread
  }  // the destructor gives up on the stalled reader (2 s), not 2 s for each queued piece
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 6.0);
  ::close(fds[0]);
}

}  // namespace
}  // namespace plume::frontend
