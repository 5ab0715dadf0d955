// A temporary file of length-prefixed records that is removed however its owner goes (success,
// error, cancel, deadline): the window stage's spill (ranks/window_spill.h) writes the rows a
// rank cannot hold into such files and reads them back one bucket at a time.
// Ownership: the SpillFile owns its FILE* and its path; the destructor closes and unlinks (it
// never throws). Move-only. One thread at a time (a data rank's loop; the reaper's thread may
// run the destructor). Errors: Create, Append, Rewind and Next throw std::runtime_error naming
// the file and the system's reason ("No space left on device", "Permission denied").
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace plume::io {

class SpillFile {
 public:
  // Creates a new empty file "plume-spill-<host>-<pid>-XXXXXX" (mkstemp; io/spill_dir.h) in `dir`;
  // `what` names its use in errors ("the spill of stage 1 of 2 ('window 1') on rank 3").
  static SpillFile Create(const std::string& dir, const std::string& what);
  SpillFile() = default;
  ~SpillFile();
  SpillFile(SpillFile&& other) noexcept;
  SpillFile& operator=(SpillFile&& other) noexcept;
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends one record (buffered: a write error may show only at Rewind).
  void Append(std::string_view record);
  // Flushes and goes back to the first record (then Next reads; no Append after it).
  void Rewind();
  // Reads the next record into *record; false at the end. Throws on a read error or a record
  // cut short.
  bool Next(std::string* record);
  // Closes and removes the file now (as the destructor; idempotent).
  void Remove() noexcept;

  const std::string& path() const { return path_; }
  std::uint64_t bytes() const { return bytes_; }      // appended so far, prefixes included
  std::uint64_t records() const { return records_; }  // appended so far
  bool open() const { return file_ != nullptr; }

 private:
  [[noreturn]] void Fail(const std::string& doing, int error) const;
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  std::string path_;
  std::string what_;
  std::uint64_t bytes_ = 0;
  std::uint64_t records_ = 0;
};

}  // namespace plume::io
