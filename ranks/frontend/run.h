// Entry point of the gateway's user-facing side, called by ranks/main.cpp on world rank 0 once
// the runtime is up. Runs the prompt (interactive), or the -c / -f statements (one-shot and
// batch mode), against `backend`, and returns the process exit code (0 only if every statement
// succeeded; stdin EOF at the prompt is a clean exit). Does not return before every statement
// it submitted has finished. Never throws for user errors.
#pragma once

#include <string>

#include "ranks/frontend/backend.h"
#include "ranks/frontend/options.h"

namespace plume::frontend {

int Run(Backend& backend, const CliOptions& options);

// How the banner and \\d name a manifest's source ("airnow-csv", "synthetic seed=1 rows=N"):
// "the AirNow CSV files (real measurements)", "SYNTHETIC data (...), not real measurements".
std::string DataSourceText(const std::string& source);

}  // namespace plume::frontend
