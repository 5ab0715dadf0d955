// The spill of a window stage's share (ranks/window_run.h, docs/ARCHITECTURE.md "Spilling a
// window stage"): once the rows a data rank holds for a window stage pass --spill-threshold,
// WindowRun hands them, and every row it receives after, to a WindowSpill, which splits them by
// a hash of the PARTITION BY keys (engine::WindowStage::SplitBuckets) into `buckets` temporary
// files (io::SpillFile, under --spill-dir). After the last row, Step() computes the windows one
// bucket at a time: it reads the bucket's rows into a table, finishes it, computes its windows
// and the between() stages (engine::WindowStageSteps) and moves the columns the reading stage
// reads into the result, each a bounded unit, so a rank holds one bucket's rows plus the
// result's columns instead of the whole share. Every window partition is whole in one bucket,
// so the windows' values are those of the share computed at once (only the rows' order
// differs, which no statement without ORDER BY fixes).
// Ownership: owns its files (removed as each bucket is read, the rest by the destructor: on a
// cancel, a deadline or an error too). `stage` must outlive it. Threading: none; nothing blocks
// but the files' writes and reads. Errors: Add and Step throw std::runtime_error with the
// system's reason when a file cannot be written or read (disk full, permission), and
// engine::StageMemoryError when one bucket with the result passes --memory-limit.
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
  std::string dir;              // empty: DefaultSpillDir()
  std::size_t buckets = 64;     // files per rank and stage
};
// $TMPDIR when it is set and not empty, else /tmp.
std::string DefaultSpillDir();

class WindowSpill {
 public:
  // `reader`: the columns the reading stage reads (its needed_columns()); `memory_limit`: bytes
  // (0 = none) that one bucket's table and the result together may hold; `rank` names this rank
  // in errors. Creates the files at once (throws when it cannot).
  WindowSpill(const engine::WindowStage& stage, const SpillOptions& options,
              std::uint64_t memory_limit, std::vector<std::string> reader, std::string rank);
  ~WindowSpill();
  WindowSpill(const WindowSpill&) = delete;
  WindowSpill& operator=(const WindowSpill&) = delete;

  // Writes `batch`'s rows (the stage's fields()) to their buckets' files.
  void Add(const engine::Batch& batch);
  // One bounded unit of the computation (the first call ends the writing): up to kStepRows rows
  // of a bucket read, a step of its table's finishing or of its windows, or kStepRows rows of its
  // result moved. False once the result is there (then Take).
  bool Step();
  // The table the reading stage reads: the reader's columns of every bucket's result. Once.
  engine::Table Take() { return std::move(result_table_); }

  std::uint64_t rows() const { return rows_; }              // rows written
  std::uint64_t file_bytes() const { return file_bytes_; }  // bytes written, all buckets
  std::uint64_t result_bytes() const { return result_ ? result_->bytes() : held_result_; }
  // The most bytes one bucket's table held.
  std::uint64_t peak_bucket_bytes() const { return peak_bucket_; }

  static constexpr std::size_t kStepRows = 16384;
  static constexpr std::size_t kFlushRows = 512;  // rows a bucket gathers before a write

 private:
  enum class Phase { kWrite, kRead, kFinish, kCompute, kMove, kResult, kDone };
  void Flush(std::size_t bucket);
  bool Read();
  bool Move();
  void NextBucket();
  std::uint64_t Rest() const;

  const engine::WindowStage& stage_;
  std::uint64_t memory_limit_;
  std::vector<std::string> reader_;
  std::string rank_;
  std::string what_;  // "the spill of <stage> on <rank>"
  std::vector<io::SpillFile> files_;
  std::vector<engine::Batch> pending_;  // per bucket: rows not written yet
  std::vector<engine::Batch> parts_;    // SplitBuckets' scratch
  std::string record_;                  // encode/decode buffer
  Phase phase_ = Phase::kWrite;
  std::size_t bucket_ = 0;
  std::optional<engine::GatheredTable> bucket_table_;
  std::unique_ptr<engine::WindowStageSteps> computing_;
  engine::Table computed_;  // the current bucket's result
  std::size_t moved_ = 0;   // rows of computed_ moved into result_
  std::vector<std::size_t> kept_;
  std::optional<engine::GatheredTable> result_;
  engine::Table result_table_;
  std::uint64_t rows_ = 0, file_bytes_ = 0, peak_bucket_ = 0, held_result_ = 0;
};

}  // namespace plume::ranks
