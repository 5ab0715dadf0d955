// Where result text goes: stdout or a file (OutputTarget), and one statement's share of it
// (OutputSlot), which writes straight through while it is "live" and otherwise holds its text
// (in memory up to 1 MiB, then in an unnamed temporary file) so that statements running at the
// same time never interleave their rows. Writes use write(2) and report failures (EPIPE,
// ENOSPC, ...) as "Error: writing results to X failed: ..." (or "the report", see
// OutputContent); nothing here throws.
// Single-threaded: used from the gateway's main thread only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace plume::frontend {

// What a target receives; it names the target in error messages.
enum class OutputContent {
  kResults,  // "Error: cannot open output file X: ...", "Error: writing results to X failed: ..."
  kReport,   // "Error: cannot write the report to X: ...", "Error: writing the report to X ..."
};

class OutputTarget {
 public:
  // "-" is stdout (not closed here); any other path is created or truncated. Returns nullptr
  // and sets *error when the file cannot be opened.
  static std::shared_ptr<OutputTarget> Open(const std::string& path, std::string* error,
                                            OutputContent content = OutputContent::kResults);
  // A target on an open descriptor; `owned`: closed by the destructor.
  OutputTarget(int fd, std::string name, bool owned,
               OutputContent content = OutputContent::kResults);
  ~OutputTarget();
  OutputTarget(const OutputTarget&) = delete;
  OutputTarget& operator=(const OutputTarget&) = delete;

  // Writes all of `data`; false with *error on failure. *written (when given) grows by the
  // bytes that reached the target, also when the write fails part way (disk full).
  bool Write(std::string_view data, std::string* error, std::uint64_t* written = nullptr);
  // The path, or "standard output" for "-"; what messages call this target.
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  bool is_stdout() const { return fd_ == 1; }
  // A write failed with EPIPE: the reader went away (`plume ... | head`).
  bool reader_gone() const { return reader_gone_; }

 private:
  int fd_;
  std::string name_;
  bool owned_;
  OutputContent content_;
  bool reader_gone_ = false;
};

class OutputSlot {
 public:
  OutputSlot(std::shared_ptr<OutputTarget> target, bool live);
  ~OutputSlot();
  OutputSlot(const OutputSlot&) = delete;
  OutputSlot& operator=(const OutputSlot&) = delete;

  bool Write(std::string_view data, std::string* error);
  // Writes everything held so far to the target; from then on writes go straight through.
  bool MakeLive(std::string* error);
  bool live() const { return live_; }
  // Bytes that reached the target (held text counts once MakeLive has written it).
  std::uint64_t bytes() const { return bytes_; }
  const OutputTarget& target() const { return *target_; }

 private:
  bool Spill(std::string* error);

  std::shared_ptr<OutputTarget> target_;
  bool live_;
  std::string held_;
  std::FILE* spill_ = nullptr;
  std::uint64_t bytes_ = 0;
};

// Writes text to a descriptor (console messages, progress); failures are ignored, since there
// is nobody left to tell.
void WriteFd(int fd, std::string_view text);

}  // namespace plume::frontend
