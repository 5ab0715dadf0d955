// plume-launcher: the terminal front of the plume prompt (launcher.h). scripts/plume-shell
// runs it at a terminal:
//   plume-launcher [--history FILE] [--tty] -- COMMAND [ARGS...]
// --tty: when stdout is not a terminal, draw the prompt and the job's output on /dev/tty.
#include <clocale>
#include <cstdio>
#include <exception>
#include <string>

#include "launcher/launcher.h"

int main(int argc, char** argv) {
  std::setlocale(LC_CTYPE, "");
  plume::launcher::LauncherOptions options;
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
    } else {
      std::fprintf(stderr,
                   "Usage: plume-launcher [--history FILE] [--tty] -- COMMAND [ARGS...]\n"
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
    plume::launcher::Launcher launcher(std::move(options));
    return launcher.Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "plume-launcher: Error: %s\n", e.what());
    return 1;
  }
}
