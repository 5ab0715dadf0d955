#include "ranks/frontend/backend.h"

#include <cstdio>

namespace plume::frontend {

std::string_view StateName(RequestState state) {
  switch (state) {
    case RequestState::kQueued:
      return "queued";
    case RequestState::kRunning:
      return "running";
    case RequestState::kCompleted:
      return "completed";
    case RequestState::kCancelled:
      return "cancelled";
    case RequestState::kFailed:
      return "failed";
  }
  return "unknown";
}

std::string TimeoutError(double timeout_s) {
  char text[64];
  std::snprintf(text, sizeof(text), "%g", timeout_s);
  return "Error: statement timed out after " + std::string(text) + " s (statement timeout)";
}

}  // namespace plume::frontend
