#include "ranks/frontend/backend.h"

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

}  // namespace plume::frontend
