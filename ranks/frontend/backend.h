// The front end's view of the query runtime. ranks::Gateway (rank 0, MPI) implements it; the
// prompt, one-shot and batch modes (this directory, no MPI) only talk to this interface.
//
// Threading: every call is made from the gateway's main thread. Nothing here throws for a bad
// statement: failures arrive as RequestState::kFailed with a message containing "Error".
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/row_text.h"

namespace plume::frontend {

enum class RequestState { kQueued, kRunning, kCompleted, kCancelled, kFailed };
// "queued", "running", "completed", "cancelled", "failed".
std::string_view StateName(RequestState state);
// The error of a request that ran past its deadline (Options::timeout_s), the same from every
// Backend: "Error: statement timed out after 2.5 s (statement timeout)".
std::string TimeoutError(double timeout_s);
inline bool IsFinished(RequestState s) {
  return s == RequestState::kCompleted || s == RequestState::kCancelled ||
         s == RequestState::kFailed;
}

struct RankProgress {
  int rank = 0;  // world rank
  std::uint64_t rows_sent = 0;
  std::uint64_t rows_total = 0;
  bool done = false;
};

struct RequestInfo {
  std::uint64_t id = 0;
  std::string sql;
  RequestState state = RequestState::kQueued;
  std::string error;  // why it failed or was cancelled ("cancelled by user", "timed out ...")
  // For a statement error (engine::SqlError): its 1-based byte position in `sql`; 0 = none.
  // The front end draws a caret under the statement there.
  std::size_t error_position = 0;
  std::vector<engine::Field> fields;  // result columns, known from Begin on
  std::uint64_t rows_delivered = 0;
  std::uint64_t rows_total = 0;  // valid when rows_total_known
  bool rows_total_known = false;
  std::uint64_t chunks_delivered = 0;
  std::uint64_t chunks_total = 0;    // valid when rows_total_known
  std::uint64_t bytes_received = 0;  // frame bytes that reached the gateway (as sent: compressed)
  std::uint64_t frames_received = 0;
  std::uint64_t frames_compressed = 0;  // of frames_received: compressed on their last link
  bool cached = false;                  // answered from the gateway's result cache (CachingBackend)
  // Not kNone: each chunk is one string column holding each row's line in this format, made
  // by the data ranks (Options::row_text); fields are still the result's columns.
  engine::RowText row_text = engine::RowText::kNone;
  // Seconds on a steady clock shared by all RequestInfos of one run; < 0 means "not yet".
  double submitted_s = -1, started_s = -1, first_chunk_s = -1, finished_s = -1;
  std::vector<RankProgress> ranks;
  // A multi-stage statement (WITH, subqueries) runs its stages in order: `stage` (0-based) of
  // `stages` runs now, named stage_name ("daily", "subquery 1", "result"); ranks and the row
  // totals are those of the running stage.
  std::size_t stage = 0;
  std::size_t stages = 1;
  std::string stage_name;
};

// Consumer of one request's result: called on the gateway's main thread, chunks in order.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // Once, before the first chunk; info.fields holds the result's columns.
  virtual void Begin(const RequestInfo& info) = 0;
  // One chunk (at most the request's chunk_rows rows). Returning false with *error set cancels
  // the request with that message (for example a write that failed).
  virtual bool Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) = 0;
  // Exactly once, when the request reaches a finished state (also when it failed before Begin).
  virtual void End(const RequestInfo& info) = 0;
  // Bytes the sink accepted but its output has not taken yet (a slow or stuck reader). A
  // backend hands over no chunk while this is kBacklogLimit or more, and completes a request
  // only once it is 0, so a stuck output holds the request running: its deadline and cancel
  // still apply. Called on the gateway's main thread; must not block.
  virtual std::uint64_t Backlog() const { return 0; }
  static constexpr std::uint64_t kBacklogLimit = 4 << 20;
  // The state a request ends in when Chunk returned false: kCancelled (the output went away or
  // failed) unless the sink failed the statement itself (rank 0's memory guard: kFailed).
  virtual RequestState StopState() const { return RequestState::kCancelled; }
};

// A ResultSink that passes every call on to another one. Sinks that wrap another (the chart
// capture, the result cache's recorder) derive from it and override what they add, so none can
// forget a call the backend relies on (a missing Backlog made a stuck output look drained).
class ForwardingSink : public ResultSink {
 public:
  explicit ForwardingSink(std::shared_ptr<ResultSink> inner) : inner_(std::move(inner)) {}
  void Begin(const RequestInfo& info) override { inner_->Begin(info); }
  bool Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) override {
    return inner_->Chunk(chunk, info, error);
  }
  void End(const RequestInfo& info) override { inner_->End(info); }
  std::uint64_t Backlog() const override { return inner_->Backlog(); }
  RequestState StopState() const override { return inner_->StopState(); }

 protected:
  ResultSink& inner() const { return *inner_; }

 private:
  std::shared_ptr<ResultSink> inner_;
};

class Backend {
 public:
  struct Options {
    std::size_t chunk_rows = 1000;
    double timeout_s = 0;  // statement deadline; 0 = none
    // The output's format can take the rows as csv/json lines (Formatter::row_text): a backend
    // may then deliver them so (RequestInfo::row_text says whether it did).
    engine::RowText row_text = engine::RowText::kNone;
  };
  struct WorldInfo {
    int ranks = 0;
    std::vector<int> leaders;
    int partitions = 0;
    std::uint64_t rows = 0;
    // Where the data set came from, as its manifest says: "airnow-csv" (the real AirNow
    // files) or "synthetic seed=S rows=N"; empty when unknown.
    std::string source;
    // Identity of the data set being served (equal strings = the same rows): the result
    // cache's key includes it.
    std::string dataset;
    std::string compression = "off";  // e.g. "lz4 on 2 of 5 links (--compress auto)"
    // Rank 0's --memory-limit (bytes a statement may hold there; 0 = none): the front end
    // counts a statement's output queue, held text and result-cache copy against it.
    std::uint64_t memory_limit = 0;
  };

  virtual ~Backend() = default;
  // Queues a statement and returns its id. A statement that cannot run (parse error, queue
  // full) still gets an id and reaches sink->End as kFailed.
  virtual std::uint64_t Submit(const std::string& sql, const Options& options,
                               std::shared_ptr<ResultSink> sink) = 0;
  // Cancels a queued or running request; false when the id is unknown or already finished.
  virtual bool Cancel(std::uint64_t id, const std::string& reason) = 0;
  // Makes progress (receives, merges, hands chunks to sinks). When there is nothing to do it
  // waits up to max_wait_s without burning a core.
  virtual void Poll(double max_wait_s) = 0;
  virtual std::optional<RequestInfo> Status(std::uint64_t id) const = 0;
  // Tracked requests (running, queued, and finished ones younger than the TTL), by id.
  virtual std::vector<RequestInfo> List() const = 0;
  // Any request queued or running.
  virtual bool Busy() const = 0;
  virtual WorldInfo World() const = 0;
  // Seconds on the clock used by RequestInfo.
  virtual double Now() const = 0;
  // Non-empty once the runtime can run no statement any more (a rank was lost): every statement
  // fails with this message ("Error: rank 5 on team4-host has not answered for 10 s") and the
  // job is about to end, so a script stops submitting.
  virtual std::string Lost() const { return {}; }
};

}  // namespace plume::frontend
