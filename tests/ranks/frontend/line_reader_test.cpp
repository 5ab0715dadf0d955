// The line reader's bounds: a line over the limit is skipped and reading resynchronises at the
// next line; an input that never ends (/dev/zero) does not grow memory.
#include "ranks/frontend/line_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace plume::frontend {
namespace {

std::size_t RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      std::size_t kib = 0;
      status >> kib;
      return kib;
    }
  }
  return 0;
}

TEST(LineReader, OverlongLineIsSkippedAndReadingResynchronises) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string input = "SELECT 1;\n" + std::string(1000, 'x') + "\nSELECT 2;\n";
  ASSERT_EQ(write(fds[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  close(fds[1]);
  LineReader reader(fds[0], 100);
  std::string line;
  EXPECT_EQ(reader.Pop(&line, 5), LineReader::Result::kLine);
  EXPECT_EQ(line, "SELECT 1;");
  EXPECT_EQ(reader.Pop(&line, 5), LineReader::Result::kTooLong);
  EXPECT_EQ(line,
            "Error: an input line of 1,000 bytes is longer than --max-statement-bytes (100 "
            "bytes); it was skipped, reading goes on at the next line");
  EXPECT_EQ(reader.Pop(&line, 5), LineReader::Result::kLine);
  EXPECT_EQ(line, "SELECT 2;");
  EXPECT_EQ(reader.Pop(&line, 5), LineReader::Result::kEof);
  close(fds[0]);
}

TEST(LineReader, EndlessInputWithoutNewlinesStaysBounded) {
  int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::size_t before = RssKiB();
  {
    LineReader reader(fd, 1 << 20);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // GB/s from /dev/zero
    std::string line;
    EXPECT_EQ(reader.Pop(&line, 0), LineReader::Result::kNone);  // no line ever completes
    EXPECT_LT(RssKiB(), before + 16 * 1024) << "rank 0 memory must stay bounded";
  }
  close(fd);
}

TEST(LineReader, AFloodOfLinesWaitsForTheReader) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread writer([&] {
    std::string lines;
    for (int i = 0; i < 4096; ++i) lines += "SELECT 1;\n";
    for (int i = 0; i < 2000; ++i) {  // 80 MB offered
      if (write(fds[1], lines.data(), lines.size()) < 0) break;
    }
  });
  std::size_t before = RssKiB();
  {
    LineReader reader(fds[0], 1 << 16);  // at most 4 x 64 KiB queued
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_LT(RssKiB(), before + 16 * 1024);
    std::string line;
    EXPECT_EQ(reader.Pop(&line, 1), LineReader::Result::kLine);
    reader.Stop();
  }
  close(fds[0]);  // the writer's next write fails with EPIPE and it ends
  writer.join();
  close(fds[1]);
}

}  // namespace
}  // namespace plume::frontend
