// The output path's lifecycles and its whole-row rules (issue 9's leftovers 1, 3 and 4):
// OutputTarget and StatementSink states and their transitions, drops that never cut a row and
// say how many rows were not written, and held results made live without loading them into
// the writer's queue.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <algorithm>
#include <memory>
#include <string>
#include <thread>

#include "ranks/frontend/output.h"
#include "ranks/frontend/statement_sink.h"
#include "tests/ranks/frontend/fake_backend.h"

namespace plume::frontend {
namespace {

using State = OutputTarget::State;
using SinkState = StatementSink::State;

TEST(OutputLifecycle, TargetTransitionsAreTheDocumentedOnesOnly) {
  const State all[] = {State::kOpen, State::kClosing, State::kGivenUp, State::kClosed};
  int allowed = 0;
  for (State from : all) {
    for (State to : all) allowed += OutputTarget::CanMove(from, to);
  }
  EXPECT_EQ(allowed, 4);
  EXPECT_TRUE(OutputTarget::CanMove(State::kOpen, State::kClosing));
  EXPECT_TRUE(OutputTarget::CanMove(State::kClosing, State::kGivenUp));
  EXPECT_TRUE(OutputTarget::CanMove(State::kClosing, State::kClosed));
  EXPECT_TRUE(OutputTarget::CanMove(State::kGivenUp, State::kClosed));
  EXPECT_FALSE(OutputTarget::CanMove(State::kClosed, State::kOpen));
  EXPECT_FALSE(OutputTarget::CanMove(State::kOpen, State::kClosed)) << "closing drains first";
}

TEST(OutputLifecycle, TargetGoesOpenToClosedOnceAndAStalledReaderIsGivenUp) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  OutputTarget target(fds[1], "pipe", /*owned=*/true);
  EXPECT_EQ(target.state(), State::kOpen);
  std::string error;
  const std::string chunk(1 << 16, 'r');
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(target.Write(chunk, &error)) << error;  // unread
  EXPECT_TRUE(target.Close(&error)) << error;  // gives up on the reader after kCloseStall
  EXPECT_EQ(target.state(), State::kClosed);
  EXPECT_TRUE(target.Close(&error)) << "a second Close does nothing";
  EXPECT_EQ(target.state(), State::kClosed);
  ::close(fds[0]);
}

TEST(OutputLifecycle, SinkTransitionsAreTheDocumentedOnesOnly) {
  const SinkState all[] = {SinkState::kWaiting, SinkState::kStreaming, SinkState::kEnded,
                           SinkState::kDropped};
  int allowed = 0;
  for (SinkState from : all) {
    for (SinkState to : all) allowed += StatementSink::CanMove(from, to);
  }
  EXPECT_EQ(allowed, 4);
  EXPECT_TRUE(StatementSink::CanMove(SinkState::kWaiting, SinkState::kStreaming));
  EXPECT_TRUE(StatementSink::CanMove(SinkState::kWaiting, SinkState::kEnded));
  EXPECT_TRUE(StatementSink::CanMove(SinkState::kStreaming, SinkState::kEnded));
  EXPECT_TRUE(StatementSink::CanMove(SinkState::kEnded, SinkState::kDropped));
  EXPECT_FALSE(StatementSink::CanMove(SinkState::kStreaming, SinkState::kDropped));
}

engine::Batch Numbers(std::int64_t from, std::size_t n) {
  std::vector<std::int64_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = from + static_cast<std::int64_t>(i);
  return testing::BatchBuilder().Ints("n", v).batch();
}

RequestInfo Info(RequestState state) {
  RequestInfo info;
  info.state = state;
  info.fields = {{"n", engine::Type::kInt64}};
  return info;
}

// Begin, chunks, End: each once, in order; a second End changes nothing.
TEST(OutputLifecycle, SinkWalksItsStatesOnceEach) {
  std::string path = "/tmp/plume_sink_stateXXXXXX";
  const int fd = ::mkstemp(path.data());
  ASSERT_GE(fd, 0);
  auto target = std::make_shared<OutputTarget>(fd, path, true);
  double now = 0;
  StatementSink sink(
      MakeFormatter("csv"), std::make_unique<OutputSlot>(target, true), [&] { return now; }, 0);
  EXPECT_EQ(sink.state(), SinkState::kWaiting);
  sink.Begin(Info(RequestState::kRunning));
  EXPECT_EQ(sink.state(), SinkState::kStreaming);
  sink.Begin(Info(RequestState::kRunning));  // ignored: the header is written once
  std::string error;
  ASSERT_TRUE(sink.Chunk(Numbers(1, 3), Info(RequestState::kRunning), &error)) << error;
  sink.End(Info(RequestState::kCompleted));
  EXPECT_EQ(sink.state(), SinkState::kEnded);
  sink.End(Info(RequestState::kFailed));  // ignored
  for (int i = 0; i < 200 && !sink.finished(); ++i) usleep(5000);
  EXPECT_TRUE(sink.finished());
  EXPECT_FALSE(sink.DropUnwritten()) << "nothing left to drop";
  EXPECT_EQ(sink.state(), SinkState::kEnded);
  EXPECT_EQ(sink.Record().status, "completed");
  ASSERT_TRUE(target->Close(&error)) << error;
  std::string text(64, '\0');
  const int in = ::open(path.c_str(), O_RDONLY);
  text.resize(static_cast<std::size_t>(::read(in, text.data(), text.size())));
  ::close(in);
  ::unlink(path.c_str());
  EXPECT_EQ(text, "n\n1\n2\n3\n");
}

// A pipe nobody reads until told: what the statement wrote and what the reader saw.
class Pipe {
 public:
  Pipe() {
    EXPECT_EQ(::pipe(fds_), 0);
    capacity_ = static_cast<std::size_t>(::fcntl(fds_[1], F_GETPIPE_SZ));
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  ~Pipe() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int write_fd() const { return fds_[1]; }
  std::size_t capacity() const { return capacity_; }
  // Reads until the pipe is empty and `done(text)`, or 5 s passed.
  template <typename Done>
  std::string ReadUntil(Done done) {
    char buffer[1 << 16];
    for (int i = 0; i < 1000; ++i) {
      const ssize_t n = ::read(fds_[0], buffer, sizeof buffer);
      if (n > 0) {
        text_.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (done(text_)) {
        // The writer may have written its last bytes between the empty read above and done():
        // take them too (a reader that stopped here saw a row cut short, a flaky failure).
        ssize_t m;
        while ((m = ::read(fds_[0], buffer, sizeof buffer)) > 0) {
          text_.append(buffer, static_cast<std::size_t>(m));
        }
        break;
      }
      usleep(5000);
    }
    return text_;
  }

 private:
  int fds_[2];
  std::size_t capacity_;
  std::string text_;
};

// A csv sink on `target` that has queued `chunks` chunks of 10,000 rows (~70 KB each, more
// than the pipe takes, so the first is half written and the rest wait).
std::unique_ptr<StatementSink> CsvSinkWithChunks(const std::shared_ptr<OutputTarget>& target,
                                                 int chunks) {
  auto sink = std::make_unique<StatementSink>(
      MakeFormatter("csv"), std::make_unique<OutputSlot>(target, true), [] { return 0.0; }, 0);
  sink->Begin(Info(RequestState::kRunning));
  std::string error;
  for (int c = 0; c < chunks; ++c) {
    EXPECT_TRUE(
        sink->Chunk(Numbers(c * 10000 + 1000000, 10000), Info(RequestState::kRunning), &error))
        << error;
  }
  return sink;
}

// What the reader gets once the target owes nothing more, and its number of lines.
std::string ReadAllOwed(Pipe& pipe, const OutputTarget& target) {
  return pipe.ReadUntil(
      [&](const std::string&) { return target.Backlog() == 0 && target.queued_text() == 0; });
}
std::size_t Lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Leftover 3: a cancel while a chunk is half written finishes that chunk's rows and drops the
// chunks after it whole; the sink says how many rows were not written.
TEST(OutputWholeRows, CancelNeverCutsARowAndSaysHowManyWereNotWritten) {
  Pipe pipe;
  auto target = std::make_shared<OutputTarget>(pipe.write_fd(), "the pipe", false);
  auto owned = CsvSinkWithChunks(target, 5);
  StatementSink& sink = *owned;
  ASSERT_GT(sink.Backlog(), 0u);
  sink.End(Info(RequestState::kCancelled));
  EXPECT_TRUE(sink.finished()) << "the cancelled statement does not wait for its output";
  // The reader comes back: it gets whole lines only.
  const std::string got = ReadAllOwed(pipe, *target);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), '\n') << "a row was cut: ..." << got.substr(got.size() - 20);
  const std::uint64_t rows_written = Lines(got) - 1;  // the header
  EXPECT_EQ(rows_written % 10000, 0u) << "the half-written chunk is finished, the rest dropped";
  EXPECT_LT(rows_written, 50000u);
  const ExecutionRecord record = sink.Record();
  EXPECT_EQ(record.rows_not_written, 50000 - rows_written);
  EXPECT_EQ(record.rows, rows_written);
  EXPECT_EQ(sink.NotWrittenNote(),
            "Note: " + CountOf(50000 - rows_written, "row") +
                " were not written to the pipe: its output had not taken them when the "
                "statement ended (whole rows are dropped)\n");
}

// A completed statement whose reader stopped: \cancel (DropUnwritten) drops whole rows too.
TEST(OutputWholeRows, DropAfterCompletionKeepsWholeRows) {
  Pipe pipe;
  auto target = std::make_shared<OutputTarget>(pipe.write_fd(), "the pipe", false);
  auto owned = CsvSinkWithChunks(target, 4);
  StatementSink& sink = *owned;
  sink.End(Info(RequestState::kCompleted));
  EXPECT_FALSE(sink.finished()) << "a completed statement waits for its output";
  EXPECT_TRUE(sink.DropUnwritten());
  EXPECT_EQ(sink.state(), SinkState::kDropped);
  EXPECT_TRUE(sink.finished());
  const std::string got = ReadAllOwed(pipe, *target);
  EXPECT_EQ(got.back(), '\n');
  const std::size_t lines = Lines(got);
  EXPECT_EQ((lines - 1) % 10000, 0u);
  EXPECT_EQ(sink.Record().rows_not_written, 40000 - (lines - 1));
}

// Leftover 1: a held result far bigger than the queue's bound is made live as its temporary
// file; the writer's queue holds at most the in-memory part (<= 1 MiB), and the reader gets
// every byte in order.
TEST(OutputHeld, MakingABigHeldResultLiveKeepsTheQueueBounded) {
  Pipe pipe;
  auto target = std::make_shared<OutputTarget>(pipe.write_fd(), "the pipe", false);
  OutputSlot slot(target, false);
  std::string error, sent;
  for (int i = 0; i < 20000; ++i) {  // ~8 MiB of 400-byte rows
    const std::string row = std::to_string(i) + "," + std::string(400, 'a' + i % 26) + "\n";
    ASSERT_TRUE(slot.Write(row, &error, 1)) << error;
    sent += row;
  }
  ASSERT_TRUE(slot.MakeLive(&error)) << error;
  EXPECT_LE(target->queued_text(), std::uint64_t{1} << 20)
      << "the held result was loaded into the writer's queue";
  EXPECT_EQ(target->accepted(), sent.size());
  const std::string got =
      pipe.ReadUntil([&](const std::string& text) { return text.size() >= sent.size(); });
  EXPECT_EQ(got.size(), sent.size());
  EXPECT_TRUE(got == sent) << "held text out of order";
  EXPECT_EQ(slot.bytes(), sent.size());
  EXPECT_EQ(slot.Backlog(), 0u);
}

// ... and abandoning it while the file is being written stops at a row's end.
TEST(OutputHeld, AbandoningALiveHeldResultStopsAtAUnitEnd) {
  Pipe pipe;
  auto target = std::make_shared<OutputTarget>(pipe.write_fd(), "the pipe", false);
  OutputSlot slot(target, false);
  std::string error;
  std::uint64_t rows = 0;
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(slot.Write(std::to_string(i) + "," + std::string(400, 'b') + "\n", &error, 1));
    ++rows;
  }
  ASSERT_TRUE(slot.MakeLive(&error)) << error;
  for (int i = 0; i < 100 && target->written() == 0; ++i) usleep(5000);  // the writer began
  slot.Abandon();
  EXPECT_EQ(slot.Backlog(), 0u);
  const std::string got = pipe.ReadUntil(
      [&](const std::string&) { return target->Backlog() == 0 && target->queued_text() == 0; });
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), '\n');
  std::size_t lines = 0;
  for (char ch : got) lines += ch == '\n';
  EXPECT_LT(lines, rows);
  EXPECT_EQ(slot.rows_dropped(), rows - lines);
}

// Rank 0's memory guard over the output (issue 12 item 4): a statement whose held text (memory
// and temporary file) passes --memory-limit fails naming rank 0 and the stage; below it, a
// refused chunk would still be a cancel (kCancelled), not a failure.
TEST(OutputMemoryGuard, HeldOutputPastTheLimitFailsTheStatement) {
  Pipe pipe;
  auto target = std::make_shared<OutputTarget>(pipe.write_fd(), "the pipe", false);
  StatementSink sink(
      MakeFormatter("csv"), std::make_unique<OutputSlot>(target, false), [] { return 0.0; }, 0);
  sink.set_memory_limit(std::uint64_t{1} << 20);
  sink.Begin(Info(RequestState::kRunning));
  EXPECT_EQ(sink.StopState(), RequestState::kCancelled);
  std::string error;
  int accepted = 0;  // chunks of 80,000 bytes after the 2-byte header: 13 fit in 1 MiB
  while (accepted < 100 && sink.Chunk(Numbers(accepted * 10000 + 1000000, 10000),
                                      Info(RequestState::kRunning), &error)) {
    ++accepted;
  }
  EXPECT_EQ(accepted, 13);
  EXPECT_EQ(error,
            "Error: gateway (rank 0): statement needs more than 1 MiB in the held output "
            "(--memory-limit)");
  EXPECT_EQ(sink.StopState(), RequestState::kFailed);
  EXPECT_EQ(target->accepted(), 0u) << "held text reached the output";
}

// The same for text queued for the writer thread while the reader does not read: the queue
// is held to kBacklogLimit by the backend, and a limit below it fails the statement.
TEST(OutputMemoryGuard, QueuedOutputPastTheLimitFailsTheStatement) {
  Pipe pipe;
  auto target = std::make_shared<OutputTarget>(pipe.write_fd(), "the pipe", false);
  StatementSink sink(
      MakeFormatter("csv"), std::make_unique<OutputSlot>(target, true), [] { return 0.0; }, 0);
  const std::uint64_t limit = 256 << 10;
  sink.set_memory_limit(limit);
  sink.Begin(Info(RequestState::kRunning));
  std::string error;
  int accepted = 0;
  while (accepted < 100 && sink.Chunk(Numbers(accepted * 10000 + 1000000, 10000),
                                      Info(RequestState::kRunning), &error)) {
    ++accepted;
  }
  EXPECT_LT(accepted, 100);
  EXPECT_GE(accepted, 1) << "the pipe takes the first chunk";
  EXPECT_GT(sink.Backlog(), limit);
  EXPECT_EQ(error,
            "Error: gateway (rank 0): statement needs more than 256 KiB in the output queue "
            "(--memory-limit)");
  EXPECT_EQ(sink.StopState(), RequestState::kFailed);
  sink.End(Info(RequestState::kFailed));  // drops the queued rows; the reader gets whole rows
  const std::string got = ReadAllOwed(pipe, *target);
  EXPECT_EQ(got.back(), '\n');
  EXPECT_EQ(target->Backlog(), 0u);
}

}  // namespace
}  // namespace plume::frontend
