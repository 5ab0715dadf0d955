#include "engine/simd.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace plume::engine {
namespace {

bool CpuHasAvx2() {
#if PLUME_HAVE_AVX2_KERNELS
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

KernelIsa Detect() {
  const char* want = std::getenv("PLUME_KERNELS");
  if (want != nullptr && std::strcmp(want, "baseline") == 0) return KernelIsa::kBaseline;
  return CpuHasAvx2() ? KernelIsa::kAvx2 : KernelIsa::kBaseline;
}

std::atomic<KernelIsa>& Active() {
  static std::atomic<KernelIsa> isa{Detect()};
  return isa;
}

}  // namespace

KernelIsa ActiveKernelIsa() { return Active().load(std::memory_order_relaxed); }

bool SetKernelIsaForTesting(KernelIsa isa) {
  if (isa == KernelIsa::kAvx2 && !CpuHasAvx2()) return false;
  Active().store(isa, std::memory_order_relaxed);
  return true;
}

}  // namespace plume::engine
