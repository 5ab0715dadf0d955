// Runs a COPY ... TO's query (copy_statement.h) as the statement typed, as DuckDB does:
// - an error of the query names its place in what was typed ("(at character N)" and the
//   caret: CopySink maps the query's positions with TypedPosition);
// - the file is written beside its final name and put in its place only when every row was
//   written, so a COPY that fails or is cancelled leaves an existing file as it was and no
//   file otherwise (DuckDB's USE_TMP_FILE). A path that is not a regular file (a fifo,
//   /dev/stdout) is written directly.
// Main thread only, like every ResultSink.
#pragma once

#include <memory>
#include <string>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/copy_statement.h"
#include "ranks/frontend/output.h"

namespace plume::frontend {

// The file of one COPY: opened at `path`'s temporary neighbour (or at `path` itself, see
// above). nullptr and *error ("Error: cannot open output file PATH: ...") when it cannot be.
struct CopyFile {
  std::shared_ptr<OutputTarget> target;  // named `path` in messages
  std::string temp_path;                 // empty: written at its final path
  static CopyFile Open(const std::string& path, std::string* error);
};

// `info` of a COPY's query as the statement typed: its sql, and its error's position (also in
// the message's "(at character N)") mapped to the typed text (TypedPosition).
RequestInfo AsTyped(const RequestInfo& info, const std::string& typed, const CopyStatement& copy);

// What a COPY's sink needs besides the rows.
struct CopyRun {
  std::string typed;  // the statement as typed
  CopyStatement copy;
  CopyFile file;
};

class CopySink : public ForwardingSink {
 public:
  CopySink(CopyRun run, std::shared_ptr<ResultSink> inner);
  // A temporary file never put in place (End did not come) is removed.
  ~CopySink() override;
  CopySink(const CopySink&) = delete;
  CopySink& operator=(const CopySink&) = delete;

  void Begin(const RequestInfo& info) override;
  bool Chunk(const engine::Batch& chunk, const RequestInfo& info, std::string* error) override;
  // Moves the file into place when the statement completed and no write to it failed so far
  // (else, or when the rename fails, the statement fails, naming why), removes it otherwise;
  // then hands `inner` the request under the typed statement.
  void End(const RequestInfo& info) override;

 private:
  RequestInfo Typed(const RequestInfo& info) const;
  CopyRun run_;
};

}  // namespace plume::frontend
