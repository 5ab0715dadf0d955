// The spill of a window stage's share (ranks/window_run.h, docs/ARCHITECTURE.md "Spilling a
// window stage"): once the rows a data rank holds for a window stage pass --spill-threshold,
// WindowRun hands them, and every row it receives after, to a WindowSpill, which splits them by
// a hash of the PARTITION BY keys (engine::WindowStage::SplitBuckets) into `buckets` temporary
// files (io::SpillFile, under --spill-dir). After the last row, Step() computes the windows one
// bucket at a time: it reads the bucket's rows into a table, finishes it and computes its
// windows and the between() stages (engine::WindowStageSteps), each a bounded unit, and hands
// the bucket's result (the columns the reading stage reads) to TakeBucket, which the reading
// stage runs over before the next bucket is read (ranks/window_spill_reader.h), so a rank holds
// one bucket's rows instead of the whole share. Every window partition is whole in one bucket,
// so the windows' values are those of the share computed at once (only the rows' order
// differs, which no statement without ORDER BY fixes).
// Ownership: owns its files (removed as each bucket is read, the rest by the destructor: on a
// cancel, a deadline or an error too). `stage` must outlive it. Threading: none; nothing blocks
// but the files' writes and reads. Errors: Add and Step throw std::runtime_error with the
// system's reason when a file cannot be written or read (disk full, permission), and
// engine::StageMemoryError when one bucket with what the reader holds (set_held) passes
// --memory-limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch.h"
#include "engine/staged.h"
#include "engine/table.h"
#include "engine/window_stage.h"
#include "io/spill_file.h"

namespace plume::ranks {

// --spill-threshold and --spill-dir, as a data rank's window stages use them.
struct SpillOptions {
  std::uint64_t threshold = 0;  // bytes of a share held in memory before it spills; 0: never
  std::string dir;              // empty: io::SpillDir's default
  std::size_t buckets = 64;     // files per rank and stage
};

// A batch as one record of a spill file (its all-valid NULL maps dropped), and back; `scratch`
// is the caller's encoding buffer. NextBatch is false at the file's end.
void AppendBatch(engine::Batch batch, io::SpillFile* file, std::string* scratch);
bool NextBatch(io::SpillFile* file, engine::Batch* out, std::string* scratch);

class WindowSpill {
 public:
  // `reader`: the columns the reading stage reads (its needed_columns()); `memory_limit`: bytes
  // (0 = none) that one bucket's table and what the reader holds (set_held) together may hold;
  // `rank` names this rank in errors. Creates the files at once (throws when it cannot).
  WindowSpill(const engine::WindowStage& stage, const SpillOptions& options,
              std::uint64_t memory_limit, std::vector<std::string> reader, std::string rank);
  ~WindowSpill();
  WindowSpill(const WindowSpill&) = delete;
  WindowSpill& operator=(const WindowSpill&) = delete;

  // Writes `batch`'s rows (the stage's fields()) to their buckets' files.
  void Add(const engine::Batch& batch);
  // One bounded unit of the computation (the first call ends the writing): up to kStepRows rows
  // of a bucket read, or a step of its table's finishing or of its windows. False once a
  // bucket's result waits for TakeBucket, or every bucket was taken (done()).
  bool Step();
  // The next bucket's result (the table the reading stage reads over it, which the caller
  // keeps while it reads) into *out; false when none waits. The next Step reads the next one.
  bool TakeBucket(engine::Table* out);
  // Bytes the caller holds beside the bucket (the reading stage's state): the bucket's table
  // gets the rest of the limit.
  void set_held(std::uint64_t bytes) { held_ = bytes; }

  std::size_t buckets() const { return files_.size(); }
  // Where the files go, and what their errors name ("the spill of <stage> on <rank>").
  const std::string& dir() const { return dir_; }
  const std::string& what() const { return what_; }
  std::uint64_t rows() const { return rows_; }              // rows written
  std::uint64_t file_bytes() const { return file_bytes_; }  // bytes written, all buckets
  // The bytes the last bucket's table held.
  std::uint64_t bucket_bytes() const { return bucket_bytes_; }

  static constexpr std::size_t kStepRows = 16384;
  static constexpr std::size_t kFlushRows = 512;  // rows a bucket gathers before a write

 private:
  enum class Phase { kWrite, kRead, kFinish, kCompute, kWaiting, kDone };
  void Flush(std::size_t bucket);
  bool Read();
  std::uint64_t Rest() const;

  const engine::WindowStage& stage_;
  std::uint64_t memory_limit_;
  std::vector<std::string> reader_;
  std::string rank_;
  std::string what_;  // "the spill of <stage> on <rank>"
  std::string dir_;
  std::vector<io::SpillFile> files_;
  std::vector<engine::Batch> pending_;  // per bucket: rows not written yet
  std::vector<engine::Batch> parts_;    // SplitBuckets' scratch
  std::string record_;                  // encode/decode buffer
  Phase phase_ = Phase::kWrite;
  std::size_t bucket_ = 0;
  std::optional<engine::GatheredTable> bucket_table_;
  std::unique_ptr<engine::WindowStageSteps> computing_;
  engine::Table computed_;  // the current bucket's result, until TakeBucket
  std::uint64_t rows_ = 0, file_bytes_ = 0, bucket_bytes_ = 0, held_ = 0;
};

}  // namespace plume::ranks
