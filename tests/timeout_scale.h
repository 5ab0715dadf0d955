// The factor by which tests stretch their own time limits (peer timeouts, waits for an
// answer): PLUME_TIMEOUT_SCALE from the environment, set by scripts/test's asan and tsan steps
// (a -O0 sanitizer build runs 3-10x slower); 1 when unset or not a number >= 1. ctest's TIMEOUT
// follows the same variable (cmake/PlumeTimeoutScale.cmake). Only waits scale: what a test
// asserts about order or results does not.
#pragma once

#include <cstdlib>

namespace plume::testing {

inline double TimeoutScale() {
  const char* text = std::getenv("PLUME_TIMEOUT_SCALE");
  if (text == nullptr) return 1;
  char* end = nullptr;
  const double scale = std::strtod(text, &end);
  return end != text && *end == '\0' && scale >= 1 ? scale : 1;
}

}  // namespace plume::testing
