// plume-launcher --pipe: the job (mpirun ... plume) with the launcher's own stdin and stdout,
// for scripts/plume-shell when stdin is not a terminal or with -c / -f. Its stderr is passed on
// unchanged (progress bars too) while EndGrace watches it for plume's "; ending the job", so
// that the end-grace has one implementation, here and at the terminal (launcher.h). Blocks
// until the job ended; returns EndGrace::ExitCode. Throws std::system_error when the job
// cannot be started.
#pragma once

#include <string>
#include <vector>

namespace plume::launcher {

int RunPiped(const std::vector<std::string>& command, double grace_s);

}  // namespace plume::launcher
