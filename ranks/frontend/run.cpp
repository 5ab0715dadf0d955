#include "ranks/frontend/run.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <string>

#include "ranks/frontend/batch.h"
#include "ranks/frontend/format.h"
#include "ranks/frontend/prompt.h"
#include "ranks/frontend/result_cache.h"

namespace plume::frontend {
namespace {

// Is a person typing? Under mpirun isatty() says nothing useful (stdin is a pipe, stdout a pty
// either way), so the launcher tells us with PLUME_TTY=1; without it, a terminal on stdin
// (plume started without mpirun) counts.
bool PersonPresent() {
  const char* tty = std::getenv("PLUME_TTY");
  if (tty != nullptr && *tty != '\0') return std::string(tty) != "0";
  return ::isatty(0) == 1;
}

// The terminal launcher (plume-launcher) reads our stdout: prompts as frames.
bool LauncherFrames() {
  const char* frames = std::getenv("PLUME_FRAMES");
  return frames != nullptr && std::string(frames) == "1";
}

}  // namespace

std::string DataSourceText(const std::string& source) {
  if (source == "airnow-csv") return "the AirNow CSV files (real measurements)";
  if (source.starts_with("synthetic")) {
    return "SYNTHETIC data (" + source + "), not real measurements";
  }
  return source.empty() ? "an unknown source" : source;
}

namespace {

std::string Banner(const Backend::WorldInfo& world) {
  std::string text = "plume: " + CountOf(world.ranks, "rank") + ", " +
                     CountOf(world.partitions, "partition") + ", " + CountOf(world.rows, "row") +
                     " in measurements, from " + DataSourceText(world.source) + ".\n";
  if (world.source.starts_with("synthetic")) {
    text +=
        "WARNING: these rows are generated; do not publish results from them. Run\n"
        "  plume-preprocess --input DIR_OF_AIRNOW_CSV --out DATA --partitions N\n"
        "and start with --data DATA for the real files.\n";
  }
  return text +
         "Statements end with ';'. \\help lists the commands; \\d the table; \\quit or "
         "Ctrl-D leaves.\n";
}

// Terminal width for the table format, from the launcher (PLUME_COLUMNS); 0 when unknown.
std::size_t TerminalColumns() {
  const char* text = std::getenv("PLUME_COLUMNS");
  if (text == nullptr) return 0;
  char* end = nullptr;
  long n = std::strtol(text, &end, 10);
  return (*text != '\0' && *end == '\0' && n >= 20 && n <= 10000) ? n : 0;
}

}  // namespace

int Run(Backend& runtime, const CliOptions& options) {
  // A reader that goes away (plume ... | head) must not kill the engine: writes then fail
  // with EPIPE and the request is cancelled with a message.
  std::signal(SIGPIPE, SIG_IGN);
  if (options.help) {
    WriteFd(1, CliUsage());
    return 0;
  }
  // Every statement goes through the result cache; --cache-size 0 makes it pass everything on.
  CachingBackend backend(runtime, options.cache_bytes, options.ttl_s);
  ConsoleIo io;
  io.person = PersonPresent();
  io.progress = options.progress.value_or(io.person);
  io.frames = io.person && options.interactive() && LauncherFrames();
  // mpirun forwards rank 0's stdout and stderr on separate channels and loses their relative
  // order (a bar cleared on stderr could erase the prompt printed after it on stdout), so at
  // the prompt with a person the bar shares the console stream; otherwise it is on stderr.
  if (io.person && options.interactive()) io.err_fd = io.out_fd;
  std::string error;
  std::optional<Settings> settings = SettingsFromOptions(options, &error);
  if (!settings) {
    WriteFd(2, error + "\n");
    return 1;
  }
  if (io.person && options.interactive()) {
    // `\output -` goes back to the screen, also when the results started elsewhere (--output,
    // which plume-shell uses when its stdout is redirected).
    settings->screen =
        settings->output->is_stdout() ? settings->output : OutputTarget::Open("-", &error);
    if (settings->screen && settings->screen != settings->output) {
      settings->screen->set_name("the terminal");
    }
  }
  if (std::size_t columns = TerminalColumns(); columns > 0 && io.person) {
    settings->max_width = columns;
  }
  try {
    if (!options.interactive()) {
      BatchSession session(backend, std::move(*settings), options, io);
      return session.Run();
    }
    if (io.person) WriteFd(io.out_fd, Banner(backend.World()));
    PromptSession session(backend, std::move(*settings), io);
    return session.Run();
  } catch (const std::exception& e) {
    WriteFd(2, std::string("Error: the front end stopped: ") + e.what() + "\n");
    return 1;
  }
}

}  // namespace plume::frontend
