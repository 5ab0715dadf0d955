// plume-launcher: the terminal front of the plume prompt (launcher.h). scripts/plume-shell
// runs it at a terminal, and with --pipe in front of mpirun otherwise (piped_run.h):
//   plume-launcher [--history FILE] [--tty] -- COMMAND [ARGS...]
//   plume-launcher --pipe -- COMMAND [ARGS...]
// --tty: when stdout is not a terminal, draw the prompt and the job's output on /dev/tty.
// Either way it ends the job if it has not ended $PLUME_END_GRACE seconds after plume ended it
// (end_grace.h).
#include <clocale>
#include <cstdio>
#include <exception>
#include <string>

#include "launcher/end_grace.h"
#include "launcher/launcher.h"
#include "launcher/piped_run.h"

int main(int argc, char** argv) {
  std::setlocale(LC_CTYPE, "");
  plume::launcher::LauncherOptions options;
  bool piped = false;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "--history" && i + 1 < argc) {
      options.history_file = argv[++i];
    } else if (a == "--tty") {
      options.draw_on_tty = true;
    } else if (a == "--pipe") {
      piped = true;
    } else {
      std::fprintf(stderr,
                   "Usage: plume-launcher [--history FILE] [--tty] -- COMMAND [ARGS...]\n"
                   "       plume-launcher --pipe -- COMMAND [ARGS...]\n"
                   "plume-launcher: Error: unknown argument '%s'\n",
                   argv[i]);
      return 2;
    }
  }
  for (; i < argc; ++i) options.command.emplace_back(argv[i]);
  if (options.command.empty()) {
    std::fprintf(stderr, "plume-launcher: Error: no command after --\n");
    return 2;
  }
  if (options.history_file == "/dev/null") options.history_file.clear();
  try {
    const double grace = plume::launcher::EndGrace::FromEnvironment();
    if (piped) return plume::launcher::RunPiped(options.command, grace);
    options.end_grace_s = grace;
    plume::launcher::Launcher launcher(std::move(options));
    return launcher.Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "plume-launcher: Error: %s\n", e.what());
    return 1;
  }
}
