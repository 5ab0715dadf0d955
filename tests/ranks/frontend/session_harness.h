// Runs prompt and batch sessions against a FakeBackend with their descriptors on temporary
// files and a pipe, so tests can check exactly what a person or a script would see.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ranks/frontend/batch.h"
#include "ranks/frontend/prompt.h"
#include "tests/ranks/frontend/fake_backend.h"

namespace plume::frontend::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TempFile {
 public:
  TempFile() {
    char name[] = "/tmp/plume_gateway_testXXXXXX";
    fd_ = mkstemp(name);
    path_ = name;
  }
  ~TempFile() {
    close(fd_);
    unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  std::string Text() const { return ReadFile(path_); }

 private:
  int fd_;
  std::string path_;
};

struct Captured {
  std::string out, err;
  int code = -1;
};

// Each input line is written `delay` seconds after the previous one; then stdin closes.
using TimedInput = std::vector<std::pair<double, std::string>>;

// `frames`: as behind plume-launcher (ConsoleIo::frames).
inline Captured RunPrompt(FakeBackend& backend, const TimedInput& input, bool person = false,
                          bool progress = false, Settings settings = {}, bool frames = false) {
  TempFile out, err;
  int fds[2];
  if (pipe(fds) != 0) return {};
  std::thread writer([&] {
    for (const auto& [delay, line] : input) {
      std::this_thread::sleep_for(std::chrono::duration<double>(delay));
      std::string text = line + "\n";
      if (write(fds[1], text.data(), text.size()) < 0) break;
    }
    close(fds[1]);
  });
  ConsoleIo io{fds[0], out.fd(), err.fd(), person, progress, frames};
  if (!settings.output) {  // the session's screen: the table is cut there as at a terminal
    settings.output = std::make_shared<OutputTarget>(out.fd(), "standard output", false);
    settings.screen = settings.output;
  }
  Captured c;
  {
    PromptSession session(backend, std::move(settings), io);
    c.code = session.Run();
  }
  writer.join();
  close(fds[0]);
  c.out = out.Text();
  c.err = err.Text();
  return c;
}

inline Captured RunBatch(FakeBackend& backend, const CliOptions& options, bool progress = false) {
  TempFile err;
  ConsoleIo io{-1, -1, err.fd(), false, progress};
  std::string error;
  std::optional<Settings> settings = SettingsFromOptions(options, &error);
  Captured c;
  if (!settings) {
    c.err = error;
    return c;
  }
  BatchSession session(backend, std::move(*settings), options, io);
  c.code = session.Run();
  c.err = err.Text();
  return c;
}

// Counts occurrences of `needle` in `text`.
inline int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (std::size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

}  // namespace plume::frontend::testing
