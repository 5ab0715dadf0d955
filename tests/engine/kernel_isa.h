// Tests that run a kernel on every instruction set this CPU can take (engine/simd.h): each
// answer must not depend on which one ran.
#pragma once

#include <vector>

#include "engine/simd.h"

namespace plume::engine::testing {

// The instruction sets SetKernelIsaForTesting accepts here (the baseline always).
inline std::vector<KernelIsa> AvailableIsas() {
  const KernelIsa was = ActiveKernelIsa();
  std::vector<KernelIsa> out = {KernelIsa::kBaseline};
  if (SetKernelIsaForTesting(KernelIsa::kAvx2)) out.push_back(KernelIsa::kAvx2);
  SetKernelIsaForTesting(was);
  return out;
}

// Sets the kernels' instruction set for a scope and restores the one before.
class ScopedKernelIsa {
 public:
  explicit ScopedKernelIsa(KernelIsa isa) : was_(ActiveKernelIsa()) { SetKernelIsaForTesting(isa); }
  ~ScopedKernelIsa() { SetKernelIsaForTesting(was_); }
  ScopedKernelIsa(const ScopedKernelIsa&) = delete;
  ScopedKernelIsa& operator=(const ScopedKernelIsa&) = delete;

 private:
  KernelIsa was_;
};

}  // namespace plume::engine::testing
